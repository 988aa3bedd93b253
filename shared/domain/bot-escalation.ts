import type { TenantCaller } from './actor';
import {
  type BotRoleAssignment,
  computeBotPermissions,
  type GroupBotRoles,
  isBotAssignmentUnexpired,
} from './bot-permissions';
import { Conflict, Forbidden, ValidationFailed } from './errors';
import { isAdminLevel } from './escalation';
import type { Permission } from './permissions';
import type { RoleDefinition } from './roles';

/** A role assignment on a bot together with the role it names. */
export interface ResolvedBotAssignment {
  readonly assignment: BotRoleAssignment;
  readonly role: RoleDefinition;
}

/** Who grants on a bot, as the grant rules need them (SPEC §3 and §7). */
export interface BotGrantor {
  /** The tenant Owner. */
  readonly isOwner: boolean;
  /** Holds Admin-level power tenant-wide (shared/domain/escalation.ts, isAdminLevel). */
  readonly isAdminLevel: boolean;
  /** Holds `bot-owner` on this bot. */
  readonly isBotOwner: boolean;
  /**
   * Their effective permissions on the bot for a decision about `environment` (undefined: a decision naming
   * none, which counts only their grants without an environment limit).
   */
  readonly permissionsIn: (environment: string | undefined) => ReadonlySet<Permission>;
}

/**
 * The grantor a member is on one bot: their tenant membership (`caller`) and the roles they hold on that bot
 * (`assignments`, their grant's roles; expired ones are left out here) and through their groups (`groups`: what
 * they hold through a group they may pass on, as what they hold directly), with `roles` resolving those roles.
 * Bot Owner is never held through a group. The one way every bot grant path (the access list, invitations)
 * builds it.
 */
export function botGrantorOf(
  caller: Pick<TenantCaller, 'isOwner' | 'effectivePermissions'>,
  assignments: readonly BotRoleAssignment[],
  roles: ReadonlyMap<string, RoleDefinition>,
  now: Date,
  groups: readonly GroupBotRoles[] = [],
): BotGrantor {
  const held = assignments.filter((assignment) => isBotAssignmentUnexpired(assignment, now));
  return {
    isOwner: caller.isOwner,
    isAdminLevel: isAdminLevel(caller.effectivePermissions.map((p) => p.permission)),
    isBotOwner: held.some((assignment) => assignment.roleId === 'bot-owner'),
    permissionsIn: (environment) =>
      new Set(
        computeBotPermissions({
          tenantPermissions: caller.effectivePermissions,
          assignments: held,
          roles,
          now,
          environment,
          groups,
        }).map((p) => p.permission),
      ),
  };
}

/**
 * Every environment an assignment is limited to must be one of the bot's (SPEC §7): else 400
 * `environment_not_on_bot`, each error at `<field>.<i>.environments`.
 */
export function assertEnvironmentsOnBot(
  bot: { readonly environments: readonly string[] },
  assignments: readonly BotRoleAssignment[],
  field: string,
): void {
  const foreign = assignments.flatMap((assignment, i) =>
    (assignment.environments ?? [])
      .filter((environment) => !bot.environments.includes(environment))
      .map((environment) => ({
        path: `${field}.${i}.environments`,
        message: `the bot has no ${environment} environment`,
      })),
  );
  if (foreign.length > 0) {
    throw new ValidationFailed(
      `This bot has only the environments ${bot.environments.join(', ')}.`,
      foreign,
      'environment_not_on_bot',
    );
  }
}

/** Two assignments of the same role are the same grant when their limits are the same. */
export function sameBotAssignment(a: BotRoleAssignment, b: BotRoleAssignment | undefined): boolean {
  if (b === undefined || a.roleId !== b.roleId || a.expiresAt !== b.expiresAt) return false;
  const [x, y] = [a.environments, b.environments];
  if (x === undefined || y === undefined) return x === y;
  return x.length === y.length && x.every((environment) => y.includes(environment));
}

/**
 * No privilege escalation on one bot (SPEC §7, "escalation rules of §3 apply per bot"), for every path that
 * grants bot roles (the access list, invitations, access-request approvals):
 * - `bot-owner` is never granted or taken away this way (registration sets it, transfer moves it);
 * - `bot-admin` is granted or taken away only by the Bot Owner, the tenant Owner or a tenant Admin;
 * - everyone else grants only permissions they hold on that bot, in every environment the assignment covers:
 *   an assignment without a limit needs them held without a limit (their tenant-wide permissions count).
 * The tenant's Admin-level rule needs nothing more here: a bot role holds only bot-scoped permissions, and no
 * set of those is Admin-level.
 */
