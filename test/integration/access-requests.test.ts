import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { getBotGrant } from '../../shared/data/bot-repository';
import type { Identity } from '../../shared/domain/actor';
import { routes } from '../../shared/http/routes';
import { createAccessRequest } from '../../shared/services/access-request-service';
import { resolveTenantCaller } from '../../shared/services/caller-service';
import { createRole } from '../../shared/services/role-service';
import { chainOf } from '../support/audit';
import { capturing, deps, memberIn, meta, tenantWithOwner } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { drainStream, runJob } from '../support/local-stack';

/** Issue 13 items 4 and 6 (SPEC §9): access requests, their states, approval under the escalation rules, expiry. */

type Role = { roleId: string; environments?: string[] };

async function setup() {
  const tenant = await tenantWithOwner(200);
  const tenantId = tenant.tenantId;
  const as = (identity: Identity) => ({
    createBot: (body: object = { name: `Bot ${ulid()}` }) =>
      invoke(routes.createBot, { identity, params: { tenantId }, body }),
    getBot: (botId: string) => invoke(routes.getBot, { identity, params: { tenantId, botId } }),
    share: (botId: string, memberId: string, roles: object[]) =>
      invoke(routes.setBotAccess, {
        identity,
        params: { tenantId, botId, principalType: 'member', principalId: memberId },
        body: { roles },
      }),
    request: (botId: string, roles: Role[], reason?: string) =>
      invoke(routes.createAccessRequest, {
        identity,
        params: { tenantId },
        body: { botId, roles, ...(reason ? { reason } : {}) },
      }),
    list: (query: Record<string, string> = {}) =>
      invoke(routes.listAccessRequests, { identity, params: { tenantId }, query }),
    get: (requestId: string) => invoke(routes.getAccessRequest, { identity, params: { tenantId, requestId } }),
    approve: (requestId: string, body: object = {}) =>
      invoke(routes.approveAccessRequest, { identity, params: { tenantId, requestId }, body }),
    deny: (requestId: string, body: object = {}) =>
      invoke(routes.denyAccessRequest, { identity, params: { tenantId, requestId }, body }),
    cancel: (requestId: string) => invoke(routes.cancelAccessRequest, { identity, params: { tenantId, requestId } }),
  });
  const newMember = (roles: { roleId: string }[] = [{ roleId: 'member' }]) => memberIn(tenantId, { roles });
  const bot = async (name = `Bot ${ulid()}`, environments?: string[]) => {
    const created = await as(tenant.owner.identity).createBot({ name, ...(environments ? { environments } : {}) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body as { botId: string; name: string };
  };
  return { tenantId, owner: tenant.owner, as, newMember, bot };
}

const grantOf = async (tenantId: string, botId: string, memberId: string) =>
  (await getBotGrant(deps(), tenantId, botId, { type: 'member', id: memberId }))?.roles;

describe('POST /access-requests', () => {
  it('creates a pending request for 14 days with its audit event; a second one for the same bot is 409 request_pending until the first ends', async () => {
    const { tenantId, as, newMember, bot } = await setup();
    const { botId, name } = await bot('Support bot');
    const dev = await newMember();
    const created = await as(dev.identity).request(botId, [{ roleId: 'bot-developer' }], 'I maintain the flows');
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      botId,
      botName: name,
      requesterId: dev.member.memberId,
      roles: [{ roleId: 'bot-developer' }],
      reason: 'I maintain the flows',
      status: 'pending',
    });
    const { createdAt, expiresAt, requestId } = created.body;
    expect(Date.parse(expiresAt) - Date.parse(createdAt)).toBe(14 * 24 * 3600 * 1000);

    const again = await as(dev.identity).request(botId, [{ roleId: 'bot-tester' }]);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('request_pending');
    // Another bot is another request.
    const other = await bot();
    expect((await as(dev.identity).request(other.botId, [{ roleId: 'bot-tester' }])).status).toBe(201);

    expect((await as(dev.identity).cancel(requestId)).body.status).toBe('cancelled');
    expect((await as(dev.identity).request(botId, [{ roleId: 'bot-tester' }])).status).toBe(201);

    await drainStream();
    const events = (await chainOf(tenantId)).filter((e) => e.target.id === requestId);
    expect(events.map((e) => e.action)).toEqual(['access_request.created', 'access_request.cancelled']);
    expect(events[0]).toMatchObject({
      actor: { id: dev.identity.userId },
      target: { type: 'access_request', label: 'Support bot' },
      changes: { before: null, after: { status: 'pending', roles: [{ roleId: 'bot-developer' }] } },
    });
    expect(events[1]!.changes).toMatchObject({ before: { status: 'pending' }, after: { status: 'cancelled' } });
  });

  it('refuses bad requests with stable codes and writes nothing', async () => {
    const { tenantId, as, newMember, bot } = await setup();
    const { botId } = await bot('Sandbox only', ['sandbox']);
    const m = await newMember();
    const foreign = await tenantWithOwner(5);
    const foreignBot = await invoke(routes.createBot, {
      identity: foreign.owner.identity,
      params: { tenantId: foreign.tenantId },
      body: { name: 'Foreign' },
    });
    const cases: [string, Role[], number, string][] = [
      ['no-such-bot', [{ roleId: 'bot-tester' }], 404, 'bot_not_found'],
      [foreignBot.body.botId, [{ roleId: 'bot-tester' }], 404, 'bot_not_found'],
      [botId, [{ roleId: 'viewer' }], 400, 'role_scope_mismatch'],
      [botId, [{ roleId: ulid() }], 400, 'unknown_role'],
      [botId, [{ roleId: 'bot-owner' }], 400, 'bot_owner_not_requestable'],
      [botId, [{ roleId: 'bot-tester', environments: ['production'] }], 400, 'environment_not_on_bot'],
      [botId, [{ roleId: 'bot-approver' }], 409, 'role_prerequisite_missing'],
    ];
    for (const [target, roles, status, code] of cases) {
      const refused = await as(m.identity).request(target, roles);
      expect([refused.status, refused.body.code], `${target} ${JSON.stringify(roles)}`).toEqual([status, code]);
    }
    expect((await as(m.identity).list({ mine: 'true' })).body.items).toEqual([]);
    // Approver with Developer in the same request is fine.
    const both = await as(m.identity).request(botId, [{ roleId: 'bot-developer' }, { roleId: 'bot-approver' }]);
    expect(both.status, JSON.stringify(both.body)).toBe(201);
    expect(tenantId).toBeTruthy();
  });

  it('409 already_has_access when the roles give nothing new on that bot in the environments asked for; more is fine', async () => {
    const { owner, as, newMember, bot } = await setup();
    const { botId } = await bot();
    // A Viewer holds every :read tenant-wide: Tester (reads only) gives nothing new on any bot.
    const viewer = await newMember([{ roleId: 'viewer' }]);
    const tester = await as(viewer.identity).request(botId, [{ roleId: 'bot-tester' }]);
    expect([tester.status, tester.body.code]).toEqual([409, 'already_has_access']);
    expect((await as(viewer.identity).request(botId, [{ roleId: 'bot-developer' }])).status).toBe(201);

    // Developer held in production only: asking it for production is nothing new, for all environments it is.
    const dev = await newMember();
    expect(
      (
        await as(owner.identity).share(botId, dev.member.memberId, [
          { roleId: 'bot-developer', environments: ['production'] },
        ])
      ).status,
    ).toBe(200);
    const same = await as(dev.identity).request(botId, [{ roleId: 'bot-developer', environments: ['production'] }]);
    expect([same.status, same.body.code]).toEqual([409, 'already_has_access']);
    expect((await as(dev.identity).request(botId, [{ roleId: 'bot-developer' }])).status).toBe(201);
    // The Owner holds everything.
    expect((await as(owner.identity).request(botId, [{ roleId: 'bot-admin' }])).body.code).toBe('already_has_access');
  });
});

