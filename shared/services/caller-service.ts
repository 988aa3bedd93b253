import { batchGetByKey, type FoundItems } from '../data/batch-get';
import { botGrantKey, getGroupGrantsOn, groupGrantsFrom, groupGrantsKeys } from '../data/bot-repository';
import { stripKeys } from '../data/data-deps';
import { getGroups, groupIdsOf, groupKeysOf } from '../data/group-repository';
import { type ItemKey, keys } from '../data/keys';
import { getMember, recordSignIn } from '../data/member-repository';
import { getPrincipalLink } from '../data/principal-repository';
import type { BotRecord, CustomRoleRecord, GroupRecord, MemberRecord, ResourceGrantRecord } from '../data/records';
import { buildAbility } from '../domain/ability';
import type { BotCaller, Identity, LinkedIdentity, TenantCaller } from '../domain/actor';
import { computeBotPermissions, type GroupBotRoles, isBotAssignmentUnexpired } from '../domain/bot-permissions';
import { computeEffectivePermissions, isAssignmentActive } from '../domain/effective-permissions';
import { Forbidden, NotFound } from '../domain/errors';
import { groupRolesOf } from './group-roles';
import { resolveRoles } from './role-resolution';
import type { ServiceDeps } from './service-deps';

/**
 * The caller's membership in `tenantId`, read fresh from DynamoDB on every request: a role change,
 * an expired assignment or a suspension applies to the very next request, with no re-login.
 *
 * Someone who is not a member learns nothing, not even whether the tenant exists (404). A suspended
 * member is told so (403 `member_suspended`).
 */
export async function resolveTenantCaller(
  deps: ServiceDeps,
  identity: Identity,
  tenantId: string,
): Promise<TenantCaller> {
  return (await resolveCaller(deps, identity, tenantId, undefined)).caller;
}

/**
 * The caller of a bot route: their membership as `resolveTenantCaller` reads it, plus the bot, their grant on
 * it and the grants on it of each group their link lists, read in the same BatchGetItem as the member (still
 * two round trips for a member in up to 50 groups: 3 + 50 keys; a custom bot role held on the bot costs one
 * more read). An unknown bot, or one of another tenant, is 404 `bot_not_found`.
 */
export async function resolveBotCaller(
  deps: ServiceDeps,
  identity: Identity,
  tenantId: string,
  botId: string,
): Promise<BotCaller> {
  const { caller, bot, grant, groupGrants } = await resolveCaller(deps, identity, tenantId, botId);
  if (!bot) throw new NotFound('Bot', 'bot_not_found');
  return botCallerOf(deps, caller, bot, grant, groupGrants);
}

/**
 * A tenant caller as the caller of one bot, from the bot, their grant on it and their groups' grants on it
 * (read by whoever calls this; `groupGrants` undefined: read here, one BatchGetItem, when the caller is in a
 * group): their unexpired roles there, directly and through their groups, and their effective permissions on
 * it. Only the groups of `caller.groupIds` (existing, not being deleted) count. For services that reach a bot
 * through something else than the path (an access request names its bot).
 */
export async function botCallerOf(
  deps: ServiceDeps,
  caller: TenantCaller,
  bot: BotRecord,
  grant: ResourceGrantRecord | undefined,
  groupGrants?: readonly ResourceGrantRecord[],
): Promise<BotCaller> {
  const now = deps.now();
  const groupIds = caller.groupIds ?? [];
  const readGroupGrants = groupGrants ?? (await getGroupGrantsOn(deps, caller.tenantId, bot.botId, groupIds));
  const botRoles = (grant?.roles ?? []).filter((assignment) => isBotAssignmentUnexpired(assignment, now));
  const groupRoles = groupBotRolesOf(readGroupGrants, groupIds, now);
  const roles = await resolveRoles(deps, caller.tenantId, [
    ...botRoles.map((a) => a.roleId),
    ...groupRoles.flatMap((group) => group.assignments.map((a) => a.roleId)),
  ]);
  return {
    ...caller,
    bot,
    botRoleIds: [...new Set([...botRoles, ...groupRoles.flatMap((group) => group.assignments)].map((a) => a.roleId))],
    botAssignments: botRoles,
    botGroupRoles: groupRoles,
    botPermissions: computeBotPermissions({
      tenantPermissions: caller.effectivePermissions,
      assignments: botRoles,
      roles,
      now,
      groups: groupRoles,
    }),
    // Bot Owner is never held through a group (it is not assignable to one).
    isBotOwner: botRoles.some((a) => a.roleId === 'bot-owner'),
  };
}

