import { canOn } from '../domain/ability';
import type { TenantCaller } from '../domain/actor';
import { Forbidden, NotFound } from '../domain/errors';
import { builtInRoleIds, builtInRoles, isBuiltInRoleId, type RoleDefinition } from '../domain/roles';
import { getCustomRole, listCustomRoles } from '../data/role-repository';
import { customRoleDefinition } from './role-resolution';
import type { ServiceDeps } from './service-deps';

/** Built-in roles first (in their fixed order), then custom roles by name. */
export async function listRoles(deps: ServiceDeps, caller: TenantCaller): Promise<RoleDefinition[]> {
  if (!canOn(caller.ability, 'users:read', caller.tenantId)) throw new Forbidden();
  const custom = (await listCustomRoles(deps, caller.tenantId))
    .map(customRoleDefinition)
    .sort((a, b) => a.name.localeCompare(b.name));
  return [...builtInRoleIds.map((id) => builtInRoles[id]), ...custom];
}

export async function getRole(deps: ServiceDeps, caller: TenantCaller, roleId: string): Promise<RoleDefinition> {
  if (!canOn(caller.ability, 'users:read', caller.tenantId)) throw new Forbidden();
  if (isBuiltInRoleId(roleId)) return builtInRoles[roleId];
  const role = await getCustomRole(deps, caller.tenantId, roleId);
  if (!role) throw new NotFound('Role', 'role_not_found');
  return customRoleDefinition(role);
}
