import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidCursor } from '../domain/errors';
import { decodeCursor, encodeCursor } from './cursor';
import type { DataDeps } from './data-deps';
import { stripKeys } from './data-deps';
import { keys } from './keys';
import type { NotificationRecord } from './records';

/**
 * Writes a notification unless it exists: its id is deterministic per event and recipient, so a redelivered
 * event finds it written and writes nothing. True when this call wrote it.
 */
export async function putNotificationOnce(deps: DataDeps, notification: NotificationRecord): Promise<boolean> {
  try {
    await deps.db.send(
      new PutCommand({
        TableName: deps.tableName,
        Item: {
          ...keys.notification(notification.userId, notification.notificationId),
          ...(notification.readAt === undefined
            ? keys.unreadNotificationIndex(notification.userId, notification.notificationId)
            : {}),
          entity: 'notification',
          ...notification,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * One page of a person's notifications, newest first: all of them (their partition), or only the unread ones
 * (the sparse unread index, which holds nothing else): key-condition queries either way.
 */
export async function listNotificationsPage(
  deps: DataDeps,
  userId: string,
  page: { unread: boolean; limit: number; cursor?: string },
): Promise<{ items: NotificationRecord[]; nextCursor: string | null }> {
  const scope = `notifications|${userId}|${page.unread ? 'unread' : 'all'}`;
  const { PK, skPrefix } = keys.notificationsOfUser(userId);
  const unread = keys.unreadNotificationsOfUser(userId);
  const startKey = page.unread
    ? decodeCursor(page.cursor, scope, { PK, SK: undefined, GSI1PK: unread.GSI1PK, GSI1SK: undefined })
    : decodeCursor(page.cursor, scope, { PK, SK: undefined });
  // A start key outside the list (forged) would reach DynamoDB as an invalid key: refused here.
  if (startKey) {
    const sk = String(startKey.SK);
    if (!sk.startsWith(skPrefix) || (page.unread && startKey.GSI1SK !== sk.slice(skPrefix.length)))
      throw new InvalidCursor();
  }
  const response = await deps.db.send(
    new QueryCommand({
      TableName: deps.tableName,
      ...(page.unread
        ? {
            IndexName: 'GSI1',
            KeyConditionExpression: 'GSI1PK = :pk',
            ExpressionAttributeValues: { ':pk': unread.GSI1PK },
          }
        : {
            ConsistentRead: true,
            KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
            ExpressionAttributeValues: { ':pk': PK, ':prefix': skPrefix },
          }),
      ScanIndexForward: false,
      Limit: page.limit,
      ExclusiveStartKey: startKey,
    }),
  );
  return {
    items: (response.Items ?? []).map((item) => stripKeys<NotificationRecord>(item)),
    nextCursor: encodeCursor(scope, response.LastEvaluatedKey),
  };
}

export async function getNotification(
  deps: DataDeps,
  userId: string,
  notificationId: string,
): Promise<NotificationRecord | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.tableName, Key: keys.notification(userId, notificationId), ConsistentRead: true }),
  );
  return Item ? stripKeys<NotificationRecord>(Item) : undefined;
}

/**
 * Marks a person's notification read (once: a second call keeps the first `readAt`) and takes it out of the
 * unread index. Undefined when that person has no such notification.
 */
export async function markNotificationRead(
  deps: DataDeps,
  userId: string,
  notificationId: string,
  at: string,
): Promise<NotificationRecord | undefined> {
  try {
    const { Attributes } = await deps.db.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: keys.notification(userId, notificationId),
        UpdateExpression: 'SET readAt = if_not_exists(readAt, :at) REMOVE GSI1PK, GSI1SK',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':at': at },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes ? stripKeys<NotificationRecord>(Attributes) : undefined;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}
