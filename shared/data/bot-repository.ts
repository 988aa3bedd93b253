import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidCursor } from '../domain/errors';
import { batchGetByKey, batchGetItems, type FoundItems } from './batch-get';
import { decodeCursor, encodeCursor } from './cursor';
import { type DataDeps, stripKeys } from './data-deps';
import { expiredPage } from './expiry-index';
import { type ItemKey, keys } from './keys';
import { searchForm } from './member-repository';
import { queryAllByPrefix, queryPageByPrefix } from './query-all';
import type { BotRecord, ResourceGrantRecord } from './records';
import type { TransactItem } from './transactions';

const itemId = (key: ItemKey) => `${key.PK}|${key.SK}`;

/**
 * The terms `?q=` finds a bot by, in search form: its name and its id, but only the longer of two where one
 * is a prefix of the other (every prefix of the shorter then finds the longer's term already).
 */
export function botSearchTerms(bot: Pick<BotRecord, 'name' | 'botId'>): string[] {
  const [a, b] = [searchForm(bot.name), searchForm(bot.botId)];
  if (b.startsWith(a)) return [b];
  if (a.startsWith(b)) return [a];
  return [a, b];
}

function botItem(bot: BotRecord): Record<string, unknown> {
  return { ...keys.bot(bot.tenantId, bot.botId), entity: 'bot', ...bot };
}

function searchTermPut(deps: DataDeps, bot: BotRecord, term: string): TransactItem {
  return {
    Put: {
      TableName: deps.tableName,
      Item: { ...keys.botSearchTerm(bot.tenantId, term, bot.botId), entity: 'botSearchTerm', botId: bot.botId },
    },
  };
}

function searchTermDelete(deps: DataDeps, bot: BotRecord, term: string): TransactItem {
  return { Delete: { TableName: deps.tableName, Key: keys.botSearchTerm(bot.tenantId, term, bot.botId) } };
}

/**
 * The earliest `expiresAt` of a grant's time-bound roles, as a normalised ISO instant (inputs may carry an
 * offset, and the expiry index compares strings), or undefined when none is time-bound.
 */
export function earliestExpiry(grant: Pick<ResourceGrantRecord, 'roles'>): string | undefined {
  const instants = grant.roles
    .map((assignment) => (assignment.expiresAt === undefined ? Number.NaN : Date.parse(assignment.expiresAt)))
    .filter((instant) => Number.isFinite(instant));
  return instants.length === 0 ? undefined : new Date(Math.min(...instants)).toISOString();
}

/** The item of a grant: its key, its principal's index entry and, with a time-bound role, its expiry entry. */
export function grantItem(grant: ResourceGrantRecord): Record<string, unknown> {
  const expiry = earliestExpiry(grant);
  const ids = [grant.tenantId, grant.resourceType, grant.resourceId, grant.principalType, grant.principalId] as const;
  return {
    ...keys.resourceGrant(...ids),
    ...keys.resourceGrantPrincipalIndex(...ids),
    ...(expiry === undefined ? {} : keys.resourceGrantExpiryIndex(...ids, expiry)),
    entity: 'resourceGrant',
    ...grant,
  };
}

export function botGrantKey(tenantId: string, botId: string, memberId: string): ItemKey {
  return keys.resourceGrant(tenantId, 'bot', botId, 'member', memberId);
}

/** The grant of a group on a bot (SPEC §8): its roles there reach every active member of the group. */
export function botGroupGrantKey(tenantId: string, botId: string, groupId: string): ItemKey {
  return keys.resourceGrant(tenantId, 'bot', botId, 'group', groupId);
}

/** Keys of some groups' grants on some bots (every pair), to read with other items in one BatchGetItem round. */
export function groupGrantsKeys(tenantId: string, botIds: readonly string[], groupIds: readonly string[]): ItemKey[] {
  return botIds.flatMap((botId) => groupIds.map((groupId) => botGroupGrantKey(tenantId, botId, groupId)));
}

