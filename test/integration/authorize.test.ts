import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { putGrant } from '../../shared/data/bot-repository';
import type { BotEnvironment, ResourceGrantRecord, ResourceRoleAssignment } from '../../shared/data/records';
import { transactWrite } from '../../shared/data/transactions';
import type { Identity } from '../../shared/domain/actor';
import { routes } from '../../shared/http/routes';
import { registerBot } from '../../shared/services/bot-service';
import { resolveTenantCaller } from '../../shared/services/caller-service';
import { createRole } from '../../shared/services/role-service';
import { deps, dynamoDbCalls, memberIn, meta, tenantWithOwner } from '../support/fixtures';
import { invoke } from '../support/invoke';

/** SPEC §10: POST /v1/tenants/{tenantId}/authorize, against DynamoDB Local through the real handler. */

type Check = { permission: string; botId?: string; environment?: string };

async function setup() {
  const { tenantId, owner } = await tenantWithOwner(200);
  const ownerCaller = await resolveTenantCaller(deps(), owner.identity, tenantId);
  const newBot = async (name: string, environments?: BotEnvironment[]) =>
    (
      await registerBot(
        deps(),
        ownerCaller,
        {
          name,
          botId: `${name.toLowerCase().replace(/\W+/g, '-')}-${ulid()}`,
          ...(environments ? { environments } : {}),
        },
        meta(),
      )
    ).bot;
  /** Writes a member's grant on a bot as the access routes will (test setup, straight to DynamoDB Local). */
  const grant = async (
    botId: string,
    memberId: string,
    roles: ResourceRoleAssignment[],
    previous?: Pick<ResourceGrantRecord, 'version'>,
  ) => {
    const record: ResourceGrantRecord = {
      tenantId,
      resourceType: 'bot',
      resourceId: botId,
      principalType: 'member',
      principalId: memberId,
      roles,
      updatedAt: new Date().toISOString(),
      version: (previous?.version ?? 0) + 1,
    };
    await transactWrite(deps(), [{ item: putGrant(deps(), record, previous) }]);
    return record;
  };
  const ask = (identity: Identity, body: { subject?: { memberId: string }; checks: Check[] }) =>
    invoke(routes.authorize, { identity, params: { tenantId }, body });
  return { tenantId, owner, ownerCaller, newBot, grant, ask };
}

const denied = { allowed: false, sources: [] };
const inPast = () => new Date(Date.now() - 60_000).toISOString();
const inFuture = () => new Date(Date.now() + 3_600_000).toISOString();

describe('POST /authorize: tenant-level decisions (no botId)', () => {
  it("decides for the caller when no subject is given, in the order asked, with each decision's sources", async () => {
    const { tenantId, ask } = await setup();
    const agent = await memberIn(tenantId, { roles: [{ roleId: 'agent' }], permissions: ['users:write'] });
    const result = await ask(agent.identity, {
      checks: [
        { permission: 'billing:manage' },
        { permission: 'inbox:write' },
        { permission: 'inbox:read' },
        { permission: 'users:write' },
        { permission: 'users:read' },
        { permission: 'inbox:write' },
      ],
    });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(result.body).toEqual({
      subject: { memberId: agent.member.memberId, status: 'active' },
      results: [
        denied,
        { allowed: true, sources: ['agent'] },
        { allowed: true, sources: ['agent', 'implied'] },
        { allowed: true, sources: ['direct'] },
        { allowed: true, sources: ['implied'] },
        { allowed: true, sources: ['agent'] },
      ],
    });
  });

  it('a custom role held tenant-wide is a source by its id', async () => {
    const { tenantId, ownerCaller, ask } = await setup();
    const role = await createRole(
      deps(),
      ownerCaller,
      { name: `Auditors ${ulid()}`, permissions: ['audit:read'] },
      meta(),
    );
    const auditor = await memberIn(tenantId, { roles: [{ roleId: 'member' }, { roleId: role.roleId }] });
    const result = await ask(auditor.identity, {
      checks: [{ permission: 'audit:read' }, { permission: 'audit:export' }],
    });
    expect(result.body.results).toEqual([{ allowed: true, sources: [role.roleId] }, denied]);
  });
});

