import { allPermissions, impliedBy, isPermission, type Permission } from './permissions';
import type { RoleDefinition } from './roles';

export interface RoleAssignment {
  readonly roleId: string;
  /** ISO-8601 instant after which the assignment grants nothing. */
  readonly expiresAt?: string;
}

export interface EffectivePermission {
  readonly permission: Permission;
  /**
   * Role ids granting it, `direct` for a direct grant, `group:<groupId>` for a group's role, `implied` when
   * another held permission implies it.
   */
  readonly sources: string[];
}

export function isAssignmentActive(assignment: RoleAssignment, now: Date): boolean {
  return assignment.expiresAt === undefined || Date.parse(assignment.expiresAt) > now.getTime();
}

/** The roles a group carries to one of its members (SPEC §8). */
export interface GroupRoles {
  readonly groupId: string;
  readonly roles: readonly RoleAssignment[];
}

/**
 * Effective permissions = union over unexpired role assignments (the member's own, source the role id, and
 * those of their groups, source `group:<groupId>`) + direct grants + everything those imply.
 * Evaluated on every request with the current time, so an expiring assignment stops granting at its instant
 * whether or not the purge job has run. Roles that no longer exist (deleted custom roles) grant nothing.
 * The result is in catalog order so that responses are stable.
 */
export function computeEffectivePermissions(input: {
  readonly assignments: readonly RoleAssignment[];
  readonly directPermissions: readonly string[];
  readonly roles: ReadonlyMap<string, RoleDefinition>;
  readonly now: Date;
  /** The member's groups with the roles they carry (resolved in `roles` too). */
  readonly groups?: readonly GroupRoles[];
}): EffectivePermission[] {
  const sources = new Map<Permission, Set<string>>();
  const grant = (permission: Permission, source: string) => {
    const set = sources.get(permission);
    if (set) set.add(source);
    else sources.set(permission, new Set([source]));
  };

  for (const assignment of input.assignments) {
    if (!isAssignmentActive(assignment, input.now)) continue;
    const role = input.roles.get(assignment.roleId);
    for (const permission of role?.permissions ?? []) grant(permission, assignment.roleId);
  }
  for (const group of input.groups ?? []) {
    for (const assignment of group.roles) {
      if (!isAssignmentActive(assignment, input.now)) continue;
      const role = input.roles.get(assignment.roleId);
      // Groups carry tenant roles only; a bot role here would grant tenant-wide.
      if (role?.scope === 'bot') continue;
      for (const permission of role?.permissions ?? []) grant(permission, `group:${group.groupId}`);
    }
  }
  for (const permission of input.directPermissions) {
    if (isPermission(permission)) grant(permission, 'direct');
  }
  for (const permission of [...sources.keys()]) {
    for (const implied of impliedBy(permission)) grant(implied, 'implied');
  }

  return allPermissions.flatMap((permission) => {
    const granted = sources.get(permission);
    return granted ? [{ permission, sources: [...granted] }] : [];
  });
}
