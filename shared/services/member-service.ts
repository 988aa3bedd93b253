import { getMember, type MemberFilter, listMembers as queryMembers } from '../data/member-repository';
import type { MemberRecord } from '../data/records';
import { canOn } from '../domain/ability';
import type { TenantCaller } from '../domain/actor';
import { computeEffectivePermissions, type EffectivePermission } from '../domain/effective-permissions';
import { Forbidden, NotFound } from '../domain/errors';
import { present } from '../domain/present';
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
export async function getMemberDetails(
  deps: ServiceDeps,
  caller: TenantCaller,
  memberId: string,
): Promise<MemberWithPermissions> {
  const isSelf = caller.memberId === memberId;
  if (!(isSelf || canOn(caller.ability, 'users:read', caller.tenantId))) throw new Forbidden();
  const member = await getMember(deps, caller.tenantId, memberId);
  if (!member) throw new NotFound('Member', 'member_not_found');
  const [details] = await withEffectivePermissions(deps, caller.tenantId, [member]);
  return present(details, 'member details');
}

export async function listMembers(
  deps: ServiceDeps,
  caller: TenantCaller,
  filter: MemberFilter,
  page: { limit: number; cursor?: string },
): Promise<{ items: MemberWithPermissions[]; nextCursor: string | null }> {
  if (!canOn(caller.ability, 'users:read', caller.tenantId)) throw new Forbidden();
  const result = await queryMembers(deps, caller.tenantId, filter, page);
  return { items: await withEffectivePermissions(deps, caller.tenantId, result.items), nextCursor: result.nextCursor };
}
