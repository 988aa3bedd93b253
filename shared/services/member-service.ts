import { groupIdsOf } from '../data/group-repository';
import { getMember, type MemberFilter, listMembers as queryMembers } from '../data/member-repository';
import type { MemberRecord } from '../data/records';
import { canOn } from '../domain/ability';
import type { TenantCaller } from '../domain/actor';
import { computeEffectivePermissions, type EffectivePermission } from '../domain/effective-permissions';
import { Forbidden, NotFound } from '../domain/errors';
import { present } from '../domain/present';
import { groupRolesOf, groupsOfMembers } from './group-roles';
import { resolveRoles } from './role-resolution';
import type { ServiceDeps } from './service-deps';

export interface MemberWithPermissions {
  readonly member: MemberRecord;
  readonly effectivePermissions: EffectivePermission[];
  /** The groups the member belongs to, by name. */
  readonly groups: readonly { readonly groupId: string; readonly name: string }[];
}

/**
 * Members with their effective permissions (their roles, their groups' roles, direct grants) and their groups:
 * the roles and groups of all of them read once.
 */
export async function withEffectivePermissions(
  deps: ServiceDeps,
  tenantId: string,
  members: readonly MemberRecord[],
): Promise<MemberWithPermissions[]> {
  const groups = await groupsOfMembers(deps, tenantId, members);
  const carried = members.map((member) => groupRolesOf(member, groups));
  const roles = await resolveRoles(deps, tenantId, [
    ...members.flatMap((m) => m.roles.map((r) => r.roleId)),
    ...carried.flat().flatMap((group) => group.roles.map((r) => r.roleId)),
  ]);
  const now = deps.now();
  return members.map((member, i) => ({
    member,
    effectivePermissions: computeEffectivePermissions({
      assignments: member.roles,
      directPermissions: member.permissions,
      roles,
      now,
      groups: carried[i],
    }),
    groups: groupIdsOf(member).flatMap((groupId) => {
      const group = groups.get(groupId);
      return group && !group.deleting ? [{ groupId, name: group.name }] : [];
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
