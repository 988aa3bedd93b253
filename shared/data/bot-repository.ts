import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidCursor } from '../domain/errors';
import { batchGetByKey, batchGetItems, type FoundItems } from './batch-get';
import { decodeCursor, encodeCursor } from './cursor';
import { type DataDeps, stripKeys } from './data-deps';
import { type ItemKey, keys } from './keys';
import { searchForm } from './member-repository';
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

export function grantItem(grant: ResourceGrantRecord): Record<string, unknown> {
  return {
    ...keys.resourceGrant(grant.tenantId, grant.resourceType, grant.resourceId, grant.principalType, grant.principalId),
    ...keys.resourceGrantPrincipalIndex(
      grant.tenantId,
      grant.resourceType,
      grant.resourceId,
      grant.principalType,
      grant.principalId,
    ),
    entity: 'resourceGrant',
    ...grant,
  };
}

export function botGrantKey(tenantId: string, botId: string, memberId: string): ItemKey {
  return keys.resourceGrant(tenantId, 'bot', botId, 'member', memberId);
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
export async function getBotWithGrant(
  deps: DataDeps,
  tenantId: string,
  botId: string,
  memberId: string,
): Promise<{ bot: BotRecord | undefined; grant: ResourceGrantRecord | undefined }> {
  const [botKey, grantKey] = [keys.bot(tenantId, botId), botGrantKey(tenantId, botId, memberId)];
  const byKey = new Map(
    (await batchGetItems(deps, [botKey, grantKey])).map((item) => [`${String(item.PK)}|${String(item.SK)}`, item]),
  );
  const [bot, grant] = [byKey.get(itemId(botKey)), byKey.get(itemId(grantKey))];
  return {
    bot: bot ? stripKeys<BotRecord>(bot) : undefined,
    grant: grant ? stripKeys<ResourceGrantRecord>(grant) : undefined,
  };
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
  const scope = `bots|${tenantId}|q=${q ?? '*'}`;
  const { PK, skPrefix } = q === undefined ? keys.botsOfTenant(tenantId) : keys.botSearch(tenantId, searchForm(q));
  const startKey = decodeCursor(page.cursor, scope, { PK, SK: undefined });
  if (startKey && !String(startKey.SK).startsWith(skPrefix)) throw new InvalidCursor();
  const response = await deps.db.send(
    new QueryCommand({
      TableName: deps.tableName,
      ConsistentRead: true,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': PK, ':prefix': skPrefix },
      ProjectionExpression: 'botId',
      Limit: page.limit,
      ExclusiveStartKey: startKey,
    }),
  );
  return {
    botIds: [...new Set((response.Items ?? []).map((item) => item.botId as string))],
    nextCursor: encodeCursor(scope, response.LastEvaluatedKey),
  };
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

/**
 * The bot ids a member holds a grant on, through GSI1 (a key-condition Query on their principal key, GSI1SK
 * `bot#...`: bot id order), from `cursor` on, `chunk` at a time. The index is eventually consistent: read the
 * bots and grants themselves (getBotsWithGrants) before trusting an entry.
 */
export async function* walkBotIdsOfMember(
  deps: DataDeps,
  tenantId: string,
  memberId: string,
  walk: { readonly scope: string; readonly cursor?: string; readonly chunk: number },
): AsyncGenerator<Walked<string>[]> {
  const { GSI1PK, skPrefix } = keys.grantsOfPrincipal(tenantId, 'member', memberId, 'bot');
  let startKey: Record<string, unknown> | undefined = decodeCursor(walk.cursor, walk.scope, {
    GSI1PK,
    GSI1SK: undefined,
    PK: keys.tenant(tenantId).PK,
    SK: undefined,
  });
  if (startKey && !String(startKey.GSI1SK).startsWith(skPrefix)) throw new InvalidCursor();
  do {
    const response = await deps.db.send(
      new QueryCommand({
        TableName: deps.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :prefix)',
        ExpressionAttributeValues: { ':pk': GSI1PK, ':prefix': skPrefix },
        ProjectionExpression: 'PK, SK, GSI1PK, GSI1SK, resourceId',
        Limit: walk.chunk,
        ExclusiveStartKey: startKey,
      }),
    );
    startKey = response.LastEvaluatedKey;
    yield walked(
      walk.scope,
      response.Items ?? [],
      startKey !== undefined,
      ({ PK, SK, GSI1PK: pk, GSI1SK: sk }) => ({ GSI1PK: pk, GSI1SK: sk, PK, SK }),
      (item) => item.resourceId as string,
    );
  } while (startKey);
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
