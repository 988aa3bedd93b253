import { batchGetByKey } from '../data/batch-get';
import {
  botsWithGrantsFrom,
  botsWithGrantsKeys,
  deleteBot as deleteBotItems,
  deleteGrant,
  getBotWithGrant,
  groupGrantsFrom,
  groupGrantsKeys,
  listBotIds,
  listGrantsOnBot,
  putGrant,
  putNewBot,
  updateBot as updateBotItems,
} from '../data/bot-repository';
import { getMember } from '../data/member-repository';
import { type AuditAction, outboxPut } from '../data/outbox';
import {
  type BotEnvironment,
  type BotRecord,
  botEnvironments,
  type ResourceGrantRecord,
  type ResourceRoleAssignment,
} from '../data/records';
import { type TransactItem, type TransactionStep, transactWrite } from '../data/transactions';
import { auditActorOf, type BotCaller, type RequestMeta, type TenantCaller } from '../domain/actor';
import { computeBotPermissions, isBotAssignmentUnexpired } from '../domain/bot-permissions';
import { Conflict, Forbidden, InvalidState, NotFound, PreconditionFailed } from '../domain/errors';
import type { Permission } from '../domain/permissions';
import { groupBotRolesOf } from './caller-service';
import { concurrentChange } from './grant-guards';
import { resolveRoles } from './role-resolution';
import type { ServiceDeps } from './service-deps';

/** A bot with what the caller holds on it: the roles they hold there and their effective permissions on it. */
export interface BotWithAccess {
  readonly bot: BotRecord;
  readonly myAccess: { readonly roles: string[]; readonly permissions: Permission[] };
}

/** Most items of one TransactWriteItems. */
const TRANSACTION_LIMIT = 100;

/** Environments in catalog order, each once; all three when none are given (SPEC §7). */
function environmentsOf(requested: readonly BotEnvironment[] | undefined): BotEnvironment[] {
  return botEnvironments.filter((environment) => requested === undefined || requested.includes(environment));
}

function ownerGrant(
  tenantId: string,
  botId: string,
  memberId: string,
  now: string,
  previous?: ResourceGrantRecord,
): ResourceGrantRecord {
  const others: readonly ResourceRoleAssignment[] = previous?.roles ?? [];
  return {
    tenantId,
    resourceType: 'bot',
    resourceId: botId,
    principalType: 'member',
    principalId: memberId,
    roles: [{ roleId: 'bot-owner' }, ...others.filter((a) => a.roleId !== 'bot-owner')],
    updatedAt: now,
    version: (previous?.version ?? 0) + 1,
  };
}

/** The public view of a bot in the audit trail (no access data). */
const botState = (bot: BotRecord) => ({
  botId: bot.botId,
  name: bot.name,
  environments: bot.environments,
  ownerMemberId: bot.ownerMemberId,
});

export function botEvent(
  deps: ServiceDeps,
  caller: TenantCaller,
  meta: RequestMeta,
  action: AuditAction,
  bot: BotRecord,
  before: unknown,
  after: unknown,
): TransactItem {
  return outboxPut(deps.tableName, {
    eventId: deps.newId(),
    tenantId: bot.tenantId,
    occurredAt: deps.now().toISOString(),
    action,
    actor: auditActorOf(caller, meta),
    target: { type: 'bot', id: bot.botId, label: bot.name },
    changes: { before, after },
    requestId: meta.requestId,
  });
}

/** A bot write whose condition failed: 404 if the bot is gone, else 412 (it changed since it was read). */
function botChangedMeanwhile(found: Record<string, unknown> | undefined) {
  return found === undefined
    ? new NotFound('Bot', 'bot_not_found')
    : new PreconditionFailed(typeof found.version === 'number' ? found.version : undefined);
}

const grantChangedMeanwhile = () => concurrentChange('Access to this bot changed meanwhile; retry.');

/**
 * What a caller holds on a bot, from their grant on it and their groups' grants on it (read with it) and their
 * tenant-level set: the roles held directly or through a group, and the permissions they give.
 */
