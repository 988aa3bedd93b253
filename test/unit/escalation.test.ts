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
    expect(isAdminLevel(allBut('billing:manage'))).toBe(false);
    // users:read and contacts:read come with users:write and contacts:write.
    expect(isAdminLevel(allBut('users:read', 'contacts:read'))).toBe(true);
    expect(isAdminLevel(allBut('users:write'))).toBe(false);
  });

  it('only the Owner grants it: by the Admin role, a copy of it, direct permissions or what a grantee will hold', () => {
    const admin = caller(allPermissions);
    const owner = caller(allPermissions, true);
    const copy = role('copy', [...allPermissions]);
    const grants = {
      adminRole: { roles: [builtInRoles.admin] },
      copy: { roles: [copy] },
      direct: { permissions: [...allPermissions] },
      completing: { permissions: ['billing:manage' as const], resulting: [[...allPermissions]] },
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
    expect(codeOf(() => assertCanGrant(admin, { permissions: allBut('billing:manage') }))).toBe('allowed');
    expect(codeOf(() => assertCanGrant(owner, { roles: [builtInRoles.owner] }))).toBe('owner_not_grantable');
    expect(codeOf(() => assertCanGrant(caller(['inbox:read']), { roles: [builtInRoles.agent] }))).toBe(
      'escalation_denied',
    );
  });
});
