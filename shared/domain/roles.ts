import { allPermissions, botScopedPermissions, type Permission } from './permissions';

/**
 * Where a role is assigned (SPEC §7): `tenant` roles to members, invitations and groups, tenant-wide; `bot`
 * roles only on one bot, and they hold only bot-scoped permissions.
 */
export type RoleScope = 'tenant' | 'bot';

/** Ids of the built-in tenant roles, in the order they are listed; part of the API contract (SPEC §4, §7). */
export const tenantBuiltInRoleIds = ['owner', 'admin', 'manager', 'agent', 'viewer', 'member'] as const;
/** Ids of the built-in bot roles (SPEC §7's table), in the order they are listed; part of the API contract. */
export const botBuiltInRoleIds = [
  'bot-owner',
  'bot-admin',
  'bot-developer',
  'bot-approver',
  'bot-tester',
  'database-viewer',
  'inbox-admin',
  'inbox-agent',
  'insights-analyst',
  'insights-admin',
  'engagement-admin',
  'engagement-user',
] as const;
/** Every built-in role id, tenant roles first. Custom role ids are ULIDs, so they never collide with these. */
export const builtInRoleIds = [...tenantBuiltInRoleIds, ...botBuiltInRoleIds] as const;
export type BuiltInRoleId = (typeof builtInRoleIds)[number];

export interface RoleDefinition {
  readonly roleId: string;
  readonly name: string;
  readonly description: string;
  readonly permissions: readonly Permission[];
  readonly builtIn: boolean;
  readonly version: number;
  readonly scope: RoleScope;
  /** Bot roles a holder must also hold on the same bot (SPEC §7, role prerequisites). */
  readonly requires?: readonly string[];
}

const modulePermissions = (...modules: string[]): Permission[] =>
  allPermissions.filter((p) => modules.includes(p.split(':')[0] ?? ''));

const tenantRole = (roleId: string, name: string, description: string, permissions: Permission[]): RoleDefinition => ({
  roleId,
  name,
  description,
  permissions,
  builtIn: true,
  version: 1,
  scope: 'tenant',
});

/**
 * A built-in bot role: exactly the permissions of SPEC §7's table (their implications apply when effective
 * permissions are computed, as for every role).
 */
const botRole = (
  roleId: string,
  name: string,
  description: string,
  permissions: Permission[],
  requires?: string[],
): RoleDefinition => ({
  roleId,
  name,
  description,
  permissions,
  builtIn: true,
  version: 1,
  scope: 'bot',
  ...(requires ? { requires } : {}),
});

/**
 * Built-in roles. The Owner holds every permission in the catalog; Admin every one but `bots:delete` (SPEC §7:
 * admins cannot delete bots). What else sets the Owner apart (ownership transfer, granting Admin) is a rule
 * on the role, not a permission, so it cannot be delegated.
 */
export const builtInRoles: Readonly<Record<BuiltInRoleId, RoleDefinition>> = {
  owner: tenantRole('owner', 'Owner', 'Everything, including ownership transfer. Exactly one per tenant.', [
    ...allPermissions,
  ]),
  admin: tenantRole(
    'admin',
    'Admin',
    'Everything but ownership transfer and deleting bots.',
    allPermissions.filter((p) => p !== 'bots:delete'),
  ),
  manager: tenantRole('manager', 'Manager', 'Campaigns, contacts, inbox and analytics; can see members.', [
    ...modulePermissions('campaigns', 'contacts', 'inbox', 'analytics'),
    'users:read',
  ]),
  agent: tenantRole('agent', 'Agent', 'Handles conversations: inbox, contact lookup and CRM.', [
    'inbox:read',
    'inbox:write',
    'contacts:read',
    'crm:access',
  ]),
  viewer: tenantRole(
    'viewer',
    'Viewer',
    'Read-only access to every module.',
    allPermissions.filter((p) => p.endsWith(':read')),
  ),
  member: tenantRole(
    'member',
    'Member',
    'No permissions: sees the workspace, the bot directory and what is shared with them.',
    [],
  ),
  'bot-owner': botRole(
    'bot-owner',
    'Bot Owner',
    'Everything on the bot. Exactly one per bot; set at registration, changed only by transfer.',
    [...botScopedPermissions],
  ),
  'bot-admin': botRole(
    'bot-admin',
    'Bot Admin',
    'Everything on the bot but deleting it. Granted only by the Bot Owner or a tenant Owner or Admin.',
    botScopedPermissions.filter((p) => p !== 'bots:delete'),
  ),
  'bot-developer': botRole('bot-developer', 'Developer', 'Builds the bot: flows, NLU, knowledge, tests, tables.', [
    'flows:write',
    'nlu:write',
    'knowledge:write',
    'testing:run',
    'tables:read',
    'collaborators:read',
    'analytics:read',
    'bots:read',
  ]),
  'bot-approver': botRole(
    'bot-approver',
    'Approver',
    'Approves and publishes the bot; requires Developer on the same bot.',
    ['bots:publish', 'publish:approve'],
    ['bot-developer'],
  ),
  'bot-tester': botRole('bot-tester', 'Tester', 'Reads the bot and its tests.', [
    'flows:read',
    'nlu:read',
    'knowledge:read',
    'testing:read',
    'analytics:read',
    'bots:read',
  ]),
  'database-viewer': botRole('database-viewer', 'Database Viewer', "Reads and edits the bot's data tables.", [
    'tables:read',
    'tables:write',
    'bots:read',
  ]),
  'inbox-admin': botRole('inbox-admin', 'Inbox Admin', "Runs the bot's inbox, with its analytics.", [
    'inbox:write',
    'knowledge:read',
    'analytics:read',
    'bots:read',
  ]),
  'inbox-agent': botRole('inbox-agent', 'Inbox Agent', "Answers the bot's conversations.", [
    'inbox:write',
    'knowledge:read',
    'bots:read',
  ]),
  'insights-analyst': botRole('insights-analyst', 'Insights (Analytics)', "Reads the bot's analytics.", [
    'analytics:read',
    'bots:read',
  ]),
  'insights-admin': botRole('insights-admin', 'Insights (Admin)', "Reads and exports the bot's analytics.", [
    'analytics:read',
    'analytics:export',
    'bots:read',
  ]),
  'engagement-admin': botRole('engagement-admin', 'Engagement (Admin)', 'Sends campaigns and manages contacts.', [
    'campaigns:send',
    'contacts:write',
    'bots:read',
  ]),
  'engagement-user': botRole('engagement-user', 'Engagement (User)', 'Prepares campaigns.', [
    'campaigns:create',
    'bots:read',
  ]),
};

export function isBuiltInRoleId(roleId: string): roleId is BuiltInRoleId {
  return (builtInRoleIds as readonly string[]).includes(roleId);
}
