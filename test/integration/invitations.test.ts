import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { keys } from '../../shared/data/keys';
import { getMember } from '../../shared/data/member-repository';
import { getTenant } from '../../shared/data/tenant-repository';
import { DomainError } from '../../shared/domain/errors';
import { routes } from '../../shared/http/routes';
import { identityDirectory } from '../../shared/identity/identity-directory';
import { resolveTenantCaller } from '../../shared/services/caller-service';
import {
  acceptInvitation,
  declineInvitation,
  type InviteOutcome,
  inviteMembers,
  lookupInvitation,
  purgeExpiredInvitations,
  resendInvitation,
  revokeInvitation,
} from '../../shared/services/invitation-service';
import { codeOf } from '../support/domain-errors';
import {
  capturing,
  deliveredTokens,
  deps,
  memberIn,
  meta,
  pendingOwnerInvitation,
  strongPassword,
  tenantWithOwner,
  uniqueEmail,
} from '../support/fixtures';
import { invoke } from '../support/invoke';
import { expectProblem } from '../support/route-samples';

/** What one inviteMembers call did: its outcome, or, when it invited nobody, the refusal's code and failed list. */
async function outcomeOf(invitation: Promise<InviteOutcome>) {
  try {
    return await invitation;
  } catch (error) {
    if (error instanceof DomainError && error.extensions?.failed)
      return { code: error.code, created: [], failed: error.extensions.failed as InviteOutcome['failed'] };
    throw error;
  }
}

async function ownerCaller(seatLimit = 50) {
  const tenant = await tenantWithOwner(seatLimit);
  return { ...tenant, caller: await resolveTenantCaller(deps(), tenant.owner.identity, tenant.tenantId) };
}

