import { getGroups, groupIdsOf } from '../data/group-repository';
import { getMembersWithCustomRoles } from '../data/member-repository';
import { listPrincipalLinks } from '../data/principal-repository';
import type { MemberStatus } from '../data/records';
import { getTenants } from '../data/tenant-repository';
import { type Identity, PLATFORM_ADMIN_GROUP } from '../domain/actor';
import { computeEffectivePermissions, type EffectivePermission } from '../domain/effective-permissions';
import { present } from '../domain/present';
import { groupRolesOf } from './group-roles';
import { resolveRoles } from './role-resolution';
import type { ServiceDeps } from './service-deps';

export interface Me {
  readonly userId: string;
  readonly email: string | null;
  readonly platformAdmin: boolean;
  readonly memberships: {
    tenantId: string;
    tenantName: string;
    memberId: string;
    status: MemberStatus;
    effectivePermissions: EffectivePermission[];
  }[];
}

/**
 * The caller and every tenant they belong to. A suspended membership is listed (with no permissions),
 * so people can see why a tenant refuses them.
 */
export async function getMe(deps: ServiceDeps, identity: Identity): Promise<Me> {
  const links = await listPrincipalLinks(deps, identity.userId);
  // The members with the custom roles their links list, and the tenants: two reads side by side.
  const [found, tenants] = await Promise.all([
    getMembersWithCustomRoles(deps, links),
    getTenants(
      deps,
      links.map((l) => l.tenantId),
    ),
  ]);
  const members = found.flatMap(({ member, roles }) => (member ? [{ member, prefetched: roles }] : []));
  const now = deps.now();
  const memberships = await Promise.all(
    members
      .filter(({ member }) => member.userId === identity.userId && tenants.has(member.tenantId))
      .map(async ({ member, prefetched }) => {
        // Only an active membership has permissions; a role the link does not list is read here, and so are
        // the member's groups.
        const carried =
          member.status === 'active' && groupIdsOf(member).length > 0
            ? groupRolesOf(member, await getGroups(deps, member.tenantId, groupIdsOf(member)))
            : [];
        const roles =
          member.status === 'active'
            ? await resolveRoles(
                deps,
                member.tenantId,
                [...member.roles, ...carried.flatMap((group) => group.roles)].map((r) => r.roleId),
                { prefetched },
              )
            : new Map();
        return {
          tenantId: member.tenantId,
          tenantName: present(tenants.get(member.tenantId), `tenant ${member.tenantId}`).name,
          memberId: member.memberId,
          status: member.status,
          effectivePermissions:
            member.status === 'active'
              ? computeEffectivePermissions({
                  assignments: member.roles,
                  directPermissions: member.permissions,
                  roles,
                  now,
                  groups: carried,
                })
              : [],
        };
      }),
  );
  memberships.sort((a, b) => a.tenantName.localeCompare(b.tenantName));
  return {
    userId: identity.userId,
    email: identity.email ?? members[0]?.member.email ?? null,
    platformAdmin: identity.groups.includes(PLATFORM_ADMIN_GROUP),
    memberships,
  };
}
