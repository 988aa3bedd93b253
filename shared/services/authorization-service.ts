import { batchGetByKey } from '../data/batch-get';
import { botsWithGrantsFrom, botsWithGrantsKeys, groupGrantsFrom, groupGrantsKeys } from '../data/bot-repository';
import { getGroups, groupIdsOf } from '../data/group-repository';
import { keys } from '../data/keys';
import { memberFound } from '../data/member-repository';
import type { MemberStatus } from '../data/records';
import { canOn } from '../domain/ability';
import type { LinkedIdentity } from '../domain/actor';
import { isBotAssignmentUnexpired } from '../domain/bot-permissions';
import {
  assertDecidable,
  type BotStanding,
  DENIED,
  type Decision,
  type DecisionCheck,
  decide,
  decisionContext,
} from '../domain/decisions';
import { computeEffectivePermissions, isAssignmentActive } from '../domain/effective-permissions';
import { Forbidden, NotFound } from '../domain/errors';
import { groupBotRolesOf, resolveLinkedCaller } from './caller-service';
import { groupRolesOf } from './group-roles';
import { resolveRoles } from './role-resolution';
import type { ServiceDeps } from './service-deps';

export interface AuthorizationRequest {
  /** Whose decisions; the caller's when absent. */
  readonly subject?: { readonly memberId: string };
  readonly checks: readonly DecisionCheck[];
}

export interface AuthorizationAnswer {
  readonly subject: { readonly memberId: string; readonly status: MemberStatus };
  /** One per check, in the order asked. */
  readonly results: readonly Decision[];
}

/**
 * Decides `checks` for the caller or another member (SPEC §10), from the current state: nothing is cached,
 * so every answer reflects the last write.
 *
 * Round trips after the token: the caller's principal link (read by the route's `member-batched` access),
 * then ONE round of BatchGetItem for everything else (resolveLinkedCaller): the caller's member and the
 * custom roles their link lists, the subject's member, every bot the checks name and the subject's grant on
 * each, and (the subject being the caller) the grant on each of those bots of each group the link lists (over
 * 100 keys, parallel BatchGetItems of 100 in the same round: at most 50 bots × (1 + 50 groups) + 2 + 50 + 50
 * keys, about 2,650, so at most 27 requests at once). Another member's groups are known only once their member
 * is read: their groups and those groups' grants on the bots are one more round (parallel BatchGetItems).
 * Custom roles that were not read with the caller (a subject's custom tenant roles, custom bot roles on those
 * grants) cost one more read, all at once.
 *
 * Input the decisions cannot answer is refused before the membership is read (400 `unknown_permission`,
 * `permission_not_bot_scoped`). A subject other than the caller needs users:read (403) and must be a member of
 * the tenant (404 `member_not_found`). A suspended or invited subject is denied every check. An unknown bot,
 * or one of another tenant (its key names this tenant, so it is never read), is `allowed: false`.
 */
export async function authorize(
  deps: ServiceDeps,
  linked: LinkedIdentity,
  request: AuthorizationRequest,
): Promise<AuthorizationAnswer> {
  const { checks } = request;
  assertDecidable(checks);
  const tenantId = linked.tenantId;
  const subjectId = request.subject?.memberId ?? linked.memberId;
  const isSelf = subjectId === linked.memberId;
  const botIds = [...new Set(checks.flatMap((check) => (check.botId === undefined ? [] : [check.botId])))];

  const { caller, found, customRoles } = await resolveLinkedCaller(deps, linked, [
    ...(isSelf ? [] : [keys.member(tenantId, subjectId)]),
    ...botsWithGrantsKeys(tenantId, botIds, subjectId),
    ...(isSelf ? groupGrantsKeys(tenantId, botIds, linked.groupIds) : []),
  ]);
  if (!(isSelf || canOn(caller.ability, 'users:read', tenantId)))
    throw new Forbidden("Another member's decisions need the permission users:read.");
  const subject = isSelf ? undefined : memberFound(found, tenantId, subjectId);
  if (!(isSelf || subject)) throw new NotFound('Member', 'member_not_found');
  const status: MemberStatus = subject?.status ?? 'active';
  const answer = (results: readonly Decision[]) => ({ subject: { memberId: subjectId, status }, results });

  const now = deps.now();
  if (status !== 'active') return answer(checks.map(() => DENIED));

  const subjectAssignments = subject ? subject.roles.filter((assignment) => isAssignmentActive(assignment, now)) : [];
  // Another member's groups were not on the caller's link: one more round, their groups and their grants on
  // the bots at once. The caller's own: those read with the link's, and any group the link missed.
  const subjectGroupIds = subject ? groupIdsOf(subject) : [];
  const [subjectGroupItems, groupGrantsFound] = await Promise.all([
    subject ? getGroups(deps, tenantId, subjectGroupIds) : undefined,
    batchGetByKey(
      deps,
      groupGrantsKeys(
        tenantId,
        botIds,
        subject ? subjectGroupIds : (caller.groupIds ?? []).filter((id) => !linked.groupIds.includes(id)),
      ),
    ),
  ]);
  const subjectGroups = subject && subjectGroupItems ? groupRolesOf(subject, subjectGroupItems) : [];
  const activeGroupIds = subject ? subjectGroups.map((group) => group.groupId) : (caller.groupIds ?? []);
  const bots = new Map<string, BotStanding>(
    botsWithGrantsFrom(found, tenantId, botIds, subjectId).map(({ bot, grant }) => {
      const groupGrants = [
        ...groupGrantsFrom(found, tenantId, bot.botId, activeGroupIds),
        ...groupGrantsFrom(groupGrantsFound, tenantId, bot.botId, activeGroupIds),
      ];
      return [
        bot.botId,
        {
          environments: bot.environments,
          assignments: grant?.roles ?? [],
          groups: groupBotRolesOf(groupGrants, activeGroupIds, now),
        },
      ];
    }),
  );
  const roles = await resolveRoles(
    deps,
    tenantId,
    [
      ...subjectAssignments.map((a) => a.roleId),
      ...subjectGroups.flatMap((group) => group.roles.map((a) => a.roleId)),
      ...[...bots.values()].flatMap((standing) =>
        [...standing.assignments, ...(standing.groups ?? []).flatMap((group) => group.assignments)]
          .filter((a) => isBotAssignmentUnexpired(a, now))
          .map((a) => a.roleId),
      ),
    ],
    { prefetched: customRoles },
  );
  const effectivePermissions = subject
    ? computeEffectivePermissions({
        assignments: subjectAssignments,
        directPermissions: subject.permissions,
        roles,
        now,
        groups: subjectGroups,
      })
    : caller.effectivePermissions;
  const context = decisionContext({ active: true, effectivePermissions, bots, roles, now });
  return answer(checks.map((check) => decide(check, context)));
}
