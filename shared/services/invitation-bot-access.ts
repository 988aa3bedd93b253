import { botUnchangedCheck, getBots, getBotsWithGrants, putGrant } from '../data/bot-repository';
import type { BotRecord, InvitationBotAccess, InvitationRecord, ResourceGrantRecord } from '../data/records';
import type { TransactionStep } from '../data/transactions';
import type { TenantCaller } from '../domain/actor';
import {
  assertCanGrantOnBot,
  assertEnvironmentsOnBot,
  assertPrerequisitesMet,
  type BotGrantor,
  botGrantorOf,
  type ResolvedBotAssignment,
} from '../domain/bot-escalation';
import { isBotAssignmentUnexpired } from '../domain/bot-permissions';
import { type DomainError, Forbidden, ValidationFailed } from '../domain/errors';
import { present } from '../domain/present';
import type { RoleDefinition } from '../domain/roles';
import { concurrentChange } from './grant-guards';
import { resolveAssignableRoles, resolveRoles } from './role-resolution';
import type { ServiceDeps } from './service-deps';

/**
 * Distinct custom bot roles one invitation may name. Each is a `judgedOn` guard in the invitation's and the
 * acceptance's transactions; with 20 bots (two items each), the tenant roles and the member's own items, the
 * acceptance stays within DynamoDB's 100 items per transaction.
 */
export const MAX_CUSTOM_BOT_ROLES_PER_INVITATION = 20;

/** Sharing a bot is `collaborators:manage` on it, tenant-wide or through a role on it (as `PUT /access`). */
function assertMayShare(grantor: BotGrantor, botId: string): void {
  if (!grantor.permissionsIn(undefined).has('collaborators:manage')) {
    throw new Forbidden(`Sharing the bot ${botId} needs the permission collaborators:manage on it.`);
  }
}

/**
 * Judges an invitation's `botAccess` for the inviter, bot by bot, exactly as `PUT /bots/{botId}/access` judges
 * a grant (SPEC §7): the bot must be the tenant's (400 `unknown_bot`), the inviter must hold
 * `collaborators:manage` on it (403), each environment must be the bot's (400 `environment_not_on_bot`), each
 * role a bot role (400 `role_scope_mismatch`), the inviter may grant it there (`assertCanGrantOnBot`: 403
 * `bot_owner_not_grantable`, `bot_admin_requires_owner`, `escalation_denied`) and prerequisites are met (409
 * `role_prerequisite_missing`). The bots and the inviter's grants on them are read in one BatchGetItem.
 * Returns the roles judged, for the `judgedOn` guards of the invitation's transaction. Throws on the first
 * refusal: one refused bot refuses the whole request.
 */
export async function judgeInvitationBotAccess(
  deps: ServiceDeps,
  caller: TenantCaller,
  botAccess: readonly InvitationBotAccess[],
): Promise<RoleDefinition[]> {
  if (botAccess.length === 0) return [];
  const { tenantId } = caller;
  const found = await getBotsWithGrants(
    deps,
    tenantId,
    botAccess.map((entry) => entry.botId),
    caller.memberId,
  );
  const byId = new Map(found.map((f) => [f.bot.botId, f]));
  const unknown = botAccess.flatMap((entry, i) =>
    byId.has(entry.botId) ? [] : [{ path: `body.botAccess.${i}.botId`, message: `no bot ${entry.botId} here` }],
  );
  if (unknown.length > 0) {
    throw new ValidationFailed(
      `Unknown bot: ${botAccess
        .filter((entry) => !byId.has(entry.botId))
        .map((entry) => entry.botId)
        .join(', ')}.`,
      unknown,
      'unknown_bot',
    );
  }
  const now = deps.now();
  // Every bot's roles are resolved at once (built-in ones cost nothing); a refusal is reported bot by bot below.
  const [inviterRoles, ...wanted] = await Promise.all([
    resolveRoles(
      deps,
      tenantId,
      found.flatMap(({ grant }) => (grant?.roles ?? []).map((a) => a.roleId)),
    ),
    ...botAccess.map((entry, i) =>
      resolveAssignableRoles(deps, tenantId, entry.roles, `body.botAccess.${i}.roles`, 'bot').then(
        (roles) => ({ roles }),
        (error: DomainError) => ({ error }),
      ),
    ),
  ]);
  const judged: RoleDefinition[] = [];
  for (const [i, entry] of botAccess.entries()) {
    const { bot, grant } = present(byId.get(entry.botId), `bot ${entry.botId}`);
    const grantor = botGrantorOf(caller, grant?.roles ?? [], inviterRoles, now);
    assertMayShare(grantor, bot.botId);
    assertEnvironmentsOnBot(bot, entry.roles, `body.botAccess.${i}.roles`);
    const outcome = present(wanted[i], `roles of bot ${i}`);
    if ('error' in outcome) throw outcome.error;
    const assignments: ResolvedBotAssignment[] = entry.roles.map((assignment, j) => ({
      assignment,
      role: present(outcome.roles[j], `role ${assignment.roleId}`),
    }));
    assertCanGrantOnBot(grantor, { added: assignments, removed: [] });
    assertPrerequisitesMet(assignments, now);
    judged.push(...outcome.roles);
  }
  const custom = new Set(judged.filter((role) => !role.builtIn).map((role) => role.roleId));
  if (custom.size > MAX_CUSTOM_BOT_ROLES_PER_INVITATION) {
    throw new ValidationFailed(
      `One invitation names at most ${MAX_CUSTOM_BOT_ROLES_PER_INVITATION} different custom bot roles.`,
      [{ path: 'body.botAccess', message: `${custom.size} different custom bot roles` }],
    );
  }
  return judged;
}

