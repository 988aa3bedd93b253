import { isPermission, type Permission } from '../domain/permissions';
import { builtInRoles, isBuiltInRoleId, type RoleDefinition } from '../domain/roles';
import type { DataDeps } from '../data/data-deps';
import type { CustomRoleRecord } from '../data/records';
import { getCustomRoles } from '../data/role-repository';

export function customRoleDefinition(role: CustomRoleRecord): RoleDefinition {
  return {
    roleId: role.roleId,
    name: role.name,
    description: role.description,
    permissions: role.permissions.filter(isPermission) as Permission[],
    builtIn: false,
    version: role.version,
  };
}

/**
 * The definitions of the given role ids in a tenant: built-ins from code, custom roles read consistently
 * (one BatchGetItem, and none when only built-in roles are involved). Unknown ids are left out.
 */
export async function resolveRoles(
  deps: DataDeps,
  tenantId: string,
  roleIds: Iterable<string>,
): Promise<Map<string, RoleDefinition>> {
  const resolved = new Map<string, RoleDefinition>();
  const customIds: string[] = [];
  for (const roleId of new Set(roleIds)) {
    if (isBuiltInRoleId(roleId)) resolved.set(roleId, builtInRoles[roleId]);
    else customIds.push(roleId);
  }
  if (customIds.length > 0) {
    for (const role of await getCustomRoles(deps, tenantId, customIds)) resolved.set(role.roleId, customRoleDefinition(role));
  }
  return resolved;
}
