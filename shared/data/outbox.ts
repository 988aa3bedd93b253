import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, QueryCommand, type TransactWriteCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditActor } from '../domain/actor';
import type { DataDeps } from './data-deps';
import { keys } from './keys';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Audit actions (SPEC §4). */
export const auditActions = [
  'tenant.created',
  'tenant.updated',
  'role.created',
  'role.updated',
  'role.deleted',
  'member.invited',
  'member.joined',
  'member.updated',
  'member.roles_changed',
  'member.permissions_changed',
  'member.suspended',
  'member.reactivated',
  'member.removed',
  'member.ownership_transferred',
  'invitation.resent',
  'invitation.revoked',
  'invitation.declined',
  'invitation.expired',
  'role_assignment.expired',
  'audit.exported',
  'bot.registered',
  'bot.updated',
  'bot.deleted',
  'bot.ownership_transferred',
  'bot_access.changed',
  'access_request.created',
  'access_request.approved',
  'access_request.denied',
  'access_request.cancelled',
  'access_request.expired',
  'group.created',
  'group.updated',
  'group.deleted',
  'group.member_added',
  'group.member_removed',
] as const;

export type AuditAction = (typeof auditActions)[number];

/**
 * An email the consumer sends for this event (invitation and resend). The token is sealed
 * (shared/security/sealing.ts, bound to the event id) and this part never reaches the audit trail.
 */
export interface InvitationDelivery {
  readonly kind: 'invitation';
  readonly to: string;
  readonly tenantName: string;
  readonly inviterEmail?: string;
  readonly sealedToken: string;
  readonly expiresAt: string;
  readonly message?: string;
}

/**
 * An event written in the same TransactWriteItems as the change it describes (transactional outbox).
 * The stream consumer turns it into exactly one audit entry and performs its side effects (email),
 * so there is never a change without its event, nor an event without its change.
 */
export interface OutboxEvent {
  readonly eventId: string;
  readonly tenantId: string;
  readonly occurredAt: string;
  readonly action: AuditAction;
  readonly actor: AuditActor;
  readonly target: { readonly type: string; readonly id: string; readonly label: string };
  readonly changes: { readonly before: unknown; readonly after: unknown };
  readonly requestId: string;
  readonly delivery?: InvitationDelivery;
}

/** Outbox items are deleted by the consumer once processed; the TTL only sweeps what a failure left behind. */
const OUTBOX_RETENTION_SECONDS = 30 * 24 * 3600;

export function outboxPut(tableName: string, event: OutboxEvent): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: {
        ...keys.outboxEvent(event.eventId),
        ...keys.outboxDeliveryIndex(event.eventId, event.occurredAt),
        entity: 'outbox',
        event,
        ttl: Math.floor(Date.parse(event.occurredAt) / 1000) + OUTBOX_RETENTION_SECONDS,
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

/** Removes a processed outbox item (its effects are done and idempotent; the TTL is only the safety net). */
export async function deleteOutboxEvent(deps: DataDeps, eventId: string): Promise<void> {
  await deps.db.send(new DeleteCommand({ TableName: deps.tableName, Key: keys.outboxEvent(eventId) }));
}

/** An undelivered outbox event as the redrive reads it from GSI2 (no payload: the stream carries that). */
export interface UndeliveredOutboxRef {
  readonly eventId: string;
  readonly tenantId: string;
  readonly action: AuditAction;
  /** When its last delivery started: the write, or its last redrive (ISO). */
  readonly lastAttemptAt: string;
  /** Redrives so far. */
  readonly redriveCount: number;
  /** The index sort key as read: the redrive's condition, so that one reading redrives an event once. */
  readonly sortKey: string;
}

/**
 * One page of a shard of undelivered outbox events whose last delivery started before `before` (exclusive),
 * oldest first: a key-condition Query on GSI2 (keys.outboxDeliveryIndex).
 */
export async function undeliveredOutboxPage(
  deps: DataDeps,
  shard: { GSI2PK: string },
  before: Date,
  startKey?: Record<string, unknown>,
): Promise<{ refs: UndeliveredOutboxRef[]; nextKey?: Record<string, unknown> }> {
  const response = await deps.db.send(
    new QueryCommand({
      TableName: deps.tableName,
      IndexName: 'GSI2',
      // A bare timestamp sorts before every `<that timestamp>#<eventId>`: strictly older only, so the events
      // this run redrives (moved to `<now>#...`) are not met again further down the pages.
      KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK < :before',
      ExpressionAttributeValues: { ':pk': shard.GSI2PK, ':before': before.toISOString() },
      ProjectionExpression: 'GSI2SK, redriveCount, #event.eventId, #event.tenantId, #event.#action',
      ExpressionAttributeNames: { '#event': 'event', '#action': 'action' },
      Limit: 100,
      ExclusiveStartKey: startKey,
    }),
  );
  const refs = (response.Items ?? []).map((item) => {
    const sortKey = String(item.GSI2SK);
    const event = item.event as Pick<OutboxEvent, 'eventId' | 'tenantId' | 'action'>;
    return {
      eventId: event.eventId,
      tenantId: event.tenantId,
      action: event.action,
      lastAttemptAt: sortKey.slice(0, sortKey.indexOf('#')),
      redriveCount: typeof item.redriveCount === 'number' ? item.redriveCount : 0,
      sortKey,
    };
  });
  return { refs, nextKey: response.LastEvaluatedKey };
}

/**
 * Starts another delivery of an undelivered outbox event: an UpdateItem that counts the redrive and moves the
 * event's index entry to `now`. The change is a MODIFY record in the main table's stream, which the stream
 * consumer handles like the item's INSERT (same effects, same idempotency, same order per tenant, same DLQ).
 * Conditional on the index entry as read: false, and nothing written, when the event was delivered (deleted)
 * or redriven by another run in the meantime; never recreates a deleted item.
 */
export async function redriveOutboxEvent(deps: DataDeps, ref: UndeliveredOutboxRef, now: Date): Promise<boolean> {
  const at = now.toISOString();
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: keys.outboxEvent(ref.eventId),
        UpdateExpression: 'SET GSI2SK = :next, redriveCount = :count, redrivenAt = :at',
        ConditionExpression: 'GSI2SK = :seen',
        ExpressionAttributeValues: {
          ':next': keys.outboxDeliveryIndex(ref.eventId, at).GSI2SK,
          ':count': ref.redriveCount + 1,
          ':at': at,
          ':seen': ref.sortKey,
        },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
