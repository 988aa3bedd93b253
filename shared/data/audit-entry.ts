import type { AuditAction } from './outbox';

/*
 * The shapes of the audit trail, at the bottom of the import graph: the audit repository (which stores
 * them) and the chain's pure functions in shared/audit (which compute them) both import from here, so
 * the data layer never depends on the layer above it.
 */

/** An audit entry (SPEC §4 "Audit event"). */
export interface AuditEntry {
  readonly id: string;
  readonly tenantId: string;
  readonly seq: number;
  readonly occurredAt: string;
  readonly actor: { readonly id: string; readonly email?: string; readonly ip?: string; readonly userAgent?: string };
  readonly action: AuditAction;
  readonly target: { readonly type: string; readonly id: string; readonly label: string };
  readonly changes: { readonly before: unknown; readonly after: unknown };
  readonly requestId: string;
  readonly prevHash: string;
  readonly hash: string;
}

/** The part of an entry that comes from its event, before it is placed in the chain. */
export type AuditContent = Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>;

/** The last entry of a tenant's chain. */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}
