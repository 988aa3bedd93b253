import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { getBots } from '../data/bot-repository';
import {
  deleteInvitation,
  deleteToken,
  expiredInvitationsPage,
  getInvitation,
  getInvitationByTokenHash,
  listInvitationsForEmail,
  putNewInvitation,
  listInvitations as queryInvitations,
  replaceInvitationAndToken,
} from '../data/invitation-repository';
import { keys } from '../data/keys';
import {
  deleteMember,
  getMember,
  getMembers,
  memberIdsByEmail,
  putNewMember,
  updateMember,
} from '../data/member-repository';
import { type OutboxEvent, outboxPut } from '../data/outbox';
import { customRoleIdsOf, putNewPrincipalLink } from '../data/principal-repository';
import type { InvitationBotAccess, InvitationRecord, MemberRecord, TenantRecord } from '../data/records';
import {
  consumeSeatReservation,
  expiredSeatReservationsPage,
  getSeatReservation,
  getTenant,
  getTenants,
  putSeatReservation,
  releaseSeatReservation,
  releaseSeats,
  reserveSeats,
  type SeatReservation,
} from '../data/tenant-repository';
import { type TransactItem, type TransactionStep, transactWrite } from '../data/transactions';
import { canOn } from '../domain/ability';
import {
  type AuditActor,
  auditActorOf,
  type Identity,
  type RequestMeta,
  SYSTEM_ACTOR,
  type TenantCaller,
} from '../domain/actor';
import type { RoleAssignment } from '../domain/effective-permissions';
import {
  Conflict,
  DomainError,
  Forbidden,
  NotFound,
  PreconditionFailed,
  ServiceUnavailable,
  ValidationFailed,
} from '../domain/errors';
import { assertCanGrant, isAdminLevel } from '../domain/escalation';
import { present } from '../domain/present';
import type { RoleDefinition } from '../domain/roles';
import type { IdentityDirectory } from '../identity/identity-directory';
import { IdentityAlreadyExists } from '../identity/identity-directory';
import { hashToken, looksLikeToken, newInvitationToken } from '../security/invitation-token';
import { seal } from '../security/sealing';
import { isConcurrentChange, judgedOn } from './grant-guards';
import {
  assertMayActOnBotAccess,
  type BotGrantPlan,
  botGrantSteps,
  judgeInvitationBotAccess,
  planBotGrants,
} from './invitation-bot-access';
import { resolveAssignableRoles, resolveRoles } from './role-resolution';
import type { ServiceDeps } from './service-deps';

export const DEFAULT_INVITATION_DAYS = 7;
/** TransactWriteItems takes 100 items: the seat counter, then each invitation's items. */
const MAX_TRANSACTION_ITEMS = 100;
const MAX_TRANSACTION_ATTEMPTS = 25;

export type InvitationFailureCode = 'invalid_email' | 'already_member' | 'already_invited' | 'seat_limit_reached';

export interface InviteInput {
  /** As the client sent them: trimmed and lower-cased here. */
  readonly emails: readonly string[];
  /** Tenant roles; `[{roleId: "member"}]` when absent (an invitation that shares bots, SPEC §7). */
  readonly roles?: readonly RoleAssignment[];
  /** Bots shared with the invitee, granted on acceptance. */
  readonly botAccess?: readonly InvitationBotAccess[];
  readonly expiresInDays?: number;
  readonly message?: string;
}

export interface InviteOutcome {
  readonly created: InvitationRecord[];
  readonly failed: { email: string; code: InvitationFailureCode }[];
}

/** The tenant role of an invitation that gives none: Member, who sees only what is shared with them (SPEC §7). */
const DEFAULT_ROLES: readonly RoleAssignment[] = [{ roleId: 'member' }];

const emailCheck = z.email();
const addDays = (date: Date, days: number) => new Date(date.getTime() + days * 24 * 3600 * 1000);
const isExpired = (invitation: InvitationRecord, now: Date) => Date.parse(invitation.expiresAt) <= now.getTime();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const backoff = (attempt: number) => sleep(Math.random() * Math.min(400, 10 * 2 ** attempt));

/** Everything one new invitation writes, and the raw token (which goes nowhere but into the sealed delivery). */
async function draftInvitation(
  deps: ServiceDeps,
  input: {
    tenant: TenantRecord;
    email: string;
    roles: readonly RoleAssignment[];
    botAccess?: readonly InvitationBotAccess[];
    validDays: number;
    message?: string;
    inviter: AuditActor;
    /** The inviter is the Owner (or this is the Owner's own invitation, made with the tenant). */
    issuedByOwner: boolean;
    /**
     * The outbox event that will carry the email. Without it the draft writes its own `member.invited`;
     * with it (tenant creation) the caller's event carries the delivery.
     */
    carrierEventId?: string;
    meta: RequestMeta;
  },
) {
  const now = deps.now();
  const { token, tokenHash } = newInvitationToken();
  const member: MemberRecord = {
    tenantId: input.tenant.tenantId,
    memberId: deps.newId(),
    email: input.email,
    displayName: null,
    status: 'invited',
    roles: input.roles,
    permissions: [],
    invitedAt: now.toISOString(),
    invitedBy: input.inviter.id,
    version: 1,
  };
  const invitation: InvitationRecord = {
    invitationId: deps.newId(),
    tenantId: input.tenant.tenantId,
    memberId: member.memberId,
    email: input.email,
    roles: input.roles,
    ...(input.botAccess && input.botAccess.length > 0 ? { botAccess: input.botAccess } : {}),
    invitedBy: { id: input.inviter.id, email: input.inviter.email },
    issuedByOwner: input.issuedByOwner,
    ...(input.message ? { message: input.message } : {}),
    validDays: input.validDays,
    expiresAt: addDays(now, input.validDays).toISOString(),
    createdAt: now.toISOString(),
    tokenHash,
    version: 1,
  };
  const eventId = input.carrierEventId ?? deps.newId();
  const delivery = {
    kind: 'invitation' as const,
    to: input.email,
    tenantName: input.tenant.name,
    inviterEmail: input.inviter.email,
    sealedToken: await seal(token, eventId),
    expiresAt: invitation.expiresAt,
    ...(input.message ? { message: input.message } : {}),
  };
  const event: OutboxEvent | undefined =
    input.carrierEventId === undefined
      ? {
          eventId,
          tenantId: input.tenant.tenantId,
          occurredAt: now.toISOString(),
          action: 'member.invited',
          actor: input.inviter,
          target: { type: 'member', id: member.memberId, label: member.email },
          changes: {
            before: null,
            after: {
              email: member.email,
              status: member.status,
              roles: member.roles,
              ...(invitation.botAccess ? { botAccess: invitation.botAccess } : {}),
              invitationId: invitation.invitationId,
              expiresAt: invitation.expiresAt,
            },
          },
          requestId: input.meta.requestId,
          delivery,
        }
      : undefined;
  return {
    member,
    invitation,
    token,
    eventId,
    delivery,
    items: [
      ...putNewMember(deps, member),
      ...putNewInvitation(deps, invitation),
      ...(event ? [outboxPut(deps.tableName, event)] : []),
    ],
  };
}

