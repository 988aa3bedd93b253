import { listGrantsOnBot } from '../data/bot-repository';
import { allMemberIdsOfGroup, getGroups } from '../data/group-repository';
import { getMember, getMembers, holdersOfRole } from '../data/member-repository';
import { listNotificationsPage, markNotificationRead, putNotificationOnce } from '../data/notification-repository';
import type { AuditAction, OutboxEvent } from '../data/outbox';
import { getPrincipalLink } from '../data/principal-repository';
import type { MemberRecord, NotificationRecord, NotificationType } from '../data/records';
import { getTenant } from '../data/tenant-repository';
import type { Identity } from '../domain/actor';
import { isBotAssignmentUnexpired } from '../domain/bot-permissions';
import { isAssignmentActive } from '../domain/effective-permissions';
import { NotFound } from '../domain/errors';
import { notificationIdOf } from '../domain/notification-id';
import type { ServiceDeps } from './service-deps';

/** Bot roles whose holders decide a bot's access requests (SPEC §9). */
const APPROVER_BOT_ROLES = ['bot-owner', 'bot-admin'] as const;
/** Tenant roles that decide them for a bot with no Bot Owner or Bot Admin. */
const FALLBACK_TENANT_ROLES = ['owner', 'admin'] as const;

/**
 * THE list of a bot's approvers, whom a new access request notifies (SPEC §9): the active members holding Bot
 * Owner or Bot Admin on it (unexpired), directly or through a group (SPEC §8: a group holding Bot Admin on the
 * bot makes each active member of it an approver, while the group exists and is not being deleted); when it has
 * none, the tenant's active Owner and Admins.
 */
export async function listBotApprovers(deps: ServiceDeps, tenantId: string, botId: string): Promise<MemberRecord[]> {
  const now = deps.now();
  const grants = await listGrantsOnBot(deps, tenantId, botId);
  const approving = grants.filter((grant) =>
    grant.roles.some(
      (a) => (APPROVER_BOT_ROLES as readonly string[]).includes(a.roleId) && isBotAssignmentUnexpired(a, now),
    ),
  );
  const directIds = approving.filter((grant) => grant.principalType === 'member').map((grant) => grant.principalId);
  const groups = await getGroups(
    deps,
    tenantId,
    approving.filter((grant) => grant.principalType === 'group').map((grant) => grant.principalId),
  );
  const activeGroups = [...groups.values()].filter((group) => !group.deleting);
  const throughGroups = await Promise.all(
    activeGroups.map(async (group) => ({
      groupId: group.groupId,
      memberIds: await allMemberIdsOfGroup(deps, tenantId, group.groupId),
    })),
  );
  // A member is in a group while their record lists it (the membership item and the record change together).
  const inGroups = new Map<string, string[]>();
  for (const { groupId, memberIds } of throughGroups)
    for (const memberId of memberIds) inGroups.set(memberId, [...(inGroups.get(memberId) ?? []), groupId]);
  const approverIds = [...directIds, ...inGroups.keys()];
  const active = async (memberIds: readonly string[], check: (member: MemberRecord) => boolean = () => true) =>
    memberIds.length === 0
      ? []
      : (
          await getMembers(
            deps,
            [...new Set(memberIds)].map((memberId) => ({ tenantId, memberId })),
          )
        ).filter((member) => member.status === 'active' && member.userId !== undefined && check(member));
  const approvers = await active(approverIds, (member) => {
    if (directIds.includes(member.memberId)) return true;
    return (inGroups.get(member.memberId) ?? []).some((groupId) => member.groupIds?.has(groupId) ?? false);
  });
  if (approvers.length > 0) return approvers;
  const holders = (
    await Promise.all(FALLBACK_TENANT_ROLES.map((roleId) => holdersOfRole(deps, tenantId, roleId)))
  ).flat();
  return active(holders, (member) =>
    member.roles.some(
      (a) => (FALLBACK_TENANT_ROLES as readonly string[]).includes(a.roleId) && isAssignmentActive(a, now),
    ),
  );
}

/** Someone to notify: who they are (their Cognito identity: notifications are per person) and their address. */
export interface Recipient {
  readonly userId: string;
  readonly email: string;
}

/** What one outbox event tells whom (shared/outbox/effects/notifier.ts writes and sends it). */
export interface NotificationPlan {
  readonly type: NotificationType;
  readonly tenantId: string;
  readonly tenantName: string;
  readonly occurredAt: string;
  readonly eventId: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly recipients: readonly Recipient[];
}

/** The outbox actions that notify someone. */
export const notifyingActions: readonly AuditAction[] = [
  'access_request.created',
  'access_request.approved',
  'access_request.denied',
  'member.joined',
  'invitation.declined',
];