describe('POST /authorize: decisions on a bot', () => {
  it('counts tenant-wide grants (tenant), roles held on the bot (role ids) and implications, in that order', async () => {
    const { tenantId, newBot, grant, ask } = await setup();
    const bot = await newBot('Support');
    const manager = await memberIn(tenantId, { roles: [{ roleId: 'manager' }] });
    await grant(bot.botId, manager.member.memberId, [{ roleId: 'inbox-agent' }, { roleId: 'bot-tester' }]);
    const result = await ask(manager.identity, {
      checks: [
        { permission: 'inbox:write', botId: bot.botId },
        { permission: 'inbox:read', botId: bot.botId },
        { permission: 'flows:read', botId: bot.botId },
        { permission: 'flows:write', botId: bot.botId },
        { permission: 'knowledge:read', botId: bot.botId },
        { permission: 'bots:delete', botId: bot.botId },
      ],
    });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(result.body.results).toEqual([
      { allowed: true, sources: ['tenant', 'inbox-agent'] },
      { allowed: true, sources: ['tenant', 'implied'] },
      { allowed: true, sources: ['bot-tester'] },
      denied,
      { allowed: true, sources: ['inbox-agent', 'bot-tester'] },
      denied,
    ]);
  });

  it('the Bot Owner holds bots:delete on its bot only; the tenant Owner on every bot; an Admin on none', async () => {
    const { tenantId, owner, newBot, grant, ask } = await setup();
    const [mine, other] = [await newBot('Mine'), await newBot('Other')];
    const plain = await memberIn(tenantId, { roles: [{ roleId: 'member' }] });
    await grant(mine.botId, plain.member.memberId, [{ roleId: 'bot-owner' }]);
    const checks = [
      { permission: 'bots:delete', botId: mine.botId },
      { permission: 'bots:delete', botId: other.botId },
    ];
    expect((await ask(plain.identity, { checks })).body.results).toEqual([
      { allowed: true, sources: ['bot-owner'] },
      denied,
    ]);
    // The tenant Owner registered both (so is their Bot Owner too) and holds bots:delete tenant-wide.
    expect((await ask(owner.identity, { checks })).body.results).toEqual([
      { allowed: true, sources: ['tenant', 'bot-owner'] },
      { allowed: true, sources: ['tenant', 'bot-owner'] },
    ]);
    const admin = await memberIn(tenantId, { roles: [{ roleId: 'admin' }] });
    expect((await ask(admin.identity, { checks })).body.results).toEqual([denied, denied]);
  });

  it('environments: a decision naming one uses only grants covering it, naming none only grants without a limit; an environment the bot lacks is denied', async () => {
    const { tenantId, newBot, grant, ask } = await setup();
    const bot = await newBot('Staged', ['sandbox', 'staging']);
    const dev = await memberIn(tenantId, { roles: [{ roleId: 'member' }] });
    await grant(bot.botId, dev.member.memberId, [
      { roleId: 'bot-developer', environments: ['staging'] },
      { roleId: 'insights-analyst' },
    ]);
    const result = await ask(dev.identity, {
      checks: [
        { permission: 'flows:write', botId: bot.botId },
        { permission: 'flows:write', botId: bot.botId, environment: 'staging' },
        { permission: 'flows:write', botId: bot.botId, environment: 'sandbox' },
        { permission: 'analytics:read', botId: bot.botId, environment: 'sandbox' },
        { permission: 'analytics:read', botId: bot.botId },
        // The bot has no production: denied whatever the grants.
        { permission: 'analytics:read', botId: bot.botId, environment: 'production' },
      ],
    });
    expect(result.body.results).toEqual([
      denied,
      { allowed: true, sources: ['bot-developer'] },
      denied,
      { allowed: true, sources: ['insights-analyst'] },
      { allowed: true, sources: ['insights-analyst'] },
      denied,
    ]);
  });

  it('an expired role on the bot grants nothing; one expiring later does', async () => {
    const { tenantId, newBot, grant, ask } = await setup();
    const [expired, valid] = [await newBot('Expired'), await newBot('Valid')];
    const temp = await memberIn(tenantId, { roles: [{ roleId: 'member' }] });
    await grant(expired.botId, temp.member.memberId, [{ roleId: 'database-viewer', expiresAt: inPast() }]);
    await grant(valid.botId, temp.member.memberId, [{ roleId: 'database-viewer', expiresAt: inFuture() }]);
    const result = await ask(temp.identity, {
      checks: [
        { permission: 'tables:write', botId: expired.botId },
        { permission: 'tables:write', botId: valid.botId },
      ],
    });
    expect(result.body.results).toEqual([denied, { allowed: true, sources: ['database-viewer'] }]);
  });

  it('a custom bot role held on the bot is a source by its id', async () => {
    const { tenantId, ownerCaller, newBot, grant, ask } = await setup();
    const role = await createRole(
      deps(),
      ownerCaller,
      { name: `Trainers ${ulid()}`, scope: 'bot', permissions: ['nlu:write', 'bots:read'] },
      meta(),
    );
    const bot = await newBot('Trained');
    const trainer = await memberIn(tenantId, { roles: [{ roleId: 'member' }] });
    await grant(bot.botId, trainer.member.memberId, [{ roleId: role.roleId }]);
    const result = await ask(trainer.identity, {
      checks: [
        { permission: 'nlu:write', botId: bot.botId },
        { permission: 'nlu:read', botId: bot.botId },
        { permission: 'flows:write', botId: bot.botId },
      ],
    });
    expect(result.body.results).toEqual([
      { allowed: true, sources: [role.roleId] },
      { allowed: true, sources: ['implied'] },
      denied,
    ]);
  });

  it("an unknown bot, or another tenant's, is allowed: false with no sources, never an error or a leak", async () => {
    const a = await setup();
    const b = await setup();
    const secret = await b.newBot('Secret B');
    const result = await a.ask(a.owner.identity, {
      checks: [
        { permission: 'bots:read', botId: secret.botId },
        { permission: 'bots:read', botId: 'no-such-bot' },
        { permission: 'bots:read', botId: secret.botId, environment: 'production' },
      ],
    });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(result.body.results).toEqual([denied, denied, denied]);
    expect(JSON.stringify(result.body)).not.toContain('Secret B');
    // B's Owner, on B's bot: allowed (the same bot id means something only in its tenant).
    expect(
      (await b.ask(b.owner.identity, { checks: [{ permission: 'bots:read', botId: secret.botId }] })).body.results,
    ).toEqual([{ allowed: true, sources: ['tenant', 'bot-owner'] }]);
  });

  it('reads the current state every time: a grant changed or a member suspended applies to the very next call', async () => {
    const { tenantId, owner, newBot, grant, ask } = await setup();
    const bot = await newBot('Live');
    const agent = await memberIn(tenantId, { roles: [{ roleId: 'member' }] });
    const about = () =>
      ask(owner.identity, {
        subject: { memberId: agent.member.memberId },
        checks: [{ permission: 'inbox:write', botId: bot.botId }],
      });
    expect((await about()).body.results).toEqual([denied]);
    const first = await grant(bot.botId, agent.member.memberId, [{ roleId: 'inbox-agent' }]);
    expect((await about()).body.results).toEqual([{ allowed: true, sources: ['inbox-agent'] }]);
    const second = await grant(bot.botId, agent.member.memberId, [{ roleId: 'insights-analyst' }], first);
    expect((await about()).body.results).toEqual([denied]);
    await grant(bot.botId, agent.member.memberId, [{ roleId: 'inbox-agent' }], second);
    const suspended = await invoke(routes.suspendMember, {
      identity: owner.identity,
      params: { tenantId, memberId: agent.member.memberId },
    });
    expect(suspended.status, JSON.stringify(suspended.body)).toBe(200);
    expect((await about()).body).toEqual({
      subject: { memberId: agent.member.memberId, status: 'suspended' },
      results: [denied],
    });
  });
});

