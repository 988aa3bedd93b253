import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { api, drainStream, mailbox, seed, signIn } from '../support/local-stack';

/**
 * README's bot walkthrough as a client lives it, over HTTP against `npm test`'s local stack with real Cognito
 * sign-ins (issue 12): register a bot, invite a Client with bot access, share it as Developer + Approver in
 * production, and ask `authorize` as another service would, with the member's own token.
 */
const email = (label: string) => `${label}-${ulid().toLowerCase()}@example.com`;
const password = () => `Pw-${ulid()}-e2e!`;

async function tokenMailedTo(to: string): Promise<string> {
  await drainStream();
  const text = (await mailbox({ to })).at(-1)?.body.text ?? '';
  const match = /accept-invite\?token=([A-Za-z0-9_-]+)/.exec(text);
  expect(match, text).not.toBeNull();
  return match![1]!;
}

describe('sharing a bot over HTTP', () => {
  it('register a bot, invite a Client onto it, share it as Developer + Approver, ask authorize', async () => {
    const admin = await signIn(seed().platformAdmin.email, seed().platformAdmin.password);
    const ownerEmail = email('bot-owner');
    const created = await api('/v1/tenants', {
      method: 'POST',
      token: admin.idToken,
      body: { name: 'Bots E2E', ownerEmail, seatLimit: 5 },
    });
    expect(created.status).toBe(201);
    const tenantId = created.body.tenantId as string;
    const ownerPassword = password();
    await api('/v1/invitations/accept', {
      method: 'POST',
      body: { token: await tokenMailedTo(ownerEmail), password: ownerPassword },
    });
    const owner = await signIn(ownerEmail, ownerPassword);
    const t = `/v1/tenants/${tenantId}`;

    const bot = await api(`${t}/bots`, {
      method: 'POST',
      token: owner.idToken,
      body: { name: 'Support bot', botId: 'support-bot' },
    });
    expect(bot.status).toBe(201);
    expect(bot.body.myAccess.roles).toEqual(['bot-owner']);

    // A Client: invited with bot access only, so their tenant role is Member.
    const clientEmail = email('client');
    const invited = await api(`${t}/invitations`, {
      method: 'POST',
      token: owner.idToken,
      body: { emails: [clientEmail], botAccess: [{ botId: 'support-bot', roles: [{ roleId: 'bot-tester' }] }] },
    });
    expect(invited.status).toBe(201);
    const clientPassword = password();
    const joined = await api('/v1/invitations/accept', {
      method: 'POST',
      body: { token: await tokenMailedTo(clientEmail), password: clientPassword },
    });
    expect(joined.status).toBe(200);
    const client = await signIn(clientEmail, clientPassword);
    const me = await api('/v1/me', { token: client.idToken });
    const membership = me.body.memberships.find((m: { tenantId: string }) => m.tenantId === tenantId);
    // Member holds no tenant permission: the Client sees the workspace and what is shared with them.
    expect(membership.effectivePermissions).toEqual([]);
    const clientId = membership.memberId as string;
    expect((await api(`${t}/bots/support-bot`, { token: client.idToken })).body.myAccess.roles).toEqual(['bot-tester']);

    const share = (roles: object[]) =>
      api(`${t}/bots/support-bot/access/member/${clientId}`, { method: 'PUT', token: owner.idToken, body: { roles } });
    const refused = await share([{ roleId: 'bot-approver' }]);
    expect([refused.status, refused.body.code]).toEqual([409, 'role_prerequisite_missing']);
    const shared = await share([{ roleId: 'bot-developer' }, { roleId: 'bot-approver', environments: ['production'] }]);
    expect(shared.status).toBe(200);

    // Another service forwards the member's token and asks; the change applies with no new sign-in.
    const decided = await api(`${t}/authorize`, {
      method: 'POST',
      token: client.idToken,
      body: {
        checks: [
          { permission: 'publish:approve', botId: 'support-bot', environment: 'production' },
          { permission: 'publish:approve', botId: 'support-bot', environment: 'staging' },
          { permission: 'flows:write', botId: 'support-bot' },
          { permission: 'flows:write', botId: 'no-such-bot' },
          { permission: 'users:read' },
        ],
      },
    });
    expect(decided.status).toBe(200);
    expect(decided.body).toEqual({
      subject: { memberId: clientId, status: 'active' },
      results: [
        { allowed: true, sources: ['bot-approver'] },
        { allowed: false, sources: [] },
        { allowed: true, sources: ['bot-developer'] },
        { allowed: false, sources: [] },
        { allowed: false, sources: [] },
      ],
    });

    const holders = await api(`${t}/bots/support-bot/access?permission=flows:write`, { token: owner.idToken });
    expect(holders.body.items.map((e: { principal: { id: string } }) => e.principal.id)).toContain(clientId);
    const theirBots = await api(`${t}/members/${clientId}/bots?permission=flows:write`, { token: owner.idToken });
    expect(theirBots.body.items.map((b: { bot: { botId: string } }) => b.bot.botId)).toEqual(['support-bot']);

    // Taken away: the very next decision says no.
    expect((await share([])).status).toBe(200);
    const after = await api(`${t}/authorize`, {
      method: 'POST',
      token: client.idToken,
      body: { checks: [{ permission: 'flows:write', botId: 'support-bot' }] },
    });
    expect(after.body.results).toEqual([{ allowed: false, sources: [] }]);
  });
});
