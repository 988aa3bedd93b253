import { outboxPut } from '../data/outbox';
import type { InvitationRecord, MemberRecord, TenantRecord } from '../data/records';
import { getTenant, putNewTenant, updateTenantItem } from '../data/tenant-repository';
import { transactWrite } from '../data/transactions';
import { auditActorOf, type Identity, type RequestMeta } from '../domain/actor';
import { Conflict, NotFound, PreconditionFailed } from '../domain/errors';
import { draftOwnerInvitation } from './invitation-service';
import type { ServiceDeps } from './service-deps';

export interface CreateTenantInput {
  readonly name: string;
  readonly ownerEmail: string;
  readonly seatLimit: number;
}

/**
 * Creates a tenant and invites its Owner, in one transaction (platform admins only; the route enforces it).
 * The owner is an `invited` member holding the one seat they use until they accept; the invitation email
 * rides on the `tenant.created` event. The raw token is returned for the local seed only: the API never
 * shows it.
 */
export async function createTenant(
  deps: ServiceDeps,
  actor: Identity,
  input: CreateTenantInput,
  meta: RequestMeta,
): Promise<{ tenant: TenantRecord; owner: MemberRecord; invitation: InvitationRecord; ownerToken: string }> {
  const now = deps.now().toISOString();
  const tenant: TenantRecord = {
    tenantId: deps.newId(),
    name: input.name,
    seatLimit: input.seatLimit,
    seatsUsed: 1,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  const eventId = deps.newId();
  const inviter = auditActorOf(actor, meta);
  const owner = await draftOwnerInvitation(deps, {
    tenant,
    ownerEmail: input.ownerEmail,
    inviter,
    meta,
    carrierEventId: eventId,
  });
  await transactWrite(deps, [
    { item: putNewTenant(deps, tenant) },
    ...owner.items.map((item) => ({ item })),
    {
      item: outboxPut(deps.tableName, {
        eventId,
        tenantId: tenant.tenantId,
        occurredAt: now,
        action: 'tenant.created',
        actor: inviter,
        target: { type: 'tenant', id: tenant.tenantId, label: tenant.name },
        changes: {
          before: null,
          after: {
            name: tenant.name,
            seatLimit: tenant.seatLimit,
            ownerEmail: owner.member.email,
            ownerMemberId: owner.member.memberId,
            ownerInvitationId: owner.invitation.invitationId,
          },
        },
        requestId: meta.requestId,
        delivery: owner.delivery,
      }),
    },
  ]);
  return { tenant, owner: owner.member, invitation: owner.invitation, ownerToken: owner.token };
}

export async function getTenantSummary(deps: ServiceDeps, tenantId: string): Promise<TenantRecord> {
  const tenant = await getTenant(deps, tenantId);
  if (!tenant) throw new NotFound('Tenant', 'tenant_not_found');
  return tenant;
}

export interface UpdateTenantInput {
  readonly name?: string;
  readonly seatLimit?: number;
}

/**
 * Renames a tenant or changes its seat limit. With `expectedVersion` (If-Match) a concurrent change
 * gives 412; the write is conditional on the version read, so the audit event's before-image is exact.
 */
export async function updateTenant(
  deps: ServiceDeps,
  actor: Identity,
  tenantId: string,
  input: UpdateTenantInput,
  expectedVersion: number | undefined,
  meta: RequestMeta,
): Promise<TenantRecord> {
  const current = await getTenantSummary(deps, tenantId);
  if (expectedVersion !== undefined && expectedVersion !== current.version)
    throw new PreconditionFailed(current.version);
  if (input.seatLimit !== undefined && input.seatLimit < current.seatsUsed) {
    throw new Conflict(
      'seat_limit_below_usage',
      `The tenant uses ${current.seatsUsed} seats; the limit cannot be lower.`,
      {
        seatsUsed: current.seatsUsed,
      },
    );
  }
  const now = deps.now().toISOString();
  const changedKeys = (['name', 'seatLimit'] as const).filter((k) => input[k] !== undefined && input[k] !== current[k]);
  await transactWrite(deps, [
    {
      item: updateTenantItem(deps, tenantId, input, now, current.version),
      onConditionFailed: (found) =>
        found &&
        typeof found.seatsUsed === 'number' &&
        input.seatLimit !== undefined &&
        input.seatLimit < found.seatsUsed
          ? new Conflict(
              'seat_limit_below_usage',
              `The tenant uses ${found.seatsUsed} seats; the limit cannot be lower.`,
            )
          : new PreconditionFailed(typeof found?.version === 'number' ? found.version : undefined),
    },
    {
      item: outboxPut(deps.tableName, {
        eventId: deps.newId(),
        tenantId,
        occurredAt: now,
        action: 'tenant.updated',
        actor: auditActorOf(actor, meta),
        target: { type: 'tenant', id: tenantId, label: input.name ?? current.name },
        changes: {
          before: Object.fromEntries(changedKeys.map((k) => [k, current[k]])),
          after: Object.fromEntries(changedKeys.map((k) => [k, input[k]])),
        },
        requestId: meta.requestId,
      }),
    },
  ]);
  return { ...current, ...input, updatedAt: now, version: current.version + 1 };
}
