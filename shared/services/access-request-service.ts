import {
  type AccessRequestFilter,
  closeAccessRequest,
  expiredAccessRequestsPage,
  getAccessRequest,
  listAccessRequestsPage,
  putNewAccessRequest,
} from '../data/access-request-repository';
import { botUnchangedCheck, getBotGrant, getBotWithGrant, putGrant } from '../data/bot-repository';
import { keys } from '../data/keys';
import { getMember } from '../data/member-repository';
import { type AuditAction, outboxPut } from '../data/outbox';
import type {
  AccessRequestRecord,
  AccessRequestStatus,
  BotRecord,
  RequestedBotRole,
  ResourceGrantRecord,
  ResourceRoleAssignment,
} from '../data/records';
import { type TransactionStep, transactWrite } from '../data/transactions';
import {
  type AuditActor,
  auditActorOf,
  type BotCaller,
  type RequestMeta,
  SYSTEM_ACTOR,
  type TenantCaller,
} from '../domain/actor';
import {
  assertCanGrantOnBot,
  assertEnvironmentsOnBot,
  assertPrerequisitesMet,
  mergeBotAssignments,
  permissionsNotHeld,
  type ResolvedBotAssignment,
} from '../domain/bot-escalation';
import { Conflict, Forbidden, InvalidState, NotFound, ValidationFailed } from '../domain/errors';
import { present } from '../domain/present';
import type { RoleDefinition } from '../domain/roles';
import { grantorOnBot } from './bot-access-service';
import { botCallerOf } from './caller-service';
import { concurrentChange, isConcurrentChange, isTransientConflict, judgedOn } from './grant-guards';
import { resolveAssignableRoles, resolveRoles } from './role-resolution';
import type { ServiceDeps } from './service-deps';

/** A pending request expires this long after it was made (SPEC §9). */
export const ACCESS_REQUEST_VALID_DAYS = 14;

const DAY_MS = 24 * 3600 * 1000;
const APPROVER_PERMISSION = 'collaborators:manage';

const requestNotFound = () => new NotFound('Access request', 'access_request_not_found');

/** What the audit trail keeps of a request (and what notifications are made from). */
const requestState = (request: AccessRequestRecord) => ({
  requestId: request.requestId,
  botId: request.botId,
  botName: request.botName,
  requesterId: request.requesterId,
  requesterEmail: request.requesterEmail,
  status: request.status,
  roles: request.roles,
  ...(request.reason !== undefined ? { reason: request.reason } : {}),
  ...(request.approvedRoles !== undefined ? { approvedRoles: request.approvedRoles } : {}),
  ...(request.denialReason !== undefined ? { denialReason: request.denialReason } : {}),
  expiresAt: request.expiresAt,
});

function requestEvent(
  deps: ServiceDeps,
  request: AccessRequestRecord,
  action: AuditAction,
  actor: AuditActor,
  requestId: string,
  before: unknown,
  after: unknown,
) {
  return outboxPut(deps.tableName, {
    eventId: deps.newId(),
    tenantId: request.tenantId,
    occurredAt: deps.now().toISOString(),
    action,
    actor,
    target: { type: 'access_request', id: request.requestId, label: request.botName },
    changes: { before, after },
    requestId,
  });
}

/** Bot roles that may be asked for: existing bot roles (400 `unknown_role`, `role_scope_mismatch`), never Bot Owner. */
async function resolveRequestable(
  deps: ServiceDeps,
  tenantId: string,
  roles: readonly ResourceRoleAssignment[],
): Promise<RoleDefinition[]> {
  const resolved = await resolveAssignableRoles(deps, tenantId, roles, 'body.roles', 'bot');
  if (resolved.some((role) => role.roleId === 'bot-owner')) {
    throw new ValidationFailed(
      'The Bot Owner role cannot be requested: it changes hands only by transfer-ownership.',
      [{ path: 'body.roles', message: 'bot-owner is not requestable' }],
      'bot_owner_not_requestable',
    );
  }
  return resolved;
}

/** Assignments with the roles they name (roles unknown by now are left out: they grant nothing). */
function withRoles(
  assignments: readonly ResourceRoleAssignment[],
  known: ReadonlyMap<string, RoleDefinition>,
): ResolvedBotAssignment[] {
  return assignments.flatMap((assignment) => {
    const role = known.get(assignment.roleId);
    return role ? [{ assignment, role }] : [];
  });
}

const unexpiredRoles = (grant: ResourceGrantRecord | undefined, now: Date) =>
  (grant?.roles ?? []).filter((a) => a.expiresAt === undefined || Date.parse(a.expiresAt) > now.getTime());

