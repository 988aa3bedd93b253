import {
  botUnchangedCheck,
  deleteGrantIfUnchanged,
  getBot,
  getBotGrant,
  getBotsWithGrants,
  listBotGrantsOfPrincipal,
  listGrantsOnBotPage,
  putGrant,
} from '../data/bot-repository';
import { getGroup, getGroups, groupActiveCheck } from '../data/group-repository';
import { getMember, getMembers } from '../data/member-repository';
import type { GroupRecord, MemberRecord, ResourceGrantRecord, ResourceRoleAssignment } from '../data/records';
import { type TransactionStep, transactWrite } from '../data/transactions';
import type { BotCaller, RequestMeta, TenantCaller } from '../domain/actor';
import {
  assertCanGrantOnBot,
  assertEnvironmentsOnBot,
  assertPrerequisitesMet,
  type BotGrantor,
  botGrantorOf,
  sameBotAssignment,
} from '../domain/bot-escalation';
import { computeBotPermissions, isBotAssignmentUnexpired } from '../domain/bot-permissions';
import { InvalidState, NotFound } from '../domain/errors';
import type { Permission } from '../domain/permissions';
import { present } from '../domain/present';
import { botEvent } from './bot-service';
import { botCallerOf } from './caller-service';
import { concurrentChange, judgedOn, retryingConcurrentChange } from './grant-guards';
import { effectivePermissionsOf, resolveAssignableRoles, resolveRoles } from './role-resolution';
import type { ServiceDeps } from './service-deps';

export type PrincipalType = ResourceGrantRecord['principalType'];

/** One principal's entry in a bot's access list. */
export interface BotAccessEntry {
  readonly principal: { readonly type: PrincipalType; readonly id: string; readonly label: string };
  readonly roles: readonly ResourceRoleAssignment[];
  /** With `?permission=`: where the principal's hold of it comes from (`tenant`, role ids, `implied`). */
  readonly sources?: readonly string[];
}

const labelOf = (member: MemberRecord | undefined, id: string) => member?.displayName ?? member?.email ?? id;
const groupNotFound = () => new NotFound('Group', 'group_not_found');

/**
 * A page of a bot's access list (`collaborators:read` on it, checked by the route): every principal with a
 * grant on the bot, in principal order (groups, labelled by their name, then members). With `permission`, only
 * those who hold it on the bot now (a decision naming no environment, as `authorize` takes it): a member's
 * tenant-wide permissions count and a suspended member holds nothing; a group is kept when the roles it holds on
 * the bot give it (sources: those role ids, `implied`), and a group being deleted holds nothing. Each with its
 * sources. People who hold it only tenant-wide, or only through a group, are not listed as members.
 */
export async function listBotAccess(
  deps: ServiceDeps,
  caller: BotCaller,
  query: { permission?: Permission; limit: number; cursor?: string },
): Promise<{ items: BotAccessEntry[]; nextCursor: string | null }> {
  const { tenantId, botId } = caller.bot;
  const now = deps.now();
  const members = new Map<string, MemberRecord>();
  const groups = new Map<string, GroupRecord>();
  const sourcesByGrant = new Map<string, string[]>();
  const grantId = (grant: ResourceGrantRecord) => `${grant.principalType}#${grant.principalId}`;
  const { grants, nextCursor } = await listGrantsOnBotPage(
    deps,
    tenantId,
    botId,
    { limit: query.limit, cursor: query.cursor, filterName: query.permission },
    async (page) => {
      const idsOf = (type: PrincipalType) => page.filter((g) => g.principalType === type).map((g) => g.principalId);
      const [memberIds, groupIds] = [idsOf('member'), idsOf('group')];
      const [foundMembers, foundGroups] = await Promise.all([
        memberIds.length === 0
          ? []
          : getMembers(
              deps,
              memberIds.map((memberId) => ({ tenantId, memberId })),
            ),
        getGroups(deps, tenantId, groupIds),
      ]);
      for (const member of foundMembers) members.set(member.memberId, member);
      for (const group of foundGroups.values()) groups.set(group.groupId, group);
      const permission = query.permission;
      if (permission === undefined) return page;
      const holders = page.flatMap((grant) => {
        const member = members.get(grant.principalId);
        return grant.principalType === 'member' && member?.status === 'active' ? [{ grant, member }] : [];
      });
      const groupHolders = page.filter((grant) => {
        const group = grant.principalType === 'group' ? groups.get(grant.principalId) : undefined;
        return group !== undefined && !group.deleting;
      });
      const [tenantSets, roles] = await Promise.all([
        effectivePermissionsOf(
          deps,
          tenantId,
          holders.map(({ member }) => member),
        ),
        resolveRoles(
          deps,
          tenantId,
          [...holders.map(({ grant }) => grant), ...groupHolders].flatMap((grant) => grant.roles.map((a) => a.roleId)),
        ),
      ]);
      const tenantSetOf = new Map(holders.map(({ grant }, i) => [grant.principalId, tenantSets[i] ?? []]));
      return page.flatMap((grant) => {
        const isHolder =
          grant.principalType === 'member' ? tenantSetOf.has(grant.principalId) : groupHolders.includes(grant);
        if (!isHolder) return [];
        const held = computeBotPermissions({
          tenantPermissions: (tenantSetOf.get(grant.principalId) ?? []).map((p) => ({ permission: p, sources: [] })),
          assignments: grant.roles,
          roles,
          now,
        }).find((p) => p.permission === permission);
        if (!held) return [];
        sourcesByGrant.set(grantId(grant), held.sources);
        return [grant];
      });
    },
  );
  return {
    items: grants.map((grant) => ({
      principal: {
        type: grant.principalType,
        id: grant.principalId,
        label:
          grant.principalType === 'group'
            ? (groups.get(grant.principalId)?.name ?? grant.principalId)
            : labelOf(members.get(grant.principalId), grant.principalId),
      },
      roles: grant.roles,
      ...(query.permission !== undefined ? { sources: sourcesByGrant.get(grantId(grant)) ?? [] } : {}),
    })),
    nextCursor,
  };
}