describe('approving', () => {
  it("grants the requested roles, merged into the requester's access on the bot, with one audit event; the request is then approved for good", async () => {
    const { tenantId, owner, as, newMember, bot } = await setup();
    const { botId } = await bot();
    const m = await newMember();
    await as(owner.identity).share(botId, m.member.memberId, [{ roleId: 'database-viewer' }]);
    const { body: request } = await as(m.identity).request(botId, [{ roleId: 'bot-developer' }]);
    expect((await as(m.identity).getBot(botId)).body.myAccess.roles).toEqual(['database-viewer']);

    const approved = await as(owner.identity).approve(request.requestId);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'approved',
      approvedRoles: [{ roleId: 'bot-developer' }],
      decidedBy: owner.member.memberId,
    });
    expect((await as(m.identity).getBot(botId)).body.myAccess.roles).toEqual(['database-viewer', 'bot-developer']);
    expect((await as(m.identity).get(request.requestId)).body.status).toBe('approved');

    for (const again of [
      await as(owner.identity).approve(request.requestId),
      await as(owner.identity).deny(request.requestId),
      await as(m.identity).cancel(request.requestId),
    ]) {
      expect([again.status, again.body.code]).toEqual([409, 'invalid_state']);
    }
    await drainStream();
    const events = (await chainOf(tenantId)).filter((e) => e.action === 'access_request.approved');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: { id: owner.identity.userId },
      target: { type: 'access_request', id: request.requestId },
      changes: {
        before: { status: 'pending', grantRoles: [{ roleId: 'database-viewer' }] },
        after: { status: 'approved', grantRoles: [{ roleId: 'database-viewer' }, { roleId: 'bot-developer' }] },
      },
    });
  });

  it('may narrow to some requested roles and environments, with an expiry; anything beyond the request is 400 roles_not_requested', async () => {
    const { tenantId, owner, as, newMember, bot } = await setup();
    const { botId } = await bot();
    const m = await newMember();
    const { body: request } = await as(m.identity).request(botId, [
      { roleId: 'bot-developer' },
      { roleId: 'inbox-agent', environments: ['staging', 'production'] },
    ]);
    for (const roles of [
      [{ roleId: 'bot-tester' }],
      [{ roleId: 'inbox-agent' }],
      [{ roleId: 'inbox-agent', environments: ['sandbox'] }],
    ]) {
      const refused = await as(owner.identity).approve(request.requestId, { roles });
      expect([refused.status, refused.body.code], JSON.stringify(roles)).toEqual([400, 'roles_not_requested']);
    }
    const past = await as(owner.identity).approve(request.requestId, {
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    });
    expect(past.status).toBe(400);
    expect(await grantOf(tenantId, botId, m.member.memberId)).toBeUndefined();

    const until = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const approved = await as(owner.identity).approve(request.requestId, {
      roles: [{ roleId: 'inbox-agent', environments: ['production'] }],
      expiresAt: until,
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.approvedRoles).toEqual([
      { roleId: 'inbox-agent', environments: ['production'], expiresAt: until },
    ]);
    expect(await grantOf(tenantId, botId, m.member.memberId)).toEqual([
      { roleId: 'inbox-agent', environments: ['production'], expiresAt: until },
    ]);
  });

  it('an approver who lacks a requested permission on the bot gets 403 and nothing changes; they may still deny', async () => {
    const { tenantId, owner, as, newMember, bot } = await setup();
    const { botId } = await bot();
    const role = await createRole(
      deps(),
      await resolveTenantCaller(deps(), owner.identity, tenantId),
      { name: `Gatekeeper ${ulid()}`, scope: 'bot', permissions: ['collaborators:manage', 'bots:read'] },
      meta(),
    );
    const gatekeeper = await newMember();
    expect((await as(owner.identity).share(botId, gatekeeper.member.memberId, [{ roleId: role.roleId }])).status).toBe(
      200,
    );
    const m = await newMember();
    const { body: request } = await as(m.identity).request(botId, [{ roleId: 'bot-developer' }]);
    const { body: adminRequest } = await as((await newMember()).identity).request(botId, [{ roleId: 'bot-admin' }]);

    const refused = await as(gatekeeper.identity).approve(request.requestId);
    expect([refused.status, refused.body.code]).toEqual([403, 'escalation_denied']);
    expect(refused.body.detail).toContain('flows:write');
    const admin = await as(gatekeeper.identity).approve(adminRequest.requestId);
    expect([admin.status, admin.body.code]).toEqual([403, 'bot_admin_requires_owner']);
    expect((await as(gatekeeper.identity).get(request.requestId)).body.status).toBe('pending');
    expect(await grantOf(tenantId, botId, m.member.memberId)).toBeUndefined();

    const denied = await as(gatekeeper.identity).deny(request.requestId, { reason: 'Ask your lead' });
    expect(denied.body).toMatchObject({ status: 'denied', denialReason: 'Ask your lead' });
    // The Bot Owner grants Bot Admin.
    expect((await as(owner.identity).approve(adminRequest.requestId)).status).toBe(200);
  });

  it('20 concurrent approvals grant once: one 200, nineteen 409 invalid_state, one access_request.approved', async () => {
    const { tenantId, owner, as, newMember, bot } = await setup();
    const { botId } = await bot();
    const m = await newMember();
    const { body: request } = await as(m.identity).request(botId, [{ roleId: 'bot-tester' }]);
    const results = await Promise.all(Array.from({ length: 20 }, () => as(owner.identity).approve(request.requestId)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const others = results.filter((r) => r.status !== 200);
    expect(others.map((r) => `${r.status} ${r.body.code}`)).toEqual(Array(19).fill('409 invalid_state'));
    expect(await grantOf(tenantId, botId, m.member.memberId)).toEqual([{ roleId: 'bot-tester' }]);
    await drainStream();
    const events = (await chainOf(tenantId)).filter(
      (e) => e.action === 'access_request.approved' && e.target.id === request.requestId,
    );
    expect(events).toHaveLength(1);
  });

  it('a requester no longer active: approving is 409 invalid_state, denying works', async () => {
    const { tenantId, owner, as, newMember, bot } = await setup();
    const { botId } = await bot();
    const m = await newMember();
    const { body: first } = await as(m.identity).request(botId, [{ roleId: 'bot-tester' }]);
    const other = await bot();
    const { body: second } = await as(m.identity).request(other.botId, [{ roleId: 'bot-tester' }]);
    const suspended = await invoke(routes.suspendMember, {
      identity: owner.identity,
      params: { tenantId, memberId: m.member.memberId },
    });
    expect(suspended.status).toBe(200);
    const approve = await as(owner.identity).approve(first.requestId);
    expect([approve.status, approve.body.code]).toEqual([409, 'invalid_state']);
    expect((await as(owner.identity).deny(first.requestId)).body.status).toBe('denied');
    expect((await as(owner.identity).deny(second.requestId)).status).toBe(200);
    expect(await grantOf(tenantId, botId, m.member.memberId)).toBeUndefined();
  });
});

describe('who sees and ends a request', () => {
  it('the requester and the approvers of its bot see it (404 for anyone else); only the requester cancels (403 requester_only)', async () => {
    const { owner, as, newMember, bot } = await setup();
    const { botId } = await bot();
    const botAdmin = await newMember();
    await as(owner.identity).share(botId, botAdmin.member.memberId, [{ roleId: 'bot-admin' }]);
    const m = await newMember();
    const stranger = await newMember([{ roleId: 'viewer' }]);
    const { body: request } = await as(m.identity).request(botId, [{ roleId: 'bot-developer' }]);

    for (const who of [m, botAdmin]) expect((await as(who.identity).get(request.requestId)).status).toBe(200);
    expect((await as(owner.identity).get(request.requestId)).status).toBe(200);
    for (const route of ['get', 'approve', 'deny', 'cancel'] as const) {
      const hidden = await as(stranger.identity)[route](request.requestId);
      expect([hidden.status, hidden.body.code], route).toEqual([404, 'access_request_not_found']);
    }
    expect((await as(m.identity).approve(request.requestId)).status).toBe(403);
    const cancelled = await as(botAdmin.identity).cancel(request.requestId);
    expect([cancelled.status, cancelled.body.code]).toEqual([403, 'requester_only']);
    expect((await as(m.identity).cancel(request.requestId)).body).toMatchObject({
      status: 'cancelled',
      decidedBy: m.member.memberId,
    });
  });
});

/** ScannedCount/Count of every Query `work` sends (each must be ≤ 1.25: key conditions, no filter). */
async function queryRatios<T>(work: () => Promise<T>): Promise<{ result: T; ratios: number[] }> {
  const ratios: number[] = [];
  const name = `ratios-${Math.random()}`;
  deps().db.middlewareStack.add(
    (next, context) => async (args) => {
      const response = await next(args);
      const output = response.output as { ScannedCount?: number; Count?: number };
      if (context.commandName === 'QueryCommand' && output.Count)
        ratios.push((output.ScannedCount ?? 0) / output.Count);
      return response;
    },
    { step: 'initialize', name },
  );
  try {
    return { result: await work(), ratios };
  } finally {
    deps().db.middlewareStack.remove(name);
  }
}

describe('GET /access-requests', () => {
  it('mine, by bot, by status, tenant-wide: key-condition queries (ScannedCount/Count ≤ 1.25), paged to the end', async () => {
    const { owner, as, newMember, bot } = await setup();
    const [b1, b2] = [await bot(), await bot()];
    const botAdmin = await newMember();
    await as(owner.identity).share(b1.botId, botAdmin.member.memberId, [{ roleId: 'bot-admin' }]);
    const people = await Promise.all([newMember(), newMember(), newMember()]);
    const ids: Record<string, string[]> = { b1: [], b2: [] };
    for (const p of people) {
      ids.b1!.push((await as(p.identity).request(b1.botId, [{ roleId: 'bot-tester' }])).body.requestId);
      ids.b2!.push((await as(p.identity).request(b2.botId, [{ roleId: 'bot-tester' }])).body.requestId);
    }
    await as(owner.identity).deny(ids.b1![0]!);

    const all = async (identity: Identity, query: Record<string, string>) => {
      const seen: { requestId: string; status: string }[] = [];
      let cursor: string | undefined;
      do {
        const page = await as(identity).list({ ...query, limit: '2', ...(cursor ? { cursor } : {}) });
        expect(page.status, JSON.stringify(page.body)).toBe(200);
        seen.push(...page.body.items);
        cursor = page.body.nextCursor ?? undefined;
      } while (cursor);
      return seen;
    };
    const { result, ratios } = await queryRatios(async () => ({
      mine: await all(people[0]!.identity, { mine: 'true' }),
      minePending: await all(people[0]!.identity, { mine: 'true', status: 'pending' }),
      b1: await all(botAdmin.identity, { botId: b1.botId }),
      b1Pending: await all(botAdmin.identity, { botId: b1.botId, status: 'pending' }),
      tenant: await all(owner.identity, {}),
      denied: await all(owner.identity, { status: 'denied' }),
    }));
    expect(result.mine.map((r) => r.requestId).sort()).toEqual([ids.b1![0], ids.b2![0]].sort());
    expect(result.minePending.map((r) => r.requestId)).toEqual([ids.b2![0]]);
    expect(result.b1.map((r) => r.requestId).sort()).toEqual([...ids.b1!].sort());
    expect(result.b1Pending.map((r) => r.requestId)).toEqual([ids.b1![2], ids.b1![1]]);
    expect(result.tenant).toHaveLength(6);
    expect(result.denied.map((r) => r.requestId)).toEqual([ids.b1![0]]);
    expect(ratios.length).toBeGreaterThan(6);
    for (const ratio of ratios) expect(ratio).toBeLessThanOrEqual(1.25);

    // An approver of one bot names it (400 bot_id_required), and sees no other bot's requests (403).
    const unnamed = await as(botAdmin.identity).list();
    expect([unnamed.status, unnamed.body.code]).toEqual([400, 'bot_id_required']);
    expect((await as(botAdmin.identity).list({ botId: b2.botId })).status).toBe(403);
    expect((await as(people[1]!.identity).list({ botId: b1.botId })).status).toBe(403);
    expect((await as(owner.identity).list({ botId: 'no-such-bot' })).body.code).toBe('bot_not_found');
    // A cursor of one filter does not work with another.
    const page = await as(owner.identity).list({ limit: '1' });
    const replayed = await as(owner.identity).list({ limit: '1', status: 'pending', cursor: page.body.nextCursor });
    expect(replayed.body.code).toBe('invalid_cursor');
  });
});

describe('expiry', () => {
  it('the purge expires pending requests after 14 days (access_request.expired by the system); the member may ask again', async () => {
    const { tenantId, as, newMember, bot } = await setup();
    const { botId } = await bot();
    const m = await newMember();
    const fifteenDaysAgo = capturing(() => new Date(Date.now() - 15 * 86_400_000));
    const caller = await resolveTenantCaller(deps(), m.identity, tenantId);
    const stale = await createAccessRequest(
      fifteenDaysAgo.deps,
      caller,
      { botId, roles: [{ roleId: 'bot-tester' }] },
      meta(),
    );
    const other = await bot();
    const fresh = (await as(m.identity).request(other.botId, [{ roleId: 'bot-tester' }])).body;
    // Past its expiry, it can no longer be approved, even before the purge ran.
    expect((await as(m.identity).cancel(stale.requestId)).body.code).toBe('invalid_state');

    await runJob('purge');
    expect((await as(m.identity).get(stale.requestId)).body).toMatchObject({ status: 'expired', decidedBy: 'system' });
    expect((await as(m.identity).get(fresh.requestId)).body.status).toBe('pending');
    expect((await as(m.identity).request(botId, [{ roleId: 'bot-tester' }])).status).toBe(201);

    await drainStream();
    const expired = (await chainOf(tenantId)).filter((e) => e.action === 'access_request.expired');
    expect(expired).toEqual([
      expect.objectContaining({
        actor: { id: 'system', email: 'system' },
        target: expect.objectContaining({ type: 'access_request', id: stale.requestId }),
        changes: expect.objectContaining({ before: expect.objectContaining({ status: 'pending' }) }),
      }),
    ]);
  });
});
