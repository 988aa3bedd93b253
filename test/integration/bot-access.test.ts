import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import type { Identity } from '../../shared/domain/actor';
import { botBuiltInRoleIds } from '../../shared/domain/roles';
import { routes } from '../../shared/http/routes';
import { resolveTenantCaller } from '../../shared/services/caller-service';
import { createRole } from '../../shared/services/role-service';
import { chainOf } from '../support/audit';
import { deps, memberIn, meta, tenantWithOwner } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { drainStream } from '../support/local-stack';

/** Issue 12, third slice (SPEC §7): who may do what on one bot — the access list, per-bot escalation, prerequisites. */

type Assignment = { roleId: string; environments?: string[]; expiresAt?: string };

async function setup() {
  const tenant = await tenantWithOwner(200);
  const tenantId = tenant.tenantId;
  const as = (identity: Identity) => ({
    create: (body: object = { name: `Bot ${ulid()}` }) =>
      invoke(routes.createBot, { identity, params: { tenantId }, body }),
    get: (botId: string) => invoke(routes.getBot, { identity, params: { tenantId, botId } }),
    access: (botId: string, query: Record<string, string> = {}) =>
      invoke(routes.listBotAccess, { identity, params: { tenantId, botId }, query }),
    share: (botId: string, memberId: string, roles: Assignment[], principalType = 'member') =>
      invoke(routes.setBotAccess, {
        identity,
        params: { tenantId, botId, principalType, principalId: memberId },
        body: { roles },
      }),
  });
  const newMember = (roles: { roleId: string }[] = [{ roleId: 'member' }]) => memberIn(tenantId, { roles });
  return { tenantId, owner: tenant.owner, as, newMember };
}

