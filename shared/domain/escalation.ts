import type { TenantCaller } from './actor';
import { Forbidden } from './errors';
import { impliedBy, type Permission } from './permissions';
import { builtInRoles, type RoleDefinition } from './roles';

/**
 * Admin-level power (SPEC §3): every permission the built-in Admin role holds, counting what the held
 * permissions imply. Whoever holds it can do all an Admin can, whatever the path that got it there (the
 * Admin role, a custom copy of it, direct grants, groups), so it is judged on the set, never on a role id.
 */
export function isAdminLevel(permissions: Iterable<Permission>): boolean {
  const held = new Set<Permission>();
  for (const permission of permissions) {
    held.add(permission);
    for (const implied of impliedBy(permission)) held.add(implied);
  }
  return builtInRoles.admin.permissions.every((permission) => held.has(permission));
}

export interface Grant {
  /** Roles handed out, or (for an edit) the role as it is and as it will be. */
  readonly roles?: readonly RoleDefinition[];
  readonly permissions?: readonly Permission[];
  /**
   * The effective permissions each grantee will hold once the grant applies, everything else they hold
   * included: for grants to people who hold something already (a member's new roles or permissions, an edit
   * of a role people hold, holders moved to another role). Without it, the grant alone is what its grantee
   * ends up with (an invitation, a new role).
   */
  readonly resulting?: readonly (readonly Permission[])[];
}

/**
 * No privilege escalation (SPEC §3), on every grant path — invitations (and their resend and revocation),
 * role assignments, direct permissions, role definitions and edits of roles that others hold; groups and
 * bot grants call it too when they come:
 * - the Owner role is never granted this way (only ownership transfer moves it);
 * - only the Owner grants (or takes away) Admin-level power: an Admin-level role (Admin itself or any role
 *   covering its permissions), or a grant after which someone holds Admin-level power;
 * - everyone else can grant only permissions they hold themselves, right now.
 */
export function assertCanGrant(caller: TenantCaller, grant: Grant): void {
  const roles = grant.roles ?? [];
  if (roles.some((role) => role.roleId === 'owner')) {
    throw new Forbidden('The Owner role changes hands only by ownership transfer.', 'owner_not_grantable');
  }
  const wanted = new Set<Permission>([...roles.flatMap((role) => role.permissions), ...(grant.permissions ?? [])]);
  const resulting = grant.resulting ?? [[...wanted]];
  if (!caller.isOwner && (roles.some((role) => isAdminLevel(role.permissions)) || resulting.some(isAdminLevel))) {
    throw new Forbidden(
      'Only the Owner can grant or take away Admin-level power (every permission Admin holds), by any role or permission.',
      'admin_requires_owner',
    );
  }
  const held = new Set(caller.effectivePermissions.map((p) => p.permission));
  const missing = [...wanted].filter((permission) => !held.has(permission));
  if (missing.length > 0) {
    throw new Forbidden(
      `You can only grant permissions you hold yourself; you lack ${missing.join(', ')}.`,
      'escalation_denied',
    );
  }
}