/**
 * Asks for roles on a bot (any active member, SPEC §9). Refused, with nothing written: an unknown bot (404
 * `bot_not_found`, another tenant's too); a tenant role, an unknown role or Bot Owner (400); an environment
 * the bot lacks (400 `environment_not_on_bot`); roles that give nothing the requester does not hold on the bot
 * already, in the environments asked for (409 `already_has_access`); roles whose prerequisites the requester
 * would lack once granted (409 `role_prerequisite_missing`); a second pending request of theirs on the bot
 * (409 `request_pending`: the guard item, written in the same transaction as the request and its
 * `access_request.created` event).
 */
export async function createAccessRequest(
  deps: ServiceDeps,
  caller: TenantCaller,
  input: { botId: string; roles: readonly RequestedBotRole[]; reason?: string },
  meta: RequestMeta,
): Promise<AccessRequestRecord> {
  const { tenantId } = caller;
  const { bot, grant } = await getBotWithGrant(deps, tenantId, input.botId, caller.memberId);
  if (!bot) throw new NotFound('Bot', 'bot_not_found');
  const asked = await resolveRequestable(deps, tenantId, input.roles);
  assertEnvironmentsOnBot(bot, input.roles, 'body.roles');
  const now = deps.now();
  const requester = await botCallerOf(deps, caller, bot, grant);
  const askedWithRoles = input.roles.map((assignment, i) => ({
    assignment,
    role: present(asked[i], `role ${assignment.roleId}`),
  }));
  const { permissionsIn } = await grantorOnBot(deps, requester, now);
  if (permissionsNotHeld(permissionsIn, askedWithRoles).length === 0) {
    throw new Conflict(
      'already_has_access',
      'You hold every permission these roles give on this bot, in the environments asked for, already.',
    );
  }
  const { next } = mergeBotAssignments<ResourceRoleAssignment>(unexpiredRoles(grant, now), input.roles, now);
  const known = await resolveRoles(
    deps,
    tenantId,
    next.map((a) => a.roleId),
  );
  assertPrerequisitesMet(withRoles(next, known), now);

  const request: AccessRequestRecord = {
    tenantId,
    requestId: deps.newId(),
    botId: bot.botId,
    botName: bot.name,
    requesterId: caller.memberId,
    requesterEmail: caller.email ?? '',
    roles: input.roles,
    ...(input.reason ? { reason: input.reason } : {}),
    status: 'pending',
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ACCESS_REQUEST_VALID_DAYS * DAY_MS).toISOString(),
    version: 1,
  };
  const [guard, put] = putNewAccessRequest(deps, request);
  await transactWrite(deps, [
    {
      item: present(guard, 'guard'),
      onConditionFailed: () =>
        new Conflict('request_pending', 'You have a pending access request for this bot already.'),
    },
    { item: present(put, 'request') },
    {
      item: requestEvent(
        deps,
        request,
        'access_request.created',
        auditActorOf(caller, meta),
        meta.requestId,
        null,
        requestState(request),
      ),
    },
  ]);
  return request;
}

/** A request as one caller may see it: as its requester, as an approver of its bot, or not at all (404). */
interface VisibleRequest {
  readonly request: AccessRequestRecord;
  readonly bot: BotRecord | undefined;
  /** The caller on the request's bot when they hold `collaborators:manage` there. */
  readonly approver: BotCaller | undefined;
  /** Holds `collaborators:manage` tenant-wide (an approver of every bot, gone ones included). */
  readonly tenantWide: boolean;
  readonly isRequester: boolean;
}

const holdsTenantWide = (caller: TenantCaller) =>
  caller.effectivePermissions.some((p) => p.permission === APPROVER_PERMISSION);

async function visibleRequest(deps: ServiceDeps, caller: TenantCaller, requestId: string): Promise<VisibleRequest> {
  const request = await getAccessRequest(deps, caller.tenantId, requestId);
  if (!request) throw requestNotFound();
  const { bot, grant } = await getBotWithGrant(deps, caller.tenantId, request.botId, caller.memberId);
  const onBot = bot ? await botCallerOf(deps, caller, bot, grant) : undefined;
  const approver = onBot?.botPermissions.some((p) => p.permission === APPROVER_PERMISSION) ? onBot : undefined;
  const tenantWide = holdsTenantWide(caller);
  const isRequester = request.requesterId === caller.memberId;
  // Someone who may neither decide nor withdraw it learns nothing of it, not even that it exists.
  if (!(isRequester || approver || tenantWide)) throw requestNotFound();
  return { request, bot, approver, tenantWide, isRequester };
}

