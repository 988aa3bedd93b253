import type { EffectivePermission } from './effective-permissions';
import { allPermissions, impliedBy, impliersOf, isBotScoped, type Permission } from './permissions';
import type { RoleDefinition } from './roles';

/** A role held on one bot: optionally limited to some environments, optionally time-bound. */
export interface BotRoleAssignment {
  readonly roleId: string;
  readonly environments?: readonly string[];
  readonly expiresAt?: string;
}

/** The roles one group holds on a bot (its grant there), which every active member of the group holds too (SPEC §8). */
export interface GroupBotRoles {
  readonly groupId: string;
  readonly assignments: readonly BotRoleAssignment[];
}

/** Whether an assignment on a bot is still held (unexpired), whatever environments it is limited to. */
export function isBotAssignmentUnexpired(assignment: BotRoleAssignment, now: Date): boolean {
  return assignment.expiresAt === undefined || Date.parse(assignment.expiresAt) > now.getTime();
}

/**
 * Whether an assignment on a bot grants now, for a decision about `environment` (SPEC §7): unexpired, and
 * when an environment is named, covering it; a decision that names none uses only assignments without a limit.
 */
export function isBotAssignmentActive(assignment: BotRoleAssignment, now: Date, environment?: string): boolean {
  if (!isBotAssignmentUnexpired(assignment, now)) return false;
  if (assignment.environments === undefined) return true;
  return environment !== undefined && assignment.environments.includes(environment);
}

/**
 * Effective permissions of a member on one bot (SPEC §7) = the bot-scoped part of their tenant-level effective
 * set (source `tenant`) ∪ the permissions of the roles they hold on the bot (unexpired, environment matching;
 * source: the role id) ∪ those of the roles their groups hold on it (same rules; source `group:<groupId>`) ∪
 * everything those imply (source `implied`). Tenant-only permissions (users, billing, …) are not permissions on
 * a bot. Unknown roles (a deleted custom role) grant nothing. In catalog order; sources in that order.
 */
export function computeBotPermissions(input: {
  readonly tenantPermissions: readonly EffectivePermission[];
  readonly assignments: readonly BotRoleAssignment[];
  readonly roles: ReadonlyMap<string, RoleDefinition>;
  readonly now: Date;
  readonly environment?: string;
  /** The grants on the bot of the member's groups (active groups only: the caller filters). */
  readonly groups?: readonly GroupBotRoles[];
}): EffectivePermission[] {
  const sources = new Map<Permission, Set<string>>();
  const grant = (permission: Permission, source: string) => {
    const set = sources.get(permission);
    if (set) set.add(source);
    else sources.set(permission, new Set([source]));
  };
  for (const held of input.tenantPermissions) if (isBotScoped(held.permission)) grant(held.permission, 'tenant');
  for (const assignment of input.assignments) {
    if (!isBotAssignmentActive(assignment, input.now, input.environment)) continue;
    const role = input.roles.get(assignment.roleId);
    if (role?.scope !== 'bot') continue;
    for (const permission of role.permissions) grant(permission, assignment.roleId);
  }
  for (const group of input.groups ?? []) {
    for (const assignment of group.assignments) {
      if (!isBotAssignmentActive(assignment, input.now, input.environment)) continue;
      const role = input.roles.get(assignment.roleId);
      if (role?.scope !== 'bot') continue;
      for (const permission of role.permissions) grant(permission, `group:${group.groupId}`);
    }
  }
  for (const permission of [...sources.keys()]) {
    for (const implied of impliedBy(permission)) if (isBotScoped(implied)) grant(implied, 'implied');
  }
  return allPermissions.flatMap((permission) => {
    const granted = sources.get(permission);
    return granted ? [{ permission, sources: [...granted] }] : [];
  });
}

/** What `botPermissionSources` needs: the inputs of `computeBotPermissions`, the tenant-level set as a lookup. */
export interface BotDecisionInput {
  /** Whether the member holds a permission at tenant level (their effective set, read once per request). */
  readonly holdsTenantWide: (permission: Permission) => boolean;
  readonly assignments: readonly BotRoleAssignment[];
  readonly roles: ReadonlyMap<string, RoleDefinition>;
  readonly now: Date;
  readonly environment?: string;
  readonly groups?: readonly GroupBotRoles[];
}

/** Whether an assignment grants `permission` now (active for the environment, a bot role that lists it). */
function assignmentGrants(
  assignment: BotRoleAssignment,
  permission: Permission,
  input: Omit<BotDecisionInput, 'holdsTenantWide' | 'assignments' | 'groups'>,
): boolean {
  if (!isBotAssignmentActive(assignment, input.now, input.environment)) return false;
  const role = input.roles.get(assignment.roleId);
  return role?.scope === 'bot' && role.permissions.includes(permission);
}

/**
 * The sources of one permission on one bot, exactly as `computeBotPermissions` would list them for it
 * (`tenant`, role ids in assignment order, `group:<groupId>` in group order, `implied`; empty when not held),
 * without computing the whole set:
 * a decision asks about one permission, and a request may ask fifty (a unit test holds the two to agreement).
 */
export function botPermissionSources(permission: Permission, input: BotDecisionInput): string[] {
  const sources: string[] = [];
  const botScoped = isBotScoped(permission);
  if (botScoped && input.holdsTenantWide(permission)) sources.push('tenant');
  for (const assignment of input.assignments) {
    if (!sources.includes(assignment.roleId) && assignmentGrants(assignment, permission, input))
      sources.push(assignment.roleId);
  }
  const groups = input.groups ?? [];
  for (const group of groups) {
    const source = `group:${group.groupId}`;
    if (!sources.includes(source) && group.assignments.some((a) => assignmentGrants(a, permission, input)))
      sources.push(source);
  }
  if (botScoped) {
    const implied = impliersOf(permission).some(
      (other) =>
        (isBotScoped(other) && input.holdsTenantWide(other)) ||
        input.assignments.some((assignment) => assignmentGrants(assignment, other, input)) ||
        groups.some((group) => group.assignments.some((assignment) => assignmentGrants(assignment, other, input))),
    );
    if (implied) sources.push('implied');
  }
  return sources;
}