/**
 * Invites people by email (SPEC §2 scenario 1). Each address is invited or fails on its own; the
 * uniqueness of emails and the seat limit are conditions of the writes, so they hold under any
 * concurrency. Invitations are written in chunks of as many as fit one transaction (14 with one role);
 * a transaction cancelled by one address is retried without it. One chunk takes its seats on the tenant's
 * counter in its own transaction; several first take all their seats in one transaction that writes a seat
 * reservation per chunk, then run in parallel, each consuming its reservation (PERFORMANCE.md figure 7: the
 * counter would otherwise make them conflict, and one after another they take half as long again). Every
 * chunk writes its invitations with their `member.invited` events or nothing, and its seats end up held
 * by its members or back on the counter (a crash in between leaves a reservation the purge releases).
 */
export async function inviteMembers(
  deps: ServiceDeps,
  caller: TenantCaller,
  input: InviteInput,
  meta: RequestMeta,
): Promise<InviteOutcome> {
  if (!canOn(caller.ability, 'users:write', caller.tenantId)) throw new Forbidden();
  const roles = input.roles ?? DEFAULT_ROLES;
  const botAccess = input.botAccess ?? [];
  // The tenant roles, then each bot's roles, judged for the caller; any refusal refuses the whole request.
  const judge = async () => {
    const roleDefinitions = await resolveAssignableRoles(deps, caller.tenantId, roles);
    assertCanGrant(caller, { roles: roleDefinitions });
    const botRoles = await judgeInvitationBotAccess(deps, caller, botAccess);
    return judgedOn(deps, caller.tenantId, [...roleDefinitions, ...botRoles]).map((step) => step.item);
  };
  // Each transaction commits only on the custom roles as judged (SECURITY.md T2a); when one changed, the
  // roles are read and judged again before the next attempt.
  let guards = await judge();

  const failed = new Map<string, InvitationFailureCode>();
  const candidates: string[] = [];
  for (const raw of input.emails) {
    const email = raw.trim().toLowerCase();
    if (email === '' || failed.has(email) || candidates.includes(email)) continue;
    if (email.length > 254 || !emailCheck.safeParse(email).success) failed.set(email, 'invalid_email');
    else candidates.push(email);
  }

  // Most duplicates are found by one read; the conditional writes below catch the rest (races).
  const existing = await memberIdsByEmail(deps, caller.tenantId, candidates);
  if (existing.size > 0) await nameDuplicates(deps, caller.tenantId, [...existing.keys()], failed, existing);
  const firstRead = await getTenant(deps, caller.tenantId);
  if (!firstRead) throw new NotFound('Tenant', 'tenant_not_found');
  const inviter = auditActorOf(caller, meta);
  // Each address is drafted once (ids, token, items); a retried transaction reuses the drafts.
  const drafts: Draft[] = await Promise.all(
    candidates
      .filter((email) => !failed.has(email))
      .map((email) =>
        draftInvitation(deps, {
          tenant: firstRead,
          email,
          roles,
          botAccess,
          validDays: input.expiresInDays ?? DEFAULT_INVITATION_DAYS,
          message: input.message,
          inviter,
          issuedByOwner: caller.isOwner,
          meta,
        }),
      ),
  );
  const placed = new Set<Draft>();
  const context: ChunkContext = {
    deps,
    tenantId: caller.tenantId,
    failed,
    guards: () => guards,
    rejudge: async () => {
      guards = await judge();
    },
  };

  let pending = drafts;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt >= MAX_TRANSACTION_ATTEMPTS) throw busy();
    const tenant = attempt === 0 ? firstRead : await getTenant(deps, caller.tenantId);
    if (!tenant) throw new NotFound('Tenant', 'tenant_not_found');
    const free = tenant.seatLimit - tenant.seatsUsed;
    if (free <= 0) {
      for (const draft of pending) failed.set(draft.member.email, 'seat_limit_reached');
      break;
    }
    // As many invitations as there are free seats, in chunks that each fit one transaction beside the seat
    // items and the role guards.
    const chunks = chunksOf(pending.slice(0, free), CHUNK_OVERHEAD + guards.length);
    let outcome: ChunkOutcome;
    if (chunks.length === 1) {
      // One transaction: it takes its seats on the counter itself (no reservation to write and consume).
      outcome = await placeChunk(context, present(chunks[0], 'chunk'), {
        take: (count) => [reserveSeats(deps, tenant.tenantId, count, tenant.seatLimit)],
        // Nothing is held: the seats come with the invitations' own transaction.
        giveBack: () => Promise.resolve(),
      });
    } else {
      // One transaction takes the seats of every chunk and writes a reservation per chunk; then the chunks'
      // transactions, which consume their reservations and leave the counter alone, run in parallel.
      const expiresAt = addMinutes(deps.now(), SEAT_RESERVATION_MINUTES).toISOString();
      const reservations = chunks.map(
        (chunk): SeatReservation => ({
          tenantId: tenant.tenantId,
          reservationId: deps.newId(),
          seats: chunk.length,
          expiresAt,
        }),
      );
      try {
        await deps.db.send(
          new TransactWriteCommand({
            TransactItems: [
              reserveSeats(
                deps,
                tenant.tenantId,
                reservations.reduce((sum, r) => sum + r.seats, 0),
                tenant.seatLimit,
              ),
              ...reservations.map((reservation) => putSeatReservation(deps, reservation)),
            ],
          }),
        );
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        await backoff(attempt); // another request moved the seat counter: re-read it and try again
        continue;
      }
      outcome = mergeOutcomes(
        await settleAll(
          chunks.map((chunk, i) => {
            const reservation = present(reservations[i], 'reservation');
            const source: SeatSource = {
              take: (count) => consumeSeatReservation(deps, reservation, count),
              giveBack: () => releaseReservation(deps, reservation).then(() => undefined),
            };
            return placeChunk(context, chunk, source).catch(async (error: unknown) => {
              // Its seats go back now if its transaction did not commit (the reservation is still there);
              // if this fails too, the purge releases them once the reservation expires.
              await releaseReservation(deps, reservation).catch(() => undefined);
              throw error;
            });
          }),
        ),
      );
    }
    for (const draft of outcome.created) placed.add(draft);
    if (outcome.created.length > 0 || outcome.lost.length > 0) attempt = -1;
    // What is left: addresses beyond the free seats, and chunks whose reservation was gone (retried).
    const settled = new Set([...outcome.created, ...outcome.lost]);
    pending = pending.filter((draft) => !settled.has(draft));
    if (outcome.retry && outcome.created.length === 0 && outcome.lost.length === 0) await backoff(attempt);
  }
  // Chunks commit in any order: `created` follows the request's order.
  const created = drafts.filter((draft) => placed.has(draft)).map((draft) => draft.invitation);
  const outcome = { created, failed: [...failed].map(([email, code]) => ({ email, code })) };
  if (created.length === 0) throw nobodyInvited(outcome.failed);
  return outcome;
}

