import type { DataDeps } from '../data/data-deps';
import { getGroups, groupIdsOf } from '../data/group-repository';
import type { GroupRecord } from '../data/records';
import type { GroupRoles } from '../domain/effective-permissions';

/**
 * The roles a member's groups carry to them: each group they belong to that exists and is not being deleted
 * (a group marked `deleting` grants nothing while its memberships go), with its roles as read. Group roles
 * are read live from the group items, so a change of a group's roles applies on its members' next request.
 */
export function groupRolesOf(
  member: { readonly groupIds?: Iterable<string> },
  groups: ReadonlyMap<string, GroupRecord>,
): GroupRoles[] {
  return groupIdsOf(member).flatMap((groupId) => {
    const group = groups.get(groupId);
    return group && !group.deleting ? [{ groupId, roles: group.roles }] : [];
  });
}

/** The groups of these members (one tenant), in one read. */
export function groupsOfMembers(
  deps: DataDeps,
  tenantId: string,
  members: readonly { readonly groupIds?: Iterable<string> }[],
): Promise<Map<string, GroupRecord>> {
  return getGroups(
    deps,
    tenantId,
    members.flatMap((member) => groupIdsOf(member)),
  );
}
