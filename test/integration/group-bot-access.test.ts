import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { listBotGrantsOfPrincipal, putGrant } from '../../shared/data/bot-repository';
import { keys } from '../../shared/data/keys';
import type { ResourceGrantRecord } from '../../shared/data/records';
import { transactWrite } from '../../shared/data/transactions';
import type { Identity } from '../../shared/domain/actor';
import { routes } from '../../shared/http/routes';
import { createAccessRequest } from '../../shared/services/access-request-service';
import { authorize } from '../../shared/services/authorization-service';
import { resolveBotCaller, resolveLink, resolveTenantCaller } from '../../shared/services/caller-service';
import { addGroupMember, createGroup } from '../../shared/services/group-service';
import { chainOf } from '../support/audit';
import { deps, dynamoDbCalls, memberIn, meta, tenantWithOwner } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { drainStream } from '../support/local-stack';

/** Issue 13 items 1-2 (SPEC §7-§9): bot roles through groups, their sources, approvers and member bots. */

type Assignment = { roleId: string; environments?: string[]; expiresAt?: string };
type Permissions = readonly { readonly permission: string; readonly sources: readonly string[] }[];

async function setup() {
  const tenant = await tenantWithOwner(200);
  const tenantId = tenant.tenantId;
  const owner = tenant.owner;
  const admin = await memberIn(tenantId, { roles: [{ roleId: 'admin' }] });
  const as = (identity: Identity) => ({
    createBot: (body: object = { name: `Bot ${ulid()}` }) =>
      invoke(routes.createBot, { identity, params: { tenantId }, body }),
    getBot: (botId: string) => invoke(routes.getBot, { identity, params: { tenantId, botId } }),
    access: (botId: string, query: Record<string, string> = {}) =>
      invoke(routes.listBotAccess, { identity, params: { tenantId, botId }, query }),
    share: (botId: string, principalId: string, roles: Assignment[], principalType = 'group') =>
      invoke(routes.setBotAccess, {
        identity,
        params: { tenantId, botId, principalType, principalId },
        body: { roles },
      }),
    createGroup: (name: string) => invoke(routes.createGroup, { identity, params: { tenantId }, body: { name } }),
    addToGroup: (groupId: string, memberId: string) =>
      invoke(routes.addGroupMember, { identity, params: { tenantId, groupId, memberId } }),
    dropFromGroup: (groupId: string, memberId: string) =>
      invoke(routes.removeGroupMember, { identity, params: { tenantId, groupId, memberId } }),
    deleteGroup: (groupId: string) => invoke(routes.deleteGroup, { identity, params: { tenantId, groupId } }),
    authorize: (body: object) => invoke(routes.authorize, { identity, params: { tenantId }, body }),
    memberBots: (memberId: string, query: Record<string, string> = {}) =>
      invoke(routes.listMemberBots, { identity, params: { tenantId, memberId }, query }),
    requests: (query: Record<string, string>) =>
      invoke(routes.listAccessRequests, { identity, params: { tenantId }, query }),
    approve: (requestId: string, body: object = {}) =>
      invoke(routes.approveAccessRequest, { identity, params: { tenantId, requestId }, body }),
  });
  const newMember = () => memberIn(tenantId, { roles: [{ roleId: 'member' }] });
  /** A group (made by the Admin) with these members. */
  const groupWith = async (name: string, memberIds: string[] = []) => {
    const created = await as(admin.identity).createGroup(name);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    for (const memberId of memberIds) {
      const added = await as(admin.identity).addToGroup(created.body.groupId, memberId);
      expect(added.status, JSON.stringify(added.body)).toBe(200);
    }
    return created.body.groupId as string;
  };
  const newBot = async (name = `Bot ${ulid()}`) => {
    const created = await as(owner.identity).createBot({ name });
    expect(created.status).toBe(201);
    return created.body.botId as string;
  };
  return { tenantId, owner, admin, as, newMember, groupWith, newBot };
}

const sourcesOf = (permissions: Permissions, permission: string) =>
  permissions.find((p) => p.permission === permission)?.sources;

