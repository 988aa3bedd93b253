import type { DataDeps } from '../data/data-deps';
import type { CustomRoleRecord, GroupRecord } from '../data/records';
import { getCustomRoles } from '../data/role-repository';
import { computeEffectivePermissions, type RoleAssignment } from '../domain/effective-permissions';
import { ValidationFailed } from '../domain/errors';
import { isPermission, type Permission } from '../domain/permissions';
import { present } from '../domain/present';
import { builtInRoles, isBuiltInRoleId, type RoleDefinition, type RoleScope } from '../domain/roles';
import { groupRolesOf, groupsOfMembers } from './group-roles';

export function customRoleDefinition(role: CustomRoleRecord): RoleDefinition {
  return {
    roleId: role.roleId,
    name: role.name,
    description: role.description,
    permissions: role.permissions.filter(isPermission) as Permission[],
    builtIn: false,
    version: role.version,
    scope: role.scope ?? 'tenant',
    ...(role.requires && role.requires.length > 0 ? { requires: [...role.requires] } : {}),
  };
}

/**
 * The definitions of the given role ids in a tenant: built-ins from code, custom roles read consistently
 * (one BatchGetItem, and none when only built-in roles are involved or all were `prefetched` by the same
 * request). Unknown ids are left out.
 */
export async function resolveRoles(
  deps: DataDeps,
  tenantId: string,
  roleIds: Iterable<string>,
  options: { assignableOnly?: boolean; prefetched?: readonly CustomRoleRecord[] } = {},
): Promise<Map<string, RoleDefinition>> {
  const resolved = new Map<string, RoleDefinition>();
  const prefetched = new Map((options.prefetched ?? []).map((role) => [role.roleId, role]));
  const customRoles: CustomRoleRecord[] = [];
  const customIds: string[] = [];
  for (const roleId of new Set(roleIds)) {
    if (isBuiltInRoleId(roleId)) resolved.set(roleId, builtInRoles[roleId]);
    else {
      const known = prefetched.get(roleId);
      if (known) customRoles.push(known);
      else customIds.push(roleId);
    }
  }
  if (customIds.length > 0) customRoles.push(...(await getCustomRoles(deps, tenantId, customIds)));
  for (const role of customRoles) {
    // A role being deleted still grants to its remaining holders, but is no longer handed out.
    if (options.assignableOnly && role.deleting) continue;
    resolved.set(role.roleId, customRoleDefinition(role));
  }
  return resolved;
}

/**
 * Roles named where a role of `scope` is wanted, refused otherwise (400 `role_scope_mismatch`, SPEC §7: a
 * bot role is never held tenant-wide, a tenant role never on one bot); errors point at `field`.
 */
export function assertRoleScope(roles: readonly RoleDefinition[], scope: RoleScope, field: string): void {
  const mismatched = roles.filter((role) => role.scope !== scope);
  if (mismatched.length === 0) return;
  const other = scope === 'tenant' ? 'bot' : 'tenant';
  throw new ValidationFailed(
    `${mismatched.map((role) => `${role.roleId} (${role.name})`).join(', ')}: ${other} role${mismatched.length > 1 ? 's' : ''} where a ${scope} role is wanted.`,
    mismatched.map((role) => ({ path: field, message: `${role.roleId} is a ${other} role, not a ${scope} role` })),
    'role_scope_mismatch',
  );
}

/**
 * Role assignments a request wants to hand out, resolved in the tenant: every role must exist (and not be
 * on its way out), be of `scope` (tenant roles for members, invitations and reassignment), and no expiry
 * may lie in the past; otherwise the whole request is invalid (400), and its errors point at `field`, the
 * part of the request that named the roles.
 */
export async function resolveAssignableRoles(
  deps: DataDeps & { now: () => Date },
  tenantId: string,
  assignments: readonly RoleAssignment[],
  field: 'body.roles' | 'query.reassignTo' | `body.botAccess.${number}.roles` = 'body.roles',
  scope: RoleScope = 'tenant',
): Promise<RoleDefinition[]> {
  const roles = await resolveRoles(
    deps,
    tenantId,
    assignments.map((a) => a.roleId),
    { assignableOnly: true },
  );
  const unknown = assignments.filter((a) => !roles.has(a.roleId)).map((a) => a.roleId);
  if (unknown.length > 0) {
    throw new ValidationFailed(
      `Unknown role: ${unknown.join(', ')}.`,
      unknown.map((roleId) => ({ path: field, message: `unknown role ${roleId}` })),
      'unknown_role',
    );
  }
  assertRoleScope(
    assignments.map((a) => present(roles.get(a.roleId), `role ${a.roleId}`)),
    scope,
    field,
  );
  const now = deps.now().getTime();
  if (assignments.some((a) => a.expiresAt !== undefined && Date.parse(a.expiresAt) <= now)) {
    throw new ValidationFailed('A role assignment cannot expire in the past.', [
      { path: field, message: 'expiresAt must be in the future' },
    ]);
  }
  return assignments.map((a) => present(roles.get(a.roleId), `role ${a.roleId}`));
}

/**
 * The effective permissions each of `members` holds now, their roles (and their groups' roles) resolved in one
 * read; `replacing` stands in for roles as they are about to be (an edit not yet written), `groups` for the
 * groups as they are about to be (else the members' groups are read). For the escalation check of grants to
 * people who hold something already (shared/domain/escalation.ts, `resulting`).
 */
export async function effectivePermissionsOf(
  deps: DataDeps & { now: () => Date },
  tenantId: string,
  members: readonly {
    readonly roles: readonly RoleAssignment[];
    readonly permissions: readonly string[];
    readonly groupIds?: Iterable<string>;
  }[],
  replacing: readonly RoleDefinition[] = [],
  options: { readonly groups?: ReadonlyMap<string, GroupRecord> } = {},
): Promise<Permission[][]> {
  const groups = options.groups ?? (await groupsOfMembers(deps, tenantId, members));
  const carried = members.map((member) => groupRolesOf(member, groups));
  const given = new Set(replacing.map((role) => role.roleId));
  const roles = await resolveRoles(
    deps,
    tenantId,
    [
      ...members.flatMap((member) => member.roles.map((a) => a.roleId)),
      ...carried.flat().flatMap((group) => group.roles.map((a) => a.roleId)),
    ].filter((roleId) => !given.has(roleId)),
  );
  for (const role of replacing) roles.set(role.roleId, role);
  const now = deps.now();
  return members.map((member, i) =>
    computeEffectivePermissions({
      assignments: member.roles,
      directPermissions: member.permissions,
      roles,
      now,
      groups: carried[i],
    }).map((p) => p.permission),
  );
}
