import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { api, createIdentity, drainStream, mailbox, seed, signIn } from '../support/local-stack';

/**
 * SPEC §2 scenarios 8 and 1, as a client lives them: over HTTP against `npm test`'s local stack, with
 * real Cognito sign-ins and the emails the stream consumer sent through the SES emulator.
 */
const email = (label: string) => `${label}-${ulid().toLowerCase()}@example.com`;
const password = () => `Pw-${ulid()}-e2e!`;

/** The token in the invitation link of the newest email to `to`. */
async function tokenMailedTo(to: string): Promise<string> {
  await drainStream();
  const emails = await mailbox({ to });
  expect(emails.length, `emails to ${to}`).toBeGreaterThan(0);
  const text = emails.at(-1)!.body.text ?? '';
  const match = /accept-invite\?token=([A-Za-z0-9_-]+)/.exec(text);
  expect(match, text).not.toBeNull();
  return match![1]!;
}

describe('invitation lifecycle over HTTP', () => {
  it('platform creates a tenant, its Owner accepts, invites two people, one joins and sees the membership', async () => {
    const admin = await signIn(seed().platformAdmin.email, seed().platformAdmin.password);
    const ownerEmail = email('owner');
    const created = await api('/v1/tenants', {
      method: 'POST',
      token: admin.idToken,
      body: { name: 'E2E Inc', ownerEmail, seatLimit: 5 },
    });
    expect(created.status).toBe(201);
    const tenantId = created.body.tenantId as string;

    const ownerToken = await tokenMailedTo(ownerEmail);
    const [ownerMail] = await mailbox({ to: ownerEmail });
    expect(ownerMail!.subject).toContain('E2E Inc');
    expect(ownerMail!.body.html).toContain('accept-invite?token=');

    const preview = await api(`/v1/invitations/lookup?token=${ownerToken}`);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      tenantName: 'E2E Inc',
      email: ownerEmail,
      roles: [{ roleId: 'owner', name: 'Owner' }],
    });

    const ownerPassword = password();
    const accepted = await api('/v1/invitations/accept', {
      method: 'POST',
      body: { token: ownerToken, password: ownerPassword, displayName: 'Olive Owner' },
    });
    expect(accepted.status).toBe(200);
    const owner = await signIn(ownerEmail, ownerPassword);

    const a = email('a');
    const b = email('b');
    const invited = await api(`/v1/tenants/${tenantId}/invitations`, {
      method: 'POST',
      token: owner.idToken,
      body: { emails: `${a}, ${b}`, roles: [{ roleId: 'agent' }] },
    });
    expect(invited.status).toBe(201);
    expect(invited.body.created.map((i: { email: string }) => i.email)).toEqual([a, b]);

    const members = await api(`/v1/tenants/${tenantId}/members?status=invited`, { token: owner.idToken });
    expect(members.body.items.map((m: { email: string }) => m.email).sort()).toEqual([a, b].sort());
    expect((await api(`/v1/tenants/${tenantId}`, { token: owner.idToken })).body.seatsUsed).toBe(3);

    // a is new here: sets a password.
    const tokenA = await tokenMailedTo(a);
    const mailA = (await mailbox({ to: a })).at(-1)!;
    expect(mailA.body.text).toContain('E2E Inc');
    expect(mailA.body.text).toContain(ownerEmail);
    const passwordA = password();
    expect(
      (await api('/v1/invitations/accept', { method: 'POST', body: { token: tokenA, password: passwordA } })).status,
    ).toBe(200);
    const sessionA = await signIn(a, passwordA);
    const me = await api('/v1/me', { token: sessionA.idToken });
    expect(me.status).toBe(200);
    const membership = me.body.memberships.find((m: { tenantId: string }) => m.tenantId === tenantId);
    expect(membership).toMatchObject({ status: 'active', tenantName: 'E2E Inc' });
    expect(membership.effectivePermissions.map((p: { permission: string }) => p.permission)).toContain('inbox:write');

    const reused = await api('/v1/invitations/accept', {
      method: 'POST',
      body: { token: tokenA, password: password() },
    });
    expect(reused.status).toBe(404);
    expect(reused.headers['content-type']).toBe('application/problem+json');
    expect(reused.body.code).toBe('invitation_not_found');

    // b already has an account (e.g. from another tenant): signs in and accepts with the session.
    const tokenB = await tokenMailedTo(b);
    const passwordB = password();
    await createIdentity(b, passwordB);
    const sessionB = await signIn(b, passwordB);
    const mine = await api('/v1/me/invitations', { token: sessionB.idToken });
    expect(mine.body.items.map((i: { tenantId: string }) => i.tenantId)).toEqual([tenantId]);
    const acceptedB = await api('/v1/invitations/accept', {
      method: 'POST',
      token: sessionB.idToken,
      body: { token: tokenB },
    });
    expect(acceptedB.status).toBe(200);
    expect((await api('/v1/me', { token: sessionB.idToken })).body.memberships[0]).toMatchObject({
      tenantId,
      status: 'active',
    });
  });

  it('refuses a bearer token from someone else than the invitee, and a tampered bearer token', async () => {
    const owner = await signIn(seed().owner.email, seed().owner.password);
    const invitee = email('c');
    const invited = await api(`/v1/tenants/${seed().tenantId}/invitations`, {
      method: 'POST',
      token: owner.idToken,
      body: { emails: [invitee], roles: [{ roleId: 'viewer' }] },
    });
    expect(invited.status).toBe(201);
    const token = await tokenMailedTo(invitee);

    const wrongPerson = await api('/v1/invitations/accept', { method: 'POST', token: owner.idToken, body: { token } });
    expect(wrongPerson.status).toBe(403);
    expect(wrongPerson.body.code).toBe('email_mismatch');
    const tampered = `${owner.idToken.slice(0, -4)}AAAA`;
    const forged = await api('/v1/invitations/accept', { method: 'POST', token: tampered, body: { token } });
    expect(forged.status).toBe(401);

    const declined = await api('/v1/invitations/decline', { method: 'POST', body: { token } });
    expect(declined.status).toBe(204);
    expect((await api(`/v1/invitations/lookup?token=${token}`)).status).toBe(404);
  });
});