describe("POST /authorize: another member's decisions", () => {
  it('need users:read (a Manager may, an Agent may not); anyone may ask about themself by id', async () => {
    const { tenantId, ask } = await setup();
    const [manager, agent] = [
      await memberIn(tenantId, { roles: [{ roleId: 'manager' }] }),
      await memberIn(tenantId, { roles: [{ roleId: 'agent' }] }),
    ];
    const aboutAgent = { subject: { memberId: agent.member.memberId }, checks: [{ permission: 'inbox:write' }] };
    const allowed = await ask(manager.identity, aboutAgent);
    expect(allowed.status, JSON.stringify(allowed.body)).toBe(200);
    expect(allowed.body).toEqual({
      subject: { memberId: agent.member.memberId, status: 'active' },
      results: [{ allowed: true, sources: ['agent'] }],
    });
    const refused = await ask(agent.identity, {
      subject: { memberId: manager.member.memberId },
      checks: [{ permission: 'inbox:write' }],
    });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('forbidden');
    expect((await ask(agent.identity, aboutAgent)).body.results).toEqual([{ allowed: true, sources: ['agent'] }]);
  });

  it('a suspended or invited subject is denied every check, whatever they hold; the status says why', async () => {
    const { tenantId, owner, newBot, grant, ask } = await setup();
    const bot = await newBot('Denied');
    for (const status of ['suspended', 'invited'] as const) {
      const subject = await memberIn(tenantId, { status, roles: [{ roleId: 'admin' }] });
      await grant(bot.botId, subject.member.memberId, [{ roleId: 'bot-admin' }]);
      const result = await ask(owner.identity, {
        subject: { memberId: subject.member.memberId },
        checks: [{ permission: 'users:read' }, { permission: 'bots:configure', botId: bot.botId }],
      });
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      expect(result.body).toEqual({
        subject: { memberId: subject.member.memberId, status },
        results: [denied, denied],
      });
    }
  });

  it('an unknown subject, or a member of another tenant, is 404 member_not_found; a suspended caller is 403 member_suspended', async () => {
    const a = await setup();
    const b = await setup();
    const memberOfB = await memberIn(b.tenantId, { roles: [{ roleId: 'viewer' }] });
    for (const memberId of [ulid(), memberOfB.member.memberId]) {
      const result = await a.ask(a.owner.identity, { subject: { memberId }, checks: [{ permission: 'inbox:read' }] });
      expect(result.status, JSON.stringify(result.body)).toBe(404);
      expect(result.body.code).toBe('member_not_found');
    }
    const suspended = await memberIn(a.tenantId, { status: 'suspended', roles: [{ roleId: 'admin' }] });
    const result = await a.ask(suspended.identity, { checks: [{ permission: 'inbox:read' }] });
    expect(result.status).toBe(403);
    expect(result.body.code).toBe('member_suspended');
    // Someone of tenant B asking in A learns nothing.
    const outsider = await b.ask(memberOfB.identity, { checks: [{ permission: 'inbox:read' }] });
    expect(outsider.status).toBe(200);
    const intoA = await invoke(routes.authorize, {
      identity: memberOfB.identity,
      params: { tenantId: a.tenantId },
      body: { checks: [{ permission: 'inbox:read' }] },
    });
    expect(intoA.status).toBe(404);
    expect(intoA.body.code).toBe('tenant_not_found');
  });
});