export function assertCanGrantOnBot(
  grantor: BotGrantor,
  change: { readonly added: readonly ResolvedBotAssignment[]; readonly removed: readonly ResolvedBotAssignment[] },
): void {
  const touched = [...change.added, ...change.removed];
  if (touched.some(({ role }) => role.roleId === 'bot-owner')) {
    throw new Forbidden(
      'The Bot Owner role is set when a bot is registered and changes hands only by transfer-ownership.',
      'bot_owner_not_grantable',
    );
  }
  if (
    touched.some(({ role }) => role.roleId === 'bot-admin') &&
    !(grantor.isOwner || grantor.isAdminLevel || grantor.isBotOwner)
  ) {
    throw new Forbidden(
      'Only the Bot Owner or a tenant Owner or Admin grants or takes away Bot Admin.',
      'bot_admin_requires_owner',
    );
  }
  const missing = permissionsNotHeld(grantor.permissionsIn, change.added);
  if (missing.length > 0) {
    throw new Forbidden(
      `You can only grant permissions you hold on this bot yourself; you lack ${missing.join(', ')}.`,
      'escalation_denied',
    );
  }
}

/**
 * The permissions of `assignments` that someone holding `permissionsIn` lacks, in an environment each
 * assignment covers (`flows:write (in production)`), or in decisions naming none for an assignment without a
 * limit. Empty when they hold all of them: what an escalation check refuses, and what makes an access request
 * ask for nothing new.
 */
export function permissionsNotHeld(
  permissionsIn: BotGrantor['permissionsIn'],
  assignments: readonly ResolvedBotAssignment[],
): string[] {
  const missing = new Set<string>();
  for (const { assignment, role } of assignments) {
    for (const environment of assignment.environments ?? [undefined]) {
      const held = permissionsIn(environment);
      for (const permission of role.permissions) {
        if (!held.has(permission)) missing.add(environment ? `${permission} (in ${environment})` : permission);
      }
    }
  }
  return [...missing];
}

/**
 * Roles given on top of what a principal holds on a bot (an approved access request): each added role is
 * merged with the principal's assignment of the same role, if any. The one that covers the other wins (the
 * held one when it covers the new one: nothing changes); otherwise one assignment covering both (environments
 * united, the later expiry). Expired assignments are replaced. `changed` are the assignments of `next` that
 * differ from what was held: the grant the escalation rules judge.
 */
export function mergeBotAssignments<A extends BotRoleAssignment>(
  held: readonly A[],
  added: readonly A[],
  now: Date,
): { next: A[]; changed: A[] } {
  const next = [...held];
  const changed: A[] = [];
  for (const assignment of added) {
    const at = next.findIndex((a) => a.roleId === assignment.roleId);
    const existing = at === -1 ? undefined : next[at];
    if (existing === undefined || !isBotAssignmentUnexpired(existing, now)) {
      if (existing === undefined) next.push(assignment);
      else next[at] = assignment;
      changed.push(assignment);
      continue;
    }
    if (covers(existing, assignment)) continue;
    const merged = covers(assignment, existing)
      ? assignment
      : ({
          ...assignment,
          environments:
            existing.environments === undefined || assignment.environments === undefined
              ? undefined
              : [...new Set([...existing.environments, ...assignment.environments])],
          expiresAt:
            existing.expiresAt === undefined || assignment.expiresAt === undefined
              ? undefined
              : Date.parse(existing.expiresAt) >= Date.parse(assignment.expiresAt)
                ? existing.expiresAt
                : assignment.expiresAt,
        } as A);
    const clean = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined)) as A;
    next[at] = clean;
    changed.push(clean);
  }
  return { next, changed };
}

/** Whether `required` covers `dependent`: every environment it covers, for at least as long. */
function covers(required: BotRoleAssignment, dependent: BotRoleAssignment): boolean {
  const environmentsCovered =
    required.environments === undefined ||
    dependent.environments?.every((environment) => required.environments?.includes(environment)) === true;
  const lastsLongEnough =
    required.expiresAt === undefined ||
    (dependent.expiresAt !== undefined && Date.parse(required.expiresAt) >= Date.parse(dependent.expiresAt));
  return environmentsCovered && lastsLongEnough;
}

/**
 * Role prerequisites (SPEC §7): every role a principal will hold on a bot that `requires` another must sit
 * beside an assignment of that role covering it (the same environments or more, lasting as long or longer), so
 * that neither expiry nor an environment limit can leave it alone. Otherwise 409 `role_prerequisite_missing`,
 * naming both roles. Judged on what the principal will hold (`next`, unexpired at `now`).
 */
export function assertPrerequisitesMet(next: readonly ResolvedBotAssignment[], now: Date): void {
  const held = next.filter(({ assignment }) => isBotAssignmentUnexpired(assignment, now));
  for (const { assignment, role } of held) {
    for (const requiredId of role.requires ?? []) {
      const required = held.find(({ role: r }) => r.roleId === requiredId);
      if (required && covers(required.assignment, assignment)) continue;
      const requiredName = required?.role.name ?? requiredId;
      throw new Conflict(
        'role_prerequisite_missing',
        `${role.name} (${role.roleId}) requires ${requiredName} (${requiredId}) on the same bot${
          required ? ', covering the same environments for at least as long' : ''
        }.`,
        { roleId: role.roleId, requiredRoleId: requiredId },
      );
    }
  }
}
