import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { putGrant } from '../../shared/data/bot-repository';
import { keys } from '../../shared/data/keys';
import type { ResourceGrantRecord } from '../../shared/data/records';
import { transactWrite } from '../../shared/data/transactions';
import type { Identity } from '../../shared/domain/actor';
import { routes } from '../../shared/http/routes';
import { resolveBotCaller } from '../../shared/services/caller-service';
import { chainOf } from '../support/audit';
import { deps, dynamoDbCalls, memberIn, tenantWithOwner } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { drainStream } from '../support/local-stack';

/** Issue 12, second slice (SPEC §7): bots as resources (register, read, rename, delete, transfer ownership). */

async function setup() {
  const tenant = await tenantWithOwner(50);
  const tenantId = tenant.tenantId;
  const admin = await memberIn(tenantId, { roles: [{ roleId: 'admin' }] });
  const plain = await memberIn(tenantId, { roles: [{ roleId: 'member' }] });
  const as = (identity: Identity) => ({
    create: (body: object) => invoke(routes.createBot, { identity, params: { tenantId }, body }),
    list: (query: Record<string, string> = {}) => invoke(routes.listBots, { identity, params: { tenantId }, query }),
    get: (botId: string) => invoke(routes.getBot, { identity, params: { tenantId, botId } }),
    patch: (botId: string, body: object, ifMatch?: number) =>
      invoke(routes.updateBot, {
        identity,
        params: { tenantId, botId },
        body,
        headers: ifMatch === undefined ? {} : { 'if-match': `"${ifMatch}"` },
      }),
    remove: (botId: string) => invoke(routes.deleteBot, { identity, params: { tenantId, botId } }),
    transfer: (botId: string, memberId: string) =>
      invoke(routes.transferBotOwnership, { identity, params: { tenantId, botId }, body: { memberId } }),
  });
  return { tenantId, owner: tenant.owner, admin, plain, as };
}

/** Every grant on a bot, read by key, and the grants the principal index lists for a member. */
async function grantsOn(tenantId: string, botId: string) {
  const { PK, skPrefix } = keys.grantsOnResource(tenantId, 'bot', botId);
  const result = await deps().db.send(
    new QueryCommand({
      TableName: deps().tableName,
      ConsistentRead: true,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': PK, ':prefix': skPrefix },
    }),
  );
  return (result.Items ?? []) as unknown as ResourceGrantRecord[];
}

async function botGrantsOfMember(tenantId: string, memberId: string) {
  const { GSI1PK, skPrefix } = keys.grantsOfPrincipal(tenantId, 'member', memberId, 'bot');
  const result = await deps().db.send(
    new QueryCommand({
      TableName: deps().tableName,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :prefix)',
      ExpressionAttributeValues: { ':pk': GSI1PK, ':prefix': skPrefix },
    }),
  );
  return (result.Items ?? []) as unknown as ResourceGrantRecord[];
}

describe('POST /bots (SPEC §7)', () => {
  it('registers a bot with all three environments and makes the caller its Bot Owner in the same transaction', async () => {
    const { tenantId, owner, admin, as } = await setup();
    const created = await as(admin.identity).create({ name: 'Support bot' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Support bot',
      environments: ['sandbox', 'staging', 'production'],
      ownerMemberId: admin.member.memberId,
      version: 1,
      myAccess: { roles: ['bot-owner'] },
    });
    expect(created.body.botId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(created.body.myAccess.permissions).toContain('bots:delete');
    expect(created.headers.etag).toBe('"1"');
    const grants = await grantsOn(tenantId, created.body.botId);
    expect(grants.map((g) => [g.principalType, g.principalId, g.roles])).toEqual([
      ['member', admin.member.memberId, [{ roleId: 'bot-owner' }]],
    ]);
    expect((await botGrantsOfMember(tenantId, admin.member.memberId)).map((g) => g.resourceId)).toEqual([
      created.body.botId,
    ]);
    await drainStream();
    const events = (await chainOf(tenantId)).filter((e) => e.action === 'bot.registered');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: { id: admin.identity.userId },
      target: { type: 'bot', id: created.body.botId, label: 'Support bot' },
    });
    // The Owner sees it with the bot-scoped permissions held tenant-wide, but no role on it.
    const seen = await as(owner.identity).get(created.body.botId);
    expect(seen.body.myAccess.roles).toEqual([]);
    expect(seen.body.myAccess.permissions).toContain('bots:delete');
  });

  it('takes a given safe id and environments; a taken id is 409 bot_exists; an unsafe id is 400', async () => {
    const { owner, as } = await setup();
    const botId = `support-${ulid().toLowerCase()}`;
    const created = await as(owner.identity).create({
      name: 'Given id',
      botId,
      environments: ['production', 'sandbox'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ botId, environments: ['sandbox', 'production'] });
    const again = await as(owner.identity).create({ name: 'Same id', botId });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('bot_exists');
    for (const bad of ['a#b', '-lead', 'x'.repeat(65), 'sp ace']) {
      expect((await as(owner.identity).create({ name: 'Bad', botId: bad })).status, bad).toBe(400);
    }
    expect((await as(owner.identity).create({ name: 'Env', environments: ['qa'] })).status).toBe(400);
  });

  it('needs bots:create: a Member may not register bots', async () => {
    const { plain, as } = await setup();
    const refused = await as(plain.identity).create({ name: 'Nope' });
    expect(refused.status).toBe(403);
  });
});

