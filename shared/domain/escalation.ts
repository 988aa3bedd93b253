import type { TenantCaller } from './actor';
import { Forbidden } from './errors';
import type { Permission } from './permissions';
import type { RoleDefinition } from './roles';

/**
 * No privilege escalation (SPEC §3), on every grant path — invitations, role assignments, direct
 * permissions and edits of roles that others hold:
 * - the Owner role is never granted this way (only ownership transfer moves it);
 * - only the Owner grants (or takes away) Admin;
 * - everyone else can grant only permissions they hold themselves, right now.
 */
export function assertCanGrant(
  caller: TenantCaller,
  grant: { readonly roles?: readonly RoleDefinition[]; readonly permissions?: readonly Permission[] },
): void {
  const roles = grant.roles ?? [];
  if (roles.some((role) => role.roleId === 'owner')) {
    throw new Forbidden('The Owner role changes hands only by ownership transfer.', 'owner_not_grantable');
  }
  if (roles.some((role) => role.roleId === 'admin') && !caller.isOwner) {
    throw new Forbidden('Only the Owner can grant or revoke the Admin role.', 'admin_requires_owner');
  }
  const held = new Set(caller.effectivePermissions.map((p) => p.permission));
  const wanted = new Set<Permission>([...roles.flatMap((role) => role.permissions), ...(grant.permissions ?? [])]);
  const missing = [...wanted].filter((permission) => !held.has(permission));
  if (missing.length > 0) {
    throw new Forbidden(
      `You can only grant permissions you hold yourself; you lack ${missing.join(', ')}.`,
      'escalation_denied',
    );
  }
}
