import { describe, expect, it } from 'vitest';
import {
  allPermissions,
  botScopedPermissions,
  catalogView,
  impliedBy,
  isBotScoped,
  isPermission,
  type Permission,
} from '../../shared/domain/permissions';
import {
  botBuiltInRoleIds,
  builtInRoleIds,
  builtInRoles,
  isBuiltInRoleId,
  tenantBuiltInRoleIds,
} from '../../shared/domain/roles';

describe('permission catalog', () => {
  it('contains every permission SPEC §3, §7 and §8 name, and nothing else', () => {
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
      // §8
      'groups:manage',
      // §7: the bot modules
      'bots:read',
      'bots:delete',
      'bots:import',
      'flows:read',
      'flows:write',
      'nlu:read',
      'nlu:write',
      'knowledge:read',
      'knowledge:write',
      'testing:read',
      'testing:run',
      'collaborators:read',
      'collaborators:manage',
      'channels:manage',
      'extensions:manage',
      'publish:approve',
      'tables:read',
      'tables:write',
      'pii:unmask',
    ];
    expect([...allPermissions].sort()).toEqual([...required].sort());
  });

  it('every permission is module:action and unique', () => {
    expect(new Set(allPermissions).size).toBe(allPermissions.length);
    for (const p of allPermissions) expect(p).toMatch(/^[a-z-]+:[a-z]+$/);
  });

  it('write, run and manage imply their read; send implies create, publish implies configure', () => {
    expect(impliedBy('contacts:write')).toEqual(['contacts:read']);
    expect(impliedBy('inbox:write')).toEqual(['inbox:read']);
    expect(impliedBy('users:write')).toEqual(['users:read']);
    expect(impliedBy('campaigns:send')).toEqual(['campaigns:create']);
    expect(impliedBy('bots:publish')).toEqual(['bots:configure']);
    expect(impliedBy('billing:manage')).toEqual([]);
    expect(impliedBy('flows:write')).toEqual(['flows:read']);
    expect(impliedBy('nlu:write')).toEqual(['nlu:read']);
    expect(impliedBy('knowledge:write')).toEqual(['knowledge:read']);
    expect(impliedBy('tables:write')).toEqual(['tables:read']);
    expect(impliedBy('testing:run')).toEqual(['testing:read']);
    expect(impliedBy('collaborators:manage')).toEqual(['collaborators:read']);
    // No :read in these modules: nothing to imply.
    expect(impliedBy('channels:manage')).toEqual([]);
    expect(impliedBy('roles:manage')).toEqual([]);
    // Bot modules do not imply bots:read (the bot roles of §7 list it explicitly).
    expect(impliedBy('pii:unmask')).toEqual([]);
    expect(impliedBy('publish:approve')).toEqual([]);
    expect(impliedBy('bots:delete')).toEqual([]);
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

  it('serves each permission with its scope, so a permission editor can tell what may be granted on a bot', () => {
    const byPermission = new Map(catalogView().flatMap((m) => m.permissions.map((p) => [p.permission, p])));
    expect(byPermission.get('flows:write')).toMatchObject({ scope: 'bot', implies: ['flows:read'] });
    expect(byPermission.get('bots:create')).toMatchObject({ scope: 'tenant', implies: [] });
    expect(byPermission.get('users:write')).toMatchObject({ scope: 'tenant', implies: ['users:read'] });
    for (const p of byPermission.values()) expect(['tenant', 'bot']).toContain(p.scope);
  });
});

describe('permission scopes (SPEC §7)', () => {
  const tenantOnly: Permission[] = [
    'billing:manage',
    'users:read',
    'users:write',
    'roles:manage',
    'groups:manage',
    'audit:read',
    'audit:export',
    'settings:manage',
    'api-keys:manage',
    'bots:create',
  ];

  it('tenant only: billing, users, roles, groups, audit, settings, api-keys, bots:create; every other is bot-scoped', () => {
    for (const p of allPermissions) expect(isBotScoped(p), p).toBe(!tenantOnly.includes(p));
    expect([...botScopedPermissions].sort()).toEqual(allPermissions.filter((p) => !tenantOnly.includes(p)).sort());
  });

  it('the existing product modules became bot-scoped, with the new bot modules', () => {
    for (const p of [
      'campaigns:send',
      'contacts:write',
      'inbox:read',
      'analytics:export',
      'crm:access',
      'integrations:manage',
      'experiments:manage',
      'bots:read',
      'bots:configure',
      'bots:publish',
      'bots:delete',
      'bots:import',
      'publish:approve',
      'pii:unmask',
    ] as const) {
      expect(isBotScoped(p), p).toBe(true);
    }
  });

  it('an implication never leaves its scope (a bot grant cannot bring a tenant permission)', () => {
    for (const p of allPermissions) {
      for (const implied of impliedBy(p)) expect(isBotScoped(implied), `${p} -> ${implied}`).toBe(isBotScoped(p));
    }
  });
});

describe('built-in roles', () => {
  it('Owner holds everything; Admin everything but bots:delete (SPEC §3, §7)', () => {
    expect([...builtInRoles.owner.permissions].sort()).toEqual([...allPermissions].sort());
    expect([...builtInRoles.admin.permissions].sort()).toEqual(
      allPermissions.filter((p) => p !== 'bots:delete').sort(),
    );
  });

  it('Member: a tenant role with no permissions', () => {
    expect(builtInRoles.member).toMatchObject({ roleId: 'member', name: 'Member', scope: 'tenant', builtIn: true });
    expect(builtInRoles.member.permissions).toEqual([]);
  });

  it('the tenant roles are tenant-scoped, in their fixed order, the bot roles after them', () => {
    expect(tenantBuiltInRoleIds).toEqual(['owner', 'admin', 'manager', 'agent', 'viewer', 'member']);
    expect(builtInRoleIds).toEqual([...tenantBuiltInRoleIds, ...botBuiltInRoleIds]);
    for (const id of tenantBuiltInRoleIds) expect(builtInRoles[id].scope, id).toBe('tenant');
    for (const id of builtInRoleIds) {
      expect(isBuiltInRoleId(id)).toBe(true);
      expect(builtInRoles[id]).toMatchObject({ roleId: id, builtIn: true, version: 1 });
    }
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

describe('built-in bot roles (SPEC §7; ids are contract)', () => {
  const table = (): Record<string, { name: string; permissions: Permission[] }> => ({
    'bot-admin': { name: 'Bot Admin', permissions: botScopedPermissions.filter((p) => p !== 'bots:delete') },
    'bot-owner': { name: 'Bot Owner', permissions: [...botScopedPermissions] },
    'bot-developer': {
      name: 'Developer',
      permissions: [
        'flows:write',
        'nlu:write',
        'knowledge:write',
        'testing:run',
        'tables:read',
        'collaborators:read',
        'analytics:read',
        'bots:read',
      ],
    },
    'bot-approver': { name: 'Approver', permissions: ['bots:publish', 'publish:approve'] },
    'bot-tester': {
      name: 'Tester',
      permissions: ['flows:read', 'nlu:read', 'knowledge:read', 'testing:read', 'analytics:read', 'bots:read'],
    },
    'database-viewer': { name: 'Database Viewer', permissions: ['tables:read', 'tables:write', 'bots:read'] },
    'inbox-admin': {
      name: 'Inbox Admin',
      permissions: ['inbox:write', 'knowledge:read', 'analytics:read', 'bots:read'],
    },
    'inbox-agent': { name: 'Inbox Agent', permissions: ['inbox:write', 'knowledge:read', 'bots:read'] },
    'insights-analyst': { name: 'Insights (Analytics)', permissions: ['analytics:read', 'bots:read'] },
    'insights-admin': { name: 'Insights (Admin)', permissions: ['analytics:read', 'analytics:export', 'bots:read'] },
    'engagement-admin': { name: 'Engagement (Admin)', permissions: ['campaigns:send', 'contacts:write', 'bots:read'] },
    'engagement-user': { name: 'Engagement (User)', permissions: ['campaigns:create', 'bots:read'] },
  });

  it('are the twelve of the table, with its names and exactly its permissions', () => {
    expect([...botBuiltInRoleIds].sort()).toEqual(Object.keys(table()).sort());
    for (const [roleId, expected] of Object.entries(table())) {
      const role = builtInRoles[roleId as keyof typeof builtInRoles];
      expect(role, roleId).toMatchObject({ roleId, name: expected.name, scope: 'bot', builtIn: true });
      expect([...role.permissions].sort(), roleId).toEqual([...expected.permissions].sort());
    }
  });

  it('hold only bot-scoped permissions', () => {
    for (const id of botBuiltInRoleIds) {
      for (const p of builtInRoles[id].permissions) expect(isBotScoped(p), `${id}: ${p}`).toBe(true);
    }
  });

  it('Approver requires Developer; no other built-in role requires anything', () => {
    expect(builtInRoles['bot-approver'].requires).toEqual(['bot-developer']);
    for (const id of builtInRoleIds.filter((id) => id !== 'bot-approver')) {
      expect(builtInRoles[id].requires, id).toBeUndefined();
    }
  });
});