describe('GET /bots (the directory)', () => {
  it('searches by name or id prefix with cursor pagination to the end, and shows each bot with the caller’s access', async () => {
    const { owner, plain, as } = await setup();
    const tag = ulid().toLowerCase().slice(-8);
    const names = [`Alpha ${tag} one`, `Alpha ${tag} two`, `Alpha ${tag} three`];
    for (const name of names) expect((await as(owner.identity).create({ name })).status).toBe(201);
    await as(owner.identity).create({ name: `Beta ${tag}`, botId: `alpha-${tag}-by-id` });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await as(plain.identity).list({ q: `alpha ${tag}`, limit: '2', ...(cursor ? { cursor } : {}) });
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      for (const bot of page.body.items) {
        seen.push(bot.name);
        expect(bot.myAccess).toEqual({ roles: [], permissions: [] });
      }
      cursor = page.body.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 10);
    // '-' and ' ' match each other: the bot whose id starts with alpha-<tag> is found by its id.
    expect(seen.sort()).toEqual([...names, `Beta ${tag}`].sort());
    expect(pages).toBeGreaterThanOrEqual(2);
    const all = await as(owner.identity).list({ limit: '100' });
    expect(all.body.items.filter((b: { name: string }) => b.name.includes(tag))).toHaveLength(4);
    for (const bot of all.body.items) expect(bot.myAccess.roles).toEqual(['bot-owner']);
  });
});

describe('PATCH /bots/{botId}', () => {
  it('renames with If-Match; a stale version is 412; the new name is what q finds', async () => {
    const { owner, as } = await setup();
    const { body: bot } = await as(owner.identity).create({ name: `Old ${ulid()}` });
    const renamed = await as(owner.identity).patch(bot.botId, { name: 'Fresh name', environments: ['sandbox'] }, 1);
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Fresh name', environments: ['sandbox'], version: 2 });
    const stale = await as(owner.identity).patch(bot.botId, { name: 'Stale' }, 1);
    expect(stale.status).toBe(412);
    expect((await as(owner.identity).list({ q: 'fresh' })).body.items.map((b: { botId: string }) => b.botId)).toEqual([
      bot.botId,
    ]);
    expect((await as(owner.identity).list({ q: 'old' })).body.items).toEqual([]);
  });

  it('needs bots:configure on the bot: a Member without a role on it is 403, its Bot Owner may', async () => {
    const { owner, plain, as } = await setup();
    const { body: bot } = await as(owner.identity).create({ name: 'Configured' });
    expect((await as(plain.identity).patch(bot.botId, { name: 'By member' })).status).toBe(403);
    expect((await as(owner.identity).transfer(bot.botId, plain.member.memberId)).status).toBe(200);
    const byOwner = await as(plain.identity).patch(bot.botId, { name: 'By its Bot Owner' });
    expect(byOwner.status, JSON.stringify(byOwner.body)).toBe(200);
  });
});

describe('DELETE /bots/{botId}', () => {
  it('the Admin may not delete a bot (403); the tenant Owner may; grants go with it, one bot.deleted event', async () => {
    const { tenantId, owner, admin, as } = await setup();
    const { body: bot } = await as(owner.identity).create({ name: 'To delete' });
    const refused = await as(admin.identity).remove(bot.botId);
    expect(refused.status).toBe(403);
    expect((await as(owner.identity).get(bot.botId)).status).toBe(200);
    const removed = await as(owner.identity).remove(bot.botId);
    expect(removed.status, JSON.stringify(removed.body)).toBe(204);
    expect((await as(owner.identity).get(bot.botId)).status).toBe(404);
    expect(await grantsOn(tenantId, bot.botId)).toEqual([]);
    expect(await botGrantsOfMember(tenantId, owner.member.memberId)).toEqual([]);
    await drainStream();
    const events = (await chainOf(tenantId)).filter((e) => e.action === 'bot.deleted');
    expect(events).toHaveLength(1);
    expect(events[0]?.target).toMatchObject({ type: 'bot', id: bot.botId });
  });

  it('a Bot Owner holding no tenant role but Member may delete their bot', async () => {
    const { owner, plain, as } = await setup();
    const { body: bot } = await as(owner.identity).create({ name: 'Handed over' });
    expect((await as(plain.identity).remove(bot.botId)).status).toBe(403);
    expect((await as(owner.identity).transfer(bot.botId, plain.member.memberId)).status).toBe(200);
    expect((await as(plain.identity).remove(bot.botId)).status).toBe(204);
  });

  it('removes more grants than one transaction holds (150) and still writes one event', async () => {
    const { tenantId, owner, as } = await setup();
    const { body: bot } = await as(owner.identity).create({ name: 'Widely shared' });
    const now = new Date().toISOString();
    const extra: ResourceGrantRecord[] = Array.from({ length: 150 }, () => ({
      tenantId,
      resourceType: 'bot',
      resourceId: bot.botId,
      principalType: 'member',
      principalId: ulid(),
      roles: [{ roleId: 'bot-tester' }],
      updatedAt: now,
      version: 1,
    }));
    for (let i = 0; i < extra.length; i += 100)
      await transactWrite(
        deps(),
        extra.slice(i, i + 100).map((grant) => ({ item: putGrant(deps(), grant, undefined) })),
      );
    expect(await grantsOn(tenantId, bot.botId)).toHaveLength(151);
    expect((await as(owner.identity).remove(bot.botId)).status).toBe(204);
    expect(await grantsOn(tenantId, bot.botId)).toEqual([]);
    await drainStream();
    const events = (await chainOf(tenantId)).filter((e) => e.action === 'bot.deleted');
    expect(events).toHaveLength(1);
    expect(events[0]?.changes.before).toMatchObject({ grants: 151 });
  });
});