/** The grants on `botId` among items read with `groupGrantsKeys`, in the order of `groupIds` (absent: none). */
export function groupGrantsFrom(
  found: FoundItems,
  tenantId: string,
  botId: string,
  groupIds: readonly string[],
): ResourceGrantRecord[] {
  return groupIds.flatMap((groupId) => {
    const item = found.get(botGroupGrantKey(tenantId, botId, groupId));
    return item ? [stripKeys<ResourceGrantRecord>(item)] : [];
  });
}

/** Some groups' grants on one bot (consistent BatchGetItems), in the order of `groupIds`. */
export async function getGroupGrantsOn(
  deps: DataDeps,
  tenantId: string,
  botId: string,
  groupIds: readonly string[],
): Promise<ResourceGrantRecord[]> {
  if (groupIds.length === 0) return [];
  const found = await batchGetByKey(deps, groupGrantsKeys(tenantId, [botId], groupIds));
  return groupGrantsFrom(found, tenantId, botId, groupIds);
}

/** A new bot, its search terms and its owner's grant; fails on the bot's condition if the id is taken. */
export function putNewBot(deps: DataDeps, bot: BotRecord, ownerGrant: ResourceGrantRecord): TransactItem[] {
  return [
    {
      Put: {
        TableName: deps.tableName,
        Item: botItem(bot),
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
    ...botSearchTerms(bot).map((term) => searchTermPut(deps, bot, term)),
    {
      Put: { TableName: deps.tableName, Item: grantItem(ownerGrant), ConditionExpression: 'attribute_not_exists(PK)' },
    },
  ];
}

/** The bot as changed, conditioned on the version read; search terms follow a new name. */
export function updateBot(deps: DataDeps, before: BotRecord, after: BotRecord): TransactItem[] {
  const [old, next] = [botSearchTerms(before), botSearchTerms(after)];
  return [
    {
      Put: {
        TableName: deps.tableName,
        Item: botItem(after),
        ConditionExpression: 'version = :version',
        ExpressionAttributeValues: { ':version': before.version },
      },
    },
    ...old.filter((term) => !next.includes(term)).map((term) => searchTermDelete(deps, before, term)),
    ...next.filter((term) => !old.includes(term)).map((term) => searchTermPut(deps, after, term)),
  ];
}

/** Removes the bot and its search terms, conditioned on the version read. */
export function deleteBot(deps: DataDeps, bot: BotRecord): TransactItem[] {
  return [
    {
      Delete: {
        TableName: deps.tableName,
        Key: keys.bot(bot.tenantId, bot.botId),
        ConditionExpression: 'version = :version',
        ExpressionAttributeValues: { ':version': bot.version },
      },
    },
    ...botSearchTerms(bot).map((term) => searchTermDelete(deps, bot, term)),
  ];
}

/**
 * Writes a principal's grant on a resource, conditioned on what was read: `previous` the grant as read (its
 * version must still be there), or undefined when none was (none may have appeared). The new grant's version
 * must be the previous one's + 1 (or 1).
 */
export function putGrant(
  deps: DataDeps,
  grant: ResourceGrantRecord,
  previous: Pick<ResourceGrantRecord, 'version'> | undefined,
): TransactItem {
  return {
    Put: {
      TableName: deps.tableName,
      Item: grantItem(grant),
      ...(previous === undefined
        ? { ConditionExpression: 'attribute_not_exists(PK)' }
        : { ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': previous.version } }),
    },
  };
}

/** Removes a principal's grant, conditioned on the version read. */
export function deleteGrantIfUnchanged(deps: DataDeps, grant: ResourceGrantRecord): TransactItem {
  const { Delete } = deleteGrant(deps, grant) as { Delete: NonNullable<TransactItem['Delete']> };
  return {
    Delete: {
      ...Delete,
      ConditionExpression: 'version = :version',
      ExpressionAttributeValues: { ':version': grant.version },
    },
  };
}

export function deleteGrant(deps: DataDeps, grant: ResourceGrantRecord): TransactItem {
  return {
    Delete: {
      TableName: deps.tableName,
      Key: keys.resourceGrant(
        grant.tenantId,
        grant.resourceType,
        grant.resourceId,
        grant.principalType,
        grant.principalId,
      ),
    },
  };
}

export async function getBot(deps: DataDeps, tenantId: string, botId: string): Promise<BotRecord | undefined> {
  const [item] = await batchGetItems(deps, [keys.bot(tenantId, botId)]);
  return item ? stripKeys<BotRecord>(item) : undefined;
}

/** The bot and one member's grant on it, in one consistent BatchGetItem. */
export function getBotWithGrant(
  deps: DataDeps,
  tenantId: string,
  botId: string,
  memberId: string,
): Promise<{ bot: BotRecord | undefined; grant: ResourceGrantRecord | undefined }> {
  return getGrantWithBot(deps, {
    tenantId,
    resourceType: 'bot',
    resourceId: botId,
    principalType: 'member',
    principalId: memberId,
  });
}

/** A bot with one member's grant on it (none when they hold nothing on it). */
export interface BotWithGrant {
  readonly bot: BotRecord;
  readonly grant: ResourceGrantRecord | undefined;
}

/** Keys of some bots and of one member's grants on them, to read with other items in one BatchGetItem. */
export function botsWithGrantsKeys(tenantId: string, botIds: readonly string[], memberId: string): ItemKey[] {
  return [
    ...botIds.map((botId) => keys.bot(tenantId, botId)),
    ...botIds.map((botId) => botGrantKey(tenantId, botId, memberId)),
  ];
}

/** The bots among items read with `botsWithGrantsKeys`, in the order asked, each with the member's grant. */
export function botsWithGrantsFrom(
  found: FoundItems,
  tenantId: string,
  botIds: readonly string[],
  memberId: string,
): BotWithGrant[] {
  return botIds.flatMap((botId) => {
    const bot = found.get(keys.bot(tenantId, botId));
    if (!bot) return [];
    const grant = found.get(botGrantKey(tenantId, botId, memberId));
    return [
      {
        bot: stripKeys<BotRecord>(bot),
        grant: grant ? stripKeys<ResourceGrantRecord>(grant) : undefined,
      },
    ];
  });
}

/** Bots by id and one member's grants on them, in consistent BatchGetItems; missing bots are left out. */
export async function getBotsWithGrants(
  deps: DataDeps,
  tenantId: string,
  botIds: readonly string[],
  memberId: string,
): Promise<BotWithGrant[]> {
  const found = await batchGetByKey(deps, botsWithGrantsKeys(tenantId, botIds, memberId));
  return botsWithGrantsFrom(found, tenantId, botIds, memberId);
}

/** Every grant on a bot (key-condition query, to the end). */
export async function listGrantsOnBot(deps: DataDeps, tenantId: string, botId: string): Promise<ResourceGrantRecord[]> {
  const { PK, skPrefix } = keys.grantsOnResource(tenantId, 'bot', botId);
  const grants: ResourceGrantRecord[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const response = await deps.db.send(
      new QueryCommand({
        TableName: deps.tableName,
        ConsistentRead: true,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': PK, ':prefix': skPrefix },
        ExclusiveStartKey: startKey,
      }),
    );
    grants.push(...(response.Items ?? []).map((item) => stripKeys<ResourceGrantRecord>(item)));
    startKey = response.LastEvaluatedKey;
  } while (startKey);
  return grants;
}

/** The coordinates of a grant, as the expiry index and the principal index list them. */
export type GrantRef = Pick<
  ResourceGrantRecord,
  'tenantId' | 'resourceType' | 'resourceId' | 'principalType' | 'principalId'
>;

const grantKeyOf = (ref: GrantRef) =>
  keys.resourceGrant(ref.tenantId, ref.resourceType, ref.resourceId, ref.principalType, ref.principalId);

/**
 * One page of the grants whose earliest time-bound role expired at or before `now`, in one shard of the
 * expiry index (all tenants): coordinates only; the purge reads each grant itself before changing it.
 */
export async function expiredGrantsPage(
  deps: DataDeps,
  shard: { GSI2PK: string },
  now: Date,
  startKey?: Record<string, unknown>,
): Promise<{ refs: GrantRef[]; nextKey?: Record<string, unknown> }> {
  const page = await expiredPage(
    deps,
    shard,
    now,
    ['tenantId', 'resourceType', 'resourceId', 'principalType', 'principalId'] as const,
    startKey,
  );
  return { refs: page.refs as GrantRef[], nextKey: page.nextKey };
}

/** A grant and the bot it is on, in one consistent BatchGetItem (either may be missing). */
export async function getGrantWithBot(
  deps: DataDeps,
  ref: GrantRef,
): Promise<{ grant: ResourceGrantRecord | undefined; bot: BotRecord | undefined }> {
  const [grantKey, botKey] = [grantKeyOf(ref), keys.bot(ref.tenantId, ref.resourceId)];
  const byKey = new Map(
    (await batchGetItems(deps, [grantKey, botKey])).map((item) => [`${String(item.PK)}|${String(item.SK)}`, item]),
  );
  const [grant, bot] = [byKey.get(itemId(grantKey)), byKey.get(itemId(botKey))];
  return {
    grant: grant ? stripKeys<ResourceGrantRecord>(grant) : undefined,
    bot: bot ? stripKeys<BotRecord>(bot) : undefined,
  };
}

/**
 * Every bot grant a principal holds in a tenant: listed by the principal index (GSI1, eventually consistent),
 * then read from the table consistently, so that versions and roles are current (one listed meanwhile
 * deleted is left out).
 */
export async function listBotGrantsOfPrincipal(
  deps: DataDeps,
  tenantId: string,
  principalType: ResourceGrantRecord['principalType'],
  principalId: string,
): Promise<ResourceGrantRecord[]> {
  const { GSI1PK, skPrefix } = keys.grantsOfPrincipal(tenantId, principalType, principalId, 'bot');
  const listed = await queryAllByPrefix(deps, {
    index: 'GSI1',
    partition: GSI1PK,
    prefix: skPrefix,
    attributes: ['PK', 'SK'],
  });
  const items = await batchGetItems(
    deps,
    listed.map((item) => ({ PK: String(item.PK), SK: String(item.SK) })),
  );
  return items
    .map((item) => stripKeys<ResourceGrantRecord>(item))
    .sort((a, b) => (a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : 0));
}

/**
 * One page of the tenant's bot ids: all of them in id order, or those whose name or id starts with `q` (search
 * form) through the search terms. A bot whose name and id both start with `q` may be listed on two pages.
 */
export async function listBotIds(
  deps: DataDeps,
  tenantId: string,
  q: string | undefined,
  page: { limit: number; cursor?: string },
): Promise<{ botIds: string[]; nextCursor: string | null }> {
  const { PK, skPrefix } = q === undefined ? keys.botsOfTenant(tenantId) : keys.botSearch(tenantId, searchForm(q));
  const { items, nextCursor } = await queryPageByPrefix(deps, {
    partition: PK,
    prefix: skPrefix,
    scope: `bots|${tenantId}|q=${q ?? '*'}`,
    cursor: page.cursor,
    limit: page.limit,
    consistent: true,
    attributes: ['botId'],
  });
  return { botIds: [...new Set(items.map((item) => item.botId as string))], nextCursor };
}

/** One principal's grant on a bot, read consistently. */
export async function getBotGrant(
  deps: DataDeps,
  tenantId: string,
  botId: string,
  principal: { readonly type: ResourceGrantRecord['principalType']; readonly id: string },
): Promise<ResourceGrantRecord | undefined> {
  const [item] = await batchGetItems(deps, [keys.resourceGrant(tenantId, 'bot', botId, principal.type, principal.id)]);
  return item ? stripKeys<ResourceGrantRecord>(item) : undefined;
}

/** A transaction step that holds only while the bot exists at the version read (a grant never outlives its bot). */
export function botUnchangedCheck(deps: DataDeps, bot: BotRecord): TransactItem {
  return {
    ConditionCheck: {
      TableName: deps.tableName,
      Key: keys.bot(bot.tenantId, bot.botId),
      ConditionExpression: 'version = :version',
      ExpressionAttributeValues: { ':version': bot.version },
    },
  };
}

/**
 * A page of the grants on a bot, in principal order (key-condition query). `keep` filters them: the page is
 * filled from as many reads as it takes, and the cursor points after the last grant returned, so nothing is
 * skipped and nothing is silently cut off.
 */
export async function listGrantsOnBotPage(
  deps: DataDeps,
  tenantId: string,
  botId: string,
  page: { limit: number; cursor?: string; filterName?: string },
  keep: (grants: ResourceGrantRecord[]) => Promise<ResourceGrantRecord[]> = async (grants) => grants,
): Promise<{ grants: ResourceGrantRecord[]; nextCursor: string | null }> {
  const { PK, skPrefix } = keys.grantsOnResource(tenantId, 'bot', botId);
  const scope = `bot-access|${tenantId}|${botId}|${page.filterName ?? '*'}`;
  let startKey: Record<string, unknown> | undefined = decodeCursor(page.cursor, scope, { PK, SK: undefined });
  if (startKey && !String(startKey.SK).startsWith(skPrefix)) throw new InvalidCursor();
  const grants: ResourceGrantRecord[] = [];
  do {
    const response = await deps.db.send(
      new QueryCommand({
        TableName: deps.tableName,
        ConsistentRead: true,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': PK, ':prefix': skPrefix },
        Limit: page.limit - grants.length,
        ExclusiveStartKey: startKey,
      }),
    );
    // At most the room left is read, so every grant kept fits and the cursor can follow the last one read.
    const items = response.Items ?? [];
    grants.push(...(await keep(items.map((item) => stripKeys<ResourceGrantRecord>(item)))));
    const last = items.at(-1);
    startKey = response.LastEvaluatedKey && last ? { PK: last.PK, SK: last.SK } : undefined;
  } while (startKey && grants.length < page.limit);
  return { grants, nextCursor: encodeCursor(scope, startKey) };
}

/** Bots by id, in one consistent BatchGetItem, in the order asked; missing ones (and other tenants') left out. */
export async function getBots(deps: DataDeps, tenantId: string, botIds: readonly string[]): Promise<BotRecord[]> {
  if (botIds.length === 0) return [];
  const byKey = new Map(
    (
      await batchGetItems(
        deps,
        botIds.map((botId) => keys.bot(tenantId, botId)),
      )
    ).map((item) => [`${String(item.PK)}|${String(item.SK)}`, item]),
  );
  return botIds.flatMap((botId) => {
    const item = byKey.get(itemId(keys.bot(tenantId, botId)));
    return item ? [stripKeys<BotRecord>(item)] : [];
  });
}

/** One entry of a paged walk: what was found, and the cursor that resumes the walk after it (null: none follows). */
export interface Walked<T> {
  readonly value: T;
  readonly cursorAfter: () => string | null;
}

/** The walk's entries of one Query answer, each able to give the cursor after it. */
function walked<T>(
  scope: string,
  items: readonly Record<string, unknown>[],
  more: boolean,
  keyOf: (item: Record<string, unknown>) => Record<string, unknown>,
  toValue: (item: Record<string, unknown>) => T,
): Walked<T>[] {
  return items.map((item, i) => ({
    value: toValue(item),
    cursorAfter: () => (i === items.length - 1 && !more ? null : encodeCursor(scope, keyOf(item))),
  }));
}

/** A bot a member reaches through grants, and the grants listing it: `member` (their own) or `group:<groupId>`. */
export interface GrantedBot {
  readonly botId: string;
  readonly through: readonly string[];
}

/**
 * The bot ids some principals (a member and their groups) hold grants on, merged in bot id order with each id
 * once, from `cursor` on, through GSI1: one key-condition Query per principal (`GSI1SK > bot#<last id>`),
 * `chunk` at a time, read in parallel, and an id emitted only once every principal's walk has reached it (so
 * the merge is exact). The cursor is the last bot id emitted. The index is eventually consistent: read the
 * grants themselves before trusting an entry.
 */
export async function* walkBotIdsOfPrincipals(
  deps: DataDeps,
  tenantId: string,
  principals: readonly { readonly type: ResourceGrantRecord['principalType']; readonly id: string }[],
  walk: { readonly scope: string; readonly cursor?: string; readonly chunk: number },
): AsyncGenerator<Walked<GrantedBot>[]> {
  const prefix = 'bot#';
  const start = decodeCursor(walk.cursor, walk.scope, { GSI1SK: undefined });
  if (start && !String(start.GSI1SK).startsWith(prefix)) throw new InvalidCursor();
  const sources = principals.map((principal) => ({
    label: principal.type === 'member' ? 'member' : `group:${principal.id}`,
    GSI1PK: keys.grantsOfPrincipal(tenantId, principal.type, principal.id, 'bot').GSI1PK,
    after: start ? String(start.GSI1SK) : prefix,
    buffer: [] as string[],
    done: false,
  }));
  const fill = async (source: (typeof sources)[number]) => {
    const response = await deps.db.send(
      new QueryCommand({
        TableName: deps.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK > :after',
        ExpressionAttributeValues: { ':pk': source.GSI1PK, ':after': source.after },
        ProjectionExpression: 'GSI1SK',
        Limit: walk.chunk,
      }),
    );
    const items = (response.Items ?? []).map((item) => String(item.GSI1SK));
    // Sorted: the first key past `bot#` ends this principal's bot grants.
    const bots = items.filter((sk) => sk.startsWith(prefix));
    source.buffer.push(...bots);
    const last = items.at(-1);
    if (last) source.after = last;
    source.done = response.LastEvaluatedKey === undefined || bots.length < items.length;
  };
  for (;;) {
    await Promise.all(sources.filter((s) => s.buffer.length === 0 && !s.done).map(fill));
    const open = sources.filter((s) => s.buffer.length > 0 || !s.done);
    if (open.every((s) => s.buffer.length === 0)) return;
    // Every id up to the smallest last-buffered id of a walk still going is known from every walk.
    const bound = sources
      .filter((s) => !s.done)
      .map((s) => s.buffer.at(-1) as string)
      .reduce<string | undefined>((min, sk) => (min === undefined || sk < min ? sk : min), undefined);
    const ready = new Map<string, string[]>();
    for (const source of sources) {
      while (source.buffer.length > 0 && (bound === undefined || (source.buffer[0] as string) <= bound)) {
        const sk = source.buffer.shift() as string;
        ready.set(sk, [...(ready.get(sk) ?? []), source.label]);
      }
    }
    const ordered = [...ready.keys()].sort();
    const finished = sources.every((s) => s.done && s.buffer.length === 0);
    yield ordered.map((sk, i) => ({
      value: { botId: sk.slice(prefix.length), through: ready.get(sk) ?? [] },
      cursorAfter: () => (finished && i === ordered.length - 1 ? null : encodeCursor(walk.scope, { GSI1SK: sk })),
    }));
  }
}

/** Every bot of a tenant in id order (consistent key-condition Query on `BOT#`), from `cursor` on, `chunk` at a time. */
export async function* walkBotsOfTenant(
  deps: DataDeps,
  tenantId: string,
  walk: { readonly scope: string; readonly cursor?: string; readonly chunk: number },
): AsyncGenerator<Walked<BotRecord>[]> {
  const { PK, skPrefix } = keys.botsOfTenant(tenantId);
  let startKey: Record<string, unknown> | undefined = decodeCursor(walk.cursor, walk.scope, { PK, SK: undefined });
  if (startKey && !String(startKey.SK).startsWith(skPrefix)) throw new InvalidCursor();
  do {
    const response = await deps.db.send(
      new QueryCommand({
        TableName: deps.tableName,
        ConsistentRead: true,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': PK, ':prefix': skPrefix },
        Limit: walk.chunk,
        ExclusiveStartKey: startKey,
      }),
    );
    startKey = response.LastEvaluatedKey;
    yield walked(
      walk.scope,
      response.Items ?? [],
      startKey !== undefined,
      (item) => ({ PK: item.PK, SK: item.SK }),
      (item) => stripKeys<BotRecord>(item),
    );
  } while (startKey);
}

/** One member's grants on some bots (consistent BatchGetItems), by bot id; bots they hold nothing on are absent. */
export async function getGrantsOfMemberOn(
  deps: DataDeps,
  tenantId: string,
  botIds: readonly string[],
  memberId: string,
): Promise<Map<string, ResourceGrantRecord>> {
  const items = await batchGetItems(
    deps,
    botIds.map((botId) => botGrantKey(tenantId, botId, memberId)),
  );
  return new Map(
    items.map((item) => {
      const grant = stripKeys<ResourceGrantRecord>(item);
      return [grant.resourceId, grant];
    }),
  );
}