describe('PUT /bots/{botId}/access/group/{groupId}', () => {
  it('gives a group roles on a bot: labelled by its name, one bot_access.changed event, its members hold them on their next request with source group:<id>', async () => {
    const { tenantId, owner, as, newMember, groupWith, newBot } = await setup();
    const botId = await newBot('Support bot');
    const dev = await newMember();
    const groupId = await groupWith('Developers', [dev.member.memberId]);
    expect((await as(dev.identity).getBot(botId)).body.myAccess).toEqual({ roles: [], permissions: [] });

    const roles = [{ roleId: 'bot-developer' }];
    const shared = await as(owner.identity).share(botId, groupId, roles);
    expect(shared.status, JSON.stringify(shared.body)).toBe(200);
    expect(shared.body).toEqual({ principal: { type: 'group', id: groupId, label: 'Developers' }, roles });

    const seen = await as(dev.identity).getBot(botId);
    expect(seen.status).toBe(200);
    expect(seen.body.myAccess.roles).toEqual(['bot-developer']);
    expect(seen.body.myAccess.permissions).toEqual(expect.arrayContaining(['flows:write', 'bots:read']));
    // The bot directory says so too.
    const directory = await invoke(routes.listBots, { identity: dev.identity, params: { tenantId } });
    expect(directory.body.items.find((b: { botId: string }) => b.botId === botId)?.myAccess.roles).toEqual([
      'bot-developer',
    ]);
    const caller = await resolveBotCaller(deps(), dev.identity, tenantId, botId);
    expect(sourcesOf(caller.botPermissions, 'flows:write')).toEqual([`group:${groupId}`]);
    expect(caller.isBotOwner).toBe(false);

    // The access list shows the group by name; with ?permission= the group is kept, with its sources.
    const list = await as(owner.identity).access(botId);
    expect(list.body.items).toContainEqual({ principal: { type: 'group', id: groupId, label: 'Developers' }, roles });
    const holders = await as(owner.identity).access(botId, { permission: 'flows:write' });
    expect(holders.body.items).toContainEqual({
      principal: { type: 'group', id: groupId, label: 'Developers' },
      roles,
      sources: ['bot-developer'],
    });
    const readers = await as(owner.identity).access(botId, { permission: 'flows:read' });
    expect(readers.body.items.find((e: { principal: { id: string } }) => e.principal.id === groupId)?.sources).toEqual([
      'implied',
    ]);
    const deleters = await as(owner.identity).access(botId, { permission: 'bots:delete' });
    expect(deleters.body.items.map((e: { principal: { id: string } }) => e.principal.id)).toEqual([
      owner.member.memberId,
    ]);

    await drainStream();
    const events = (await chainOf(tenantId)).filter((e) => e.action === 'bot_access.changed');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: { id: owner.identity.userId },
      target: { type: 'bot', id: botId },
      changes: {
        before: { principal: { type: 'group', id: groupId }, roles: [] },
        after: { principal: { type: 'group', id: groupId }, roles },
      },
    });
  });

  it('refuses, with nothing written: unknown, foreign or deleting groups (404), Bot Owner, Bot Admin by a non-admin, escalation, missing prerequisites, foreign environments, and callers without collaborators:manage', async () => {
    const { tenantId, owner, admin, as, newMember, groupWith, newBot } = await setup();
    const other = await setup();
    const foreignGroup = await other.groupWith('Theirs');
    const botId = await newBot();
    const groupId = await groupWith('Team');
    const dying = await groupWith('Dying');
    // A deletion under way marks the group `deleting` first (test setup, straight to DynamoDB Local).
    await deps().db.send(
      new UpdateCommand({
        TableName: deps().tableName,
        Key: keys.group(tenantId, dying),
        UpdateExpression: 'SET deleting = :yes',
        ExpressionAttributeValues: { ':yes': true },
      }),
    );
    for (const unknown of [ulid(), foreignGroup, dying]) {
      const answer = await as(owner.identity).share(botId, unknown, [{ roleId: 'bot-tester' }]);
      expect([answer.status, answer.body.code], unknown).toEqual([404, 'group_not_found']);
    }

    // Someone with collaborators:manage on the bot through a custom role, and no more.
    const custom = await invoke(routes.createRole, {
      identity: owner.identity,
      params: { tenantId },
      body: { name: `Sharer ${ulid()}`, scope: 'bot', permissions: ['collaborators:manage', 'testing:read'] },
    });
    expect(custom.status, JSON.stringify(custom.body)).toBe(201);
    const sharer = await newMember();
    expect(
      (await as(owner.identity).share(botId, sharer.member.memberId, [{ roleId: custom.body.roleId }], 'member'))
        .status,
    ).toBe(200);

    const refusals: [Identity, Assignment[], number, string][] = [
      [owner.identity, [{ roleId: 'bot-owner' }], 403, 'bot_owner_not_grantable'],
      [sharer.identity, [{ roleId: 'bot-admin' }], 403, 'bot_admin_requires_owner'],
      [sharer.identity, [{ roleId: 'bot-developer' }], 403, 'escalation_denied'],
      [owner.identity, [{ roleId: 'bot-approver' }], 409, 'role_prerequisite_missing'],
    ];
    for (const [identity, roles, status, code] of refusals) {
      const answer = await as(identity).share(botId, groupId, roles);
      expect([answer.status, answer.body.code], code).toEqual([status, code]);
    }
    const narrowBot = (await as(owner.identity).createBot({ name: `Narrow ${ulid()}`, environments: ['sandbox'] })).body
      .botId as string;
    const foreignEnv = await as(owner.identity).share(narrowBot, groupId, [
      { roleId: 'bot-tester', environments: ['production'] },
    ]);
    expect([foreignEnv.status, foreignEnv.body.code]).toEqual([400, 'environment_not_on_bot']);
    const plain = await newMember();
    expect((await as(plain.identity).share(botId, groupId, [{ roleId: 'bot-tester' }])).status).toBe(403);
    // Within what they hold, the sharer may give the group their custom role; the Admin may give Bot Admin.
    expect((await as(sharer.identity).share(botId, groupId, [{ roleId: custom.body.roleId }])).status).toBe(200);
    expect((await as(admin.identity).share(botId, groupId, [{ roleId: 'bot-admin' }])).status).toBe(200);

    const grants = await listBotGrantsOfPrincipal(deps(), tenantId, 'group', groupId);
    expect(grants.map((g) => g.roles)).toEqual([[{ roleId: 'bot-admin' }]]);
    for (const id of [dying, foreignGroup]) {
      expect(await listBotGrantsOfPrincipal(deps(), tenantId, 'group', id)).toEqual([]);
    }
  });
});

