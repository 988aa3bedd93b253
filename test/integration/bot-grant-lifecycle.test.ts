import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { putGrant } from '../../shared/data/bot-repository';
import { keys } from '../../shared/data/keys';
import type { ResourceGrantRecord, ResourceRoleAssignment } from '../../shared/data/records';
import { transactWrite } from '../../shared/data/transactions';
import type { Identity } from '../../shared/domain/actor';
import { routes } from '../../shared/http/routes';
import { purgeExpiredBotGrants } from '../../shared/services/bot-grant-expiry-service';
import type { ServiceDeps } from '../../shared/services/service-deps';
import { chainOf } from '../support/audit';
import { deps, memberIn, tenantWithOwner } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { drainStream, runJob } from '../support/local-stack';

/**
 * Bot grants that end (SPEC §7): time-bound bot roles removed by the scheduled purge, a removed member's bot
 * grants removed with them (a Bot Owner not removable), and a bot's environments not dropped while access
 * is limited to them.
 */

const HOUR = 3600 * 1000;
const past = (ms = HOUR) => new Date(Date.now() - ms).toISOString();
const future = (ms = HOUR) => new Date(Date.now() + ms).toISOString();

async function setup() {
  const tenant = await tenantWithOwner(300);
  const tenantId = tenant.tenantId;
  const owner = tenant.owner;
  const as = (identity: Identity) => ({
    createBot: (body: object) => invoke(routes.createBot, { identity, params: { tenantId }, body }),
    getBot: (botId: string) => invoke(routes.getBot, { identity, params: { tenantId, botId } }),
    patchBot: (botId: string, body: object) =>
      invoke(routes.updateBot, { identity, params: { tenantId, botId }, body }),
    transfer: (botId: string, memberId: string) =>
      invoke(routes.transferBotOwnership, { identity, params: { tenantId, botId }, body: { memberId } }),
    suspend: (memberId: string) => invoke(routes.suspendMember, { identity, params: { tenantId, memberId } }),
    removeMember: (memberId: string) => invoke(routes.removeMember, { identity, params: { tenantId, memberId } }),
    getMember: (memberId: string) => invoke(routes.getMember, { identity, params: { tenantId, memberId } }),
  });
  const bot = async (name = `Bot ${ulid()}`) => {
    const created = await as(owner.identity).createBot({ name });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body as { botId: string; name: string; version: number };
  };
  return { tenantId, owner, as, bot };
}

function grantOf(
  tenantId: string,
  botId: string,
  memberId: string,
  roles: ResourceRoleAssignment[],
): ResourceGrantRecord {
  return {
    tenantId,
    resourceType: 'bot',
    resourceId: botId,
    principalType: 'member',
    principalId: memberId,
    roles,
    updatedAt: new Date().toISOString(),
    version: 1,
  };
}

/** Test setup: new grants written as any writer writes them (putGrant), in transactions of 100. */
async function writeGrants(grants: readonly ResourceGrantRecord[]) {
  for (let i = 0; i < grants.length; i += 100) {
    await transactWrite(
      deps(),
      grants.slice(i, i + 100).map((grant) => ({ item: putGrant(deps(), grant, undefined) })),
    );
  }
}

/** The raw grant item (keys included), read consistently. */
async function grantItemOf(tenantId: string, botId: string, memberId: string) {
  const { Item } = await deps().db.send(
    new GetCommand({
      TableName: deps().tableName,
      Key: keys.resourceGrant(tenantId, 'bot', botId, 'member', memberId),
      ConsistentRead: true,
    }),
  );
  return Item as (ResourceGrantRecord & { GSI2PK?: string; GSI2SK?: string }) | undefined;
}