/**
 * The roles groups hold on one bot, for a member of `groupIds` (their active groups, in order): the grants of
 * those groups only (a grant of a group the member left, or of a group being deleted, counts for nothing),
 * unexpired roles only, groups holding none left out.
 */
export function groupBotRolesOf(
  grants: readonly ResourceGrantRecord[],
  groupIds: readonly string[],
  now: Date,
): GroupBotRoles[] {
  const byGroup = new Map(
    grants.filter((g) => g.principalType === 'group').map((grant) => [grant.principalId, grant] as const),
  );
  return groupIds.flatMap((groupId) => {
    const assignments = (byGroup.get(groupId)?.roles ?? []).filter((a) => isBotAssignmentUnexpired(a, now));
    return assignments.length === 0 ? [] : [{ groupId, assignments }];
  });
}

/**
 * The principal link of `identity` in `tenantId` (one consistent GetItem): proof they joined it, and the hint
 * of their custom roles. Someone with no link is not a member and learns nothing (404 `tenant_not_found`).
 */
export async function resolveLink(deps: ServiceDeps, identity: Identity, tenantId: string): Promise<LinkedIdentity> {
  const link = await getPrincipalLink(deps, identity.userId, tenantId);
  if (!link) throw new NotFound('Tenant', 'tenant_not_found');
  return {
    ...identity,
    tenantId,
    memberId: link.memberId,
    customRoleIds: link.customRoleIds ?? [],
    groupIds: groupIdsOf(link),
  };
}

/**
 * The caller behind a principal link, judged as every tenant route judges it (active membership, roles read
 * fresh), with `withKeys` (the items the request names) read in the same round trip: one BatchGetItem of the
 * member, the custom roles and the groups the link lists and those keys (parallel BatchGetItems beyond 100
 * keys). `found` answers the request's keys; `customRoles` are the custom roles read, for later role
 * resolution. A custom role that only a group carries is not on the link: it costs one more read.
 */
export async function resolveLinkedCaller(
  deps: ServiceDeps,
  linked: LinkedIdentity,
  withKeys: readonly ItemKey[],
): Promise<{ caller: TenantCaller; found: FoundItems; customRoles: CustomRoleRecord[] }> {
  const memberKey = keys.member(linked.tenantId, linked.memberId);
  const roleKeys = linked.customRoleIds.map((roleId) => keys.role(linked.tenantId, roleId));
  const groupKeys = groupKeysOf(linked.tenantId, linked.groupIds);
  const found = await batchGetByKey(deps, [memberKey, ...roleKeys, ...groupKeys, ...withKeys]);
  const memberItem = found.get(memberKey);
  const customRoles = roleKeys.flatMap((key) => {
    const item = found.get(key);
    return item ? [stripKeys<CustomRoleRecord>(item)] : [];
  });
  const groups = new Map(
    groupKeys.flatMap((key) => {
      const item = found.get(key);
      if (!item) return [];
      const group = stripKeys<GroupRecord>(item);
      return [[group.groupId, group] as const];
    }),
  );
  const member = memberItem ? stripKeys<MemberRecord>(memberItem) : undefined;
  const caller = await judgeCaller(
    deps,
    identityOf(linked),
    linked.tenantId,
    member,
    customRoles,
    await groupsAsOfMember(deps, linked, member, groups),
  );
  return { caller, found, customRoles };
}

/**
 * The member's groups: those read with the member when the link listed the same groups as the member (it is
 * written in the same transactions; a difference means a membership changed between the two reads), else
 * read again, by the member record, which is the authority.
 */
function groupsAsOfMember(
  deps: ServiceDeps,
  linked: LinkedIdentity,
  member: MemberRecord | undefined,
  read: ReadonlyMap<string, GroupRecord>,
): Promise<ReadonlyMap<string, GroupRecord>> {
  if (!member) return Promise.resolve(read);
  const wanted = groupIdsOf(member);
  if (wanted.length === linked.groupIds.length && wanted.every((id, i) => id === linked.groupIds[i]))
    return Promise.resolve(read);
  return getGroups(deps, linked.tenantId, wanted);
}

/** The identity a link was read for, without the link. */
function identityOf(linked: LinkedIdentity): Identity {
  const {
    tenantId: _tenantId,
    memberId: _memberId,
    customRoleIds: _customRoleIds,
    groupIds: _groupIds,
    ...identity
  } = linked;
  return identity;
}