function assertApprover(seen: VisibleRequest): void {
  if (!(seen.approver || seen.tenantWide)) {
    throw new Forbidden(`Deciding an access request needs ${APPROVER_PERMISSION} on its bot.`);
  }
}

/** Only a pending request that has not reached its expiry changes (else 409 `invalid_state`). */
function assertPending(request: AccessRequestRecord, now: Date): void {
  if (request.status !== 'pending') throw new InvalidState(`This access request is ${request.status}.`);
  if (Date.parse(request.expiresAt) <= now.getTime()) throw new InvalidState('This access request has expired.');
}

const decidedMeanwhile = () => new InvalidState('This access request was decided, cancelled or expired meanwhile.');

/** One request, for its requester or an approver of its bot (else 404). */
export async function getAccessRequestFor(
  deps: ServiceDeps,
  caller: TenantCaller,
  requestId: string,
): Promise<AccessRequestRecord> {
  return (await visibleRequest(deps, caller, requestId)).request;
}

/**
 * A page of access requests. `mine`: the caller's own (with `status`). Otherwise the requests an approver
 * decides: with `botId`, that bot's (`collaborators:manage` on it, else 403; an unknown bot 404); without it,
 * every request of the tenant, for those who hold `collaborators:manage` tenant-wide, while an approver of
 * single bots must name the bot (400 `bot_id_required`). Each is one key-condition query.
 */
export async function listAccessRequests(
  deps: ServiceDeps,
  caller: TenantCaller,
  query: { status?: AccessRequestStatus; botId?: string; mine?: boolean; limit: number; cursor?: string },
): Promise<{ items: AccessRequestRecord[]; nextCursor: string | null }> {
  const { tenantId } = caller;
  let filter: AccessRequestFilter;
  if (query.mine) {
    if (query.botId !== undefined) {
      throw new ValidationFailed('Give either mine=true or botId, not both.', [
        { path: 'query.botId', message: 'not with mine=true' },
      ]);
    }
    filter = { by: 'requester', requesterId: caller.memberId, status: query.status };
  } else if (query.botId !== undefined) {
    const { bot, grant } = await getBotWithGrant(deps, tenantId, query.botId, caller.memberId);
    if (!bot) throw new NotFound('Bot', 'bot_not_found');
    const onBot = await botCallerOf(deps, caller, bot, grant);
    if (!onBot.botPermissions.some((p) => p.permission === APPROVER_PERMISSION)) {
      throw new Forbidden(`The requests of a bot are shown to those who hold ${APPROVER_PERMISSION} on it.`);
    }
    filter = { by: 'bot', botId: bot.botId, status: query.status };
  } else if (holdsTenantWide(caller)) {
    filter = { by: 'tenant', status: query.status };
  } else {
    throw new ValidationFailed(
      'Name the bot (botId) whose requests to list, or list your own (mine=true).',
      [{ path: 'query.botId', message: 'required unless you hold collaborators:manage tenant-wide' }],
      'bot_id_required',
    );
  }
  return listAccessRequestsPage(deps, tenantId, filter, { limit: query.limit, cursor: query.cursor });
}

/**
 * Repeats a decision whose transaction lost a race (a grant or role changed, or another transaction held the
 * same items): read and judged again, a request decided meanwhile answers 409 `invalid_state`.
 */
async function retryingRaces<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!(isConcurrentChange(error) || isTransientConflict(error)) || attempt >= 8) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 10 * 2 ** attempt)));
    }
  }
}

/** Roles approved out of those requested: each a requested role, over some of its requested environments. */
function narrowed(
  requested: readonly RequestedBotRole[],
  approved: readonly RequestedBotRole[] | undefined,
): RequestedBotRole[] {
  if (approved === undefined) return [...requested];
  const extra = approved.flatMap((assignment, i) => {
    const asked = requested.find((r) => r.roleId === assignment.roleId);
    const widened =
      asked !== undefined &&
      asked.environments !== undefined &&
      (assignment.environments === undefined ||
        assignment.environments.some((environment) => !asked.environments?.includes(environment)));
    return asked === undefined || widened
      ? [
          {
            path: `body.roles.${i}`,
            message: `${assignment.roleId} was not requested${asked ? ' for these environments' : ''}`,
          },
        ]
      : [];
  });
  if (extra.length > 0) {
    throw new ValidationFailed(
      'An approval may only narrow a request: grant some of the requested roles, over some of the requested environments.',
      extra,
      'roles_not_requested',
    );
  }
  return [...approved];
}