describe('invitations (DynamoDB Local)', () => {
  it('invites several addresses, each as an invited member holding a seat, with one member.invited event each', async () => {
    const { tenantId, caller, owner } = await ownerCaller(10);
    const { deps: d, events } = capturing();
    const a = uniqueEmail('a');
    const b = uniqueEmail('b');
    const outcome = await inviteMembers(
      d,
      caller,
      { emails: [` ${a.toUpperCase()} `, b, 'not-an-email', b, owner.identity.email!], roles: [{ roleId: 'agent' }] },
      meta(),
    );
    expect(outcome.created.map((i) => i.email)).toEqual([a, b]);
    expect(outcome.failed).toEqual([
      { email: 'not-an-email', code: 'invalid_email' },
      { email: owner.identity.email, code: 'already_member' },
    ]);
    expect((await getTenant(deps(), tenantId))!.seatsUsed).toBe(3);
    const member = await getMember(deps(), tenantId, outcome.created[0]!.memberId);
    expect(member).toMatchObject({ status: 'invited', email: a, roles: [{ roleId: 'agent' }] });

    expect(events.map((e) => e.action)).toEqual(['member.invited', 'member.invited']);
    expect(events[0]!.delivery).toMatchObject({ to: a, kind: 'invitation' });
    // The token never appears in clear in the event, only sealed.
    const [delivered] = await deliveredTokens(events);
    expect(JSON.stringify(events)).not.toContain(delivered!.token);

    const again = await outcomeOf(inviteMembers(deps(), caller, { emails: [a], roles: [{ roleId: 'agent' }] }, meta()));
    expect(again).toEqual({
      code: 'invitations_refused',
      created: [],
      failed: [{ email: a, code: 'already_invited' }],
    });
  });

  it('stores only the SHA-256 of the token, and a lookup does not consume it', async () => {
    const { token, invitation } = await pendingOwnerInvitation();
    const d = deps();
    const { Item } = await d.db.send(
      new GetCommand({ TableName: d.tableName, Key: keys.invitation(invitation.tenantId, invitation.invitationId) }),
    );
    expect(JSON.stringify(Item)).not.toContain(token);
    expect(Item!.tokenHash).toHaveLength(43);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect((await lookupInvitation(deps(), token)).email).toBe(invitation.email);
    expect((await lookupInvitation(deps(), token)).roles).toEqual([{ roleId: 'owner', name: 'Owner' }]);
  });

  it('of 20 parallel invitations of one email, exactly one is created', async () => {
    const { tenantId, caller } = await ownerCaller(50);
    const email = uniqueEmail('race');
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () =>
        outcomeOf(inviteMembers(deps(), caller, { emails: [email], roles: [{ roleId: 'viewer' }] }, meta())),
      ),
    );
    expect(outcomes.flatMap((o) => o.created)).toHaveLength(1);
    expect(outcomes.flatMap((o) => o.failed).every((f) => f.code === 'already_invited')).toBe(true);
    expect(outcomes.filter((o) => 'code' in o).map((o) => (o as { code: string }).code)).toEqual(
      Array(19).fill('invitations_refused'),
    );
    expect((await getTenant(deps(), tenantId))!.seatsUsed).toBe(2);
  });

  it('never exceeds the seat limit: 30 parallel invitations for 9 free seats create exactly 9', async () => {
    const { tenantId, caller } = await ownerCaller(10); // the Owner holds the 10th seat
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, () =>
        outcomeOf(
          inviteMembers(deps(), caller, { emails: [uniqueEmail('seat')], roles: [{ roleId: 'viewer' }] }, meta()),
        ),
      ),
    );
    expect(outcomes.flatMap((o) => o.created)).toHaveLength(9);
    expect(outcomes.flatMap((o) => o.failed).map((f) => f.code)).toEqual(Array(21).fill('seat_limit_reached'));
    expect((await getTenant(deps(), tenantId))!.seatsUsed).toBe(10);
  });

  it('fills the free seats in request order and refuses the rest in one bulk request of 100', async () => {
    const { tenantId, caller } = await ownerCaller(61);
    const emails = Array.from({ length: 100 }, (_, i) => uniqueEmail(`bulk${i}`));
    const outcome = await inviteMembers(deps(), caller, { emails, roles: [{ roleId: 'viewer' }] }, meta());
    expect(outcome.created.map((i) => i.email)).toEqual(emails.slice(0, 60));
    expect(outcome.failed.map((f) => f.email)).toEqual(emails.slice(60));
    expect((await getTenant(deps(), tenantId))!.seatsUsed).toBe(61);
  });

  it('accepts once: a new account joins with a password; reusing the token fails', async () => {
    const { tenantId, token, email, member } = await pendingOwnerInvitation();
    const result = await acceptInvitation(
      deps(),
      identityDirectory(),
      { token, password: strongPassword(), displayName: 'Ada' },
      meta(),
    );
    expect(result).toMatchObject({ tenantId, memberId: member.memberId, status: 'active' });
    const joined = await getMember(deps(), tenantId, member.memberId);
    expect(joined).toMatchObject({ status: 'active', displayName: 'Ada', email });
    expect(joined!.userId).toBe(await identityDirectory().findUserId(email));

    expect(
      await codeOf(acceptInvitation(deps(), identityDirectory(), { token, password: strongPassword() }, meta())),
    ).toBe('invitation_not_found');
    expect(await codeOf(lookupInvitation(deps(), token))).toBe('invitation_not_found');
  });

  it('accepts for a signed-in identity only when its verified email is the invited one', async () => {
    const { token, email } = await pendingOwnerInvitation();
    const stranger = { userId: `sub-${ulid()}`, email: uniqueEmail('stranger'), groups: [] };
    expect(await codeOf(acceptInvitation(deps(), identityDirectory(), { token, identity: stranger }, meta()))).toBe(
      'email_mismatch',
    );
    const invitee = { userId: `sub-${ulid()}`, email, groups: [] };
    expect((await acceptInvitation(deps(), identityDirectory(), { token, identity: invitee }, meta())).status).toBe(
      'active',
    );
  });

  it('of two parallel accepts of one token, exactly one wins', async () => {
    const { token, email } = await pendingOwnerInvitation();
    const identity = { userId: `sub-${ulid()}`, email, groups: [] };
    const outcomes = await Promise.all(
      [1, 2].map(() => codeOf(acceptInvitation(deps(), identityDirectory(), { token, identity }, meta()))),
    );
    expect(outcomes.sort()).toEqual(['invitation_not_pending', 'resolved']);
  });

  it('resend gives a new token and expiry; the old token is dead at once', async () => {
    const { caller } = await ownerCaller();
    const { deps: d, events } = capturing();
    const { created } = await inviteMembers(
      d,
      caller,
      { emails: [uniqueEmail('resend')], roles: [{ roleId: 'viewer' }], expiresInDays: 2 },
      meta(),
    );
    const [first] = await deliveredTokens(events);

    const later = capturing(() => new Date(Date.now() + 24 * 3600 * 1000));
    const resent = await resendInvitation(later.deps, caller, created[0]!.invitationId, undefined, meta());
    expect(Date.parse(resent.expiresAt)).toBeGreaterThan(Date.parse(created[0]!.expiresAt));
    expect(resent.version).toBe(2);
    const [second] = await deliveredTokens(later.events);
    expect(second!.token).not.toBe(first!.token);

    expect(await codeOf(lookupInvitation(deps(), first!.token))).toBe('invitation_not_found');
    expect((await lookupInvitation(deps(), second!.token)).invitationId).toBe(created[0]!.invitationId);
    expect(await codeOf(resendInvitation(deps(), caller, created[0]!.invitationId, 1, meta()))).toBe(
      'version_mismatch',
    );
  });

  it('revoke and decline free the seat and kill the token', async () => {
    const { tenantId, caller } = await ownerCaller();
    const { deps: d, events } = capturing();
    const { created } = await inviteMembers(
      d,
      caller,
      { emails: [uniqueEmail('r'), uniqueEmail('d')], roles: [{ roleId: 'viewer' }] },
      meta(),
    );
    const tokens = await deliveredTokens(events);
    expect((await getTenant(deps(), tenantId))!.seatsUsed).toBe(3);

    await revokeInvitation(deps(), caller, created[0]!.invitationId, meta());
    await declineInvitation(deps(), tokens[1]!.token, meta());
    expect((await getTenant(deps(), tenantId))!.seatsUsed).toBe(1);
    for (const { token } of tokens) expect(await codeOf(lookupInvitation(deps(), token))).toBe('invitation_not_found');
    expect(await getMember(deps(), tenantId, created[0]!.memberId)).toBeUndefined();
    // The address can be invited again, fresh.
    const again = await inviteMembers(
      deps(),
      caller,
      { emails: [created[0]!.email], roles: [{ roleId: 'agent' }] },
      meta(),
    );
    expect(again.created).toHaveLength(1);
  });

  it('refuses an expired invitation before the purge runs; the purge removes it once, frees the seat and audits it', async () => {
    const { tenantId, caller } = await ownerCaller();
    const tenDaysAgo = capturing(() => new Date(Date.now() - 10 * 24 * 3600 * 1000));
    const { created } = await inviteMembers(
      tenDaysAgo.deps,
      caller,
      { emails: [uniqueEmail('old')], roles: [{ roleId: 'viewer' }] },
      meta(),
    );
    const { token } = (await deliveredTokens(tenDaysAgo.events))[0]!;

    expect(await codeOf(lookupInvitation(deps(), token))).toBe('invitation_expired');
    expect(
      await codeOf(acceptInvitation(deps(), identityDirectory(), { token, password: strongPassword() }, meta())),
    ).toBe('invitation_expired');
    const listed = await invoke(routes.listInvitations, {
      identity: caller,
      params: { tenantId },
      query: { status: 'expired' },
    });
    expect(listed.body.items.map((i: { invitationId: string }) => i.invitationId)).toEqual([created[0]!.invitationId]);

    const purge = capturing();
    const runs = await Promise.all([purgeExpiredInvitations(purge.deps), purgeExpiredInvitations(purge.deps)]);
    expect(runs.reduce((sum, run) => sum + run.expired, 0)).toBeGreaterThanOrEqual(1);
    expect(await getMember(deps(), tenantId, created[0]!.memberId)).toBeUndefined();
    expect((await getTenant(deps(), tenantId))!.seatsUsed).toBe(1);
    const expiredEvents = purge.events.filter((e) => e.target.id === created[0]!.invitationId);
    expect(expiredEvents).toHaveLength(1);
    expect(expiredEvents[0]).toMatchObject({ action: 'invitation.expired', actor: { id: 'system' } });
  });

  it('lets nobody grant more than they hold through an invitation', async () => {
    const { tenantId, caller: owner } = await ownerCaller();
    const admin = await resolveTenantCaller(
      deps(),
      (await memberIn(tenantId, { roles: [{ roleId: 'admin' }] })).identity,
      tenantId,
    );
    const delegated = await resolveTenantCaller(
      deps(),
      (await memberIn(tenantId, { permissions: ['users:read', 'users:write', 'inbox:read'] })).identity,
      tenantId,
    );
    const invite = (caller: typeof owner, roleId: string) =>
      codeOf(inviteMembers(deps(), caller, { emails: [uniqueEmail('esc')], roles: [{ roleId }] }, meta()));

    expect(await invite(delegated, 'manager')).toBe('escalation_denied');
    expect(await invite(delegated, 'admin')).toBe('admin_requires_owner');
    expect(await invite(admin, 'admin')).toBe('admin_requires_owner');
    expect(await invite(owner, 'owner')).toBe('owner_not_grantable');
    expect(await invite(owner, 'admin')).toBe('resolved');
    expect(await invite(admin, 'manager')).toBe('resolved');
    expect(await invite(owner, ulid())).toBe('unknown_role');
  });
});

