import { canOn } from '../domain/ability';
import type { AuditActor, RequestMeta, TenantCaller } from '../domain/actor';
import { computeEffectivePermissions, type EffectivePermission } from '../domain/effective-permissions';
import { Conflict, Forbidden, InvalidState, NotFound, PreconditionFailed } from '../domain/errors';
import { getMember, listMembers as queryMembers, replaceMember } from '../data/member-repository';
import { outboxPut } from '../data/outbox';
import { putNewPrincipalLink } from '../data/principal-repository';
import type { MemberRecord, MemberStatus } from '../data/records';
import { transactWrite } from '../data/transactions';
import { resolveRoles } from './role-resolution';
import type { ServiceDeps } from './service-deps';

export interface MemberWithPermissions {
  readonly member: MemberRecord;
  readonly effectivePermissions: EffectivePermission[];
}

async function withEffectivePermissions(
  deps: ServiceDeps,
  tenantId: string,
  members: readonly MemberRecord[],
): Promise<MemberWithPermissions[]> {
  const roles = await resolveRoles(
    deps,
    tenantId,
    members.flatMap((m) => m.roles.map((r) => r.roleId)),
  );
  const now = deps.now();
  return members.map((member) => ({
    member,
    effectivePermissions: computeEffectivePermissions({
      assignments: member.roles,
      directPermissions: member.permissions,
      roles,
      now,
    }),
  }));
}

/** One member with effective permissions: for holders of `users:read`, and for the member themself. */
export async function getMemberDetails(deps: ServiceDeps, caller: TenantCaller, memberId: string): Promise<MemberWithPermissions> {
  const isSelf = caller.memberId === memberId;
  if (!isSelf && !canOn(caller.ability, 'users:read', caller.tenantId)) throw new Forbidden();
  const member = await getMember(deps, caller.tenantId, memberId);
  if (!member) throw new NotFound('Member', 'member_not_found');
  const [details] = await withEffectivePermissions(deps, caller.tenantId, [member]);
  return details!;
}

export async function listMembers(
  deps: ServiceDeps,
  caller: TenantCaller,
  filter: { status?: MemberStatus },
  page: { limit: number; cursor?: string },
): Promise<{ items: MemberWithPermissions[]; nextCursor: string | null }> {
  if (!canOn(caller.ability, 'users:read', caller.tenantId)) throw new Forbidden();
  const result = await queryMembers(deps, caller.tenantId, filter, page);
  return { items: await withEffectivePermissions(deps, caller.tenantId, result.items), nextCursor: result.nextCursor };
}

/**
 * Turns an invited member into an active one bound to a Cognito identity: the member record, the principal
 * link that lets the identity act in the tenant, and the `member.joined` event, in one transaction.
 * Used when an invitation is accepted (and by the local seed).
 */
export async function activateMember(
  deps: ServiceDeps,
  input: { tenantId: string; memberId: string; userId: string; displayName?: string },
  actor: AuditActor,
  meta: RequestMeta,
): Promise<MemberRecord> {
  const current = await getMember(deps, input.tenantId, input.memberId);
  if (!current) throw new NotFound('Member', 'member_not_found');
  if (current.status !== 'invited') throw new InvalidState(`A member in status ${current.status} cannot join again.`);
  const now = deps.now().toISOString();
  const joined: MemberRecord = {
    ...current,
    status: 'active',
    userId: input.userId,
    displayName: input.displayName ?? current.displayName,
    joinedAt: now,
    version: current.version + 1,
  };
  await transactWrite(deps, [
    { item: replaceMember(deps, joined, current.version), onConditionFailed: () => new PreconditionFailed() },
    {
      item: putNewPrincipalLink(deps, { userId: input.userId, tenantId: input.tenantId, memberId: input.memberId }),
      onConditionFailed: () => new Conflict('already_member', 'This identity is already a member of the tenant.'),
    },
    {
      item: outboxPut(deps.tableName, {
        eventId: deps.newId(),
        tenantId: input.tenantId,
        occurredAt: now,
        action: 'member.joined',
        actor,
        target: { type: 'member', id: current.memberId, label: current.email },
        changes: { before: { status: current.status }, after: { status: joined.status, userId: input.userId } },
        requestId: meta.requestId,
      }),
    },
  ]);
  return joined;
}