type Draft = Awaited<ReturnType<typeof draftInvitation>>;

/**
 * Items a chunk's transaction has besides its invitations: the seats (the counter update, or the
 * reservation's delete and the release of the seats it does not use).
 */
const CHUNK_OVERHEAD = 2;
/**
 * A reservation outlives any request (API functions time out after seconds; Lambda's ceiling is 15 minutes),
 * so the purge never releases one a live request is about to consume; a chunk that finds its reservation
 * gone takes its seats again anyway.
 */
const SEAT_RESERVATION_MINUTES = 15;
const addMinutes = (date: Date, minutes: number) => new Date(date.getTime() + minutes * 60 * 1000);
const busy = () => new ServiceUnavailable('The tenant is too busy to take these invitations now; retry.');

/** Drafts in request order, cut into chunks that fit one TransactWriteItems beside `overhead` other items. */
function chunksOf(drafts: readonly Draft[], overhead: number): Draft[][] {
  const chunks: Draft[][] = [];
  let chunk: Draft[] = [];
  let itemCount = overhead;
  for (const draft of drafts) {
    if (chunk.length > 0 && itemCount + draft.items.length > MAX_TRANSACTION_ITEMS) {
      chunks.push(chunk);
      chunk = [];
      itemCount = overhead;
    }
    chunk.push(draft);
    itemCount += draft.items.length;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

interface ChunkContext {
  readonly deps: ServiceDeps;
  readonly tenantId: string;
  /** Addresses refused, by email: a lost race is recorded here. */
  readonly failed: Map<string, InvitationFailureCode>;
  /** The role guards as last judged (shared by the chunks of a request). */
  readonly guards: () => TransactItem[];
  /** Judges the roles again after a guard failed (which may refuse the grant: it throws then). */
  readonly rejudge: () => Promise<void>;
}

interface ChunkOutcome {
  /** Written, with their seats. */
  readonly created: Draft[];
  /** Refused: their email was taken by a concurrent write (recorded in `failed`). */
  readonly lost: Draft[];
  /** Some drafts were not placed and need their seats taken again (a reservation was gone, the counter moved). */
  readonly retry: boolean;
}

/**
 * Writes one chunk of invitations in one transaction, with its seats either taken on the counter (`seats`)
 * or consumed from its reservation. An address whose email a concurrent write took is dropped and the rest
 * retried; a role changed since it was judged is judged again. With a reservation, the seats of dropped
 * addresses go back to the counter in the chunk's own transaction (or all of them, by releasing the
 * reservation, when none is left), so no seat is held by nobody.
 */
async function placeChunk(context: ChunkContext, chunk: readonly Draft[], seats: SeatSource): Promise<ChunkOutcome> {
  const { deps } = context;
  const lost: Draft[] = [];
  let drafts = [...chunk];
  for (let attempt = 0; ; attempt++) {
    if (attempt >= MAX_TRANSACTION_ATTEMPTS) throw busy();
    if (drafts.length === 0) {
      await seats.giveBack();
      return { created: [], lost, retry: false };
    }
    const head = seats.take(drafts.length);
    const items: TransactItem[] = [...head, ...drafts.flatMap((d) => d.items), ...context.guards()];
    try {
      await deps.db.send(new TransactWriteCommand({ TransactItems: items }));
      return { created: drafts, lost, retry: false };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      // Each draft's items start with its member, then its email guard (putNewMember).
      const lostRaces: Draft[] = [];
      let offset = head.length;
      for (const draft of drafts) {
        if (reasons[offset + 1]?.Code === 'ConditionalCheckFailed') lostRaces.push(draft);
        offset += draft.items.length;
      }
      if (reasons.slice(offset).some((r) => r.Code === 'ConditionalCheckFailed')) {
        await context.rejudge(); // a role changed since it was judged: judge the grant on the role as it is now
      } else if (lostRaces.length > 0) {
        await nameDuplicates(
          deps,
          context.tenantId,
          lostRaces.map((d) => d.member.email),
          context.failed,
        );
        lost.push(...lostRaces);
        drafts = drafts.filter((draft) => !lostRaces.includes(draft));
      } else if (reasons[0]?.Code === 'ConditionalCheckFailed') {
        // The counter moved (no reservation), or the reservation is gone (the purge took it back: it outlives
        // any request, so hardly ever): the caller takes the seats again for what is left.
        return { created: [], lost, retry: true };
      } else if (reasons.some((r) => r.Code === 'TransactionConflict')) {
        await backoff(attempt); // another transaction held one of the items: try again
      } else {
        throw error;
      }
    }
  }
}

/** Where a chunk's seats come from: the tenant's counter, or a reservation made for the chunk. */
interface SeatSource {
  /** The items that give `count` seats to the chunk's transaction; the first one's condition failing means they are not there. */
  take(count: number): TransactItem[];
  /** The chunk writes nobody after all: what it holds goes back. */
  giveBack(): Promise<void>;
}

/**
 * Gives a reservation's seats back, unless it is gone (consumed by its chunk's transaction, which may have
 * committed even though its answer was lost, or released already): false then.
 */
async function releaseReservation(deps: ServiceDeps, reservation: SeatReservation): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await deps.db.send(new TransactWriteCommand({ TransactItems: releaseSeatReservation(deps, reservation) }));
      return true;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return false;
      if (attempt >= MAX_TRANSACTION_ATTEMPTS || !reasons.some((r) => r.Code === 'TransactionConflict')) throw error;
      await backoff(attempt);
    }
  }
}