describe('sharing a bot: GET/PUT /bots/{botId}/access', () => {
  it('shares a bot as Developer + Approver: the access list shows it, the member holds it on their next request, one audit event', async () => {
    const { tenantId, owner, as, newMember } = await setup();
    const { body: bot } = await as(owner.identity).create({ name: 'Support bot' });
    const dev = await newMember();
    expect((await as(dev.identity).get(bot.botId)).body.myAccess).toEqual({ roles: [], permissions: [] });

    const roles = [{ roleId: 'bot-developer' }, { roleId: 'bot-approver', environments: ['production'] }];
    const shared = await as(owner.identity).share(bot.botId, dev.member.memberId, roles);
    expect(shared.status).toBe(200);
    expect(shared.body).toEqual({
      principal: { type: 'member', id: dev.member.memberId, label: dev.member.email },
      roles,
    });

    const seen = await as(dev.identity).get(bot.botId);
    expect(seen.body.myAccess.roles).toEqual(['bot-developer', 'bot-approver']);
    expect(seen.body.myAccess.permissions).toEqual(expect.arrayContaining(['flows:write', 'flows:read', 'bots:read']));
    // Approver is limited to production: a decision naming no environment does not count it.
    expect(seen.body.myAccess.permissions).not.toContain('publish:approve');

    const list = await as(owner.identity).access(bot.botId);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(2);
    expect(list.body.items).toContainEqual({
      principal: { type: 'member', id: owner.member.memberId, label: owner.member.email },
      roles: [{ roleId: 'bot-owner' }],
    });
    expect(list.body.nextCursor).toBeNull();

    await drainStream();
    const events = (await chainOf(tenantId)).filter((e) => e.action === 'bot_access.changed');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: { id: owner.identity.userId },
      target: { type: 'bot', id: bot.botId, label: 'Support bot' },
      changes: {
        before: { principal: { type: 'member', id: dev.member.memberId }, roles: [] },
        after: { principal: { type: 'member', id: dev.member.memberId }, roles },
      },
    });
  });

  it('[] removes access at once; repeating the same roles writes nothing', async () => {
    const { tenantId, owner, as, newMember } = await setup();
    const { body: bot } = await as(owner.identity).create();
    const tester = await newMember();
    await as(owner.identity).share(bot.botId, tester.member.memberId, [{ roleId: 'bot-tester' }]);
    expect((await as(tester.identity).get(bot.botId)).body.myAccess.roles).toEqual(['bot-tester']);
    expect((await as(owner.identity).share(bot.botId, tester.member.memberId, [{ roleId: 'bot-tester' }])).status).toBe(
      200,
    );
    const removed = await as(owner.identity).share(bot.botId, tester.member.memberId, []);
    expect(removed.body.roles).toEqual([]);
    expect((await as(tester.identity).get(bot.botId)).body.myAccess).toEqual({ roles: [], permissions: [] });
    expect((await as(owner.identity).access(bot.botId)).body.items).toHaveLength(1);
    await drainStream();
    expect((await chainOf(tenantId)).filter((e) => e.action === 'bot_access.changed')).toHaveLength(2);
  });

  it('refuses Approver without Developer, and taking Developer from under Approver (409 role_prerequisite_missing, nothing changes)', async () => {
    const { owner, as, newMember } = await setup();
    const { body: bot } = await as(owner.identity).create();
    const m = await newMember();
    const alone = await as(owner.identity).share(bot.botId, m.member.memberId, [{ roleId: 'bot-approver' }]);
    expect(alone.status).toBe(409);
    expect(alone.body).toMatchObject({ code: 'role_prerequisite_missing' });
    expect(alone.body.detail).toContain('bot-approver');
    expect(alone.body.detail).toContain('bot-developer');
    expect((await as(owner.identity).access(bot.botId)).body.items).toHaveLength(1);

    const both = [{ roleId: 'bot-developer' }, { roleId: 'bot-approver' }];
    expect((await as(owner.identity).share(bot.botId, m.member.memberId, both)).status).toBe(200);
    const withoutDeveloper = await as(owner.identity).share(bot.botId, m.member.memberId, [{ roleId: 'bot-approver' }]);
    expect(withoutDeveloper.status).toBe(409);
    expect(withoutDeveloper.body.code).toBe('role_prerequisite_missing');
    expect((await as(m.identity).get(bot.botId)).body.myAccess.roles).toEqual(['bot-developer', 'bot-approver']);
  });

  it('the required role must cover the dependent one: environments and expiry', async () => {
    const { owner, as, newMember } = await setup();
    const { body: bot } = await as(owner.identity).create();
    const m = await newMember();
    const soon = new Date(Date.now() + 86_400_000).toISOString();
    const later = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const refused = [
      [
        { roleId: 'bot-developer', environments: ['sandbox'] },
        { roleId: 'bot-approver', environments: ['production'] },
      ],
      [{ roleId: 'bot-developer', environments: ['sandbox'] }, { roleId: 'bot-approver' }],
      [
        { roleId: 'bot-developer', expiresAt: soon },
        { roleId: 'bot-approver', expiresAt: later },
      ],
      [{ roleId: 'bot-developer', expiresAt: soon }, { roleId: 'bot-approver' }],
    ];
    for (const roles of refused) {
      const response = await as(owner.identity).share(bot.botId, m.member.memberId, roles);
      expect(response.body.code, JSON.stringify(roles)).toBe('role_prerequisite_missing');
    }
    const accepted = [
      [{ roleId: 'bot-developer' }, { roleId: 'bot-approver', environments: ['production'], expiresAt: soon }],
      [
        { roleId: 'bot-developer', environments: ['staging', 'production'], expiresAt: later },
        { roleId: 'bot-approver', environments: ['production'], expiresAt: soon },
      ],
    ];
    for (const roles of accepted) {
      expect((await as(owner.identity).share(bot.botId, m.member.memberId, roles)).status).toBe(200);
    }
  });

  it('bad input is a 4xx naming the problem, and changes nothing', async () => {
    const { tenantId, owner, as, newMember } = await setup();
    const { body: bot } = await as(owner.identity).create({ name: 'Sandbox only', environments: ['sandbox'] });
    const m = await newMember();
    const id = m.member.memberId;
    const cases: [Assignment[], number, string][] = [
      [[{ roleId: 'viewer' }], 400, 'role_scope_mismatch'],
      [[{ roleId: ulid() }], 400, 'unknown_role'],
      [[{ roleId: 'bot-tester', environments: ['production'] }], 400, 'environment_not_on_bot'],
      [[{ roleId: 'bot-tester', expiresAt: '2020-01-01T00:00:00Z' }], 400, 'validation_failed'],
      [[{ roleId: 'bot-tester' }, { roleId: 'bot-tester' }], 400, 'validation_failed'],
    ];
    for (const [roles, status, code] of cases) {
      const response = await as(owner.identity).share(bot.botId, id, roles);
      expect([response.status, response.body.code], JSON.stringify(roles)).toEqual([status, code]);
    }
    expect((await as(owner.identity).share(bot.botId, ulid(), [{ roleId: 'bot-tester' }])).body.code).toBe(
      'member_not_found',
    );
    expect((await as(owner.identity).share(bot.botId, ulid(), [], 'group')).body.code).toBe('group_not_found');
    expect((await as(owner.identity).share('no-such-bot', id, [])).body.code).toBe('bot_not_found');
    const invited = await memberIn(tenantId, { status: 'invited', roles: [{ roleId: 'member' }] });
    const early = await as(owner.identity).share(bot.botId, invited.member.memberId, [{ roleId: 'bot-tester' }]);
    expect([early.status, early.body.code]).toEqual([409, 'invalid_state']);
    expect((await as(owner.identity).access(bot.botId)).body.items).toHaveLength(1);
  });

  it('another tenant: its bots are 404 like unknown ones, its members 404 member_not_found', async () => {
    const here = await setup();
    const there = await setup();
    const { body: theirBot } = await there.as(there.owner.identity).create();
    const mine = await here.newMember();
    const foreignBot = await here.as(here.owner.identity).share(theirBot.botId, mine.member.memberId, []);
    expect([foreignBot.status, foreignBot.body.code]).toEqual([404, 'bot_not_found']);
    expect((await here.as(here.owner.identity).access(theirBot.botId)).status).toBe(404);
    const { body: myBot } = await here.as(here.owner.identity).create();
    const theirs = await there.newMember();
    const foreignMember = await here
      .as(here.owner.identity)
      .share(myBot.botId, theirs.member.memberId, [{ roleId: 'bot-tester' }]);
    expect([foreignMember.status, foreignMember.body.code]).toEqual([404, 'member_not_found']);
  });
});