describe('adding a member to a group is a grant of its bot roles, judged per bot (SPEC §8)', () => {
  it('someone with groups:manage but nothing on the bot cannot add members to a group holding roles there; an Admin can', async () => {
    const { tenantId, owner, admin, as, newMember, groupWith, newBot } = await setup();
    const botId = await newBot();
    const groupId = await groupWith('Developers');
    expect((await as(owner.identity).share(botId, groupId, [{ roleId: 'bot-developer' }])).status).toBe(200);
    const role = await invoke(routes.createRole, {
      identity: owner.identity,
      params: { tenantId },
      body: { name: `Group keeper ${ulid()}`, permissions: ['groups:manage', 'users:read'] },
    });
    expect(role.status, JSON.stringify(role.body)).toBe(201);
    const keeper = await memberIn(tenantId, { roles: [{ roleId: role.body.roleId }] });
    const ada = await newMember();
    const refused = await as(keeper.identity).addToGroup(groupId, ada.member.memberId);
    expect([refused.status, refused.body.code]).toEqual([403, 'escalation_denied']);
    expect((await as(ada.identity).getBot(botId)).body.myAccess.roles).toEqual([]);
    // A group with no bot roles is theirs to fill.
    const plainGroup = await groupWith('Plain');
    expect((await as(keeper.identity).addToGroup(plainGroup, ada.member.memberId)).status).toBe(200);
    expect((await as(admin.identity).addToGroup(groupId, ada.member.memberId)).status).toBe(200);
    expect((await as(ada.identity).getBot(botId)).body.myAccess.roles).toEqual(['bot-developer']);
  });
});