/** Records why each address is taken: invited already (a pending invitation) or a member. */
async function nameDuplicates(
  deps: ServiceDeps,
  tenantId: string,
  emails: readonly string[],
  failed: Map<string, InvitationFailureCode>,
  holders?: Map<string, string>,
): Promise<void> {
  const memberIds = holders ?? (await memberIdsByEmail(deps, tenantId, emails));
  const members = await getMembers(
    deps,
    [...memberIds.values()].map((memberId) => ({ tenantId, memberId })),
  );
  for (const email of emails) {
    failed.set(
      email,
      members.find((m) => m.email === email)?.status === 'invited' ? 'already_invited' : 'already_member',
    );
  }
}

/** Like Promise.all, but throws the first rejection only once every chunk has settled (seats included). */
async function settleAll<T>(promises: readonly Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

function mergeOutcomes(outcomes: readonly ChunkOutcome[]): ChunkOutcome {
  return {
    created: outcomes.flatMap((o) => o.created),
    lost: outcomes.flatMap((o) => o.lost),
    retry: outcomes.some((o) => o.retry),
  };
}

/**
 * A bulk invitation that invites nobody is refused as a whole rather than answered as a success: 400 when
 * no address was a valid email, 409 when the addresses were refused by the tenant's state (members,
 * pending invitations, seats). Each address's reason travels in the problem's `failed` member, as in a 201.
 */
function nobodyInvited(failed: InviteOutcome['failed']): DomainError {
  if (failed.every((f) => f.code === 'invalid_email')) {
    return new ValidationFailed(
      'No address is a valid email; nobody was invited (see failed).',
      [{ path: 'body.emails', message: 'no valid email address' }],
      'invitations_invalid',
      { failed },
    );
  }
  return new Conflict(
    'invitations_refused',
    'Nobody was invited: each address is invalid, already a member, already invited or beyond the seat limit (see failed).',
    { failed },
  );
}

/**
 * The Owner's invitation, created with the tenant (SPEC §2 scenario 8): its items join the tenant's
 * transaction, and its email rides on the `tenant.created` event (`carrierEventId`).
 */
export function draftOwnerInvitation(
  deps: ServiceDeps,
  input: { tenant: TenantRecord; ownerEmail: string; inviter: AuditActor; meta: RequestMeta; carrierEventId: string },
) {
  return draftInvitation(deps, {
    tenant: input.tenant,
    email: input.ownerEmail,
    roles: [{ roleId: 'owner' }],
    validDays: DEFAULT_INVITATION_DAYS,
    inviter: input.inviter,
    issuedByOwner: true,
    meta: input.meta,
    carrierEventId: input.carrierEventId,
  });
}

export async function listInvitations(
  deps: ServiceDeps,
  caller: TenantCaller,
  status: 'pending' | 'expired',
  page: { limit: number; cursor?: string },
) {
  if (!canOn(caller.ability, 'users:read', caller.tenantId)) throw new Forbidden();
  return await queryInvitations(deps, caller.tenantId, status, deps.now(), page);
}

async function requireInvitation(deps: ServiceDeps, tenantId: string, invitationId: string) {
  const invitation = await getInvitation(deps, tenantId, invitationId);
  if (!invitation) throw new NotFound('Invitation', 'invitation_not_found');
  return invitation;
}

/**
 * Resending or revoking an invitation acts on its grant (the resender becomes the inviter of record and
 * extends it; the revoker takes it away): the caller must be able to grant the invitation's roles, as for
 * members (an Admin invitation is the Owner's, a Manager's one needs Manager's permissions), and its bot
 * roles, on each bot, as for `PUT /bots/{botId}/access`. Roles and bots deleted since grant nothing and are
 * left out.
 */
async function assertMayActOnGrant(deps: ServiceDeps, caller: TenantCaller, invitation: InvitationRecord) {
  const roles = await resolveRoles(
    deps,
    invitation.tenantId,
    invitation.roles.map((r) => r.roleId),
  );
  assertCanGrant(caller, { roles: [...roles.values()] });
  await assertMayActOnBotAccess(deps, caller, invitation.botAccess);
}

/**
 * A new link for the same invitation: a new token (the old one dies in the same write), the expiry reset
 * to the original validity from now, and a new email. Works on expired invitations the purge has not removed.
 */
export async function resendInvitation(
  deps: ServiceDeps,
  caller: TenantCaller,
  invitationId: string,
  expectedVersion: number | undefined,
  meta: RequestMeta,
): Promise<InvitationRecord> {
  if (!canOn(caller.ability, 'users:write', caller.tenantId)) throw new Forbidden();
  const current = await requireInvitation(deps, caller.tenantId, invitationId);
  await assertMayActOnGrant(deps, caller, current);
  if (expectedVersion !== undefined && expectedVersion !== current.version)
    throw new PreconditionFailed(current.version);
  const tenant = await getTenant(deps, caller.tenantId);
  const now = deps.now();
  const { token, tokenHash } = newInvitationToken();
  const next: InvitationRecord = {
    ...current,
    tokenHash,
    expiresAt: addDays(now, current.validDays).toISOString(),
    issuedByOwner: caller.isOwner,
    version: current.version + 1,
  };
  const eventId = deps.newId();
  await transactWrite(deps, [
    ...replaceInvitationAndToken(deps, current, next).map((item) => ({
      item,
      onConditionFailed: () => new PreconditionFailed(),
    })),
    {
      item: outboxPut(deps.tableName, {
        eventId,
        tenantId: caller.tenantId,
        occurredAt: now.toISOString(),
        action: 'invitation.resent',
        actor: auditActorOf(caller, meta),
        target: { type: 'invitation', id: invitationId, label: current.email },
        changes: { before: { expiresAt: current.expiresAt }, after: { expiresAt: next.expiresAt } },
        requestId: meta.requestId,
        delivery: {
          kind: 'invitation',
          to: current.email,
          tenantName: tenant?.name ?? '',
          inviterEmail: caller.email,
          sealedToken: await seal(token, eventId),
          expiresAt: next.expiresAt,
          ...(current.message ? { message: current.message } : {}),
        },
      }),
    },
  ]);
  return next;
}

/** Steps that end an invitation without a join: invitation, token, invited member and its seat go together. */
function withdrawalSteps(
  deps: ServiceDeps,
  invitation: InvitationRecord,
  member: MemberRecord,
  event: OutboxEvent,
): TransactionStep[] {
  const gone = () =>
    new Conflict('invitation_not_pending', 'The invitation was accepted, resent or withdrawn meanwhile.');
  return [
    { item: deleteInvitation(deps, invitation), onConditionFailed: gone },
    { item: deleteToken(deps, invitation.tokenHash), onConditionFailed: gone },
    ...deleteMember(deps, member).map((item) => ({ item, onConditionFailed: gone })),
    { item: releaseSeats(deps, invitation.tenantId, 1) },
    { item: outboxPut(deps.tableName, event) },
  ];
}

async function invitedMemberOf(deps: ServiceDeps, invitation: InvitationRecord): Promise<MemberRecord> {
  const member = await getMember(deps, invitation.tenantId, invitation.memberId);
  if (member?.status !== 'invited') {
    throw new Conflict('invitation_not_pending', 'The invitation was already accepted or withdrawn.');
  }
  return member;
}

/** Revokes an invitation: the link stops working and the seat is free at once. */
export async function revokeInvitation(
  deps: ServiceDeps,
  caller: TenantCaller,
  invitationId: string,
  meta: RequestMeta,
): Promise<void> {
  if (!canOn(caller.ability, 'users:write', caller.tenantId)) throw new Forbidden();
  const invitation = await requireInvitation(deps, caller.tenantId, invitationId);
  await assertMayActOnGrant(deps, caller, invitation);
  const member = await invitedMemberOf(deps, invitation);
  await transactWrite(
    deps,
    withdrawalSteps(deps, invitation, member, {
      eventId: deps.newId(),
      tenantId: caller.tenantId,
      occurredAt: deps.now().toISOString(),
      action: 'invitation.revoked',
      actor: auditActorOf(caller, meta),
      target: { type: 'invitation', id: invitationId, label: invitation.email },
      changes: {
        before: {
          status: 'pending',
          memberId: member.memberId,
          roles: invitation.roles,
          ...(invitation.botAccess ? { botAccess: invitation.botAccess } : {}),
        },
        after: null,
      },
      requestId: meta.requestId,
    }),
  );
}

/** The live invitation behind a token; unknown, used and replaced tokens are all just "not found". */
async function invitationForToken(deps: ServiceDeps, token: string): Promise<InvitationRecord> {
  const invitation = looksLikeToken(token) ? await getInvitationByTokenHash(deps, hashToken(token)) : undefined;
  return unexpired(deps, invitation);
}

/**
 * The signed-in person's own pending invitation, by its key (tenant and id, as `/v1/me/invitations` lists
 * them): one GetItem. An invitation to another address, of another tenant, unknown or gone (accepted,
 * declined, revoked, purged) is "not found", exactly as an unknown token is, so that nobody learns of
 * invitations that are not theirs; the address must be the caller's verified email, as for accepting a token
 * with a session.
 */
async function invitationForInvitee(
  deps: ServiceDeps,
  identity: Identity,
  tenantId: string,
  invitationId: string,
): Promise<InvitationRecord> {
  const email = identity.email?.toLowerCase();
  const invitation = email ? await getInvitation(deps, tenantId, invitationId) : undefined;
  return unexpired(deps, invitation?.email === email ? invitation : undefined);
}

/** 404 `invitation_not_found` without an invitation, 410 `invitation_expired` past its expiry. */
function unexpired(deps: ServiceDeps, invitation: InvitationRecord | undefined): InvitationRecord {
  if (!invitation) throw new NotFound('Invitation', 'invitation_not_found');
  if (isExpired(invitation, deps.now())) {
    throw new DomainError(
      410,
      'invitation_expired',
      'Invitation expired',
      'This invitation has expired; ask for a new one.',
    );
  }
  return invitation;
}

export interface InvitationPreview {
  readonly invitationId: string;
  readonly tenantId: string;
  readonly tenantName: string;
  readonly email: string;
  readonly invitedBy: { email?: string };
  readonly roles: { roleId: string; name: string; expiresAt?: string }[];
  readonly botAccess: {
    botId: string;
    name: string;
    roles: { roleId: string; name: string; environments?: string[]; expiresAt?: string }[];
  }[];
  readonly expiresAt: string;
  readonly message?: string;
}

async function previewOf(
  deps: ServiceDeps,
  invitation: InvitationRecord,
  tenant?: TenantRecord,
): Promise<InvitationPreview> {
  const botAccess = invitation.botAccess ?? [];
  const [roles, bots] = await Promise.all([
    resolveRoles(deps, invitation.tenantId, [
      ...invitation.roles.map((r) => r.roleId),
      ...botAccess.flatMap((entry) => entry.roles.map((r) => r.roleId)),
    ]),
    getBots(
      deps,
      invitation.tenantId,
      botAccess.map((entry) => entry.botId),
    ),
  ]);
  return {
    invitationId: invitation.invitationId,
    tenantId: invitation.tenantId,
    tenantName: (tenant ?? (await getTenant(deps, invitation.tenantId)))?.name ?? '',
    email: invitation.email,
    invitedBy: { email: invitation.invitedBy.email },
    roles: invitation.roles.map((r) => ({
      roleId: r.roleId,
      name: roles.get(r.roleId)?.name ?? r.roleId,
      ...(r.expiresAt ? { expiresAt: r.expiresAt } : {}),
    })),
    // A bot deleted since is left out, as accepting leaves it out.
    botAccess: botAccess.flatMap((entry) => {
      const bot = bots.find((b) => b.botId === entry.botId);
      if (!bot) return [];
      return [
        {
          botId: bot.botId,
          name: bot.name,
          roles: entry.roles.map((r) => ({
            roleId: r.roleId,
            name: roles.get(r.roleId)?.name ?? r.roleId,
            ...(r.environments ? { environments: [...r.environments] } : {}),
            ...(r.expiresAt ? { expiresAt: r.expiresAt } : {}),
          })),
        },
      ];
    }),
    expiresAt: invitation.expiresAt,
    ...(invitation.message ? { message: invitation.message } : {}),
  };
}

/** What the accept page shows before the invitee decides. Reading it does not consume the token. */
export async function lookupInvitation(deps: ServiceDeps, token: string): Promise<InvitationPreview> {
  return previewOf(deps, await invitationForToken(deps, token));
}

export interface AcceptInput {
  readonly token: string;
  /** For a new identity: the password to create it with. */
  readonly password?: string;
  readonly displayName?: string;
  /** For an existing identity: who is signed in (their verified email must match the invitation). */
  readonly identity?: Identity;
}

/**
 * Accepts an invitation: consumes the token (single use, by a conditional delete), removes the invitation,
 * activates the member and links the identity to it, with `member.joined`, in one transaction.
 *
 * A new identity gets its password only after that transaction has committed. Before it, the identity is
 * reserved in Cognito with no password anyone knows, because a decline, revoke or other accept of the same
 * token may win the token meanwhile (or this process may die): whatever then remains is an identity nobody
 * can sign in with, which the next acceptance for that address adopts (`reserveIdentity`) instead of
 * answering `identity_exists`. Creating the identity with its password first and deleting it when the
 * transaction loses would not do: a crash skips the delete, the account is usable until then, and a
 * concurrent acceptance of another invitation to the same address may have adopted it already.
 * The one window left (committed, password not yet set: a crash, or Cognito failing past the retries)
 * fails safe: the member is active but nobody can sign in as them until an acceptance or an operator sets
 * a password.
 */
export async function acceptInvitation(
  deps: ServiceDeps,
  directory: IdentityDirectory,
  input: AcceptInput,
  meta: RequestMeta,
): Promise<AcceptResult> {
  const invitation = await invitationForToken(deps, input.token);
  const acceptor: Acceptor = input.identity
    ? { identity: input.identity, displayName: input.displayName }
    : { directory, password: input.password, displayName: input.displayName };
  return joinByInvitation(deps, invitation, acceptor, meta);
}

/**
 * Accepts one of the signed-in person's own invitations by its id (the console's Me page): located by key
 * (404 `invitation_not_found` when it is not theirs, as for an unknown token; 410 when expired), then
 * exactly what accepting its token with a session does (`joinByInvitation`): same checks, same single-use
 * transaction, same `member.joined`.
 */
export async function acceptMyInvitation(
  deps: ServiceDeps,
  identity: Identity,
  ref: { tenantId: string; invitationId: string },
  meta: RequestMeta,
): Promise<AcceptResult> {
  const invitation = await invitationForInvitee(deps, identity, ref.tenantId, ref.invitationId);
  return joinByInvitation(deps, invitation, { identity }, meta);
}

export interface AcceptResult {
  readonly tenantId: string;
  readonly tenantName: string;
  readonly memberId: string;
  readonly status: 'active';
}

/** Who accepts: a signed-in person (their verified email must be the invitation's), or a new identity. */
type Acceptor =
  | { readonly identity: Identity; readonly displayName?: string }
  | {
      readonly identity?: undefined;
      readonly directory: IdentityDirectory;
      readonly password?: string;
      readonly displayName?: string;
    };

/** THE acceptance, however the invitation was located (token or the invitee's own id). */
async function joinByInvitation(
  deps: ServiceDeps,
  invitation: InvitationRecord,
  input: Acceptor,
  meta: RequestMeta,
): Promise<AcceptResult> {
  let member = await invitedMemberOf(deps, invitation);
  let [roles, botGrants] = await Promise.all([
    judgeAcceptance(deps, invitation, member),
    planBotGrants(deps, invitation, member.memberId),
  ]);
  let userId: string;
  let email: string;
  /** Set for a new identity: its password, given once the invitation is won. */
  let newPassword: string | undefined;
  if (input.identity) {
    if (input.identity.email?.toLowerCase() !== invitation.email) {
      throw new Forbidden(
        'This invitation was sent to another email address than the one you are signed in with.',
        'email_mismatch',
      );
    }
    userId = input.identity.userId;
    email = invitation.email;
  } else {
    if (!input.password) {
      throw new ValidationFailed(
        'Give a password to create your account, or sign in and accept with your session.',
        [{ path: 'body.password', message: 'required without a bearer token' }],
        'password_required',
      );
    }
    try {
      userId = await input.directory.reserveIdentity(invitation.email, input.displayName);
    } catch (error) {
      if (error instanceof IdentityAlreadyExists) {
        throw new Conflict(
          'identity_exists',
          'An account with this email exists: sign in, then accept with your session.',
        );
      }
      throw error;
    }
    email = invitation.email;
    newPassword = input.password;
  }
  // The join commits only on the custom roles as judged; when one changed meanwhile, it is judged again.
  for (let attempt = 1; ; attempt++) {
    try {
      const who = { userId, email, displayName: input.displayName };
      await joinTransaction(deps, invitation, member, who, roles, botGrants, meta);
      break;
    } catch (error) {
      if (!isConcurrentChange(error) || attempt >= ACCEPT_ATTEMPTS) throw error;
      member = await invitedMemberOf(deps, invitation);
      [roles, botGrants] = await Promise.all([
        judgeAcceptance(deps, invitation, member),
        planBotGrants(deps, invitation, member.memberId),
      ]);
    }
  }
  if (newPassword && !input.identity) await givePassword(input.directory, invitation.email, newPassword);
  const tenant = await getTenant(deps, invitation.tenantId);
  return { tenantId: invitation.tenantId, tenantName: tenant?.name ?? '', memberId: member.memberId, status: 'active' };
}

const ACCEPT_ATTEMPTS = 5;

/**
 * An invitation was judged when it was issued (or resent), but its custom roles may have been edited since:
 * only the Owner can make one Admin-level while an invitation holds it (the invited member counts as a
 * holder), and a grant racing an edit is settled by `judgedOn`. Accepting must still not turn a non-Owner's
 * invitation into Admin-level power: if its roles, as they are now, cover Admin's set, the invitation must
 * be the Owner's (issued or last resent by the Owner); otherwise 403 `admin_requires_owner`, nothing changes
 * and the invitation stays pending for the Owner to resend (making it theirs) or revoke. Invitations written
 * before `issuedByOwner` existed count as the Owner's only if they are for Owner or Admin, which nobody else
 * could issue. Returns the roles as judged.
 */
async function judgeAcceptance(
  deps: ServiceDeps,
  invitation: InvitationRecord,
  member: MemberRecord,
): Promise<RoleDefinition[]> {
  const roles = [
    ...(
      await resolveRoles(
        deps,
        invitation.tenantId,
        member.roles.map((a) => a.roleId),
      )
    ).values(),
  ];
  const ownersGrant =
    invitation.issuedByOwner ?? invitation.roles.some((a) => a.roleId === 'owner' || a.roleId === 'admin');
  if (!ownersGrant && isAdminLevel(roles.flatMap((role) => role.permissions))) {
    throw new Forbidden(
      'Since this invitation was sent, its roles were changed to give Admin-level power, which only the Owner can give: ask the Owner to resend it.',
      'admin_requires_owner',
    );
  }
  return roles;
}

/**
 * Token, invitation, member, link, the bot grants and `member.joined` in one transaction, conditioned on
 * `roles` (and the bot roles) as judged and on each bot as read.
 */
async function joinTransaction(
  deps: ServiceDeps,
  invitation: InvitationRecord,
  member: MemberRecord,
  who: { userId: string; email: string; displayName?: string },
  roles: readonly RoleDefinition[],
  botGrants: BotGrantPlan,
  meta: RequestMeta,
): Promise<void> {
  const { userId, email } = who;
  const now = deps.now().toISOString();
  const joined: MemberRecord = {
    ...member,
    status: 'active',
    userId,
    displayName: who.displayName ?? member.displayName,
    joinedAt: now,
    version: member.version + 1,
  };
  const used = () => new Conflict('invitation_not_pending', 'This invitation was already used.');
  await transactWrite(deps, [
    { item: deleteToken(deps, invitation.tokenHash), onConditionFailed: used },
    { item: deleteInvitation(deps, invitation), onConditionFailed: used },
    ...updateMember(deps, member, joined).map((item) => ({ item, onConditionFailed: used })),
    {
      item: putNewPrincipalLink(deps, {
        userId,
        tenantId: invitation.tenantId,
        memberId: member.memberId,
        customRoleIds: customRoleIdsOf(joined),
      }),
      onConditionFailed: () => new Conflict('already_member', 'You are already a member of this tenant.'),
    },
    ...botGrantSteps(deps, botGrants, used),
    ...judgedOn(deps, invitation.tenantId, [...roles, ...botGrants.roles]),
    {
      item: outboxPut(deps.tableName, {
        eventId: deps.newId(),
        tenantId: invitation.tenantId,
        occurredAt: now,
        action: 'member.joined',
        actor: { id: userId, email, ip: meta.ip, userAgent: meta.userAgent },
        target: { type: 'member', id: member.memberId, label: member.email },
        changes: {
          before: { status: 'invited' },
          // invitedBy: whom the notifier tells (shared/services/notification-service.ts).
          after: {
            status: 'active',
            userId,
            invitationId: invitation.invitationId,
            ...(invitation.botAccess
              ? {
                  botAccess: botGrants.grants.map(({ grant }) => ({ botId: grant.resourceId, roles: grant.roles })),
                  botAccessSkipped: botGrants.skipped,
                }
              : {}),
            invitedBy: invitation.invitedBy.id,
          },
        },
        requestId: meta.requestId,
      }),
    },
  ]);
}

const PASSWORD_ATTEMPTS = 3;

/** The accepted identity's password, retried: the membership is committed, only this makes it usable. */
async function givePassword(directory: IdentityDirectory, email: string, password: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await directory.setPassword(email, password);
      return;
    } catch (error) {
      if (attempt >= PASSWORD_ATTEMPTS) throw error;
      await backoff(attempt);
    }
  }
}