describe('no escalation per bot', () => {
  /** A custom bot role that manages collaborators and reads, but writes nothing. */
  async function collaboratorManager(tenantId: string, ownerIdentity: Identity) {
    const owner = await resolveTenantCaller(deps(), ownerIdentity, tenantId);
    return createRole(
      deps(),
      owner,
      {
        name: `Collaborator manager ${ulid()}`,
        scope: 'bot',
        permissions: [
          'collaborators:manage',
          'bots:read',
          'flows:read',
          'nlu:read',
          'knowledge:read',
          'testing:read',
          'analytics:read',
        ],
      },
      meta(),
    );
  }

  it('grants only what the actor holds on that bot, in the environments they hold it; never bot-owner; bot-admin only from the top', async () => {
    const { tenantId, owner, as, newMember } = await setup();
    const { body: bot } = await as(owner.identity).create();
    const role = await collaboratorManager(tenantId, owner.identity);
    const manager = await newMember();
    await as(owner.identity).share(bot.botId, manager.member.memberId, [{ roleId: role.roleId }]);
    const target = await newMember();
    const grant = (roles: Assignment[]) => as(manager.identity).share(bot.botId, target.member.memberId, roles);

    expect((await grant([{ roleId: 'bot-tester' }])).status).toBe(200);
    const developer = await grant([{ roleId: 'bot-developer' }]);
    expect([developer.status, developer.body.code]).toEqual([403, 'escalation_denied']);
    expect(developer.body.detail).toContain('flows:write');
    expect((await grant([{ roleId: 'bot-admin' }])).body.code).toBe('bot_admin_requires_owner');
    expect((await grant([{ roleId: 'bot-owner' }])).body.code).toBe('bot_owner_not_grantable');
    // Nothing moved: the target still holds exactly what the first grant gave.
    expect((await as(target.identity).get(bot.botId)).body.myAccess.roles).toEqual(['bot-tester']);
  });

  it('an actor who holds a role in some environments grants it only there', async () => {
    const { tenantId, owner, as, newMember } = await setup();
    const { body: bot } = await as(owner.identity).create();
    const role = await createRole(
      deps(),
      await resolveTenantCaller(deps(), owner.identity, tenantId),
      { name: `Sharer ${ulid()}`, scope: 'bot', permissions: ['collaborators:manage'] },
      meta(),
    );
    const sharer = await newMember();
    await as(owner.identity).share(bot.botId, sharer.member.memberId, [
      { roleId: role.roleId },
      { roleId: 'bot-tester', environments: ['sandbox'] },
    ]);
    const target = await newMember();
    const grant = (roles: Assignment[]) => as(sharer.identity).share(bot.botId, target.member.memberId, roles);
    expect((await grant([{ roleId: 'bot-tester', environments: ['sandbox'] }])).status).toBe(200);
    const production = await grant([{ roleId: 'bot-tester', environments: ['sandbox', 'production'] }]);
    expect([production.status, production.body.code]).toEqual([403, 'escalation_denied']);
    expect(production.body.detail).toContain('(in production)');
    expect((await grant([{ roleId: 'bot-tester' }])).body.code).toBe('escalation_denied');
    expect((await as(owner.identity).access(bot.botId)).body.items).toContainEqual({
      principal: { type: 'member', id: target.member.memberId, label: target.member.email },
      roles: [{ roleId: 'bot-tester', environments: ['sandbox'] }],
    });
  });

  it('a grant on one bot gives nothing on another', async () => {
    const { owner, as, newMember } = await setup();
    const [{ body: a }, { body: b }] = [await as(owner.identity).create(), await as(owner.identity).create()];
    const admin = await newMember();
    await as(owner.identity).share(a.botId, admin.member.memberId, [{ roleId: 'bot-admin' }]);
    const target = await newMember();
    expect((await as(admin.identity).share(a.botId, target.member.memberId, [{ roleId: 'bot-tester' }])).status).toBe(
      200,
    );
    const onB = await as(admin.identity).share(b.botId, target.member.memberId, [{ roleId: 'bot-tester' }]);
    expect(onB.status).toBe(403);
    expect((await as(admin.identity).access(b.botId)).status).toBe(403);
  });

  it('a Bot Admin grants Developer but not Bot Admin; the Bot Owner and a tenant Admin grant Bot Admin; bot-owner cannot be taken away', async () => {
    const { owner, as, newMember } = await setup();
    const botOwner = await newMember([{ roleId: 'admin' }]);
    const { body: bot } = await as(botOwner.identity).create();
    const botAdmin = await newMember();
    expect(
      (await as(botOwner.identity).share(bot.botId, botAdmin.member.memberId, [{ roleId: 'bot-admin' }])).status,
    ).toBe(200);
    const target = await newMember();
    expect(
      (await as(botAdmin.identity).share(bot.botId, target.member.memberId, [{ roleId: 'bot-developer' }])).status,
    ).toBe(200);
    expect(
      (await as(botAdmin.identity).share(bot.botId, target.member.memberId, [{ roleId: 'bot-admin' }])).body.code,
    ).toBe('bot_admin_requires_owner');
    const tenantAdmin = await newMember([{ roleId: 'admin' }]);
    expect(
      (await as(tenantAdmin.identity).share(bot.botId, target.member.memberId, [{ roleId: 'bot-admin' }])).status,
    ).toBe(200);
    // Taking bot-admin away is as guarded as giving it.
    expect((await as(botAdmin.identity).share(bot.botId, target.member.memberId, [])).body.code).toBe(
      'bot_admin_requires_owner',
    );
    const stripOwner = await as(owner.identity).share(bot.botId, botOwner.member.memberId, [{ roleId: 'bot-tester' }]);
    expect([stripOwner.status, stripOwner.body.code]).toEqual([403, 'bot_owner_not_grantable']);
    expect((await as(botOwner.identity).get(bot.botId)).body.myAccess.roles).toEqual(['bot-owner']);
  });
});

