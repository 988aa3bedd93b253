/**
 * The permission catalog: every permission a role or a direct grant can carry, grouped by module,
 * with the implications that make e.g. `contacts:write` also grant `contacts:read`.
 *
 * Permissions are `module:action` strings. The catalog is code, not data: adding a permission is a
 * reviewed change, and every other module (roles, CASL abilities, validation, OpenAPI) reads it from here.
 */

/**
 * Where a permission may be granted (SPEC §7): `tenant` only, or `bot`: also on one bot, where it applies to
 * that bot alone. A bot-scoped permission granted at tenant level applies to every bot of the tenant.
 */
export type PermissionScope = 'tenant' | 'bot';

export interface PermissionDefinition {
  readonly permission: string;
  readonly description: string;
  readonly scope: PermissionScope;
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
      { permission: 'campaigns:read', description: 'View campaigns and their results', scope: 'bot' },
      { permission: 'campaigns:create', description: 'Create and edit draft campaigns', scope: 'bot' },
      { permission: 'campaigns:send', description: 'Send or schedule campaigns to contacts', scope: 'bot' },
    ],
  },
  {
    module: 'contacts',
    label: 'Contacts',
    permissions: [
      { permission: 'contacts:read', description: 'View contacts and segments', scope: 'bot' },
      { permission: 'contacts:write', description: 'Create, edit, import and delete contacts', scope: 'bot' },
    ],
  },
  {
    module: 'inbox',
    label: 'Inbox',
    permissions: [
      { permission: 'inbox:read', description: 'Read conversations', scope: 'bot' },
      { permission: 'inbox:write', description: 'Reply to, assign and close conversations', scope: 'bot' },
    ],
  },
  {
    module: 'analytics',
    label: 'Analytics',
    permissions: [
      { permission: 'analytics:read', description: 'View dashboards and reports', scope: 'bot' },
      { permission: 'analytics:export', description: 'Export reports', scope: 'bot' },
    ],
  },
  {
    module: 'billing',
    label: 'Billing',
    permissions: [
      { permission: 'billing:manage', description: 'Manage plan, payment methods and invoices', scope: 'tenant' },
    ],
  },
  {
    module: 'users',
    label: 'Users',
    permissions: [
      { permission: 'users:read', description: 'View members, roles and invitations', scope: 'tenant' },
      { permission: 'users:write', description: 'Invite, change, suspend and remove members', scope: 'tenant' },
    ],
  },
  {
    module: 'roles',
    label: 'Roles',
    permissions: [{ permission: 'roles:manage', description: 'Create, edit and delete custom roles', scope: 'tenant' }],
  },
  {
    module: 'groups',
    label: 'Groups',
    permissions: [
      {
        permission: 'groups:manage',
        description: 'Create, edit and delete groups, and change their members',
        scope: 'tenant',
      },
    ],
  },
  {
    module: 'audit',
    label: 'Audit log',
    permissions: [
      { permission: 'audit:read', description: 'Read and verify the audit log', scope: 'tenant' },
      { permission: 'audit:export', description: 'Export the audit log as CSV', scope: 'tenant' },
    ],
  },
  {
    module: 'settings',
    label: 'Settings',
    permissions: [{ permission: 'settings:manage', description: 'Change workspace settings', scope: 'tenant' }],
  },
  {
    module: 'integrations',
    label: 'Integrations',
    permissions: [
      { permission: 'integrations:manage', description: 'Connect and configure integrations', scope: 'bot' },
    ],
  },
  {
    module: 'experiments',
    label: 'Experiments',
    permissions: [{ permission: 'experiments:manage', description: 'Run A/B tests and experiments', scope: 'bot' }],
  },
  {
    module: 'crm',
    label: 'CRM',
    permissions: [{ permission: 'crm:access', description: 'Use the CRM views', scope: 'bot' }],
  },
  {
    module: 'bots',
    label: 'Bots',
    permissions: [
      {
        permission: 'bots:create',
        description: 'Register new bots (the creator becomes their Bot Owner)',
        scope: 'tenant',
      },
      { permission: 'bots:read', description: 'Open the bot and see its definition', scope: 'bot' },
      { permission: 'bots:configure', description: "Edit the bot's settings, name and environments", scope: 'bot' },
      { permission: 'bots:publish', description: 'Publish the bot to its channels and environments', scope: 'bot' },
      { permission: 'bots:delete', description: 'Delete the bot and every grant on it', scope: 'bot' },
      { permission: 'bots:import', description: 'Import a bot definition over the bot', scope: 'bot' },
    ],
  },
  {
    module: 'flows',
    label: 'Flows',
    permissions: [
      { permission: 'flows:read', description: 'View dialog flows', scope: 'bot' },
      { permission: 'flows:write', description: 'Create and edit dialog flows', scope: 'bot' },
    ],
  },
  {
    module: 'nlu',
    label: 'Natural language',
    permissions: [
      { permission: 'nlu:read', description: 'View intents, entities and training data', scope: 'bot' },
      { permission: 'nlu:write', description: 'Edit intents, entities and training data; train', scope: 'bot' },
    ],
  },
  {
    module: 'knowledge',
    label: 'Knowledge',
    permissions: [
      { permission: 'knowledge:read', description: 'View the knowledge base', scope: 'bot' },
      { permission: 'knowledge:write', description: 'Edit the knowledge base', scope: 'bot' },
    ],
  },
  {
    module: 'testing',
    label: 'Testing',
    permissions: [
      { permission: 'testing:read', description: 'View test suites and their results', scope: 'bot' },
      { permission: 'testing:run', description: 'Run the bot and its test suites', scope: 'bot' },
    ],
  },
  {
    module: 'collaborators',
    label: 'Collaborators',
    permissions: [
      { permission: 'collaborators:read', description: 'See who has access to the bot', scope: 'bot' },
      { permission: 'collaborators:manage', description: 'Share the bot: change who has access to it', scope: 'bot' },
    ],
  },
  {
    module: 'channels',
    label: 'Channels',
    permissions: [{ permission: 'channels:manage', description: 'Connect and configure channels', scope: 'bot' }],
  },
  {
    module: 'extensions',
    label: 'Extensions',
    permissions: [{ permission: 'extensions:manage', description: 'Install and configure extensions', scope: 'bot' }],
  },
  {
    module: 'publish',
    label: 'Publishing',
    permissions: [{ permission: 'publish:approve', description: 'Approve publish requests', scope: 'bot' }],
  },
  {
    module: 'tables',
    label: 'Data tables',
    permissions: [
      { permission: 'tables:read', description: "Read the bot's data tables", scope: 'bot' },
      { permission: 'tables:write', description: "Edit the bot's data tables", scope: 'bot' },
    ],
  },
  {
    module: 'pii',
    label: 'Personal data',
    permissions: [{ permission: 'pii:unmask', description: 'See personal data unmasked', scope: 'bot' }],
  },
  {
    module: 'api-keys',
    label: 'API keys',
    permissions: [{ permission: 'api-keys:manage', description: 'Create and revoke API keys', scope: 'tenant' }],
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

const scopes: ReadonlyMap<Permission, PermissionScope> = new Map(
  permissionCatalog.flatMap((m) => m.permissions.map((p) => [p.permission, p.scope] as const)),
);

export function scopeOf(permission: Permission): PermissionScope {
  return scopes.get(permission) ?? 'tenant';
}

/** May `permission` be granted on one bot (SPEC §7)? Tenant-only permissions (users, roles, billing, ...) may not. */
export function isBotScoped(permission: Permission): boolean {
  return scopeOf(permission) === 'bot';
}

/** Every bot-scoped permission, in catalog order: what the Bot Owner holds on its bot. */
export const botScopedPermissions: readonly Permission[] = allPermissions.filter(isBotScoped);

/**
 * Direct implications. `*:write`, `*:run` and `*:manage` imply their module's `*:read` wherever it exists
 * (SPEC §7: `testing:run` -> `testing:read`, `collaborators:manage` -> `collaborators:read`); the two others
 * are product rules. Closure is computed below, so chains (a implies b implies c) need no extra entries.
 *
 * Bot modules do not imply `bots:read`: the bot roles of SPEC §7 list `bots read` where they grant it, and a
 * custom bot role says so itself. Every implication stays in its scope (a unit test holds it to that), so
 * a grant on one bot never brings a tenant-only permission.
 */
export const permissionImplications: Readonly<Partial<Record<Permission, readonly Permission[]>>> = (() => {
  const implications: Partial<Record<Permission, Permission[]>> = {
    'campaigns:send': ['campaigns:create'],
    'bots:publish': ['bots:configure'],
  };
  for (const permission of allPermissions) {
    const [module, action] = permission.split(':');
    const read = `${module}:read`;
    if ((action === 'write' || action === 'run' || action === 'manage') && isPermission(read)) {
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

const impliers: ReadonlyMap<Permission, readonly Permission[]> = (() => {
  const map = new Map<Permission, Permission[]>();
  for (const permission of allPermissions) {
    for (const implied of impliedBy(permission)) map.set(implied, [...(map.get(implied) ?? []), permission]);
  }
  return map;
})();

/** Every permission whose implications reach `permission` (the reverse of `impliedBy`), computed once. */
export function impliersOf(permission: Permission): readonly Permission[] {
  return impliers.get(permission) ?? [];
}

/**
 * The catalog as served by `GET .../permissions`: grouped by module, each permission with its scope and
 * what it implies (the closure, so an editor ticks them at once).
 */
export function catalogView() {
  return permissionCatalog.map((module) => ({
    module: module.module,
    label: module.label,
    permissions: module.permissions.map((p) => ({
      permission: p.permission,
      description: p.description,
      scope: p.scope,
      implies: impliedBy(p.permission),
    })),
  }));
}
