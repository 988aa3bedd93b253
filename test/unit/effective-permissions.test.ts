import { describe, expect, it } from 'vitest';
import { buildAbility, canOn } from '../../shared/domain/ability';
import { computeEffectivePermissions } from '../../shared/domain/effective-permissions';
import { allPermissions, type Permission } from '../../shared/domain/permissions';
import { builtInRoles, type RoleDefinition } from '../../shared/domain/roles';

const now = new Date('2026-11-22T12:00:00Z');
const campaignOperator: RoleDefinition = {
  roleId: '01JD0000000000000000000001',
  name: 'Campaign Operator',
  description: '',
  permissions: ['campaigns:send', 'contacts:read'],
  builtIn: false,
  version: 1,
  scope: 'tenant',
};
const roles = new Map<string, RoleDefinition>([
  ['agent', builtInRoles.agent],
  ['viewer', builtInRoles.viewer],
  [campaignOperator.roleId, campaignOperator],
]);

const sourcesOf = (result: ReturnType<typeof computeEffectivePermissions>, permission: string) =>
  result.find((p) => p.permission === permission)?.sources;

describe('effective permissions', () => {
  it('is the union of all roles with the sources of each permission', () => {
    const result = computeEffectivePermissions({
      assignments: [{ roleId: 'agent' }, { roleId: campaignOperator.roleId }],
      directPermissions: [],
      roles,
      now,
    });
    expect(sourcesOf(result, 'contacts:read')).toEqual(['agent', campaignOperator.roleId]);
    expect(sourcesOf(result, 'inbox:write')).toEqual(['agent']);
    expect(sourcesOf(result, 'campaigns:send')).toEqual([campaignOperator.roleId]);
    expect(sourcesOf(result, 'billing:manage')).toBeUndefined();
  });

  it('adds implied permissions with the source "implied"', () => {
    const result = computeEffectivePermissions({
      assignments: [{ roleId: campaignOperator.roleId }],
      directPermissions: [],
      roles,
      now,
    });
    expect(sourcesOf(result, 'campaigns:create')).toEqual(['implied']);
  });

  it('marks a permission both granted and implied with both sources', () => {
    const result = computeEffectivePermissions({
      assignments: [{ roleId: 'agent' }],
      directPermissions: [],
      roles,
      now,
    });
    expect(sourcesOf(result, 'inbox:read')).toEqual(['agent', 'implied']);
  });

  it('adds direct grants with the source "direct" and ignores unknown strings', () => {
    const result = computeEffectivePermissions({
      assignments: [],
      directPermissions: ['billing:manage', 'not:a-permission'],
      roles,
      now,
    });
    expect(result).toEqual([{ permission: 'billing:manage', sources: ['direct'] }]);
  });

  it('stops granting at the instant an assignment expires', () => {
    const assignments = [{ roleId: 'agent', expiresAt: '2026-11-22T12:00:01Z' }];
    expect(computeEffectivePermissions({ assignments, directPermissions: [], roles, now })).not.toEqual([]);
    const atExpiry = new Date('2026-11-22T12:00:01Z');
    expect(computeEffectivePermissions({ assignments, directPermissions: [], roles, now: atExpiry })).toEqual([]);
  });

  it('grants nothing for a role that no longer exists', () => {
    expect(
      computeEffectivePermissions({
        assignments: [{ roleId: '01JDDELETED000000000000000' }],
        directPermissions: [],
        roles,
        now,
      }),
    ).toEqual([]);
  });
});

describe('CASL ability', () => {
  it('allows exactly the held permissions, only in the own tenant', () => {
    const ability = buildAbility('tenant-a', ['users:read', 'inbox:write']);
    expect(canOn(ability, 'users:read', 'tenant-a')).toBe(true);
    expect(canOn(ability, 'inbox:write', 'tenant-a')).toBe(true);
    expect(canOn(ability, 'users:write', 'tenant-a')).toBe(false);
    expect(canOn(ability, 'users:read', 'tenant-b')).toBe(false);
  });

  it('is one rule whatever the number of permissions, and still denies every other tenant', () => {
    const ability = buildAbility('tenant-a', allPermissions);
    expect(ability.rules).toHaveLength(1);
    for (const permission of allPermissions) {
      expect(canOn(ability, permission, 'tenant-a')).toBe(true);
      expect(canOn(ability, permission, 'tenant-b')).toBe(false);
      // A tenant id that only starts like the own one is another tenant.
      expect(canOn(ability, permission, 'tenant-a2')).toBe(false);
    }
  });

  it('denies everything to a caller without permissions', () => {
    const ability = buildAbility('tenant-a', []);
    for (const permission of allPermissions) expect(canOn(ability, permission, 'tenant-a')).toBe(false);
  });

  it('matches whole permissions only, not a module or an action of another', () => {
    const ability = buildAbility('tenant-a', ['users:read']);
    for (const near of ['users', 'read', 'users:', ':read', 'users:read ', 'USERS:READ', 'users:write']) {
      expect(canOn(ability, near as Permission, 'tenant-a')).toBe(false);
    }
  });

  it('keeps the permissions it was built with when the array it was given changes', () => {
    const permissions: Permission[] = ['users:read'];
    const ability = buildAbility('tenant-a', permissions);
    permissions.push('users:write');
    permissions[0] = 'audit:read';
    expect(canOn(ability, 'users:read', 'tenant-a')).toBe(true);
    expect(canOn(ability, 'users:write', 'tenant-a')).toBe(false);
    expect(canOn(ability, 'audit:read', 'tenant-a')).toBe(false);
  });

  it('answers the same on the second check as on the first (the condition is compiled once)', () => {
    const ability = buildAbility('tenant-a', ['users:read', 'audit:read']);
    for (let i = 0; i < 2; i++) {
      expect(canOn(ability, 'audit:read', 'tenant-a')).toBe(true);
      expect(canOn(ability, 'audit:read', 'tenant-b')).toBe(false);
      expect(canOn(ability, 'audit:export', 'tenant-a')).toBe(false);
    }
  });
});