describe('invitation routes', () => {
  it('accepts a comma-separated string of emails and answers 201 with per-address outcomes', async () => {
    const { tenantId, owner } = await tenantWithOwner(10);
    const result = await invoke(routes.createInvitations, {
      identity: owner.identity,
      params: { tenantId },
      body: { emails: `${uniqueEmail('x')}, ${uniqueEmail('y')},bad@`, roles: [{ roleId: 'agent' }], expiresInDays: 3 },
    });
    expect(result.status).toBe(201);
    expect(result.body.created).toHaveLength(2);
    expect(result.body.created[0]).toMatchObject({
      status: 'pending',
      roles: [{ roleId: 'agent' }],
      invitedBy: { id: owner.identity.userId },
    });
    expect(result.body.failed).toEqual([{ email: 'bad@', code: 'invalid_email' }]);
  });

  it('invites nobody: 400 invitations_invalid when no address is valid, 409 invitations_refused otherwise, each with the failed list', async () => {
    const { tenantId, owner } = await tenantWithOwner(2);
    const post = (emails: string[]) =>
      invoke(routes.createInvitations, {
        identity: owner.identity,
        params: { tenantId },
        body: { emails, roles: [{ roleId: 'viewer' }] },
      });

    const invalid = await post(['not-an-email', 'bad@']);
    expectProblem(invalid, [400], 'every address invalid');
    expect(invalid.body).toMatchObject({
      code: 'invitations_invalid',
      failed: [
        { email: 'not-an-email', code: 'invalid_email' },
        { email: 'bad@', code: 'invalid_email' },
      ],
    });
    expect(invalid.body.errors).toEqual([expect.objectContaining({ path: 'body.emails' })]);

    const duplicate = await post([owner.identity.email!, 'bad@']);
    expectProblem(duplicate, [409], 'a member and an invalid address');
    expect(duplicate.body).toMatchObject({
      code: 'invitations_refused',
      failed: [
        { email: 'bad@', code: 'invalid_email' },
        { email: owner.identity.email, code: 'already_member' },
      ],
    });

    const last = uniqueEmail('last-seat');
    expect((await post([last])).status).toBe(201);
    const beyond = uniqueEmail('beyond');
    const full = await post([beyond, last]);
    expectProblem(full, [409], 'no free seat, one already invited');
    expect(full.body.code).toBe('invitations_refused');
    expect(full.body.failed).toEqual(
      expect.arrayContaining([
        { email: beyond, code: 'seat_limit_reached' },
        { email: last, code: 'already_invited' },
      ]),
    );
    expect((await getTenant(deps(), tenantId))!.seatsUsed).toBe(2);
  });

  it('validates the request: 1-30 days, 1-100 emails, known roles', async () => {
    const { tenantId, owner } = await tenantWithOwner(10);
    const post = (body: unknown) =>
      invoke(routes.createInvitations, { identity: owner.identity, params: { tenantId }, body });
    expect((await post({ emails: ['a@example.com'], roles: [{ roleId: 'agent' }], expiresInDays: 31 })).status).toBe(
      400,
    );
    expect((await post({ emails: [], roles: [{ roleId: 'agent' }] })).status).toBe(400);
    expect((await post({ emails: Array(101).fill('a@example.com'), roles: [{ roleId: 'agent' }] })).status).toBe(400);
    expect((await post({ emails: ['a@example.com'], roles: [] })).status).toBe(400);
    expect((await post({ emails: ['a@example.com'], roles: [{ roleId: 'root' }] })).status).toBe(400);
  });

  it('looks up an invitation publicly and tells an expired or unknown token apart from a live one', async () => {
    const { token, tenantId } = await pendingOwnerInvitation();
    const found = await invoke(routes.lookupInvitation, { query: { token } });
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ tenantId, roles: [{ roleId: 'owner' }] });
    const unknown = await invoke(routes.lookupInvitation, { query: { token: 'A'.repeat(43) } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('invitation_not_found');
  });

  it('refuses a weak password before creating anything', async () => {
    const { token } = await pendingOwnerInvitation();
    const weak = await invoke(routes.acceptInvitation, { body: { token, password: 'short' } });
    expect(weak.status).toBe(400);
    expect((await invoke(routes.lookupInvitation, { query: { token } })).status).toBe(200);
  });

  it('lists pending invitations to the caller across tenants', async () => {
    const first = await pendingOwnerInvitation();
    const { caller } = await ownerCaller();
    await inviteMembers(deps(), caller, { emails: [first.email], roles: [{ roleId: 'viewer' }] }, meta());
    const mine = await invoke(routes.listMyInvitations, {
      identity: { userId: `sub-${ulid()}`, email: first.email, groups: [] },
    });
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((i: { tenantId: string }) => i.tenantId).sort()).toEqual(
      [first.tenantId, caller.tenantId].sort(),
    );
  });
});
