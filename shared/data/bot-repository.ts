import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidCursor } from '../domain/errors';
import { batchGetItems } from './batch-get';
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

/** Bots by id and one member's grants on them, in consistent BatchGetItems; missing bots are left out. */
export async function getBotsWithGrants(
  deps: DataDeps,
  tenantId: string,
  botIds: readonly string[],
  memberId: string,
): Promise<{ bot: BotRecord; grant: ResourceGrantRecord | undefined }[]> {
  const items = await batchGetItems(deps, [
    ...botIds.map((botId) => keys.bot(tenantId, botId)),
    ...botIds.map((botId) => botGrantKey(tenantId, botId, memberId)),
  ]);
  const byKey = new Map(items.map((item) => [`${String(item.PK)}|${String(item.SK)}`, item]));
  return botIds.flatMap((botId) => {
    const bot = byKey.get(itemId(keys.bot(tenantId, botId)));
    if (!bot) return [];
    const grant = byKey.get(itemId(botGrantKey(tenantId, botId, memberId)));
    return [
      {
        bot: stripKeys<BotRecord>(bot),
        grant: grant ? stripKeys<ResourceGrantRecord>(grant) : undefined,
      },
    ];
  });
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
