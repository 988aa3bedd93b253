import { existsSync, readFileSync } from 'node:fs';
import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { api, createIdentity, drainStream, mailbox, seed, signIn } from '../support/local-stack';

/**
 * No token, password or invitation token ever appears in the logs (SPEC §5 observability, ASVS V16.2.5 /
 * V8 via the tokens that carry authorization). `npm test` tees every line the local stack writes — its API
 * server, stream poller and schedules, and the handlers it runs, at DEBUG level — into LOCAL_STACK_LOG_FILE
 * (scripts/test.ts). This test runs every flow that handles such secrets over HTTP, then searches that file
 * for each secret it handled, and for anything shaped like a JWT or an invitation token.
 */
const email = (label: string) => `${label}-${ulid().toLowerCase()}@example.com`;
const password = () => `Pw-${ulid()}-logs!`;

async function linkToken(to: string): Promise<string> {
  await drainStream();
  const text = (await mailbox({ to })).at(-1)!.body.text!;
  return /accept-invite\?token=([A-Za-z0-9_-]+)/.exec(text)![1]!;
}

describe('secrets in the logs of the e2e run', () => {
  it('the log file is there (npm test sets LOCAL_STACK_LOG_FILE)', () => {
    expect(process.env.LOCAL_STACK_LOG_FILE, 'run the tests with npm test').toBeDefined();
    expect(existsSync(process.env.LOCAL_STACK_LOG_FILE!)).toBe(true);
  });

  it('no password, JWT or invitation token handled by sign-in, invitation and acceptance flows is logged', async () => {
    const secrets: Record<string, string> = {};
    const requestIds: string[] = [];
    const call = async (...args: Parameters<typeof api>) => {
      const response = await api(...args);
      requestIds.push(response.headers['apigw-requestid']!);
      return response;
    };
    const keep = (name: string, tokens: { idToken: string; accessToken: string; refreshToken: string }) => {
      for (const [kind, token] of Object.entries(tokens)) {
        secrets[`${name}.${kind}`] = token;
        secrets[`${name}.${kind}.signature`] = token.split('.')[2]!;
      }
    };

    secrets['seed.owner.password'] = seed().owner.password;
    secrets['seed.platformAdmin.password'] = seed().platformAdmin.password;
    const admin = await signIn(seed().platformAdmin.email, seed().platformAdmin.password);
    keep('admin', admin);

    // A tenant; its Owner previews the link (token in the query), then accepts with a new password.
    const ownerEmail = email('logs-owner');
    const created = await call('/v1/tenants', {
      method: 'POST',
      token: admin.idToken,
      body: { name: 'Logs Inc', ownerEmail, seatLimit: 10 },
    });
    expect(created.status).toBe(201);
    const tenantId = created.body.tenantId as string;
    secrets.ownerInvitation = await linkToken(ownerEmail);
    expect((await call(`/v1/invitations/lookup?token=${secrets.ownerInvitation}`)).status).toBe(200);
    secrets.weakPassword = 'weakpassword';
    expect(
      (
        await call('/v1/invitations/accept', {
          method: 'POST',
          body: { token: secrets.ownerInvitation, password: secrets.weakPassword },
        })
      ).status,
    ).toBe(400);
    secrets.ownerPassword = password();
    expect(
      (
        await call('/v1/invitations/accept', {
          method: 'POST',
          body: { token: secrets.ownerInvitation, password: secrets.ownerPassword, displayName: 'Olga' },
        })
      ).status,
    ).toBe(200);
    const owner = await signIn(ownerEmail, secrets.ownerPassword);
    keep('owner', owner);

    // Three invitations: one declined, one resent (two tokens), one accepted by an existing account.
    const [a, b, c] = [email('logs-a'), email('logs-b'), email('logs-c')];
    const invited = await call(`/v1/tenants/${tenantId}/invitations`, {
      method: 'POST',
      token: owner.idToken,
      body: { emails: [a, b, c], roles: [{ roleId: 'viewer' }] },
    });
    expect(invited.status).toBe(201);
    const [tokenA, tokenB, tokenC] = await Promise.all([a, b, c].map(linkToken));
    Object.assign(secrets, { invitationA: tokenA, invitationB: tokenB, invitationC: tokenC });
    expect(
      (await call('/v1/invitations/decline', { method: 'POST', body: { token: secrets.invitationB } })).status,
    ).toBe(204);
    const invitationC = (invited.body.created as { invitationId: string; email: string }[]).find((i) => i.email === c)!;
    expect(
      (
        await call(`/v1/tenants/${tenantId}/invitations/${invitationC.invitationId}/resend`, {
          method: 'POST',
          token: owner.accessToken,
        })
      ).status,
    ).toBe(200);
    secrets.invitationCResent = await linkToken(c);
    expect(secrets.invitationCResent).not.toBe(secrets.invitationC);
    expect((await call(`/v1/invitations/lookup?token=${secrets.invitationC}`)).status).toBe(404);

    secrets.passwordA = password();
    await createIdentity(a, secrets.passwordA);
    const sessionA = await signIn(a, secrets.passwordA);
    keep('a', sessionA);
    const forged = `${sessionA.idToken.slice(0, -6)}AAAAAA`;
    secrets.forged = forged;
    expect(
      (
        await call('/v1/invitations/accept', {
          method: 'POST',
          headers: { authorization: `Bearer ${forged}` },
          body: { token: secrets.invitationA },
        })
      ).status,
    ).toBe(401);
    expect((await call('/v1/me', { headers: { authorization: `Bearer ${forged}` } })).status).toBe(401);
    expect(
      (
        await call('/v1/invitations/accept', {
          method: 'POST',
          token: sessionA.idToken,
          body: { token: secrets.invitationA },
        })
      ).status,
    ).toBe(200);
    expect((await call('/v1/me', { token: sessionA.accessToken })).status).toBe(200);
    expect(
      (await call(`/v1/tenants/${tenantId}/members?token=${secrets.invitationCResent}`, { token: owner.idToken }))
        .status,
    ).toBe(200);
    await drainStream();

    const log = readFileSync(process.env.LOCAL_STACK_LOG_FILE!, 'utf8');
    // The file holds this run's logs: the request lines of these requests, and the handlers' own records.
    for (const id of requestIds) expect(log, `request ${id} was logged`).toContain(id);
    expect(log).toMatch(/"service":"users-and-roles"/);
    expect(log).toMatch(/"level":"DEBUG"/);

    const found = Object.entries(secrets)
      .filter(([, secret]) => log.includes(secret))
      .map(([name]) => name);
    expect(found, 'secrets found in the logs').toEqual([]);
    expect(
      log.match(/eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/g) ?? [],
      'JWT-shaped strings in the logs',
    ).toEqual([]);
    expect(
      log.match(/token[^A-Za-z0-9_-]{1,6}[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/gi) ?? [],
      'invitation-token-shaped values in the logs',
    ).toEqual([]);
    expect(
      log.match(/"(password|authorization|sealedToken)"\s*:\s*"[^"]+"/gi) ?? [],
      'secret-named fields with values',
    ).toEqual([]);
  });
});