function accessOf(
  caller: TenantCaller,
  grant: ResourceGrantRecord | undefined,
  roles: Awaited<ReturnType<typeof resolveRoles>>,
  now: Date,
  groupGrants: readonly ResourceGrantRecord[] = [],
): BotWithAccess['myAccess'] {
  const active = (grant?.roles ?? []).filter((assignment) => isBotAssignmentUnexpired(assignment, now));
  const groups = groupBotRolesOf(groupGrants, caller.groupIds ?? [], now);
  return {
    roles: [...new Set([...active, ...groups.flatMap((group) => group.assignments)].map((a) => a.roleId))],
    permissions: computeBotPermissions({
      tenantPermissions: caller.effectivePermissions,
      assignments: active,
      roles,
      now,
      groups,
    }).map((p) => p.permission),
  };
}

/** What the caller of a bot route holds on it (resolved with the request). */
export function botWithAccess(caller: BotCaller, bot: BotRecord = caller.bot): BotWithAccess {
  return {
    bot,
    myAccess: { roles: [...caller.botRoleIds], permissions: caller.botPermissions.map((p) => p.permission) },
  };
}

/**
 * Registers a bot (`bots:create`, checked by the route): the bot, its search terms, the caller's `bot-owner`
 * grant and the `bot.registered` event in one transaction. A given id taken in the tenant is 409 `bot_exists`.
 */
export async function registerBot(
  deps: ServiceDeps,
  caller: TenantCaller,
  input: { name: string; botId?: string; environments?: readonly BotEnvironment[] },
  meta: RequestMeta,
): Promise<BotWithAccess> {
  const now = deps.now().toISOString();
  const bot: BotRecord = {
    tenantId: caller.tenantId,
    botId: input.botId ?? deps.newId(),
    name: input.name,
    environments: environmentsOf(input.environments),
    ownerMemberId: caller.memberId,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  const grant = ownerGrant(caller.tenantId, bot.botId, caller.memberId, now);
  const [botPut, ...rest] = putNewBot(deps, bot, grant);
  if (!botPut) throw new Error('putNewBot returned no items');
  await transactWrite(deps, [
    {
      item: botPut,
      onConditionFailed: () =>
        new Conflict('bot_exists', `A bot with the id ${bot.botId} exists in this tenant already.`),
    },
    ...rest.map((item) => ({ item })),
    { item: botEvent(deps, caller, meta, 'bot.registered', bot, null, { ...botState(bot), ownerRoles: grant.roles }) },
  ]);
  const roles = await resolveRoles(deps, caller.tenantId, ['bot-owner']);
  return { bot, myAccess: accessOf(caller, grant, roles, deps.now()) };
}

/**
 * The bot directory (any active member): a page of the tenant's bots, each with what the caller holds on it,
 * directly or through their groups. The bots, the caller's grants and their groups' grants on them are one
 * round of BatchGetItems (page size × (2 + groups) keys, in parallel requests of 100).
 */
export async function listBots(
  deps: ServiceDeps,
  caller: TenantCaller,
  q: string | undefined,
  page: { limit: number; cursor?: string },
): Promise<{ items: BotWithAccess[]; nextCursor: string | null }> {
  const { tenantId, memberId } = caller;
  const groupIds = caller.groupIds ?? [];
  const { botIds, nextCursor } = await listBotIds(deps, tenantId, q, page);
  const read =
    botIds.length === 0
      ? undefined
      : await batchGetByKey(deps, [
          ...botsWithGrantsKeys(tenantId, botIds, memberId),
          ...groupGrantsKeys(tenantId, botIds, groupIds),
        ]);
  const found = read
    ? botsWithGrantsFrom(read, tenantId, botIds, memberId).map((entry) => ({
        ...entry,
        groupGrants: groupGrantsFrom(read, tenantId, entry.bot.botId, groupIds),
      }))
    : [];
  const roles = await resolveRoles(
    deps,
    tenantId,
    found.flatMap(({ grant, groupGrants }) =>
      [grant, ...groupGrants].flatMap((g) => (g?.roles ?? []).map((a) => a.roleId)),
    ),
  );
  const now = deps.now();
  return {
    items: found.map(({ bot, grant, groupGrants }) => ({
      bot,
      myAccess: accessOf(caller, grant, roles, now, groupGrants),
    })),
    nextCursor,
  };
}

/** Principals named in an `environment_in_use` answer. */
const PRINCIPALS_NAMED = 10;

/**
 * A bot may drop an environment only when no access to it is limited to that environment (SPEC §7): such a
 * grant would be left covering an environment the bot no longer has. Unexpired assignments only (an expired
 * one grants nothing and goes with the next purge); assignments without a limit cover whatever the bot has.
 * Reads every grant on the bot, so only when environments shrink.
 */
async function assertEnvironmentsUnused(
  deps: ServiceDeps,
  bot: BotRecord,
  dropped: readonly BotEnvironment[],
): Promise<void> {
  const now = deps.now();
  const limitedTo = (grant: ResourceGrantRecord) =>
    dropped.filter((environment) =>
      grant.roles.some(
        (assignment) => isBotAssignmentUnexpired(assignment, now) && assignment.environments?.includes(environment),
      ),
    );
  const inUse = (await listGrantsOnBot(deps, bot.tenantId, bot.botId)).filter((g) => limitedTo(g).length > 0);
  if (inUse.length === 0) return;
  const environments = dropped.filter((environment) => inUse.some((g) => limitedTo(g).includes(environment)));
  const principals = inUse.slice(0, PRINCIPALS_NAMED).map((g) => ({ type: g.principalType, id: g.principalId }));
  const more = inUse.length > principals.length ? ` and ${inUse.length - principals.length} more` : '';
  throw new Conflict(
    'environment_in_use',
    `Access to this bot is limited to ${environments.join(', ')} for ${principals
      .map((p) => `${p.type} ${p.id}`)
      .join(', ')}${more}; change that access before removing the environment.`,
    { environments, principals, count: inUse.length },
  );
}

/**
 * Renames a bot or changes its environments (`bots:configure` on it, checked by the route); If-Match: version.
 * Dropping an environment some access is limited to is 409 `environment_in_use`, and changes nothing.
 */
export async function updateBot(
  deps: ServiceDeps,
  caller: BotCaller,
  input: { name?: string; environments?: readonly BotEnvironment[] },
  expectedVersion: number | undefined,
  meta: RequestMeta,
): Promise<BotWithAccess> {
  const before = caller.bot;
  if (expectedVersion !== undefined && expectedVersion !== before.version) throw new PreconditionFailed(before.version);
  const after: BotRecord = {
    ...before,
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.environments !== undefined ? { environments: environmentsOf(input.environments) } : {}),
    updatedAt: deps.now().toISOString(),
    version: before.version + 1,
  };
  const dropped = before.environments.filter((environment) => !after.environments.includes(environment));
  if (dropped.length > 0) await assertEnvironmentsUnused(deps, before, dropped);
  const [botPut, ...terms] = updateBotItems(deps, before, after);
  if (!botPut) throw new Error('updateBot returned no items');
  await transactWrite(deps, [
    { item: botPut, onConditionFailed: botChangedMeanwhile },
    ...terms.map((item) => ({ item })),
    { item: botEvent(deps, caller, meta, 'bot.updated', after, botState(before), botState(after)) },
  ]);
  return botWithAccess(caller, after);
}