/** The invitee says no: the invitation, the invited member and the seat go. */
export async function declineInvitation(deps: ServiceDeps, token: string, meta: RequestMeta): Promise<void> {
  await withdrawByInvitee(deps, await invitationForToken(deps, token), meta);
}

/**
 * Declines one of the signed-in person's own invitations by its id: located as `acceptMyInvitation` locates
 * it (404 when not theirs, 410 when expired), then exactly what declining its token does.
 */
export async function declineMyInvitation(
  deps: ServiceDeps,
  identity: Identity,
  ref: { tenantId: string; invitationId: string },
  meta: RequestMeta,
): Promise<void> {
  await withdrawByInvitee(deps, await invitationForInvitee(deps, identity, ref.tenantId, ref.invitationId), meta);
}

/** THE decline, however the invitation was located: `invitation.declined`, by the invitee. */
async function withdrawByInvitee(deps: ServiceDeps, invitation: InvitationRecord, meta: RequestMeta): Promise<void> {
  const member = await invitedMemberOf(deps, invitation);
  await transactWrite(
    deps,
    withdrawalSteps(deps, invitation, member, {
      eventId: deps.newId(),
      tenantId: invitation.tenantId,
      occurredAt: deps.now().toISOString(),
      action: 'invitation.declined',
      actor: { id: `invitee:${member.memberId}`, email: invitation.email, ip: meta.ip, userAgent: meta.userAgent },
      target: { type: 'invitation', id: invitation.invitationId, label: invitation.email },
      changes: {
        before: { status: 'pending', memberId: member.memberId, invitedBy: invitation.invitedBy.id },
        after: null,
      },
      requestId: meta.requestId,
    }),
  );
}