describe('POST /authorize: input it cannot answer is 400 problem+json with a stable code', () => {
  it('1-50 checks: none or 51 is validation_failed', async () => {
    const { owner, ask } = await setup();
    const fifty = Array.from({ length: 50 }, () => ({ permission: 'inbox:read' }));
    expect((await ask(owner.identity, { checks: fifty })).body.results).toHaveLength(50);
    for (const checks of [[], [...fifty, { permission: 'inbox:read' }]]) {
      const result = await ask(owner.identity, { checks });
      expect(result.status).toBe(400);
      expect(result.headers['content-type']).toBe('application/problem+json');
      expect(result.body.code).toBe('validation_failed');
      expect(result.body.errors[0].path).toBe('body.checks');
    }
  });

  it('an unknown permission is unknown_permission, pointing at each such check', async () => {
    const { owner, ask } = await setup();
    const result = await ask(owner.identity, {
      checks: [{ permission: 'inbox:read' }, { permission: 'inbox:teleport' }, { permission: 'bots:read', botId: 'x' }],
    });
    expect(result.status).toBe(400);
    expect(result.body.code).toBe('unknown_permission');
    expect(result.body.errors).toEqual([
      { path: 'body.checks.1.permission', message: 'unknown permission inbox:teleport' },
    ]);
  });

  it('a tenant-only permission with a botId is permission_not_bot_scoped; an environment without a botId, or not an environment, is validation_failed', async () => {
    const { owner, newBot, ask } = await setup();
    const bot = await newBot('Scoped');
    const tenantOnly = await ask(owner.identity, {
      checks: [
        { permission: 'bots:read', botId: bot.botId },
        { permission: 'users:read', botId: bot.botId },
      ],
    });
    expect(tenantOnly.status).toBe(400);
    expect(tenantOnly.body.code).toBe('permission_not_bot_scoped');
    expect(tenantOnly.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.checks.1.permission']);

    const noBot = await ask(owner.identity, { checks: [{ permission: 'inbox:read', environment: 'production' }] });
    expect(noBot.status).toBe(400);
    expect(noBot.body.code).toBe('validation_failed');
    expect(noBot.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.checks.0.environment']);

    const qa = await ask(owner.identity, {
      checks: [{ permission: 'inbox:read', botId: bot.botId, environment: 'qa' }],
    });
    expect(qa.status).toBe(400);
    expect(qa.body.code).toBe('validation_failed');
  });
});

describe('POST /authorize: round trips (the speed contract)', () => {
  it('50 checks over 50 bots with built-in roles: the principal link, then one round of BatchGetItems', async () => {
    const { tenantId, owner, newBot, grant, ask } = await setup();
    const bots: { botId: string }[] = [];
    for (let i = 0; i < 50; i++) bots.push(await newBot(`Counted ${i}`));
    const agent = await memberIn(tenantId, { roles: [{ roleId: 'member' }] });
    for (const bot of bots.slice(0, 25)) await grant(bot.botId, agent.member.memberId, [{ roleId: 'inbox-agent' }]);
    const checks = bots.map((bot) => ({ permission: 'inbox:write', botId: bot.botId }));

    // The caller's own decisions: member + 50 bots + 50 grants = 101 keys, two BatchGetItems in one round.
    const self = await dynamoDbCalls(() => ask(agent.identity, { checks }));
    expect(self.result.status, JSON.stringify(self.result.body)).toBe(200);
    expect(self.rounds).toEqual([['GetItemCommand'], ['BatchGetItemCommand', 'BatchGetItemCommand']]);
    expect(self.result.body.results.map((r: { allowed: boolean }) => r.allowed)).toEqual(bots.map((_, i) => i < 25));

    // Another member's: the subject's member joins the same round.
    const other = await dynamoDbCalls(() =>
      ask(owner.identity, { subject: { memberId: agent.member.memberId }, checks }),
    );
    expect(other.result.status).toBe(200);
    expect(other.rounds).toEqual([['GetItemCommand'], ['BatchGetItemCommand', 'BatchGetItemCommand']]);
    expect(other.result.body.results).toEqual(self.result.body.results);
  });

  it('a custom bot role held on one of the bots costs one more read (documented), no more', async () => {
    const { tenantId, ownerCaller, newBot, grant, ask } = await setup();
    const role = await createRole(
      deps(),
      ownerCaller,
      { name: `Readers ${ulid()}`, scope: 'bot', permissions: ['tables:read'] },
      meta(),
    );
    const [b1, b2] = [await newBot('Custom one'), await newBot('Custom two')];
    const member = await memberIn(tenantId, { roles: [{ roleId: 'member' }] });
    await grant(b1.botId, member.member.memberId, [{ roleId: role.roleId }]);
    await grant(b2.botId, member.member.memberId, [{ roleId: role.roleId }, { roleId: 'bot-tester' }]);
    const counted = await dynamoDbCalls(() =>
      ask(member.identity, {
        checks: [
          { permission: 'tables:read', botId: b1.botId },
          { permission: 'tables:read', botId: b2.botId },
        ],
      }),
    );
    expect(counted.result.body.results).toEqual([
      { allowed: true, sources: [role.roleId] },
      { allowed: true, sources: [role.roleId] },
    ]);
    expect(counted.rounds).toEqual([['GetItemCommand'], ['BatchGetItemCommand'], ['BatchGetItemCommand']]);
  });
});