/** The bot grants the principal index lists for a member. */
async function botGrantsListedFor(tenantId: string, memberId: string) {
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

async function accessEvents(tenantId: string) {
  await drainStream();
  return (await chainOf(tenantId)).filter((entry) => entry.action === 'bot_access.changed');
}

describe('the scheduled purge of expired bot roles', () => {
  it('removes the expired role and keeps the unexpired ones on the same grant; deletes a grant whose roles all expired; one bot_access.changed per grant by the system', async () => {
    const { tenantId, as, bot } = await setup();
    const support = await bot('Support bot');
    const sales = await bot('Sales bot');
    const [keeper, leaver] = await Promise.all([
      memberIn(tenantId, { roles: [{ roleId: 'member' }] }),
      memberIn(tenantId, { roles: [{ roleId: 'member' }] }),
    ]);
    const laterExpiry = future(2 * HOUR);
    const kept: ResourceRoleAssignment[] = [
      { roleId: 'bot-developer' },
      { roleId: 'insights-analyst', expiresAt: laterExpiry },
    ];
    await writeGrants([
      grantOf(tenantId, support.botId, keeper.member.memberId, [{ roleId: 'bot-tester', expiresAt: past() }, ...kept]),
      grantOf(tenantId, support.botId, leaver.member.memberId, [{ roleId: 'bot-tester', expiresAt: past() }]),
      grantOf(tenantId, sales.botId, leaver.member.memberId, [
        { roleId: 'inbox-agent', expiresAt: past(2 * HOUR), environments: ['production'] },
        { roleId: 'insights-analyst', expiresAt: past(1000) },
      ]),
    ]);

    await runJob('purge');

    const rewritten = await grantItemOf(tenantId, support.botId, keeper.member.memberId);
    expect(rewritten?.roles).toEqual(kept);
    expect(rewritten?.version).toBe(2);
    // Its expiry entry moved to the next time-bound role.
    expect(rewritten?.GSI2SK?.startsWith(`${laterExpiry}#${tenantId}#bot#${support.botId}#member#`)).toBe(true);
    expect(await grantItemOf(tenantId, support.botId, leaver.member.memberId)).toBeUndefined();
    expect(await grantItemOf(tenantId, sales.botId, leaver.member.memberId)).toBeUndefined();
    expect(await botGrantsListedFor(tenantId, leaver.member.memberId)).toEqual([]);
    // What the member sees: the developer role still grants on the bot.
    const seen = await as(keeper.identity).getBot(support.botId);
    expect(seen.body.myAccess.roles).toEqual(['bot-developer', 'insights-analyst']);

    const events = await accessEvents(tenantId);
    expect(events).toHaveLength(3);
    for (const event of events) expect(event.actor).toMatchObject({ id: 'system', email: 'system' });
    const eventFor = (botId: string, memberId: string) =>
      events.filter(
        (e) => e.target.id === botId && (e.changes.before as { principal: { id: string } }).principal.id === memberId,
      );
    expect(eventFor(support.botId, keeper.member.memberId)).toEqual([
      expect.objectContaining({
        target: { type: 'bot', id: support.botId, label: 'Support bot' },
        changes: {
          before: {
            principal: { type: 'member', id: keeper.member.memberId },
            roles: [{ roleId: 'bot-tester', expiresAt: expect.any(String) }, ...kept],
          },
          after: { principal: { type: 'member', id: keeper.member.memberId }, roles: kept },
        },
      }),
    ]);
    expect(eventFor(sales.botId, leaver.member.memberId)).toEqual([
      expect.objectContaining({
        target: { type: 'bot', id: sales.botId, label: 'Sales bot' },
        changes: expect.objectContaining({
          after: { principal: { type: 'member', id: leaver.member.memberId }, roles: [] },
        }),
      }),
    ]);
    expect(eventFor(support.botId, leaver.member.memberId)).toHaveLength(1);

    // A second run finds nothing more of this tenant's to do.
    await runJob('purge');
    expect(await accessEvents(tenantId)).toHaveLength(3);
    expect((await grantItemOf(tenantId, support.botId, keeper.member.memberId))?.version).toBe(2);
  });

  it('leaves a grant expiring in the future as it is; only grants with a time-bound role are in the expiry index', async () => {
    const { tenantId, bot } = await setup();
    const { botId } = await bot();
    const [timeBound, permanent] = await Promise.all([memberIn(tenantId), memberIn(tenantId)]);
    await writeGrants([
      grantOf(tenantId, botId, timeBound.member.memberId, [{ roleId: 'bot-tester', expiresAt: future(60_000) }]),
      grantOf(tenantId, botId, permanent.member.memberId, [{ roleId: 'bot-developer' }]),
    ]);

    await purgeExpiredBotGrants(deps());

    const stays = await grantItemOf(tenantId, botId, timeBound.member.memberId);
    expect(stays).toMatchObject({ version: 1, roles: [{ roleId: 'bot-tester' }] });
    expect(stays?.GSI2PK).toMatch(/^EXPIRY#BOT_GRANT#\d$/);
    const plain = await grantItemOf(tenantId, botId, permanent.member.memberId);
    expect(plain).toMatchObject({ version: 1, roles: [{ roleId: 'bot-developer' }] });
    expect(plain?.GSI2PK).toBeUndefined();
    expect(await accessEvents(tenantId)).toEqual([]);
  });

  it('finds an expired role written with a UTC offset (the index holds the instant in UTC)', async () => {
    const { tenantId, bot } = await setup();
    const { botId } = await bot();
    const member = await memberIn(tenantId);
    // Ten minutes ago, written at +14:00: as a string it sorts after now in UTC, as an instant it is past.
    const instant = new Date(Date.now() - 10 * 60_000);
    const local = new Date(instant.getTime() + 14 * HOUR).toISOString().replace('Z', '+14:00');
    expect(Date.parse(local)).toBe(instant.getTime());
    await writeGrants([
      grantOf(tenantId, botId, member.member.memberId, [
        { roleId: 'bot-tester', expiresAt: local },
        { roleId: 'bot-developer' },
      ]),
    ]);
    expect((await grantItemOf(tenantId, botId, member.member.memberId))?.GSI2SK).toMatch(
      new RegExp(`^${instant.toISOString()}#`),
    );

    await purgeExpiredBotGrants(deps());

    expect((await grantItemOf(tenantId, botId, member.member.memberId))?.roles).toEqual([{ roleId: 'bot-developer' }]);
  });

  it('skips a grant changed between its read and the write, and purges it on the next run', async () => {
    const { tenantId, bot } = await setup();
    const { botId } = await bot();
    const member = await memberIn(tenantId);
    const original = grantOf(tenantId, botId, member.member.memberId, [
      { roleId: 'bot-tester', expiresAt: past() },
      { roleId: 'bot-developer' },
    ]);
    await writeGrants([original]);
    const changed: ResourceGrantRecord = {
      ...original,
      roles: [...original.roles, { roleId: 'insights-analyst' }],
      version: 2,
    };
    const grantKey = keys.resourceGrant(tenantId, 'bot', botId, 'member', member.member.memberId);
    const touchesGrant = (command: TransactWriteCommand) =>
      (command.input.TransactItems ?? []).some((item) => {
        const key = (item.Put?.Item ?? item.Delete?.Key) as { PK?: string; SK?: string } | undefined;
        return key?.PK === grantKey.PK && key?.SK === grantKey.SK;
      });
    // A purge whose write of this grant comes after someone else's change of it (an access change, say).
    let raced = false;
    const base = deps();
    const racing: ServiceDeps = {
      ...base,
      db: new Proxy(base.db, {
        get(target, property, receiver) {
          if (property !== 'send') return Reflect.get(target, property, receiver);
          return async (command: Parameters<typeof target.send>[0]) => {
            if (!raced && command instanceof TransactWriteCommand && touchesGrant(command)) {
              raced = true;
              await transactWrite(deps(), [{ item: putGrant(deps(), changed, original) }]);
            }
            return target.send(command as never);
          };
        },
      }),
    };

    await purgeExpiredBotGrants(racing);
    expect(raced).toBe(true);
    expect(await grantItemOf(tenantId, botId, member.member.memberId)).toMatchObject({
      version: 2,
      roles: changed.roles,
    });
    expect(await accessEvents(tenantId)).toEqual([]);

    await purgeExpiredBotGrants(deps());
    expect(await grantItemOf(tenantId, botId, member.member.memberId)).toMatchObject({
      version: 3,
      roles: [{ roleId: 'bot-developer' }, { roleId: 'insights-analyst' }],
    });
    const events = await accessEvents(tenantId);
    expect(events).toHaveLength(1);
    expect(events[0]?.changes.before).toMatchObject({ roles: changed.roles });
  });
});

describe('DELETE /members/{memberId} and the member’s bot grants', () => {
  it('deletes every bot grant the member holds, more than one transaction takes (130), with the member', async () => {
    const { tenantId, owner, as, bot } = await setup();
    const shared = await bot('Shared bot');
    const member = await memberIn(tenantId, { status: 'suspended', roles: [{ roleId: 'member' }] });
    const memberId = member.member.memberId;
    const grants = [
      grantOf(tenantId, shared.botId, memberId, [
        { roleId: 'bot-developer' },
        { roleId: 'bot-tester', expiresAt: future() },
      ]),
      // Grants on bots registered elsewhere in the tenant (their records play no part in the removal).
      ...Array.from({ length: 129 }, () =>
        grantOf(tenantId, `bot-${ulid().toLowerCase()}`, memberId, [{ roleId: 'bot-tester' }]),
      ),
    ];
    await writeGrants(grants);
    expect(await botGrantsListedFor(tenantId, memberId)).toHaveLength(130);

    const removed = await as(owner.identity).removeMember(memberId);
    expect(removed.status, JSON.stringify(removed.body)).toBe(204);

    expect(await botGrantsListedFor(tenantId, memberId)).toEqual([]);
    expect(await grantItemOf(tenantId, shared.botId, memberId)).toBeUndefined();
    expect((await as(owner.identity).getMember(memberId)).status).toBe(404);
    // The bot keeps its owner's grant.
    expect(await grantItemOf(tenantId, shared.botId, owner.member.memberId)).toMatchObject({
      roles: [{ roleId: 'bot-owner' }],
    });
    await drainStream();
    const removals = (await chainOf(tenantId)).filter((e) => e.action === 'member.removed');
    expect(removals).toHaveLength(1);
    expect(removals[0]?.changes.before).toMatchObject({ botGrants: 130 });
  });

  it('refuses to remove a Bot Owner (409 member_owns_bots, naming the bot) and changes nothing; once the bot is handed on, removes them', async () => {
    const { tenantId, owner, as, bot } = await setup();
    const { botId } = await bot('Owned bot');
    const member = await memberIn(tenantId, { roles: [{ roleId: 'member' }] });
    const memberId = member.member.memberId;
    expect((await as(owner.identity).transfer(botId, memberId)).status).toBe(200);
    expect((await as(owner.identity).suspend(memberId)).status).toBe(200);

    const refused = await as(owner.identity).removeMember(memberId);
    expect(refused.status).toBe(409);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.body).toMatchObject({ code: 'member_owns_bots', botIds: [botId], count: 1 });
    expect(refused.body.detail).toContain(botId);
    expect(refused.body.detail).toContain('transfer their ownership first');
    expect((await as(owner.identity).getMember(memberId)).body.status).toBe('suspended');
    expect(await grantItemOf(tenantId, botId, memberId)).toMatchObject({ roles: [{ roleId: 'bot-owner' }] });

    // The tenant Owner takes the bot back; the former Bot Owner is left Bot Admin, and goes with the member.
    expect((await as(owner.identity).transfer(botId, owner.member.memberId)).status).toBe(200);
    expect(await grantItemOf(tenantId, botId, memberId)).toMatchObject({ roles: [{ roleId: 'bot-admin' }] });
    const removed = await as(owner.identity).removeMember(memberId);
    expect(removed.status, JSON.stringify(removed.body)).toBe(204);
    expect(await botGrantsListedFor(tenantId, memberId)).toEqual([]);
    expect((await as(owner.identity).getBot(botId)).body.ownerMemberId).toBe(owner.member.memberId);
  });
});

describe('PATCH /bots/{botId} dropping environments', () => {
  it('is 409 environment_in_use when access is limited to a dropped environment, naming who and which, and changes nothing', async () => {
    const { tenantId, owner, as, bot } = await setup();
    const created = await bot('Staged bot');
    const botId = created.botId;
    const [limited, unlimited, lapsed] = await Promise.all([
      memberIn(tenantId),
      memberIn(tenantId),
      memberIn(tenantId),
    ]);
    await writeGrants([
      grantOf(tenantId, botId, limited.member.memberId, [
        { roleId: 'bot-developer' },
        { roleId: 'bot-tester', environments: ['staging', 'production'] },
      ]),
      grantOf(tenantId, botId, unlimited.member.memberId, [{ roleId: 'bot-developer' }]),
      // Expired: grants nothing any more, so it holds nothing up.
      grantOf(tenantId, botId, lapsed.member.memberId, [
        { roleId: 'bot-tester', environments: ['sandbox'], expiresAt: past() },
      ]),
    ]);

    const refused = await as(owner.identity).patchBot(botId, { name: 'Renamed', environments: ['sandbox'] });
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body).toMatchObject({
      code: 'environment_in_use',
      environments: ['staging', 'production'],
      principals: [{ type: 'member', id: limited.member.memberId }],
      count: 1,
    });
    expect(refused.body.detail).toContain(limited.member.memberId);
    expect(refused.body.detail).toContain('staging, production');
    const unchanged = await as(owner.identity).getBot(botId);
    expect(unchanged.body).toMatchObject({
      name: 'Staged bot',
      environments: ['sandbox', 'staging', 'production'],
      version: created.version,
    });

    // Dropping an environment nobody's access is limited to (unexpired) is fine.
    const narrowed = await as(owner.identity).patchBot(botId, { environments: ['staging', 'production'] });
    expect(narrowed.status, JSON.stringify(narrowed.body)).toBe(200);
    expect(narrowed.body.environments).toEqual(['staging', 'production']);
  });
});