describe('bot roles through a group follow membership', () => {
  it('leaving the group takes them away on the next request; deleting the group deletes its grants', async () => {
    const { tenantId, owner, admin, as, newMember, groupWith, newBot } = await setup();
    const botId = await newBot();
    const ada = await newMember();
    const groupId = await groupWith('Testers', [ada.member.memberId]);
    expect((await as(owner.identity).share(botId, groupId, [{ roleId: 'bot-tester' }])).status).toBe(200);
    expect((await as(ada.identity).getBot(botId)).body.myAccess.roles).toEqual(['bot-tester']);

    expect((await as(admin.identity).dropFromGroup(groupId, ada.member.memberId)).status).toBe(204);
    expect((await as(ada.identity).getBot(botId)).body.myAccess).toEqual({ roles: [], permissions: [] });

    expect((await as(admin.identity).addToGroup(groupId, ada.member.memberId)).status).toBe(200);
    expect((await as(ada.identity).getBot(botId)).body.myAccess.roles).toEqual(['bot-tester']);
    expect((await as(admin.identity).deleteGroup(groupId)).status).toBe(204);
    expect(await listBotGrantsOfPrincipal(deps(), tenantId, 'group', groupId)).toEqual([]);
    expect(
      (await as(owner.identity).access(botId)).body.items.map((e: { principal: { type: string } }) => e.principal.type),
    ).toEqual(['member']);
    expect((await as(ada.identity).getBot(botId)).body.myAccess).toEqual({ roles: [], permissions: [] });
  });

  it('a suspended member holds nothing through their group; an expired group role grants nothing', async () => {
    const { tenantId, owner, admin, as, newMember, groupWith, newBot } = await setup();
    const botId = await newBot();
    const ada = await newMember();
    const groupId = await groupWith('Analysts', [ada.member.memberId]);
    const past = new Date(Date.now() - 60_000).toISOString();
    const future = new Date(Date.now() + 3_600_000).toISOString();
    // An expiry in the past is refused by the API: the grant is written as the purge would find it (test setup).
    const grant: ResourceGrantRecord = {
      tenantId,
      resourceType: 'bot',
      resourceId: botId,
      principalType: 'group',
      principalId: groupId,
      roles: [
        { roleId: 'insights-analyst', expiresAt: future },
        { roleId: 'bot-tester', expiresAt: past },
      ],
      updatedAt: new Date().toISOString(),
      version: 1,
    };
    await transactWrite(deps(), [{ item: putGrant(deps(), grant, undefined) }]);
    const answer = await as(ada.identity).authorize({
      checks: [
        { permission: 'analytics:read', botId },
        { permission: 'testing:read', botId },
      ],
    });
    expect(answer.body.results).toEqual([
      { allowed: true, sources: [`group:${groupId}`] },
      { allowed: false, sources: [] },
    ]);
    expect(
      (
        await invoke(routes.suspendMember, {
          identity: admin.identity,
          params: { tenantId, memberId: ada.member.memberId },
        })
      ).status,
    ).toBe(200);
    const asked = await as(owner.identity).authorize({
      subject: { memberId: ada.member.memberId },
      checks: [{ permission: 'analytics:read', botId }],
    });
    expect(asked.body.results).toEqual([{ allowed: false, sources: [] }]);
  });
});