/**
 * Approves a pending request (`collaborators:manage` on its bot; 403 otherwise, 404 for whoever may not see
 * it), optionally narrowed to some of its roles and environments, optionally until `expiresAt`. The approver
 * must be allowed to grant what the requester gets, per bot (as PUT /bots/{botId}/access judges it), and
 * prerequisites must hold afterwards. One transaction: the approved roles merged into the requester's grant
 * (conditioned on the grant as read), the request pending -> approved (conditioned on pending: of concurrent
 * approvals one grants, the others answer 409 `invalid_state`), its guard removed, `access_request.approved`.
 * A requester who is no longer an active member cannot be granted anything (409 `invalid_state`).
 */
export function approveAccessRequest(
  deps: ServiceDeps,
  caller: TenantCaller,
  requestId: string,
  input: { roles?: readonly RequestedBotRole[]; expiresAt?: string },
  meta: RequestMeta,
): Promise<AccessRequestRecord> {
  return retryingRaces(() => approveOnce(deps, caller, requestId, input, meta));
}

async function approveOnce(
  deps: ServiceDeps,
  caller: TenantCaller,
  requestId: string,
  input: { roles?: readonly RequestedBotRole[]; expiresAt?: string },
  meta: RequestMeta,
): Promise<AccessRequestRecord> {
  const seen = await visibleRequest(deps, caller, requestId);
  assertApprover(seen);
  const { request } = seen;
  const now = deps.now();
  assertPending(request, now);
  const bot = seen.bot;
  // A tenant-wide approver sees requests for a bot deleted since; there is nothing left to grant on.
  const approver = seen.approver;
  if (!(bot && approver)) throw new NotFound('Bot', 'bot_not_found');
  const [member, current] = await Promise.all([
    getMember(deps, request.tenantId, request.requesterId),
    getBotGrant(deps, request.tenantId, request.botId, { type: 'member', id: request.requesterId }),
  ]);
  if (member?.status !== 'active') {
    throw new InvalidState('The requester is no longer an active member: deny or let the request expire.');
  }
  const approved: ResourceRoleAssignment[] = narrowed(request.roles, input.roles).map((assignment) => ({
    ...assignment,
    ...(input.expiresAt !== undefined ? { expiresAt: input.expiresAt } : {}),
  }));
  const roles = await resolveRequestable(deps, request.tenantId, approved);
  assertEnvironmentsOnBot(bot, approved, 'body.roles');
  const { next, changed } = mergeBotAssignments<ResourceRoleAssignment>(current?.roles ?? [], approved, now);
  const [grantor, known] = await Promise.all([
    grantorOnBot(deps, approver, now),
    resolveRoles(
      deps,
      request.tenantId,
      next.map((a) => a.roleId),
    ),
  ]);
  assertCanGrantOnBot(grantor, { added: withRoles(changed, known), removed: [] });
  assertPrerequisitesMet(withRoles(next, known), now);

  const after: AccessRequestRecord = {
    ...request,
    status: 'approved',
    decidedAt: now.toISOString(),
    decidedBy: caller.memberId,
    approvedRoles: approved,
    version: request.version + 1,
  };
  const grant: ResourceGrantRecord = {
    tenantId: request.tenantId,
    resourceType: 'bot',
    resourceId: bot.botId,
    principalType: 'member',
    principalId: request.requesterId,
    roles: next,
    updatedAt: now.toISOString(),
    version: (current?.version ?? 0) + 1,
  };
  const [close, guard] = closeAccessRequest(deps, request, after);
  const steps: TransactionStep[] = [
    { item: present(close, 'request'), onConditionFailed: decidedMeanwhile },
    { item: present(guard, 'guard'), onConditionFailed: decidedMeanwhile },
    ...(changed.length === 0
      ? []
      : [
          {
            item: putGrant(deps, grant, current),
            onConditionFailed: () => concurrentChange('Access to this bot changed meanwhile; retry.'),
          },
          {
            item: botUnchangedCheck(deps, bot),
            onConditionFailed: (found: Record<string, unknown> | undefined) =>
              found === undefined
                ? new NotFound('Bot', 'bot_not_found')
                : concurrentChange('The bot changed meanwhile.'),
          },
          ...judgedOn(deps, request.tenantId, roles),
        ]),
    {
      item: requestEvent(
        deps,
        after,
        'access_request.approved',
        auditActorOf(caller, meta),
        meta.requestId,
        { status: 'pending', roles: request.roles, grantRoles: current?.roles ?? [] },
        { ...requestState(after), grantRoles: next },
      ),
    },
  ];
  await transactionMappingConflicts(deps, steps);
  return after;
}

/** A TransactionConflict between decisions of the same request becomes a retry (read again, judged again). */
async function transactionMappingConflicts(deps: ServiceDeps, steps: readonly TransactionStep[]): Promise<void> {
  try {
    await transactWrite(deps, steps);
  } catch (error) {
    if (isTransientConflict(error)) throw concurrentChange('Another change of this request was under way; retry.');
    throw error;
  }
}