/**
 * Resending or revoking an invitation acts on its bot grants too: the caller must be allowed to grant them now,
 * on each bot, as the inviter had to be (`collaborators:manage` there and `assertCanGrantOnBot`). Bots deleted
 * since, and roles deleted since, grant nothing and are left out.
 */
export async function assertMayActOnBotAccess(
  deps: ServiceDeps,
  caller: TenantCaller,
  botAccess: readonly InvitationBotAccess[] | undefined,
): Promise<void> {
  if (!botAccess || botAccess.length === 0) return;
  const found = await getBotsWithGrants(
    deps,
    caller.tenantId,
    botAccess.map((entry) => entry.botId),
    caller.memberId,
  );
  const roles = await resolveRoles(deps, caller.tenantId, [
    ...found.flatMap(({ grant }) => (grant?.roles ?? []).map((a) => a.roleId)),
    ...botAccess.flatMap((entry) => entry.roles.map((a) => a.roleId)),
  ]);
  const now = deps.now();
  for (const { bot, grant } of found) {
    const entry = present(
      botAccess.find((e) => e.botId === bot.botId),
      `botAccess of ${bot.botId}`,
    );
    const grantor = botGrantorOf(caller, grant?.roles ?? [], roles, now);
    assertMayShare(grantor, bot.botId);
    const added = entry.roles.flatMap((assignment) => {
      const role = roles.get(assignment.roleId);
      return role ? [{ assignment, role }] : [];
    });
    assertCanGrantOnBot(grantor, { added, removed: [] });
  }
}

/** Why an invitation's bot was left out when it was accepted. */
export type SkippedBotReason = 'bot_deleted' | 'environment_removed' | 'role_deleted' | 'expired';

/** The bot grants an acceptance writes, and the bots of the invitation it leaves out. */
export interface BotGrantPlan {
  readonly grants: readonly { readonly bot: BotRecord; readonly grant: ResourceGrantRecord }[];
  readonly skipped: readonly { readonly botId: string; readonly reason: SkippedBotReason }[];
  /** The roles granted, for the `judgedOn` guards of the acceptance's transaction. */
  readonly roles: readonly RoleDefinition[];
}

/**
 * What accepting an invitation grants on its bots, read now: each bot's roles as one grant for the new member.
 * A bot is left out whole (never a part of its roles, which could leave a role without its prerequisite) when
 * it was deleted since the invitation, or no longer has an environment a role is limited to, or a custom role
 * was deleted; assignments that expired meanwhile are dropped, and a bot whose every role expired is left out.
 */
export async function planBotGrants(
  deps: ServiceDeps,
  invitation: InvitationRecord,
  memberId: string,
): Promise<BotGrantPlan> {
  const botAccess = invitation.botAccess ?? [];
  if (botAccess.length === 0) return { grants: [], skipped: [], roles: [] };
  const [bots, roles] = await Promise.all([
    getBots(
      deps,
      invitation.tenantId,
      botAccess.map((entry) => entry.botId),
    ),
    resolveRoles(
      deps,
      invitation.tenantId,
      botAccess.flatMap((entry) => entry.roles.map((a) => a.roleId)),
    ),
  ]);
  const now = deps.now();
  const grants: BotGrantPlan['grants'][number][] = [];
  const skipped: BotGrantPlan['skipped'][number][] = [];
  const leftOut = (
    entry: InvitationBotAccess,
    bot: BotRecord | undefined,
    held: readonly unknown[],
  ): SkippedBotReason | undefined => {
    if (!bot) return 'bot_deleted';
    const environments = entry.roles.flatMap((a) => a.environments ?? []);
    if (environments.some((environment) => !bot.environments.includes(environment))) return 'environment_removed';
    if (entry.roles.some((a) => !roles.has(a.roleId))) return 'role_deleted';
    return held.length === 0 ? 'expired' : undefined;
  };
  for (const entry of botAccess) {
    const bot = bots.find((b) => b.botId === entry.botId);
    const held = entry.roles.filter((assignment) => isBotAssignmentUnexpired(assignment, now));
    const reason = leftOut(entry, bot, held);
    if (reason !== undefined || !bot) {
      skipped.push({ botId: entry.botId, reason: reason ?? 'bot_deleted' });
      continue;
    }
    grants.push({
      bot,
      grant: {
        tenantId: invitation.tenantId,
        resourceType: 'bot',
        resourceId: bot.botId,
        principalType: 'member',
        principalId: memberId,
        roles: held,
        updatedAt: now.toISOString(),
        version: 1,
      },
    });
  }
  const granted = new Set(grants.flatMap(({ grant }) => grant.roles.map((a) => a.roleId)));
  return { grants, skipped, roles: [...roles.values()].filter((role) => granted.has(role.roleId)) };
}

/**
 * The acceptance's steps for its bot grants: each bot still at the version read (its environments as judged;
 * a bot changed or deleted meanwhile is a lost race, and the acceptance reads and plans again), and each grant
 * new (`putGrant` without a previous grant: none can exist for a member who is only now joining).
 */
export function botGrantSteps(
  deps: ServiceDeps,
  plan: BotGrantPlan,
  onGrantExists: () => DomainError,
): TransactionStep[] {
  return plan.grants.flatMap(({ bot, grant }) => [
    {
      item: botUnchangedCheck(deps, bot),
      onConditionFailed: () => concurrentChange(`The bot ${bot.botId} changed meanwhile; retry.`),
    },
    { item: putGrant(deps, grant, undefined), onConditionFailed: onGrantExists },
  ]);
}