/**
 * Deletes a bot (`bots:delete` on it, checked by the route: the tenant Owner or the bot's Bot Owner) and every
 * grant on it, with one `bot.deleted` event. The last transaction removes the bot, its search terms, the event
 * and as many grants as fit; grants beyond that are deleted first, in transactions of 100 (should the request
 * stop between them, the bot is still there, with fewer grants, and repeating the DELETE finishes the job).
 * The bot's own grant, the Bot Owner's, goes last, so a partly deleted bot keeps its owner.
 */
export async function deleteBot(deps: ServiceDeps, caller: BotCaller, meta: RequestMeta): Promise<void> {
  const bot = caller.bot;
  const grants = await listGrantsOnBot(deps, bot.tenantId, bot.botId);
  const ownerFirst = [
    ...grants.filter((g) => g.principalType === 'member' && g.principalId === bot.ownerMemberId),
    ...grants.filter((g) => !(g.principalType === 'member' && g.principalId === bot.ownerMemberId)),
  ];
  const botItems = deleteBotItems(deps, bot);
  const room = TRANSACTION_LIMIT - botItems.length - 1;
  const last = ownerFirst.slice(0, room);
  const earlier = ownerFirst.slice(room);
  for (let start = 0; start < earlier.length; start += TRANSACTION_LIMIT) {
    await transactWrite(
      deps,
      earlier.slice(start, start + TRANSACTION_LIMIT).map((grant) => ({ item: deleteGrant(deps, grant) })),
    );
  }
  const [botDelete, ...terms] = botItems;
  if (!botDelete) throw new Error('deleteBot returned no items');
  const steps: TransactionStep[] = [
    { item: botDelete, onConditionFailed: botChangedMeanwhile },
    ...terms.map((item) => ({ item })),
    ...last.map((grant) => ({ item: deleteGrant(deps, grant) })),
    {
      item: botEvent(deps, caller, meta, 'bot.deleted', bot, { ...botState(bot), grants: grants.length }, null),
    },
  ];
  await transactWrite(deps, steps);
}

