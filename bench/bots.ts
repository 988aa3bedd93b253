import type { BotRecord, ResourceGrantRecord } from '../shared/data/records';
import type { Identity } from '../shared/domain/actor';
import type { RouteDefinition } from '../shared/http/route-definition';
import type { ServiceDeps } from '../shared/services/service-deps';
import { withCallLog } from './ddb-calls';
import { call } from './invoke';
import { type BenchContext, type Figure, figure } from './lib';
import { latencyFigure, latencyLine, latencySamples, readLatency, readList } from './list-reading';
import { batchWrite, type LoadedTenant } from './load-data';

/**
 * Figure 9, bots (SPEC §7, issue 12): the lists of bots and of their access at 1,000 bots shared across the
 * loaded tenant's 10,000 members, and the authorization of a bot route.
 *
 * Data: `bots` bots owned by the tenant Owner, each shared with `sharesPerBot` members drawn from the tenant
 * (Developer or Tester, alternately); one "crowded" bot shared with `crowd` members; the active anchor member
 * holds Developer on every fourth bot. Items are the repositories' own (`putNewBot`, `grantItem`), written by
 * BatchWriteItem.
 *
 * For each list, the Queries of up to 5 pages of 100 are summed: ScannedCount / Count is what DynamoDB read per
 * item it returned, 1.0 for a key-condition Query without a filter expression; each list is followed to its
 * last page at least once (nextCursor null), so nothing is silently cut short. Each list's first page is also timed
 * through its handler against its raw round trips (`readLatency`): p50 ratio, target ≤ 1.3.
 */
export interface LoadedBots {
  readonly botIds: readonly string[];
  readonly crowdedBotId: string;
  readonly crowd: number;
  readonly anchorBots: number;
}

/** A small deterministic generator, so that the data set depends only on the seed. */
function generator(seed: number) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

