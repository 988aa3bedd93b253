import { type BotRoleAssignment, botPermissionSources, type GroupBotRoles } from './bot-permissions';
import type { EffectivePermission } from './effective-permissions';
import { type FieldError, ValidationFailed } from './errors';
import { isBotScoped, isPermission, type Permission } from './permissions';
import type { RoleDefinition } from './roles';

/**
 * Authorization decisions for other services (SPEC §10): pure rules, no I/O. The service reads what the
 * checks name (shared/services/authorization-service.ts) and asks `decide` once per check.
 */

/** Most checks one request may ask (the request schema refuses more). */
export const MAX_CHECKS = 50;

/** One question: may the subject do `permission` (tenant-wide, or on one bot, in one of its environments)? */
export interface DecisionCheck {
  readonly permission: string;
  readonly botId?: string;
  readonly environment?: string;
}

/** A check whose permission is in the catalog (and bot-scoped when a bot is named). */
export interface DecidableCheck extends DecisionCheck {
  readonly permission: Permission;
}

export interface Decision {
  readonly allowed: boolean;
  /** Why: role ids, `direct`, `group:<groupId>`, `implied` (tenant-level); `tenant`, role ids, `group:<groupId>`, `implied` (on a bot). */
  readonly sources: readonly string[];
}

/** A denial, shared by every check denied outright. */
export const DENIED: Decision = Object.freeze({ allowed: false, sources: Object.freeze([]) as readonly string[] });

/**
 * Refuses (400) checks no decision can answer, naming each: a permission outside the catalog
 * (`unknown_permission`), then a tenant-only permission asked about one bot (`permission_not_bot_scoped`).
 */
export function assertDecidable(checks: readonly DecisionCheck[]): asserts checks is readonly DecidableCheck[] {
  const unknown: FieldError[] = [];
  const notBotScoped: FieldError[] = [];
  checks.forEach((check, i) => {
    const path = `body.checks.${i}.permission`;
    if (!isPermission(check.permission)) unknown.push({ path, message: `unknown permission ${check.permission}` });
    else if (check.botId !== undefined && !isBotScoped(check.permission))
      notBotScoped.push({
        path,
        message: `${check.permission} is a tenant permission: it is never held on one bot; ask without botId`,
      });
  });
  if (unknown.length > 0)
    throw new ValidationFailed(
      `Unknown permission: ${unknown.map((e) => e.message.slice('unknown permission '.length)).join(', ')}. GET /permissions lists the catalog.`,
      unknown,
      'unknown_permission',
    );
  if (notBotScoped.length > 0)
    throw new ValidationFailed(
      'A tenant permission was asked about one bot; ask it without botId.',
      notBotScoped,
      'permission_not_bot_scoped',
    );
}

/** A bot a check names, as the subject stands on it. */
export interface BotStanding {
  readonly environments: readonly string[];
  /** The subject's roles on the bot, as granted (expiry and environment limits are judged per decision). */
  readonly assignments: readonly BotRoleAssignment[];
  /** The roles the subject's groups (active ones) hold on the bot, as granted (source `group:<groupId>`). */
  readonly groups?: readonly GroupBotRoles[];
}

/** Everything the decisions of one request need, read once. */
export interface DecisionContext {
  /** Only an active subject is allowed anything (a suspended or invited one is denied every check). */
  readonly active: boolean;
  /** The subject's tenant-level effective permissions with their sources, by permission. */
  readonly tenantPermissions: ReadonlyMap<Permission, readonly string[]>;
  readonly holdsTenantWide: (permission: Permission) => boolean;
  /** The named bots that exist in the tenant; a bot absent here (unknown, or another tenant's) is denied. */
  readonly bots: ReadonlyMap<string, BotStanding>;
  /** Definitions of every role the subject holds on those bots (built-in and custom). */
  readonly roles: ReadonlyMap<string, RoleDefinition>;
  readonly now: Date;
}

/** The context of a subject: its effective permissions as a lookup (built once, not per check). */
export function decisionContext(input: {
  readonly active: boolean;
  readonly effectivePermissions: readonly EffectivePermission[];
  readonly bots: ReadonlyMap<string, BotStanding>;
  readonly roles: ReadonlyMap<string, RoleDefinition>;
  readonly now: Date;
}): DecisionContext {
  const tenantPermissions = new Map(input.effectivePermissions.map((p) => [p.permission, p.sources]));
  return {
    active: input.active,
    tenantPermissions,
    holdsTenantWide: (permission) => tenantPermissions.has(permission),
    bots: input.bots,
    roles: input.roles,
    now: input.now,
  };
}

/**
 * One decision. Without a bot: the subject's tenant-level effective set. On a bot (SPEC §7): the bot-scoped
 * permissions held tenant-wide (`tenant`), the roles held on it (directly, or through a group: `group:<groupId>`)
 * that are unexpired and cover the check's environment (a check naming none uses only grants without an environment limit), and their implications;
 * an environment the bot does not have, or a bot that does not exist, is denied.
 */
export function decide(check: DecidableCheck, context: DecisionContext): Decision {
  if (!context.active) return DENIED;
  if (check.botId === undefined) {
    const sources = context.tenantPermissions.get(check.permission);
    return sources ? { allowed: true, sources } : DENIED;
  }
  const bot = context.bots.get(check.botId);
  if (!bot) return DENIED;
  if (check.environment !== undefined && !bot.environments.includes(check.environment)) return DENIED;
  const sources = botPermissionSources(check.permission, {
    holdsTenantWide: context.holdsTenantWide,
    assignments: bot.assignments,
    groups: bot.groups ?? [],
    roles: context.roles,
    now: context.now,
    environment: check.environment,
  });
  return sources.length > 0 ? { allowed: true, sources } : DENIED;
}