describe('POST /authorize with group sources', () => {
  it('answers for the caller (in one BatchGetItem round after the link) and for another member, own roles before group roles, per environment', async () => {
    const { tenantId, owner, as, newMember, groupWith, newBot } = await setup();
    const [botA, botB] = [await newBot(), await newBot()];
    const ada = await newMember();
    const [g1, g2] = [await groupWith('G one', [ada.member.memberId]), await groupWith('G two', [ada.member.memberId])];
    expect(
      (await as(owner.identity).share(botA, ada.member.memberId, [{ roleId: 'bot-tester' }], 'member')).status,
    ).toBe(200);
    expect((await as(owner.identity).share(botA, g1, [{ roleId: 'bot-developer' }])).status).toBe(200);
    expect(
      (await as(owner.identity).share(botB, g2, [{ roleId: 'inbox-agent', environments: ['production'] }])).status,
    ).toBe(200);
    const checks = [
      { permission: 'flows:write', botId: botA },
      { permission: 'bots:read', botId: botA },
      { permission: 'inbox:write', botId: botB },
      { permission: 'inbox:write', botId: botB, environment: 'production' },
      { permission: 'flows:write', botId: botB },
    ];
    const expected = [
      { allowed: true, sources: [`group:${g1}`] },
      { allowed: true, sources: ['bot-tester', `group:${g1}`] },
      { allowed: false, sources: [] },
      { allowed: true, sources: [`group:${g2}`] },
      { allowed: false, sources: [] },
    ];
    const self = await as(ada.identity).authorize({ checks });
    expect(self.status, JSON.stringify(self.body)).toBe(200);
    expect(self.body.results).toEqual(expected);
    const other = await as(owner.identity).authorize({ subject: { memberId: ada.member.memberId }, checks });
    expect(other.body.results).toEqual(expected);
    // For the caller, the group grants are read in the one BatchGetItem round after the link.
    const linked = await resolveLink(deps(), ada.identity, tenantId);
    const read = await dynamoDbCalls(() => authorize(deps(), linked, { checks }));
    expect(read.rounds).toEqual([['BatchGetItemCommand']]);
    expect(read.result.results).toEqual(expected);
  });
});

describe('round trips', () => {
  it('a bot route for a member in 10 groups with grants on that bot: 2 DynamoDB round trips', async () => {
    const { tenantId, owner, newMember, newBot } = await setup();
    const botId = await newBot();
    const target = await newMember();
    const ownerCaller = await resolveTenantCaller(deps(), owner.identity, tenantId);
    const roleIds = ['bot-tester', 'insights-analyst', 'inbox-agent'];
    const groupIds: string[] = [];
    for (let i = 0; i < 10; i++) {
      const group = await createGroup(deps(), ownerCaller, { name: `Ten ${i}` }, meta());
      await addGroupMember(deps(), ownerCaller, group.groupId, target.member.memberId, meta());
      groupIds.push(group.groupId);
      const shared = await invoke(routes.setBotAccess, {
        identity: owner.identity,
        params: { tenantId, botId, principalType: 'group', principalId: group.groupId },
        body: { roles: [{ roleId: roleIds[i % 3] }] },
      });
      expect(shared.status).toBe(200);
    }
    const read = await dynamoDbCalls(() => resolveBotCaller(deps(), target.identity, tenantId, botId));
    expect(read.rounds).toEqual([['GetItemCommand'], ['BatchGetItemCommand']]);
    const held = read.result.botPermissions;
    expect(sourcesOf(held, 'inbox:write')).toEqual(
      groupIds.filter((_, i) => i % 3 === 2).map((groupId) => `group:${groupId}`),
    );
    expect(held.map((p) => p.permission)).toEqual(expect.arrayContaining(['testing:read', 'analytics:read']));
  });
});

describe('access requests through groups (SPEC §9)', () => {
  it("a group holding Bot Admin makes its active members approvers: they are notified, list and approve the bot's requests", async () => {
    const { tenantId, owner, admin, as, newMember, groupWith, newBot } = await setup();
    const botId = await newBot();
    const [approver, outsider, requester] = [await newMember(), await newMember(), await newMember()];
    const groupId = await groupWith('Bot admins', [approver.member.memberId]);
    expect((await as(admin.identity).share(botId, groupId, [{ roleId: 'bot-admin' }])).status).toBe(200);
    // The owner's own bot-owner grant makes them an approver too; the outsider is none.
    const request = await createAccessRequest(
      deps(),
      await resolveTenantCaller(deps(), requester.identity, tenantId),
      { botId, roles: [{ roleId: 'bot-tester' }] },
      meta(),
    );
    await drainStream();
    const notified = async (identity: Identity) =>
      (await invoke(routes.listMyNotifications, { identity, query: { limit: '100' } })).body.items.filter(
        (n: { tenantId: string; type: string }) => n.tenantId === tenantId && n.type === 'access_request.created',
      );
    expect(await notified(approver.identity)).toHaveLength(1);
    expect(await notified(owner.identity)).toHaveLength(1);
    expect(await notified(outsider.identity)).toHaveLength(0);

    const listed = await as(approver.identity).requests({ botId });
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect(listed.body.items.map((r: { requestId: string }) => r.requestId)).toEqual([request.requestId]);
    expect((await as(outsider.identity).requests({ botId })).status).toBe(403);
    const approved = await as(approver.identity).approve(request.requestId);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect((await as(requester.identity).getBot(botId)).body.myAccess.roles).toEqual(['bot-tester']);
  });
});