describe('the access list: ?permission= and pagination', () => {
  it('lists who holds a permission with its sources, page by page to the end, with nothing skipped', async () => {
    const { owner, as, newMember } = await setup();
    const { body: bot } = await as(owner.identity).create();
    const developers: string[] = [];
    for (let i = 0; i < 5; i++) {
      const dev = await newMember();
      developers.push(dev.member.memberId);
      await as(owner.identity).share(bot.botId, dev.member.memberId, [{ roleId: 'bot-developer' }]);
      const tester = await newMember();
      await as(owner.identity).share(bot.botId, tester.member.memberId, [{ roleId: 'bot-tester' }]);
    }
    const suspendedDev = await memberIn(owner.member.tenantId, { roles: [{ roleId: 'member' }] });
    await as(owner.identity).share(bot.botId, suspendedDev.member.memberId, [{ roleId: 'bot-developer' }]);
    await invoke(routes.suspendMember, {
      identity: owner.identity,
      params: { tenantId: owner.member.tenantId, memberId: suspendedDev.member.memberId },
    });

    const seen: { principal: { id: string }; sources: string[] }[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const query: Record<string, string> = { permission: 'flows:write', limit: '2' };
      if (cursor) query.cursor = cursor;
      const page = await as(owner.identity).access(bot.botId, query);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 20);
    expect(cursor).toBeUndefined();
    // The Bot Owner (also the tenant Owner) and the five active developers; no tester, not the suspended one.
    expect(seen.map((e) => e.principal.id).sort()).toEqual([owner.member.memberId, ...developers].sort());
    expect(seen.find((e) => e.principal.id === developers[0])?.sources).toEqual(['bot-developer']);
    expect(seen.find((e) => e.principal.id === owner.member.memberId)?.sources).toEqual(['tenant', 'bot-owner']);

    const all = await as(owner.identity).access(bot.botId, { limit: '100' });
    expect(all.body.items).toHaveLength(12);
    expect(all.body.items.every((e: { sources?: unknown }) => e.sources === undefined)).toBe(true);
  });

  it('a cursor of one bot or filter is refused on another (400 invalid_cursor)', async () => {
    const { owner, as, newMember } = await setup();
    const [{ body: a }, { body: b }] = [await as(owner.identity).create(), await as(owner.identity).create()];
    for (let i = 0; i < 3; i++) {
      const m = await newMember();
      await as(owner.identity).share(a.botId, m.member.memberId, [{ roleId: 'bot-tester' }]);
    }
    const first = await as(owner.identity).access(a.botId, { limit: '1' });
    const cursor = first.body.nextCursor as string;
    expect(cursor).toEqual(expect.any(String));
    expect((await as(owner.identity).access(b.botId, { cursor })).body.code).toBe('invalid_cursor');
    expect((await as(owner.identity).access(a.botId, { cursor, permission: 'flows:read' })).body.code).toBe(
      'invalid_cursor',
    );
  });
});

