import { DeleteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
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
