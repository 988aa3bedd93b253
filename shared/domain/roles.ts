import { allPermissions, type Permission } from './permissions';

/** Ids of the built-in roles; part of the API contract (SPEC §4). Custom role ids are ULIDs. */
export const builtInRoleIds = ['owner', 'admin', 'manager', 'agent', 'viewer'] as const;
export type BuiltInRoleId = (typeof builtInRoleIds)[number];

export interface RoleDefinition {
  readonly roleId: string;
  readonly name: string;
  readonly description: string;
  readonly permissions: readonly Permission[];
  readonly builtIn: boolean;
  readonly version: number;
}

const modulePermissions = (...modules: string[]): Permission[] =>
  allPermissions.filter((p) => modules.includes(p.slice(0, p.indexOf(':'))));

/**
 * Built-in roles. Owner and Admin hold every permission in the catalog; what sets the Owner apart
 * (ownership transfer, granting Admin) is a rule on the role, not a permission, so it cannot be delegated.
 */
export const builtInRoles: Readonly<Record<BuiltInRoleId, RoleDefinition>> = {
  owner: {
    roleId: 'owner',
    name: 'Owner',
    description: 'Everything, including ownership transfer. Exactly one per tenant.',
    permissions: [...allPermissions],
    builtIn: true,
    version: 1,
  },
  admin: {
    roleId: 'admin',
    name: 'Admin',
    description: 'Everything but ownership transfer.',
    permissions: [...allPermissions],
    builtIn: true,
    version: 1,
  },
  manager: {
    roleId: 'manager',
    name: 'Manager',
    description: 'Campaigns, contacts, inbox and analytics; can see members.',
    permissions: [...modulePermissions('campaigns', 'contacts', 'inbox', 'analytics'), 'users:read'],
    builtIn: true,
    version: 1,
  },
  agent: {
    roleId: 'agent',
    name: 'Agent',
    description: 'Handles conversations: inbox, contact lookup and CRM.',
    permissions: ['inbox:read', 'inbox:write', 'contacts:read', 'crm:access'],
    builtIn: true,
    version: 1,
  },
  viewer: {
    roleId: 'viewer',
    name: 'Viewer',
    description: 'Read-only access to every module.',
    permissions: allPermissions.filter((p) => p.endsWith(':read')),
    builtIn: true,
    version: 1,
  },
};

export function isBuiltInRoleId(roleId: string): roleId is BuiltInRoleId {
  return (builtInRoleIds as readonly string[]).includes(roleId);
}