describe('POST /bots/{botId}/transfer-ownership', () => {
  it('moves bot-owner to an active member (exactly one per bot); the former Bot Owner becomes Bot Admin', async () => {
    const { tenantId, owner, admin, plain, as } = await setup();
    const { body: bot } = await as(admin.identity).create({ name: 'Transferred' });
    // Not the Bot Owner and not the tenant Owner: refused, though Admin holds bots:configure tenant-wide.
    const other = await memberIn(tenantId, { roles: [{ roleId: 'admin' }] });
    expect((await as(other.identity).transfer(bot.botId, plain.member.memberId)).status).toBe(403);
    const moved = await as(admin.identity).transfer(bot.botId, plain.member.memberId);
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ ownerMemberId: plain.member.memberId, version: 2 });
    const grants = await grantsOn(tenantId, bot.botId);
    const rolesOf = (memberId: string) => grants.find((g) => g.principalId === memberId)?.roles;
    expect(rolesOf(plain.member.memberId)).toEqual([{ roleId: 'bot-owner' }]);
    expect(rolesOf(admin.member.memberId)).toEqual([{ roleId: 'bot-admin' }]);
    expect(grants.filter((g) => g.roles.some((r) => r.roleId === 'bot-owner'))).toHaveLength(1);
    // The tenant Owner may hand it on, too; to a suspended member it may not go.
    const suspended = await memberIn(tenantId, { status: 'suspended', roles: [{ roleId: 'member' }] });
    expect((await as(owner.identity).transfer(bot.botId, suspended.member.memberId)).status).toBe(409);
    expect((await as(owner.identity).transfer(bot.botId, ulid())).status).toBe(404);
    expect((await as(owner.identity).transfer(bot.botId, admin.member.memberId)).status).toBe(200);
    await drainStream();
    const events = (await chainOf(tenantId)).filter((e) => e.action === 'bot.ownership_transferred');
    expect(events).toHaveLength(2);
  });
});

describe('authorization on a bot route', () => {
  it('reads the membership, the bot and the caller’s grant on it in two round trips', async () => {
    const { tenantId, admin, as } = await setup();
    const { body: bot } = await as(admin.identity).create({ name: 'Counted' });
    const read = await dynamoDbCalls(() => resolveBotCaller(deps(), admin.identity, tenantId, bot.botId));
    expect(read.commands).toEqual(['GetItemCommand', 'BatchGetItemCommand']);
    expect(read.result.botRoleIds).toEqual(['bot-owner']);
    expect(read.result.isBotOwner).toBe(true);
    expect(read.result.botPermissions.map((p) => p.permission)).toContain('bots:delete');
  });
});

describe('bots of another tenant', () => {
  it('are 404 bot_not_found, as unknown bots are, on every bot route', async () => {
    const a = await setup();
    const b = await setup();
    const { body: bot } = await a.as(a.owner.identity).create({ name: 'Secret bot' });
    for (const result of [
      await b.as(b.owner.identity).get(bot.botId),
      await b.as(b.owner.identity).patch(bot.botId, { name: 'Taken' }),
      await b.as(b.owner.identity).remove(bot.botId),
      await b.as(b.owner.identity).transfer(bot.botId, b.plain.member.memberId),
      await b.as(b.owner.identity).get('no-such-bot'),
    ]) {
      expect(result.status, JSON.stringify(result.body)).toBe(404);
      expect(result.body.code).toBe('bot_not_found');
    }
    expect((await b.as(b.owner.identity).list({ q: 'secret' })).body.items).toEqual([]);
    expect((await a.as(a.owner.identity).get(bot.botId)).body.name).toBe('Secret bot');
  });
});