/**
 * Ends a pending request without granting: denied by an approver (`collaborators:manage` on its bot, with an
 * optional reason), or cancelled by its requester. A suspended requester's requests may still end so. One
 * transaction with the guard's removal and the event; a request that left pending meanwhile is 409
 * `invalid_state`.
 */
async function closeWithout(
  deps: ServiceDeps,
  caller: TenantCaller,
  requestId: string,
  outcome: { status: 'denied'; reason?: string } | { status: 'cancelled' },
  meta: RequestMeta,
): Promise<AccessRequestRecord> {
  const seen = await visibleRequest(deps, caller, requestId);
  if (outcome.status === 'denied') assertApprover(seen);
  else if (!seen.isRequester) throw new Forbidden('Only the requester may cancel an access request.', 'requester_only');
  const { request } = seen;
  const now = deps.now();
  assertPending(request, now);
  const after: AccessRequestRecord = {
    ...request,
    status: outcome.status,
    decidedAt: now.toISOString(),
    decidedBy: caller.memberId,
    ...(outcome.status === 'denied' && outcome.reason ? { denialReason: outcome.reason } : {}),
    version: request.version + 1,
  };
  const [close, guard] = closeAccessRequest(deps, request, after);
  await transactionMappingConflicts(deps, [
    { item: present(close, 'request'), onConditionFailed: decidedMeanwhile },
    { item: present(guard, 'guard'), onConditionFailed: decidedMeanwhile },
    {
      item: requestEvent(
        deps,
        after,
        outcome.status === 'denied' ? 'access_request.denied' : 'access_request.cancelled',
        auditActorOf(caller, meta),
        meta.requestId,
        { status: 'pending' },
        requestState(after),
      ),
    },
  ]);
  return after;
}

export function denyAccessRequest(
  deps: ServiceDeps,
  caller: TenantCaller,
  requestId: string,
  input: { reason?: string },
  meta: RequestMeta,
): Promise<AccessRequestRecord> {
  return retryingRaces(() => closeWithout(deps, caller, requestId, { status: 'denied', reason: input.reason }, meta));
}

export function cancelAccessRequest(
  deps: ServiceDeps,
  caller: TenantCaller,
  requestId: string,
  meta: RequestMeta,
): Promise<AccessRequestRecord> {
  return retryingRaces(() => closeWithout(deps, caller, requestId, { status: 'cancelled' }, meta));
}

/**
 * Scheduled expiry of pending requests past their 14 days: found by key through their guards' expiry entries
 * (every tenant), each moved pending -> expired with its guard removed and `access_request.expired` by the
 * system, conditioned on it being still pending (one decided meanwhile is skipped). Safe to run twice at once.
 */
export async function purgeExpiredAccessRequests(deps: ServiceDeps): Promise<{ expired: number; skipped: number }> {
  const now = deps.now();
  const counts = { expired: 0, skipped: 0 };
  for (const shard of keys.pendingAccessRequestExpiryShards()) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await expiredAccessRequestsPage(deps, shard, now, startKey);
      for (const ref of page.refs) counts[(await expireOne(deps, ref, now)) ? 'expired' : 'skipped']++;
      startKey = page.nextKey;
    } while (startKey);
  }
  return counts;
}

async function expireOne(deps: ServiceDeps, ref: { tenantId: string; requestId: string }, now: Date): Promise<boolean> {
  const request = await getAccessRequest(deps, ref.tenantId, ref.requestId);
  if (request?.status !== 'pending' || Date.parse(request.expiresAt) > now.getTime()) return false;
  const after: AccessRequestRecord = {
    ...request,
    status: 'expired',
    decidedAt: now.toISOString(),
    decidedBy: SYSTEM_ACTOR.id,
    version: request.version + 1,
  };
  const [close, guard] = closeAccessRequest(deps, request, after);
  try {
    await transactionMappingConflicts(deps, [
      { item: present(close, 'request'), onConditionFailed: decidedMeanwhile },
      { item: present(guard, 'guard'), onConditionFailed: decidedMeanwhile },
      {
        item: requestEvent(
          deps,
          after,
          'access_request.expired',
          SYSTEM_ACTOR,
          `purge-${now.toISOString()}`,
          { status: 'pending', expiresAt: request.expiresAt },
          requestState(after),
        ),
      },
    ]);
    return true;
  } catch (error) {
    if (error instanceof InvalidState || isConcurrentChange(error)) return false;
    throw error;
  }
}