/** Pending invitations addressed to the caller's verified email, in every tenant. */
export async function listMyInvitations(deps: ServiceDeps, identity: Identity): Promise<InvitationPreview[]> {
  if (!identity.email) return [];
  const invitations = await listInvitationsForEmail(deps, identity.email, deps.now());
  const tenants = await getTenants(
    deps,
    invitations.map((i) => i.tenantId),
  );
  return Promise.all(invitations.map((invitation) => previewOf(deps, invitation, tenants.get(invitation.tenantId))));
}

/**
 * Scheduled purge of expired invitations across all tenants: frees their seats and writes
 * `invitation.expired`. Pages through every expiry shard with key-condition queries; each removal is
 * conditional on the invitation being unchanged, so two purges running at once remove each one once.
 * Expiry itself is enforced when a token is read; this only cleans up.
 */
export async function purgeExpiredInvitations(deps: ServiceDeps): Promise<{ expired: number; skipped: number }> {
  const now = deps.now();
  let expired = 0;
  let skipped = 0;
  for (const shard of keys.invitationExpiryShards()) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await expiredInvitationsPage(deps, shard, now, startKey);
      const outcomes = await Promise.all(page.refs.map((ref) => expireOne(deps, ref, now)));
      expired += outcomes.filter(Boolean).length;
      skipped += outcomes.filter((o) => !o).length;
      startKey = page.nextKey;
    } while (startKey);
  }
  return { expired, skipped };
}

