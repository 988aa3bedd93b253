import { describe, expect, it } from 'vitest';
import { buildAbility } from '../../shared/domain/ability';
import type { TenantCaller } from '../../shared/domain/actor';
import { DomainError } from '../../shared/domain/errors';
import { assertCanGrant, isAdminLevel } from '../../shared/domain/escalation';
import { allPermissions, type Permission } from '../../shared/domain/permissions';
import { builtInRoles, type RoleDefinition } from '../../shared/domain/roles';

/** The one escalation rule (shared/domain/escalation.ts), on its own: Admin-level power is judged on the set. */
const allBut = (...left: Permission[]) => allPermissions.filter((p) => !left.includes(p));

function caller(permissions: readonly Permission[], isOwner = false): TenantCaller {
  return {
    userId: 'sub',
    groups: [],
    tenantId: 't',
    memberId: 'm',
    roleIds: [],
    effectivePermissions: permissions.map((permission) => ({ permission, sources: ['direct'] })),
    ability: buildAbility('t', permissions),
    isOwner,
  };
}

const role = (roleId: string, permissions: readonly Permission[]): RoleDefinition => ({
  roleId,
  name: roleId,
  description: '',
  permissions,
  builtIn: false,
  version: 1,
  scope: 'tenant',
});

function codeOf(run: () => void): string {
  try {
    run();
    return 'allowed';
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

describe('Admin-level power', () => {
  it('is every permission Admin holds, counting implications, whatever the path', () => {
    expect(isAdminLevel(builtInRoles.admin.permissions)).toBe(true);
    // Admin does not hold bots:delete (SPEC §7), so Admin-level power does not need it.
    expect(builtInRoles.admin.permissions).not.toContain('bots:delete');
    expect(isAdminLevel(allBut('bots:delete'))).toBe(true);
    expect(isAdminLevel(allBut('bots:delete', 'groups:manage'))).toBe(false);
    expect(isAdminLevel(allBut('billing:manage'))).toBe(false);
    // users:read and contacts:read come with users:write and contacts:write.
    expect(isAdminLevel(allBut('users:read', 'contacts:read'))).toBe(true);
    expect(isAdminLevel(allBut('users:write'))).toBe(false);
  });

  it('only the Owner grants it: by the Admin role, a copy of it, direct permissions or what a grantee will hold', () => {
    const admin = caller(builtInRoles.admin.permissions);
    const owner = caller(allPermissions, true);
    const copy = role('copy', [...builtInRoles.admin.permissions]);
    const grants = {
      adminRole: { roles: [builtInRoles.admin] },
      copy: { roles: [copy] },
      direct: { permissions: [...builtInRoles.admin.permissions] },
      completing: { permissions: ['billing:manage' as const], resulting: [[...builtInRoles.admin.permissions]] },
      editOfACopy: { roles: [copy, role('copy', ['inbox:read'])], resulting: [] },
    };
    for (const [path, grant] of Object.entries(grants)) {
      expect(
        codeOf(() => assertCanGrant(admin, grant)),
        path,
      ).toBe('admin_requires_owner');
      expect(
        codeOf(() => assertCanGrant(owner, grant)),
        path,
      ).toBe('allowed');
    }
    expect(codeOf(() => assertCanGrant(admin, { permissions: allBut('billing:manage', 'bots:delete') }))).toBe(
      'allowed',
    );
    // bots:delete is the Owner's alone: an Admin cannot hand it out, by role or directly.
    expect(codeOf(() => assertCanGrant(admin, { permissions: ['bots:delete'] }))).toBe('escalation_denied');
    expect(codeOf(() => assertCanGrant(admin, { roles: [builtInRoles['bot-owner']] }))).toBe('escalation_denied');
    expect(codeOf(() => assertCanGrant(owner, { roles: [builtInRoles.owner] }))).toBe('owner_not_grantable');
    expect(codeOf(() => assertCanGrant(caller(['inbox:read']), { roles: [builtInRoles.agent] }))).toBe(
      'escalation_denied',
    );
  });
});
