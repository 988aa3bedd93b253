import { batchGetItems } from '../data/batch-get';
import { botGrantKey } from '../data/bot-repository';
import { stripKeys } from '../data/data-deps';
import { type ItemKey, keys } from '../data/keys';
import { getMemberWithCustomRoles, recordSignIn } from '../data/member-repository';
import { getPrincipalLink } from '../data/principal-repository';
import type { BotRecord, CustomRoleRecord, MemberRecord, ResourceGrantRecord } from '../data/records';
import { buildAbility } from '../domain/ability';
import type { BotCaller, Identity, TenantCaller } from '../domain/actor';
import { computeBotPermissions, isBotAssignmentUnexpired } from '../domain/bot-permissions';
import { computeEffectivePermissions, isAssignmentActive } from '../domain/effective-permissions';
import { Forbidden, NotFound } from '../domain/errors';
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
 * The caller of a bot route: their membership as `resolveTenantCaller` reads it, plus the bot and their grant
 * on it, read in the same BatchGetItem as the member (still two round trips; a custom bot role held on the bot
 * costs one more read). An unknown bot, or one of another tenant, is 404 `bot_not_found`.
 */
export async function resolveBotCaller(
  deps: ServiceDeps,
  identity: Identity,
  tenantId: string,
  botId: string,
): Promise<BotCaller> {
  const { caller, bot, grant } = await resolveCaller(deps, identity, tenantId, botId);
  if (!bot) throw new NotFound('Bot', 'bot_not_found');
  return botCallerOf(deps, caller, bot, grant);
}

/**
 * A tenant caller as the caller of one bot, from the bot and their grant on it (read by whoever calls this):
 * their unexpired roles there and their effective permissions on it. For services that reach a bot through
 * something else than the path (an access request names its bot).
 */
export async function botCallerOf(
  deps: ServiceDeps,
  caller: TenantCaller,
  bot: BotRecord,
  grant: ResourceGrantRecord | undefined,
): Promise<BotCaller> {
  const now = deps.now();
  const botRoles = (grant?.roles ?? []).filter((assignment) => isBotAssignmentUnexpired(assignment, now));
  const roles = await resolveRoles(
    deps,
    caller.tenantId,
    botRoles.map((a) => a.roleId),
  );
  return {
    ...caller,
    bot,
    botRoleIds: botRoles.map((a) => a.roleId),
    botAssignments: botRoles,
    botPermissions: computeBotPermissions({
      tenantPermissions: caller.effectivePermissions,
      assignments: botRoles,
      roles,
      now,
    }),
    isBotOwner: botRoles.some((a) => a.roleId === 'bot-owner'),
  };
}

async function resolveCaller(
  deps: ServiceDeps,
  identity: Identity,
  tenantId: string,
  botId: string | undefined,
): Promise<{ caller: TenantCaller; bot?: BotRecord; grant?: ResourceGrantRecord }> {
  // Two round trips: the link, then the member with the custom roles the link says it holds (and, on a bot
  // route, the bot and the member's grant on it) in one BatchGetItem. Should the member hold a custom role the
  // link does not list, resolveRoles reads it.
  const link = await getPrincipalLink(deps, identity.userId, tenantId);
  let member: MemberRecord | undefined;
  let prefetchedRoles: CustomRoleRecord[] = [];
  let bot: BotRecord | undefined;
  let grant: ResourceGrantRecord | undefined;
  if (link && botId === undefined) {
    // A tenant route: the member alone is one GetItem when the link lists no custom role.
    ({ member, roles: prefetchedRoles } = await getMemberWithCustomRoles(
      deps,
      tenantId,
      link.memberId,
      link.customRoleIds ?? [],
    ));
  } else if (link) {
    const memberKey = keys.member(tenantId, link.memberId);
    const roleKeys = (link.customRoleIds ?? []).map((roleId) => keys.role(tenantId, roleId));
    const botKeys: ItemKey[] =
      botId === undefined ? [] : [keys.bot(tenantId, botId), botGrantKey(tenantId, botId, link.memberId)];
    const byKey = new Map(
      (await batchGetItems(deps, [memberKey, ...roleKeys, ...botKeys])).map((item) => [
        `${String(item.PK)}|${String(item.SK)}`,
        item,
      ]),
    );
    const at = (key: ItemKey) => byKey.get(`${key.PK}|${key.SK}`);
    const memberItem = at(memberKey);
    member = memberItem ? stripKeys<MemberRecord>(memberItem) : undefined;
    prefetchedRoles = roleKeys.flatMap((key) => {
      const item = at(key);
      return item ? [stripKeys<CustomRoleRecord>(item)] : [];
    });
    const [botItem, grantItem] = botKeys.map(at);
    bot = botItem ? stripKeys<BotRecord>(botItem) : undefined;
    grant = grantItem ? stripKeys<ResourceGrantRecord>(grantItem) : undefined;
  }
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
  const roles = await resolveRoles(
    deps,
    tenantId,
    activeAssignments.map((a) => a.roleId),
    { prefetched: prefetchedRoles },
  );
  const effectivePermissions = computeEffectivePermissions({
    assignments: activeAssignments,
    directPermissions: member.permissions,
    roles,
    now,
  });
  const caller: TenantCaller = {
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
  };
  return { caller, ...(bot ? { bot } : {}), ...(grant ? { grant } : {}) };
}
