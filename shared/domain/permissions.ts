/**
 * The permission catalog: every permission a role or a direct grant can carry, grouped by module,
 * with the implications that make e.g. `contacts:write` also grant `contacts:read`.
 *
 * Permissions are `module:action` strings. The catalog is code, not data: adding a permission is a
 * reviewed change, and every other module (roles, CASL abilities, validation, OpenAPI) reads it from here.
 */

export interface PermissionDefinition {
  readonly permission: string;
  readonly description: string;
}

export interface ModuleDefinition {
  readonly module: string;
  readonly label: string;
  readonly permissions: readonly PermissionDefinition[];
}

export const permissionCatalog = [
  {
    module: 'campaigns',
    label: 'Campaigns',
    permissions: [
      { permission: 'campaigns:read', description: 'View campaigns and their results' },
      { permission: 'campaigns:create', description: 'Create and edit draft campaigns' },
      { permission: 'campaigns:send', description: 'Send or schedule campaigns to contacts' },
    ],
  },
  {
    module: 'contacts',
    label: 'Contacts',
    permissions: [
      { permission: 'contacts:read', description: 'View contacts and segments' },
      { permission: 'contacts:write', description: 'Create, edit, import and delete contacts' },
    ],
  },
  {
    module: 'inbox',
    label: 'Inbox',
    permissions: [
      { permission: 'inbox:read', description: 'Read conversations' },
      { permission: 'inbox:write', description: 'Reply to, assign and close conversations' },
    ],
  },
  {
    module: 'analytics',
    label: 'Analytics',
    permissions: [
      { permission: 'analytics:read', description: 'View dashboards and reports' },
      { permission: 'analytics:export', description: 'Export reports' },
    ],
  },
  {
    module: 'billing',
    label: 'Billing',
    permissions: [{ permission: 'billing:manage', description: 'Manage plan, payment methods and invoices' }],
  },
  {
    module: 'users',
    label: 'Users',
    permissions: [
      { permission: 'users:read', description: 'View members, roles and invitations' },
      { permission: 'users:write', description: 'Invite, change, suspend and remove members' },
    ],
  },
  {
    module: 'roles',
    label: 'Roles',
    permissions: [{ permission: 'roles:manage', description: 'Create, edit and delete custom roles' }],
  },
  {
    module: 'audit',
    label: 'Audit log',
    permissions: [
      { permission: 'audit:read', description: 'Read and verify the audit log' },
      { permission: 'audit:export', description: 'Export the audit log as CSV' },
    ],
  },
  {
    module: 'settings',
    label: 'Settings',
    permissions: [{ permission: 'settings:manage', description: 'Change workspace settings' }],
  },
  {
    module: 'integrations',
    label: 'Integrations',
    permissions: [{ permission: 'integrations:manage', description: 'Connect and configure integrations' }],
  },
  {
    module: 'experiments',
    label: 'Experiments',
    permissions: [{ permission: 'experiments:manage', description: 'Run A/B tests and experiments' }],
  },
  {
    module: 'crm',
    label: 'CRM',
    permissions: [{ permission: 'crm:access', description: 'Use the CRM views' }],
  },
  {
    module: 'bots',
    label: 'Bots',
    permissions: [
      { permission: 'bots:create', description: 'Create chatbots' },
      { permission: 'bots:configure', description: 'Edit chatbot flows and settings' },
      { permission: 'bots:publish', description: 'Publish chatbots to channels' },
    ],
  },
  {
    module: 'api-keys',
    label: 'API keys',
    permissions: [{ permission: 'api-keys:manage', description: 'Create and revoke API keys' }],
  },
] as const satisfies readonly ModuleDefinition[];

export type Permission = (typeof permissionCatalog)[number]['permissions'][number]['permission'];

export const allPermissions: readonly Permission[] = permissionCatalog.flatMap((m) =>
  m.permissions.map((p) => p.permission),
);

const knownPermissions: ReadonlySet<string> = new Set(allPermissions);

export function isPermission(value: string): value is Permission {
  return knownPermissions.has(value);
}

/**
 * Direct implications. `*:write` implies `*:read` wherever both exist; the two others are product rules.
 * Closure is computed below, so chains (a implies b implies c) need no extra entries.
 */
export const permissionImplications: Readonly<Partial<Record<Permission, readonly Permission[]>>> = (() => {
  const implications: Partial<Record<Permission, Permission[]>> = {
    'campaigns:send': ['campaigns:create'],
    'bots:publish': ['bots:configure'],
  };
  for (const permission of allPermissions) {
    const [module, action] = permission.split(':');
    const read = `${module}:read`;
    if (action === 'write' && isPermission(read)) {
      implications[permission] = [...(implications[permission] ?? []), read];
    }
  }
  return implications;
})();

/** Every permission reachable from `permission` through implications, excluding itself. */
export function impliedBy(permission: Permission): Permission[] {
  const seen = new Set<Permission>();
  const pending = [...(permissionImplications[permission] ?? [])];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (seen.has(next) || next === permission) continue;
    seen.add(next);
    pending.push(...(permissionImplications[next] ?? []));
  }
  return [...seen];
}

/** The catalog as served by `GET .../permissions`: grouped by module, each permission with what it implies. */
export function catalogView() {
  return permissionCatalog.map((module) => ({
    module: module.module,
    label: module.label,
    permissions: module.permissions.map((p) => ({
      permission: p.permission,
      description: p.description,
      implies: impliedBy(p.permission),
    })),
  }));
}
