import { batchGetByKey } from '../data/batch-get';
import {
  botGroupGrantKey,
  botsWithGrantsFrom,
  botsWithGrantsKeys,
  getGrantsOfMemberOn,
  groupGrantsFrom,
  groupGrantsKeys,
  walkBotIdsOfPrincipals,
  walkBotsOfTenant,
} from '../data/bot-repository';
import { stripKeys } from '../data/data-deps';
import { getMember } from '../data/member-repository';
import type { BotRecord, ResourceGrantRecord, ResourceRoleAssignment } from '../data/records';
import { canOn } from '../domain/ability';
import type { TenantCaller } from '../domain/actor';
import { computeBotPermissions, type GroupBotRoles, isBotAssignmentUnexpired } from '../domain/bot-permissions';
import {
  computeEffectivePermissions,
  type EffectivePermission,
  isAssignmentActive,
} from '../domain/effective-permissions';
import { Forbidden, NotFound } from '../domain/errors';
import { isBotScoped, type Permission } from '../domain/permissions';
import { groupBotRolesOf } from './caller-service';
import { groupRolesOf, groupsOfMembers } from './group-roles';
import { resolveRoles } from './role-resolution';
import type { ServiceDeps } from './service-deps';

/**
 * A bot as one member stands on it: their own roles on it (unexpired), the roles their groups hold on it, and
 * their effective permissions there (sources: `tenant`, role ids, `group:<groupId>`, `implied`).
 */
export interface MemberBot {
  readonly bot: BotRecord;
  readonly roles: readonly ResourceRoleAssignment[];
  /** Roles held on the bot through the member's groups (unexpired), by group. */
  readonly groups: readonly GroupBotRoles[];
  /** As a decision naming no environment sees them (roles limited to some environments add nothing here). */
  readonly permissions: readonly EffectivePermission[];
}

/** Most entries read per Query while a filter drops some: enough to fill most pages in one or two rounds. */
const MAX_CHUNK = 100;

/**
 * The bots where a member holds `permission` (SPEC §7 `GET /members/{memberId}/bots`), or without it, any access
 * (an unexpired role on the bot, or bot-scoped permissions held tenant-wide); for holders of users:read and for
 * the member themself.
 *
 * Two ways to find them, both key-condition Queries in bot id order:
 * - the member holds the permission tenant-wide (without `permission`: any bot-scoped permission tenant-wide,
 *   e.g. the Owner or an Admin): every bot of the tenant qualifies. Page over the tenant's bots (`BOT#`) and
 *   read the member's grants on them (one BatchGetItem per page);
 * - otherwise only bots they or one of their groups hold a grant on: the member's and each group's grants
 *   through GSI1 (one Query per principal, at most 51, read in parallel and merged by bot id), then the bots and
 *   the grants themselves, consistently, in one BatchGetItem per chunk. A grant that no longer grants (expired, or
 *   without the permission, or limited to environments when `permission` is asked) is dropped, and reading
 *   goes on until the page is full or the index ends: a page is never silently short, and `nextCursor` is
 *   null only at the end.
 *
 * The cursor is bound to the tenant, the member, the filter and the way of finding: if the member's tenant-wide
 * permissions change between two pages, the old cursor is refused (400 `invalid_cursor`); start again.
 *
 * The member's status is not considered: a suspended member's bots are listed with what they hold (an admin
 * view); the decisions API (`POST /authorize`) is what denies a suspended member everything.
 */