const recipientOf = (member: MemberRecord | undefined): Recipient[] =>
  member?.userId ? [{ userId: member.userId, email: member.email }] : [];

type Changes = Record<string, unknown> | null | undefined;

/**
 * The inviter of an invitation, as a recipient: an active member of the tenant, found from their identity
 * (`invitedBy` is the inviter's user id). The Owner's own invitation, made by a platform admin with the tenant,
 * has no inviter in the tenant: nobody is told.
 */
async function inviterIn(deps: ServiceDeps, tenantId: string, invitedBy: unknown): Promise<Recipient[]> {
  if (typeof invitedBy !== 'string') return [];
  const link = await getPrincipalLink(deps, invitedBy, tenantId);
  if (!link) return [];
  const member = await getMember(deps, tenantId, link.memberId);
  return member?.status === 'active' ? recipientOf(member) : [];
}

/**
 * Who an outbox event notifies, and with what (SPEC §9): a new access request its bot's approvers, a decision
 * its requester, an accepted (`member.joined`) or declined invitation its inviter. Made from what the event
 * carries, plus the recipients' member records and the tenant's name. Undefined for other events, or when
 * nobody is left to tell.
 */
export async function planNotifications(deps: ServiceDeps, event: OutboxEvent): Promise<NotificationPlan | undefined> {
  if (!notifyingActions.includes(event.action)) return undefined;
  const before = event.changes.before as Changes;
  const after = event.changes.after as Changes;
  let type: NotificationType;
  let data: Record<string, unknown>;
  let recipients: Recipient[];
  switch (event.action) {
    case 'access_request.created': {
      const request = after ?? {};
      type = 'access_request.created';
      data = pick(request, ['requestId', 'botId', 'botName', 'requesterId', 'requesterEmail', 'roles', 'reason']);
      const approvers = await listBotApprovers(deps, event.tenantId, String(request.botId));
      recipients = approvers.filter((m) => m.memberId !== request.requesterId).flatMap(recipientOf);
      break;
    }
    case 'access_request.approved':
    case 'access_request.denied': {
      const request = after ?? {};
      type = event.action;
      data =
        event.action === 'access_request.approved'
          ? { ...pick(request, ['requestId', 'botId', 'botName']), roles: request.approvedRoles ?? [] }
          : pick(request, ['requestId', 'botId', 'botName', 'denialReason']);
      recipients = recipientOf(await getMember(deps, event.tenantId, String(request.requesterId)));
      break;
    }
    case 'member.joined': {
      type = 'invitation.accepted';
      data = { memberId: event.target.id, email: event.target.label, ...pick(after ?? {}, ['invitationId']) };
      recipients = (await inviterIn(deps, event.tenantId, after?.invitedBy)).filter((r) => r.userId !== after?.userId);
      break;
    }
    default: {
      type = 'invitation.declined';
      data = { invitationId: event.target.id, email: event.target.label };
      recipients = await inviterIn(deps, event.tenantId, before?.invitedBy);
    }
  }
  if (recipients.length === 0) return undefined;
  const tenantName = (await getTenant(deps, event.tenantId))?.name ?? event.tenantId;
  return {
    type,
    tenantId: event.tenantId,
    tenantName,
    occurredAt: event.occurredAt,
    eventId: event.eventId,
    data: { tenantName, ...data },
    recipients,
  };
}

function pick(source: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(names.filter((name) => source[name] !== undefined).map((name) => [name, source[name]]));
}

/** The in-app notification a plan gives one recipient; written once however often the event comes. */
export function recordNotification(deps: ServiceDeps, plan: NotificationPlan, recipient: Recipient): Promise<boolean> {
  const notification: NotificationRecord = {
    notificationId: notificationIdOf(plan.eventId, recipient.userId, plan.occurredAt),
    userId: recipient.userId,
    type: plan.type,
    tenantId: plan.tenantId,
    createdAt: plan.occurredAt,
    data: plan.data,
    eventId: plan.eventId,
  };
  return putNotificationOnce(deps, notification);
}

/** A page of the caller's notifications (every tenant), newest first; only the unread ones with `unread`. */
export function listMyNotifications(
  deps: ServiceDeps,
  identity: Identity,
  query: { unread: boolean; limit: number; cursor?: string },
): Promise<{ items: NotificationRecord[]; nextCursor: string | null }> {
  return listNotificationsPage(deps, identity.userId, query);
}

/** Marks one of the caller's notifications read; someone else's id is 404, as an unknown one. */
export async function markMyNotificationRead(
  deps: ServiceDeps,
  identity: Identity,
  notificationId: string,
): Promise<NotificationRecord> {
  const read = await markNotificationRead(deps, identity.userId, notificationId, deps.now().toISOString());
  if (!read) throw new NotFound('Notification', 'notification_not_found');
  return read;
}