export async function loadBots(
  deps: ServiceDeps,
  tenant: LoadedTenant,
  options: { bots: number; sharesPerBot: number; crowd: number; seed: number },
): Promise<LoadedBots> {
  const { putNewBot, grantItem } = await import('../shared/data/bot-repository');
  const random = generator(options.seed + 8);
  const now = new Date().toISOString();
  const owner = tenant.owner.member.memberId;
  const anchor = tenant.anchors.active.memberId;
  const others = tenant.memberIds.filter((id) => id !== owner && id !== anchor);
  const items: Record<string, unknown>[] = [];
  const botIds: string[] = [];
  const grant = (botId: string, memberId: string, roleId: string): ResourceGrantRecord => ({
    tenantId: tenant.tenantId,
    resourceType: 'bot',
    resourceId: botId,
    principalType: 'member',
    principalId: memberId,
    roles: [{ roleId }],
    updatedAt: now,
    version: 1,
  });
  let anchorBots = 0;
  for (let i = 0; i < options.bots; i++) {
    const botId = `bench-bot-${String(i).padStart(5, '0')}`;
    botIds.push(botId);
    const bot: BotRecord = {
      tenantId: tenant.tenantId,
      botId,
      name: `${['Support', 'Sales', 'Onboarding', 'Billing'][i % 4]} assistant ${i}`,
      environments: ['sandbox', 'staging', 'production'],
      ownerMemberId: owner,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    const ownerGrant = { ...grant(botId, owner, 'bot-owner') };
    for (const item of putNewBot(deps, bot, ownerGrant)) if (item.Put?.Item) items.push(item.Put.Item);
    const shares = i === 0 ? options.crowd : options.sharesPerBot;
    const chosen = new Set<string>();
    while (chosen.size < Math.min(shares, others.length)) {
      chosen.add(others[Math.floor(random() * others.length)] as string);
    }
    let n = 0;
    for (const memberId of chosen)
      items.push(grantItem(grant(botId, memberId, n++ % 2 ? 'bot-tester' : 'bot-developer')));
    if (i % 4 === 0) {
      items.push(grantItem(grant(botId, anchor, 'bot-developer')));
      anchorBots++;
    }
  }
  await batchWrite(deps, deps.tableName, items);
  return { botIds, crowdedBotId: botIds[0] as string, crowd: options.crowd, anchorBots };
}

interface BotList {
  readonly name: string;
  readonly route: RouteDefinition;
  readonly params: Record<string, string>;
  readonly query: Record<string, string>;
  /** How many items the whole list holds, when known: reading it to the end must return exactly that many. */
  readonly expected?: number;
  /** A filter applied to what was read (no target: reported as read per returned). */
  readonly filtered?: boolean;
  /** Who asks (default: the Owner). */
  readonly identity?: Identity;
}

export async function measureBots(ctx: BenchContext, tenant: LoadedTenant, bots: LoadedBots): Promise<Figure[]> {
  const { routes } = await import('../shared/http/routes');
  const { tenantId, owner } = tenant;
  const anchor = tenant.anchors.active;
  const anchorIdentity: Identity = { userId: anchor.userId as string, email: anchor.email, groups: [] };
  const lists: BotList[] = [
    { name: 'GET /bots', route: routes.listBots, params: { tenantId }, query: {}, expected: bots.botIds.length },
    {
      // A member's directory: every bot, each with what the member holds on it (their grants on the page's bots).
      name: 'GET /bots (as a member)',
      route: routes.listBots,
      params: { tenantId },
      query: {},
      expected: bots.botIds.length,
      identity: anchorIdentity,
    },
    { name: 'GET /bots?q=support', route: routes.listBots, params: { tenantId }, query: { q: 'support' } },
    {
      name: 'GET /bots/{id}/access (crowded bot)',
      route: routes.listBotAccess,
      params: { tenantId, botId: bots.crowdedBotId },
      query: {},
      expected: bots.crowd + 1 + 1, // the crowd, the Owner, the anchor (bot 0 is every fourth)
    },
    {
      // The anchor holds Developer on every fourth bot: their GSI1 grants, each bot read by key.
      name: 'GET /members/{id}/bots?permission=flows:write',
      route: routes.listMemberBots,
      params: { tenantId, memberId: tenant.anchors.active.memberId },
      query: { permission: 'flows:write' },
      expected: bots.anchorBots,
    },
    {
      // Any access: an Agent holds bot-scoped permissions (inbox, campaigns...) tenant-wide, so every bot.
      name: 'GET /members/{id}/bots',
      route: routes.listMemberBots,
      params: { tenantId, memberId: tenant.anchors.active.memberId },
      query: {},
    },
    {
      // The Owner holds every bot-scoped permission tenant-wide: every bot, paged over BOT#.
      name: 'GET /members/{owner}/bots',
      route: routes.listMemberBots,
      params: { tenantId, memberId: owner.member.memberId },
      query: {},
      expected: bots.botIds.length,
    },
    {
      name: 'GET /bots/{id}/access?permission=flows:write',
      route: routes.listBotAccess,
      params: { tenantId, botId: bots.crowdedBotId },
      query: { permission: 'flows:write' },
      filtered: true,
    },
  ];
  const figures: Figure[] = [];
  for (const list of lists) {
    const identity = list.identity ?? ownerIdentityOf(tenant);
    const { scanned, count, returned, pages, ended } = await readList(
      list.route,
      { identity, params: list.params, query: list.query },
      list.expected === undefined ? 5 : undefined,
    );
    if (list.expected !== undefined && returned !== list.expected) {
      throw new Error(`${list.name}: read to the end, returned ${returned} items, expected ${list.expected}`);
    }
    if (count === 0) throw new Error(`${list.name}: the loaded data matched nothing`);
    figures.push(
      figure({
        name: `9. ${list.name} ${list.filtered ? 'read/returned' : 'ScannedCount/Count'}`,
        value: list.filtered ? scanned / Math.max(returned, 1) : scanned / count,
        unit: 'ratio',
        target: list.filtered ? null : { on: 'value', max: 1.25 },
        note: `${pages} page(s) of 100${ended ? ' (to the end)' : ''}: Query ScannedCount ${scanned}, Count ${count}; ${returned} items returned${
          list.filtered
            ? '; the permission is judged per grant after the read, so this is the share of grants that hold it'
            : ''
        }`,
      }),
    );
    const latency = await readLatency(
      list.route,
      { identity, params: list.params, query: { ...list.query, limit: '50' } },
      latencySamples(ctx.quick),
    );
    figures.push(latencyFigure(`9. ${list.name}`, latency));
    ctx.log(latencyLine(`9. ${list.name}`, latency));
  }

  // The caller's authorization on a bot route: the DynamoDB round trips of GET /bots/{id} for a member who holds
  // a built-in bot role on it (all calls here are sequential, so calls = round trips).
  const { calls } = await withCallLog(() =>
    call(
      routes.getBot,
      { identity: ownerIdentityOf(tenant), params: { tenantId, botId: bots.botIds[4] as string } },
      200,
    ),
  );
  figures.push(
    figure({
      name: '9. GET /bots/{id}: DynamoDB round trips (authorization and answer)',
      value: calls.length,
      unit: 'calls',
      target: { on: 'value', max: 2 },
      note: calls.map((c) => c.command.replace('Command', '')).join(' + '),
    }),
  );
  ctx.log(`bots: ${bots.botIds.length} bots, crowded bot ${bots.crowd} grants, anchor on ${bots.anchorBots} bots`);
  return figures;
}

/** The Owner signs in as themself; a fresh `auth_time` would add the sign-in write, so none is sent. */
function ownerIdentityOf(tenant: LoadedTenant) {
  const { authTime: _ignored, ...identity } = tenant.owner.identity;
  return identity;
}