describe('GET /members/{memberId}/bots through groups', () => {
  it("lists bots reached through the member's groups, merged with their own in bot id order, paged, sourced group:<id>", async () => {
    const { owner, as, newMember, groupWith, newBot } = await setup();
    const bots: string[] = [];
    for (let i = 0; i < 7; i++) bots.push(await newBot(`B${i}`));
    bots.sort();
    const ada = await newMember();
    const [g1, g2] = [await groupWith('One', [ada.member.memberId]), await groupWith('Two', [ada.member.memberId])];
    // Own grants on 0 and 3; G1 on 1, 3, 5; G2 on 5 and 6. Bot 2 and 4: nothing.
    const give = async (botId: string, principalId: string, roleId: string, type = 'group') =>
      expect((await as(owner.identity).share(botId, principalId, [{ roleId }], type)).status).toBe(200);
    await give(bots[0]!, ada.member.memberId, 'bot-tester', 'member');
    await give(bots[3]!, ada.member.memberId, 'inbox-agent', 'member');
    for (const i of [1, 3, 5]) await give(bots[i]!, g1, 'bot-developer');
    for (const i of [5, 6]) await give(bots[i]!, g2, 'insights-analyst');

    const seen: { bot: { botId: string }; roles: unknown[]; groups: unknown[]; permissions: Permissions }[] = [];
    let cursor: string | undefined;
    do {
      const page = await as(ada.identity).memberBots(ada.member.memberId, {
        limit: '2',
        ...(cursor ? { cursor } : {}),
      });
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.map((s) => s.bot.botId)).toEqual([0, 1, 3, 5, 6].map((i) => bots[i]));
    const at = (i: number) => seen.find((s) => s.bot.botId === bots[i]);
    expect(at(3)?.roles).toEqual([{ roleId: 'inbox-agent' }]);
    expect(at(3)?.groups).toEqual([{ groupId: g1, roles: [{ roleId: 'bot-developer' }] }]);
    expect(sourcesOf(at(3)?.permissions ?? [], 'bots:read')).toEqual(['inbox-agent', `group:${g1}`]);
    expect(sourcesOf(at(5)?.permissions ?? [], 'bots:read')).toEqual([`group:${g1}`, `group:${g2}`]);

    const writers = await as(owner.identity).memberBots(ada.member.memberId, { permission: 'flows:write' });
    expect(writers.body.items.map((s: { bot: { botId: string } }) => s.bot.botId)).toEqual(
      [1, 3, 5].map((i) => bots[i]),
    );
    expect(writers.body.nextCursor).toBeNull();
  });

  it("a tenant role carried by a group counts too: every bot qualifies for a permission the group's role holds tenant-wide", async () => {
    const { tenantId, admin, as, newMember, groupWith, newBot } = await setup();
    const [b1, b2] = [await newBot(), await newBot()];
    const ada = await newMember();
    const groupId = await groupWith('Agents', [ada.member.memberId]);
    expect(
      (
        await invoke(routes.updateGroup, {
          identity: admin.identity,
          params: { tenantId, groupId },
          body: { roles: [{ roleId: 'agent' }] },
        })
      ).status,
    ).toBe(200);
    const listed = await as(ada.identity).memberBots(ada.member.memberId, { permission: 'inbox:write' });
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    const ids = listed.body.items.map((s: { bot: { botId: string } }) => s.bot.botId);
    expect(ids).toEqual(expect.arrayContaining([b1, b2]));
    expect(sourcesOf(listed.body.items[0].permissions, 'inbox:write')).toEqual(['tenant']);
  });
});