async function resolveCaller(
  deps: ServiceDeps,
  identity: Identity,
  tenantId: string,
  botId: string | undefined,
): Promise<{
  caller: TenantCaller;
  bot?: BotRecord;
  grant?: ResourceGrantRecord;
  groupGrants?: readonly ResourceGrantRecord[];
}> {
  // Two round trips: the link, then the member with the custom roles the link says it holds (and, on a bot
  // route, the bot, the member's grant on it and the grants on it of the groups the link lists) in one
  // BatchGetItem. Should the member hold a custom role the link does not list, resolveRoles reads it.
  const linked = await resolveLink(deps, identity, tenantId);
  if (botId === undefined) {
    // A tenant route: the member alone is one GetItem when the link lists no custom role and no group.
    if (linked.customRoleIds.length === 0 && linked.groupIds.length === 0) {
      const member = await getMember(deps, tenantId, linked.memberId);
      return { caller: await judgeCaller(deps, identity, tenantId, member, [], new Map()) };
    }
    const { caller } = await resolveLinkedCaller(deps, linked, []);
    return { caller };
  }
  const botKey = keys.bot(tenantId, botId);
  const grantKey = botGrantKey(tenantId, botId, linked.memberId);
  const { caller, found } = await resolveLinkedCaller(deps, linked, [
    botKey,
    grantKey,
    ...groupGrantsKeys(tenantId, [botId], linked.groupIds),
  ]);
  const [botItem, grantItem] = [found.get(botKey), found.get(grantKey)];
  // The member's groups are the authority: a group the link did not list (a membership changed between the
  // two reads) has its grant read now, one more read in that rare case.
  const groupIds = caller.groupIds ?? [];
  const unread = groupIds.filter((groupId) => !linked.groupIds.includes(groupId));
  const groupGrants = [
    ...groupGrantsFrom(found, tenantId, botId, groupIds),
    ...(botItem ? await getGroupGrantsOn(deps, tenantId, botId, unread) : []),
  ];
  return {
    caller,
    ...(botItem ? { bot: stripKeys<BotRecord>(botItem) } : {}),
    ...(grantItem ? { grant: stripKeys<ResourceGrantRecord>(grantItem) } : {}),
    groupGrants,
  };
}

/** The member behind a link, as a caller: active, theirs, with their effective permissions read fresh. */
async function judgeCaller(
  deps: ServiceDeps,
  identity: Identity,
  tenantId: string,
  member: MemberRecord | undefined,
  prefetchedRoles: readonly CustomRoleRecord[],
  groups: ReadonlyMap<string, GroupRecord>,
): Promise<TenantCaller> {
  if (!member || member.userId !== identity.userId) throw new NotFound('Tenant', 'tenant_not_found');
  if (member.status === 'suspended')
    throw new Forbidden('Your membership in this tenant is suspended.', 'member_suspended');
  if (member.status !== 'active') throw new NotFound('Tenant', 'tenant_not_found');

  const now = deps.now();
  if (identity.authTime !== undefined) {
    const signedInAt = new Date(identity.authTime * 1000).toISOString();
    // First request after a sign-in: one conditional write per sign-in, not per request.
    if (!member.lastLoginAt || member.lastLoginAt < signedInAt)
      await recordSignIn(deps, tenantId, member.memberId, signedInAt);
  }
  const activeAssignments = member.roles.filter((assignment) => isAssignmentActive(assignment, now));
  const carried = groupRolesOf(member, groups);
  const roles = await resolveRoles(
    deps,
    tenantId,
    [
      ...activeAssignments.map((a) => a.roleId),
      ...carried.flatMap((group) => group.roles.filter((a) => isAssignmentActive(a, now)).map((a) => a.roleId)),
    ],
    { prefetched: prefetchedRoles },
  );
  const effectivePermissions = computeEffectivePermissions({
    assignments: activeAssignments,
    directPermissions: member.permissions,
    roles,
    now,
    groups: carried,
  });
  return {
    ...identity,
    // The member's address was verified by accepting the invitation; access tokens carry no email claim.
    email: identity.email ?? member.email,
    tenantId,
    memberId: member.memberId,
    roleIds: activeAssignments.map((a) => a.roleId),
    effectivePermissions,
    ability: buildAbility(
      tenantId,
      effectivePermissions.map((p) => p.permission),
    ),
    isOwner: activeAssignments.some((a) => a.roleId === 'owner'),
    groupIds: carried.map((group) => group.groupId),
  };
}
