import { describe, expect, it } from 'vitest';
import { allPermissions, catalogView, impliedBy, isPermission } from '../../shared/domain/permissions';
import { builtInRoles } from '../../shared/domain/roles';

describe('permission catalog', () => {
  it('contains every permission SPEC §3 names', () => {
    const required = [
      'campaigns:read',
      'campaigns:create',
      'campaigns:send',
      'contacts:read',
      'contacts:write',
      'inbox:read',
      'inbox:write',
      'analytics:read',
      'analytics:export',
      'billing:manage',
      'users:read',
      'users:write',
      'roles:manage',
      'audit:read',
      'audit:export',
      'settings:manage',
      'integrations:manage',
      'experiments:manage',
      'crm:access',
      'bots:create',
      'bots:configure',
      'bots:publish',
      'api-keys:manage',
    ];
    expect([...allPermissions].sort()).toEqual([...required].sort());
  });

  it('every permission is module:action and unique', () => {
    expect(new Set(allPermissions).size).toBe(allPermissions.length);
    for (const p of allPermissions) expect(p).toMatch(/^[a-z-]+:[a-z]+$/);
  });

  it('write implies read, send implies create, publish implies configure', () => {
    expect(impliedBy('contacts:write')).toEqual(['contacts:read']);
    expect(impliedBy('inbox:write')).toEqual(['inbox:read']);
    expect(impliedBy('users:write')).toEqual(['users:read']);
    expect(impliedBy('campaigns:send')).toEqual(['campaigns:create']);
    expect(impliedBy('bots:publish')).toEqual(['bots:configure']);
    expect(impliedBy('billing:manage')).toEqual([]);
  });

  it('rejects unknown permissions', () => {
    expect(isPermission('users:read')).toBe(true);
    expect(isPermission('users:delete')).toBe(false);
    expect(isPermission('users')).toBe(false);
  });

  it('serves the catalog grouped by module with implications', () => {
    const view = catalogView();
    const contacts = view.find((m) => m.module === 'contacts')!;
    expect(contacts.permissions.map((p) => p.permission)).toEqual(['contacts:read', 'contacts:write']);
    expect(contacts.permissions[1]!.implies).toEqual(['contacts:read']);
    expect(view.flatMap((m) => m.permissions).length).toBe(allPermissions.length);
  });
});

describe('built-in roles', () => {
  it('Owner and Admin hold everything', () => {
    expect([...builtInRoles.owner.permissions].sort()).toEqual([...allPermissions].sort());
    expect([...builtInRoles.admin.permissions].sort()).toEqual([...allPermissions].sort());
  });

  it('Manager: campaigns, contacts, inbox, analytics and users:read, nothing else', () => {
    const manager = new Set(builtInRoles.manager.permissions);
    for (const p of allPermissions) {
      const expected = /^(campaigns|contacts|inbox|analytics):/.test(p) || p === 'users:read';
      expect(manager.has(p), p).toBe(expected);
    }
  });

  it('Agent: inbox, contacts:read and crm:access', () => {
    expect([...builtInRoles.agent.permissions].sort()).toEqual([
      'contacts:read',
      'crm:access',
      'inbox:read',
      'inbox:write',
    ]);
  });

  it('Viewer: every :read and nothing else', () => {
    expect(builtInRoles.viewer.permissions.length).toBeGreaterThan(5);
    for (const p of builtInRoles.viewer.permissions) expect(p.endsWith(':read')).toBe(true);
    expect(builtInRoles.viewer.permissions.length).toBe(allPermissions.filter((p) => p.endsWith(':read')).length);
  });
});