/**
 * Sets one principal's roles on a bot (`collaborators:manage` on it, checked by the route); `[]` removes their
 * access. The principal is a member who has joined (404 `member_not_found`, 409 `invalid_state` if invited) or
 * a group (SPEC §8: its roles reach every active member of it; 404 `group_not_found` for an unknown group,
 * another tenant's, or one being deleted; prerequisites judged on the group's own grant). What changes is judged per bot (shared/domain/bot-escalation.ts): `bot-owner` never moves this way,
 * `bot-admin` only by the Bot Owner or a tenant Owner/Admin, anything else only if the caller holds its
 * permissions on this bot in the environments it covers; and role prerequisites hold afterwards (409
 * `role_prerequisite_missing`). One transaction: the grant as read, the bot still there, the custom roles as
 * judged, and one `bot_access.changed` event with before and after. Applies on the principal's next request.
 */
export function setBotAccess(
  deps: ServiceDeps,
  caller: BotCaller,
  principal: { readonly type: PrincipalType; readonly id: string },
  roles: readonly ResourceRoleAssignment[],
  meta: RequestMeta,
): Promise<BotAccessEntry> {
  return retryingConcurrentChange(() => setBotAccessOnce(deps, caller, principal, roles, meta));
}

/**
 * The caller of a bot as a grantor on it (shared/domain/bot-escalation.ts): what they hold on it in each
 * environment, from their unexpired roles there (directly and through their groups) and their tenant-wide
 * permissions. Every path that grants bot
 * roles judges the actor with it: the access list, and the approval of an access request.
 */
export async function grantorOnBot(deps: ServiceDeps, caller: BotCaller, now: Date): Promise<BotGrantor> {
  const callerRoles = await resolveRoles(deps, caller.tenantId, [
    ...caller.botAssignments.map((a) => a.roleId),
    ...caller.botGroupRoles.flatMap((group) => group.assignments.map((a) => a.roleId)),
  ]);
  return botGrantorOf(caller, caller.botAssignments, callerRoles, now, caller.botGroupRoles);
}

/**
 * Adding a member to a group gives them the roles the group holds on bots too (SPEC §8: "per bot for bot
 * grants"): the caller must be able to grant each of those on its bot, as if they gave them to the member
 * there (shared/domain/bot-escalation.ts: Bot Admin only by a tenant Owner/Admin or the Bot Owner, anything
 * else only within what the caller holds on that bot). Reads the group's grants (GSI1), then the bots and the
 * caller's grants on them at once, their groups' grants on each bot at once (one read per bot, in parallel),
 * and the roles. Refused with 403 as a PUT of that grant would be.
 */
export async function assertCanPassGroupBotRoles(
  deps: ServiceDeps,
  caller: TenantCaller,
  groupId: string,
  now: Date,
): Promise<void> {
  const grants = (await listBotGrantsOfPrincipal(deps, caller.tenantId, 'group', groupId)).filter((grant) =>
    grant.roles.some((a) => isBotAssignmentUnexpired(a, now)),
  );
  if (grants.length === 0) return;
  const bots = await getBotsWithGrants(
    deps,
    caller.tenantId,
    grants.map((g) => g.resourceId),
    caller.memberId,
  );
  const byBot = new Map(grants.map((grant) => [grant.resourceId, grant]));
  const judged = await Promise.all(
    bots.map(async ({ bot, grant }) => {
      const onBot = await botCallerOf(deps, caller, bot, grant);
      const given = (byBot.get(bot.botId)?.roles ?? []).filter((a) => isBotAssignmentUnexpired(a, now));
      const [grantor, known] = await Promise.all([
        grantorOnBot(deps, onBot, now),
        resolveRoles(
          deps,
          caller.tenantId,
          given.map((a) => a.roleId),
        ),
      ]);
      return { grantor, given, known };
    }),
  );
  for (const { grantor, given, known } of judged) {
    assertCanGrantOnBot(grantor, {
      added: given.flatMap((assignment) => {
        const role = known.get(assignment.roleId);
        return role ? [{ assignment, role }] : [];
      }),
      removed: [],
    });
  }
}