export async function listMemberBots(
  deps: ServiceDeps,
  caller: TenantCaller,
  memberId: string,
  filter: { readonly permission?: Permission },
  page: { readonly limit: number; readonly cursor?: string },
): Promise<{ items: MemberBot[]; nextCursor: string | null }> {
  if (caller.memberId !== memberId && !canOn(caller.ability, 'users:read', caller.tenantId)) throw new Forbidden();
  const tenantId = caller.tenantId;
  const member = await getMember(deps, tenantId, memberId);
  if (!member) throw new NotFound('Member', 'member_not_found');
  const now = deps.now();

  const tenantAssignments = member.roles.filter((assignment) => isAssignmentActive(assignment, now));
  // The member's groups (existing, not being deleted): their tenant roles count, and their grants on bots.
  const carried = groupRolesOf(member, await groupsOfMembers(deps, tenantId, [member]));
  const groupIds = carried.map((group) => group.groupId);
  const tenantPermissions = computeEffectivePermissions({
    assignments: tenantAssignments,
    directPermissions: member.permissions,
    roles: await resolveRoles(deps, tenantId, [
      ...tenantAssignments.map((a) => a.roleId),
      ...carried.flatMap((group) => group.roles.map((a) => a.roleId)),
    ]),
    now,
    groups: carried,
  });
  const { permission } = filter;
  const everyBot = tenantPermissions.some((held) =>
    permission === undefined ? isBotScoped(held.permission) : held.permission === permission,
  );
  const scope = `member-bots|${tenantId}|${memberId}|${everyBot ? 'tenant' : 'grants'}|permission=${permission ?? '*'}`;
  // Every bot qualifies when found through the tenant: a page is one Query. Grants may be dropped: read ahead.
  const chunk = everyBot || permission === undefined ? page.limit : Math.min(MAX_CHUNK, Math.max(20, 2 * page.limit));
  const walk = { scope, chunk, ...(page.cursor === undefined ? {} : { cursor: page.cursor }) };

  interface Found {
    readonly bot: BotRecord;
    readonly grant: ResourceGrantRecord | undefined;
    readonly groupGrants: readonly ResourceGrantRecord[];
  }
  const standing = async (found: readonly Found[]): Promise<MemberBot[]> => {
    const roles = await resolveRoles(
      deps,
      tenantId,
      found.flatMap(({ grant, groupGrants }) =>
        [grant, ...groupGrants].flatMap((g) => (g?.roles ?? []).map((a) => a.roleId)),
      ),
    );
    return found.map(({ bot, grant, groupGrants }) => {
      const held = (grant?.roles ?? []).filter((assignment) => isBotAssignmentUnexpired(assignment, now));
      const groups = groupBotRolesOf(groupGrants, groupIds, now);
      return {
        bot,
        roles: held,
        groups,
        permissions: computeBotPermissions({ tenantPermissions, assignments: held, roles, now, groups }),
      };
    });
  };
  const qualifies = (entry: MemberBot) =>
    everyBot ||
    (permission === undefined
      ? entry.roles.length > 0 || entry.groups.length > 0
      : entry.permissions.some((p) => p.permission === permission));

  async function* throughTenant() {
    for await (const entries of walkBotsOfTenant(deps, tenantId, walk)) {
      const bots = entries.map((entry) => entry.value);
      const botIds = bots.map((bot) => bot.botId);
      // The groups' grants on every bot of the page: (page size × groups) keys, parallel BatchGetItems of 100.
      const [grants, groupFound] = await Promise.all([
        getGrantsOfMemberOn(deps, tenantId, botIds, memberId),
        batchGetByKey(deps, groupGrantsKeys(tenantId, botIds, groupIds)),
      ]);
      const stood = await standing(
        bots.map((bot) => ({
          bot,
          grant: grants.get(bot.botId),
          groupGrants: groupGrantsFrom(groupFound, tenantId, bot.botId, groupIds),
        })),
      );
      yield entries.flatMap((entry, i) => {
        const value = stood[i];
        return value ? [{ value, cursorAfter: entry.cursorAfter }] : [];
      });
    }
  }
  async function* throughGrants() {
    const principals = [
      { type: 'member' as const, id: memberId },
      ...groupIds.map((id) => ({ type: 'group' as const, id })),
    ];
    for await (const entries of walkBotIdsOfPrincipals(deps, tenantId, principals, walk)) {
      const botIds = entries.map((entry) => entry.value.botId);
      // The bots, the member's grants and the group grants the index listed, in one BatchGetItem round.
      const groupKeys = entries.flatMap(({ value }) =>
        value.through.flatMap((source) =>
          source.startsWith('group:') ? [botGroupGrantKey(tenantId, value.botId, source.slice('group:'.length))] : [],
        ),
      );
      const found = await batchGetByKey(deps, [...botsWithGrantsKeys(tenantId, botIds, memberId), ...groupKeys]);
      const stood = new Map(
        (
          await standing(
            botsWithGrantsFrom(found, tenantId, botIds, memberId).map(({ bot, grant }) => ({
              bot,
              grant,
              groupGrants: groupIds.flatMap((groupId) => {
                const item = found.get(botGroupGrantKey(tenantId, bot.botId, groupId));
                return item ? [stripKeys<ResourceGrantRecord>(item)] : [];
              }),
            })),
          )
        ).map((s) => [s.bot.botId, s]),
      );
      // An entry whose bot is gone (deleted meanwhile: the index lags) is dropped.
      yield entries.flatMap((entry) => {
        const value = stood.get(entry.value.botId);
        return value ? [{ value, cursorAfter: entry.cursorAfter }] : [];
      });
    }
  }

  const items: MemberBot[] = [];
  for await (const entries of everyBot ? throughTenant() : throughGrants()) {
    for (const { value, cursorAfter } of entries) {
      if (!qualifies(value)) continue;
      items.push(value);
      if (items.length === page.limit) return { items, nextCursor: cursorAfter() };
    }
  }
  return { items, nextCursor: null };
}