describe('concurrent changes of one principal', () => {
  it('two PUTs at once: the end state is one of them whole, and each success wrote one audit event', async () => {
    const { tenantId, owner, as, newMember } = await setup();
    const { body: bot } = await as(owner.identity).create();
    const m = await newMember();
    await as(owner.identity).share(bot.botId, m.member.memberId, [{ roleId: 'bot-developer' }]);
    const sets: Assignment[][] = [
      [{ roleId: 'bot-developer' }, { roleId: 'bot-approver' }],
      [{ roleId: 'bot-tester' }],
    ];
    const results = await Promise.all(
      sets.map((roles) => as(owner.identity).share(bot.botId, m.member.memberId, roles)),
    );
    expect(results.every((r) => r.status === 200 || (r.status === 409 && r.body.code === 'concurrent_change'))).toBe(
      true,
    );
    const entry = (await as(owner.identity).access(bot.botId)).body.items.find(
      (e: { principal: { id: string } }) => e.principal.id === m.member.memberId,
    );
    expect(sets).toContainEqual(entry.roles);
    await drainStream();
    const events = (await chainOf(tenantId)).filter((e) => e.action === 'bot_access.changed');
    expect(events).toHaveLength(1 + results.filter((r) => r.status === 200).length);
  });
});

describe('every bot route × every built-in bot role held on the bot', () => {
  const allowed: Record<string, readonly string[] | 'all'> = {
    getBot: 'all',
    // bots:publish implies bots:configure (shared/domain/permissions.ts), so the Approver may rename the bot.
    updateBot: ['bot-owner', 'bot-admin', 'bot-approver'],
    deleteBot: ['bot-owner'],
    transferBotOwnership: ['bot-owner'],
    listBotAccess: ['bot-owner', 'bot-admin', 'bot-developer', 'bot-approver'],
    setBotAccess: ['bot-owner', 'bot-admin'],
  };
  const botRoleIds = botBuiltInRoleIds;

  it('answers each as the role table says (callers hold the tenant role member only)', async () => {
    const { tenantId, owner, as, newMember } = await setup();
    const outcomes: Record<string, Record<string, number>> = {};
    const expected: Record<string, Record<string, number>> = {};
    for (const roleId of botRoleIds) {
      const holder = await newMember();
      for (const [routeName, roles] of Object.entries(allowed)) {
        // The bot-owner rows own their bot (they registered it through an Owner-made transfer); others are shared.
        const { body: bot } = await as(owner.identity).create();
        if (roleId === 'bot-owner') {
          await invoke(routes.transferBotOwnership, {
            identity: owner.identity,
            params: { tenantId, botId: bot.botId },
            body: { memberId: holder.member.memberId },
          });
        } else {
          const assignments =
            roleId === 'bot-approver' ? [{ roleId: 'bot-developer' }, { roleId }] : [{ roleId: roleId as string }];
          expect((await as(owner.identity).share(bot.botId, holder.member.memberId, assignments)).status).toBe(200);
        }
        const other = await newMember();
        const params = { tenantId, botId: bot.botId };
        const request = {
          getBot: () => invoke(routes.getBot, { identity: holder.identity, params }),
          updateBot: () =>
            invoke(routes.updateBot, { identity: holder.identity, params, body: { name: 'Renamed by the matrix' } }),
          deleteBot: () => invoke(routes.deleteBot, { identity: holder.identity, params }),
          transferBotOwnership: () =>
            invoke(routes.transferBotOwnership, {
              identity: holder.identity,
              params,
              body: { memberId: other.member.memberId },
            }),
          listBotAccess: () => invoke(routes.listBotAccess, { identity: holder.identity, params }),
          setBotAccess: () =>
            invoke(routes.setBotAccess, {
              identity: holder.identity,
              params: { ...params, principalType: 'member', principalId: other.member.memberId },
              body: { roles: [{ roleId: 'bot-tester' }] },
            }),
        }[routeName as keyof typeof allowed];
        const response = await (request as () => ReturnType<typeof invoke>)();
        outcomes[routeName] = { ...outcomes[routeName], [roleId]: response.status < 300 ? 200 : response.status };
        expected[routeName] = {
          ...expected[routeName],
          [roleId]: roles === 'all' || roles.includes(roleId) ? 200 : 403,
        };
      }
    }
    expect(outcomes).toEqual(expected);
  }, 120_000);
});