async function setBotAccessOnce(
  deps: ServiceDeps,
  caller: BotCaller,
  principal: { readonly type: PrincipalType; readonly id: string },
  roles: readonly ResourceRoleAssignment[],
  meta: RequestMeta,
): Promise<BotAccessEntry> {
  const { tenantId, botId } = caller.bot;
  const isGroup = principal.type === 'group';
  // The bot again, in the same round trip: a retry after a lost race must see its current version.
  const [bot, member, group, current] = await Promise.all([
    getBot(deps, tenantId, botId),
    isGroup ? undefined : getMember(deps, tenantId, principal.id),
    isGroup ? getGroup(deps, tenantId, principal.id) : undefined,
    getBotGrant(deps, tenantId, botId, principal),
  ]);
  if (!bot) throw new NotFound('Bot', 'bot_not_found');
  if (isGroup) {
    if (!group || group.deleting) throw groupNotFound();
  } else {
    if (!member) throw new NotFound('Member', 'member_not_found');
    if (member.status === 'invited') {
      throw new InvalidState('This member has not joined yet: give bot access with the invitation (botAccess).');
    }
  }
  assertEnvironmentsOnBot(bot, roles, 'body.roles');

  const before = current?.roles ?? [];
  const added = roles.filter(
    (a) =>
      !sameBotAssignment(
        a,
        before.find((b) => b.roleId === a.roleId),
      ),
  );
  const removed = before.filter((b) => !roles.some((a) => a.roleId === b.roleId));
  const entry = (held: readonly ResourceRoleAssignment[]): BotAccessEntry => ({
    principal: { type: principal.type, id: principal.id, label: group ? group.name : labelOf(member, principal.id) },
    roles: held,
  });
  if (added.length === 0 && removed.length === 0) return entry(before);

  const now = deps.now();
  const [addedRoles, known, grantor] = await Promise.all([
    resolveAssignableRoles(deps, tenantId, added, 'body.roles', 'bot'),
    resolveRoles(
      deps,
      tenantId,
      [...roles, ...removed].map((a) => a.roleId),
    ),
    grantorOnBot(deps, caller, now),
  ]);
  const resolved = (assignments: readonly ResourceRoleAssignment[]) =>
    assignments.flatMap((assignment) => {
      const role = known.get(assignment.roleId);
      return role ? [{ assignment, role }] : [];
    });
  assertCanGrantOnBot(grantor, {
    added: added.map((assignment, i) => ({ assignment, role: present(addedRoles[i], `role ${assignment.roleId}`) })),
    removed: resolved(removed),
  });
  assertPrerequisitesMet(resolved(roles), now);

  const next: ResourceGrantRecord = {
    tenantId,
    resourceType: 'bot',
    resourceId: bot.botId,
    principalType: principal.type,
    principalId: principal.id,
    roles,
    updatedAt: now.toISOString(),
    version: (current?.version ?? 0) + 1,
  };
  const grantChanged = () => concurrentChange('Access to this bot changed meanwhile; retry.');
  const grantWrite: TransactionStep =
    roles.length === 0 && current
      ? { item: deleteGrantIfUnchanged(deps, current), onConditionFailed: grantChanged }
      : { item: putGrant(deps, next, current), onConditionFailed: grantChanged };
  const principalRef = { type: principal.type, id: principal.id };
  await transactWrite(deps, [
    {
      item: botUnchangedCheck(deps, bot),
      onConditionFailed: (found) =>
        found === undefined
          ? new NotFound('Bot', 'bot_not_found')
          : concurrentChange('The bot changed meanwhile; retry.'),
    },
    grantWrite,
    // A group's grant never outlives the group: a deletion that began meanwhile (it marks the group) refuses it.
    ...(group
      ? [{ item: groupActiveCheck(deps, group), onConditionFailed: () => groupNotFound() } satisfies TransactionStep]
      : []),
    ...judgedOn(deps, tenantId, addedRoles),
    {
      item: botEvent(
        deps,
        caller,
        meta,
        'bot_access.changed',
        bot,
        { principal: principalRef, roles: before },
        { principal: principalRef, roles },
      ),
    },
  ]);
  return entry(roles);
}