async function expireOne(
  deps: ServiceDeps,
  ref: { tenantId: string; invitationId: string },
  now: Date,
): Promise<boolean> {
  const invitation = await getInvitation(deps, ref.tenantId, ref.invitationId);
  if (!(invitation && isExpired(invitation, now))) return false;
  const member = await getMember(deps, invitation.tenantId, invitation.memberId);
  if (member?.status !== 'invited') return false;
  try {
    await transactWrite(
      deps,
      withdrawalSteps(deps, invitation, member, {
        eventId: deps.newId(),
        tenantId: invitation.tenantId,
        occurredAt: now.toISOString(),
        action: 'invitation.expired',
        actor: SYSTEM_ACTOR,
        target: { type: 'invitation', id: invitation.invitationId, label: invitation.email },
        changes: {
          before: { status: 'pending', memberId: member.memberId, expiresAt: invitation.expiresAt },
          after: null,
        },
        requestId: `purge-${now.toISOString()}`,
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof Conflict) return false; // accepted, resent or purged by someone else meanwhile
    throw error;
  }
}

/**
 * Scheduled purge of seat reservations a bulk invitation left behind (its process died between taking the
 * seats and writing a chunk): each expired one is released with its seats, on condition that it is still
 * there, so a chunk consuming it at the same moment and two purges at once each settle it once. Nothing is
 * audited: no member, invitation or limit changed, the counter only gets back seats nobody holds.
 */
export async function purgeLeftoverSeatReservations(deps: ServiceDeps): Promise<{ released: number; skipped: number }> {
  const now = deps.now();
  let released = 0;
  let skipped = 0;
  for (const shard of keys.seatReservationExpiryShards()) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await expiredSeatReservationsPage(deps, shard, now, startKey);
      const outcomes = await Promise.all(
        page.refs.map(async (ref) => {
          const reservation = await getSeatReservation(deps, ref.tenantId, ref.reservationId);
          if (!reservation || Date.parse(reservation.expiresAt) > now.getTime()) return false;
          return releaseReservation(deps, reservation);
        }),
      );
      released += outcomes.filter(Boolean).length;
      skipped += outcomes.filter((o) => !o).length;
      startKey = page.nextKey;
    } while (startKey);
  }
  return { released, skipped };
}
