import type { RoleAssignment } from '../domain/effective-permissions';
import type { RoleScope } from '../domain/roles';

/** What the repositories read and write: domain records, free of DynamoDB key attributes. */

export type MemberStatus = 'invited' | 'active' | 'suspended';

export interface TenantRecord {
  readonly tenantId: string;
  readonly name: string;
  readonly seatLimit: number;
  /** Invited + active + suspended members; changed only in the transaction that changes membership. */
  readonly seatsUsed: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

export interface MemberRecord {
  readonly tenantId: string;
  readonly memberId: string;
  /** Normalised: trimmed and lower-cased. */
  readonly email: string;
  readonly displayName: string | null;
  readonly status: MemberStatus;
  readonly roles: readonly RoleAssignment[];
  /** Direct grants, on top of the roles. */
  readonly permissions: readonly string[];
  /** Cognito `sub`, once the invitation was accepted. */
  readonly userId?: string;
  readonly invitedAt: string;
  readonly invitedBy?: string;
  readonly joinedAt?: string;
  readonly lastLoginAt?: string;
  /**
   * The groups the member belongs to (a DynamoDB string set, absent when none): written only by membership
   * changes (shared/data/group-repository.ts), never by `updateMember`, and mirrored on the principal link.
   */
  readonly groupIds?: ReadonlySet<string>;
  readonly version: number;
}

/** A group of members (SPEC §8): the tenant roles it carries reach every member of it. */
export interface GroupRecord {
  readonly tenantId: string;
  readonly groupId: string;
  readonly name: string;
  /** `roleNameKey(name)`: the key of the name guard. */
  readonly nameKey: string;
  readonly description: string;
  readonly roles: readonly RoleAssignment[];
  /**
   * Moved on by every membership added: an edit of the group's roles, judged on the members it read,
   * commits only if none was added since (as a custom role's `holdersRevision`). Not part of `version`.
   */
  readonly membersRevision?: number;
  /** Set while a deletion removes many memberships in several transactions: the group grants nothing. */
  readonly deleting?: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

export interface CustomRoleRecord {
  readonly tenantId: string;
  readonly roleId: string;
  readonly name: string;
  readonly description: string;
  readonly permissions: readonly string[];
  /** Where the role is assigned (SPEC §7). Absent on roles made before scopes existed: those are tenant roles. */
  readonly scope?: RoleScope;
  /** Bot roles a holder must also hold on the same bot (bot roles only). */
  readonly requires?: readonly string[];
  /**
   * `roleNameKey(name)` (shared/domain/role-names.ts): the key of the look-alike name guard. Absent on roles
   * made before look-alike names were refused; set when such a role is renamed.
   */
  readonly nameKey?: string;
  /** The role whose permissions were the starting set, if any. */
  readonly copiedFrom?: string;
  /**
   * Set while a deletion moves the role's many holders to `reassignTo` in several transactions: the role
   * still grants to those not yet moved, but can no longer be assigned. Repeating the DELETE resumes.
   */
  readonly deleting?: { readonly reassignTo: string };
  /**
   * Moved on (never reset) by every transaction that gives a member this role or gives more to a member holding
   * it (`grantedRoleGuard`); absent until the first. Edits and deletes, judged on the holders they read, are
   * conditioned on it. Not part of `version`: the role itself did not change.
   */
  readonly holdersRevision?: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

export interface PrincipalLinkRecord {
  readonly userId: string;
  readonly tenantId: string;
  readonly memberId: string;
  /**
   * The custom (non built-in) role ids in the member's `roles`, written in the same transactions: a hint
   * that lets authorization read the member and its custom roles in one round trip. The member record
   * stays the authority; a link without it (written before it existed) costs one more read, no more.
   */
  readonly customRoleIds?: readonly string[];
  /** The member's group ids (a string set, as on the member record, in the same transactions). */
  readonly groupIds?: ReadonlySet<string>;
}

export interface InvitationRecord {
  readonly invitationId: string;
  readonly tenantId: string;
  /** The member (status `invited`) the invitation created and holds a seat for. */
  readonly memberId: string;
  readonly email: string;
  readonly roles: readonly RoleAssignment[];
  /** Bots shared with the invitee (SPEC §7), granted on acceptance; absent when none. */
  readonly botAccess?: readonly InvitationBotAccess[];
  readonly invitedBy: { readonly id: string; readonly email?: string };
  readonly message?: string;
  /** Validity in days, kept so that a resend resets the expiry to the same length. */
  readonly validDays: number;
  readonly expiresAt: string;
  readonly createdAt: string;
  /**
   * Whether the Owner issued (or last resent) it. Accepting an invitation whose roles give Admin-level power
   * by then needs it (SECURITY.md T2a); absent on invitations written before it existed.
   */
  readonly issuedByOwner?: boolean;
  /** SHA-256 of the current token (base64url). The token itself is never stored. */
  readonly tokenHash: string;
  readonly version: number;
}

/** One bot an invitation shares, and the roles the invitee is to hold on it. */
export interface InvitationBotAccess {
  readonly botId: string;
  readonly roles: readonly ResourceRoleAssignment[];
}

export const botEnvironments = ['sandbox', 'staging', 'production'] as const;
export type BotEnvironment = (typeof botEnvironments)[number];

/** A bot registered in a tenant (SPEC §7): the first resource type. */
export interface BotRecord {
  readonly tenantId: string;
  readonly botId: string;
  readonly name: string;
  readonly environments: readonly BotEnvironment[];
  readonly ownerMemberId: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

/** A role held on one resource, optionally limited to some environments and time-bound. */
export interface ResourceRoleAssignment {
  readonly roleId: string;
  readonly environments?: readonly BotEnvironment[];
  readonly expiresAt?: string;
}

/** One principal's roles on one resource (`resourceType` `bot` today; principals `member`, later `group`). */
export interface ResourceGrantRecord {
  readonly tenantId: string;
  readonly resourceType: 'bot';
  readonly resourceId: string;
  readonly principalType: 'member' | 'group';
  readonly principalId: string;
  readonly roles: readonly ResourceRoleAssignment[];
  readonly updatedAt: string;
  /** Starts at 1; every write of the grant is conditioned on the version it read (or on its absence). */
  readonly version: number;
}

export const accessRequestStatuses = ['pending', 'approved', 'denied', 'cancelled', 'expired'] as const;
export type AccessRequestStatus = (typeof accessRequestStatuses)[number];

/** A role asked for on a bot, optionally limited to some of its environments. */
export interface RequestedBotRole {
  readonly roleId: string;
  readonly environments?: readonly BotEnvironment[];
}

/**
 * A member's request for roles on one bot (SPEC §9): pending until approved, denied, cancelled or expired
 * (14 days, by the purge). Only a pending request changes, and only once.
 */
export interface AccessRequestRecord {
  readonly tenantId: string;
  readonly requestId: string;
  readonly botId: string;
  /** The bot's name when the request was made (notifications and lists name it without a read). */
  readonly botName: string;
  /** The requester's member id. */
  readonly requesterId: string;
  readonly requesterEmail: string;
  readonly roles: readonly RequestedBotRole[];
  readonly reason?: string;
  readonly status: AccessRequestStatus;
  readonly createdAt: string;
  readonly expiresAt: string;
  /** Set when it leaves pending. */
  readonly decidedAt?: string;
  /** The member who approved or denied it (`system` when it expired, the requester when cancelled). */
  readonly decidedBy?: string;
  /** The roles granted on approval (a subset of `roles`), with `expiresAt` when the approval gave one. */
  readonly approvedRoles?: readonly ResourceRoleAssignment[];
  readonly denialReason?: string;
  readonly version: number;
}

/** Kinds of in-app notification (SPEC §9). */
export const notificationTypes = [
  'access_request.created',
  'access_request.approved',
  'access_request.denied',
  'invitation.accepted',
  'invitation.declined',
] as const;
export type NotificationType = (typeof notificationTypes)[number];

/** An in-app notification to one person (a Cognito identity), whichever tenant it comes from. */
export interface NotificationRecord {
  /** Deterministic from the outbox event and the recipient, time-ordered (shared/domain/notification-id.ts). */
  readonly notificationId: string;
  readonly userId: string;
  readonly type: NotificationType;
  readonly tenantId: string;
  readonly createdAt: string;
  readonly readAt?: string;
  /** What the notification is about: ids and names, enough to show it and link to it. */
  readonly data: Readonly<Record<string, unknown>>;
  /** The outbox event it came from. */
  readonly eventId: string;
}