/**
 * Hands a bot to another active member (the Bot Owner or the tenant Owner): they become its `bot-owner`
 * (keeping their other roles on it), the former Bot Owner becomes its `bot-admin`, so there is exactly one
 * Bot Owner per bot; one transaction, conditioned on the bot's version (the owner changes only here).
 */
export async function transferBotOwnership(
  deps: ServiceDeps,
  caller: BotCaller,
  memberId: string,
  meta: RequestMeta,
): Promise<BotWithAccess> {
  if (!(caller.isOwner || caller.isBotOwner))
    throw new Forbidden('Only the Bot Owner or the tenant Owner may do this.', 'bot_owner_required');
  const bot = caller.bot;
  if (memberId === bot.ownerMemberId) throw new Conflict('invalid_transfer', 'That member owns this bot already.');
  const target = await getMember(deps, bot.tenantId, memberId);
  if (!target) throw new NotFound('Member', 'member_not_found');
  if (target.status !== 'active') throw new InvalidState('Bot ownership can only go to an active member.');
  const [found, formerFound] = await Promise.all([
    getBotWithGrant(deps, bot.tenantId, bot.botId, memberId),
    getBotWithGrant(deps, bot.tenantId, bot.botId, bot.ownerMemberId),
  ]);
  if (!found.bot) throw new NotFound('Bot', 'bot_not_found');
  const now = deps.now().toISOString();
  const newGrant = ownerGrant(bot.tenantId, bot.botId, memberId, now, found.grant);
  const formerRoles = (formerFound.grant?.roles ?? []).filter(
    (a) => a.roleId !== 'bot-owner' && a.roleId !== 'bot-admin',
  );
  const formerGrant: ResourceGrantRecord = {
    tenantId: bot.tenantId,
    resourceType: 'bot',
    resourceId: bot.botId,
    principalType: 'member',
    principalId: bot.ownerMemberId,
    roles: [{ roleId: 'bot-admin' }, ...formerRoles],
    updatedAt: now,
    version: (formerFound.grant?.version ?? 0) + 1,
  };
  const after: BotRecord = { ...bot, ownerMemberId: memberId, updatedAt: now, version: bot.version + 1 };
  const [botPut, ...terms] = updateBotItems(deps, bot, after);
  if (!botPut) throw new Error('updateBot returned no items');
  await transactWrite(deps, [
    { item: botPut, onConditionFailed: botChangedMeanwhile },
    ...terms.map((item) => ({ item })),
    // Both grants as read: a change of either meanwhile (a PUT on the access list) fails the transfer.
    { item: putGrant(deps, newGrant, found.grant), onConditionFailed: grantChangedMeanwhile },
    { item: putGrant(deps, formerGrant, formerFound.grant), onConditionFailed: grantChangedMeanwhile },
    {
      item: botEvent(
        deps,
        caller,
        meta,
        'bot.ownership_transferred',
        after,
        {
          ownerMemberId: bot.ownerMemberId,
          ownerRoles: formerFound.grant?.roles ?? [],
          newOwnerRoles: found.grant?.roles ?? [],
        },
        { ownerMemberId: memberId, ownerRoles: newGrant.roles, formerOwnerRoles: formerGrant.roles },
      ),
    },
  ]);
  const roles = await resolveRoles(
    deps,
    bot.tenantId,
    [...newGrant.roles, ...formerGrant.roles].map((a) => a.roleId),
  );
  const callerGrant =
    caller.memberId === memberId ? newGrant : caller.memberId === bot.ownerMemberId ? formerGrant : undefined;
  return {
    bot: after,
    myAccess: callerGrant
      ? accessOf(caller, callerGrant, roles, deps.now())
      : { roles: [...caller.botRoleIds], permissions: caller.botPermissions.map((p) => p.permission) },
  };
}
