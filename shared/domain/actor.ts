import type { BotRecord } from '../data/records';
import type { AppAbility } from './ability';
import type { BotRoleAssignment, GroupBotRoles } from './bot-permissions';
import type { EffectivePermission } from './effective-permissions';

/** Where a request came from; copied into every audit event the request causes. */
export interface RequestMeta {
  readonly requestId: string;
  readonly ip?: string;
  readonly userAgent?: string;
}

/** A signed-in person, as the verified JWT describes them. */
export interface Identity {
  /** Cognito `sub`. */
  readonly userId: string;
  readonly email?: string;
  readonly groups: readonly string[];
  /** When the person signed in (the token's `auth_time`, epoch seconds), to record `lastLoginAt`. */
  readonly authTime?: number;
}

/**
 * An identity whose principal link in `tenantId` was read (so they have joined that tenant), before their
 * membership is read and judged: what a route of access `member-batched` hands its handler, which resolves
 * the membership together with what the request names (caller-service.ts, resolveLinkedCaller).
 */
export interface LinkedIdentity extends Identity {
  readonly tenantId: string;
  readonly memberId: string;
  /** The custom role ids the link lists (its hint), read with the member. */
  readonly customRoleIds: readonly string[];
  /** The group ids the link lists, read with the member (sorted). */
  readonly groupIds: readonly string[];
}

/** The caller of a tenant-scoped route: an identity plus their active membership in that tenant. */
export interface TenantCaller extends Identity {
  readonly tenantId: string;
  readonly memberId: string;
  readonly roleIds: readonly string[];
  readonly effectivePermissions: readonly EffectivePermission[];
  readonly ability: AppAbility;
  readonly isOwner: boolean;
  /**
   * The groups whose roles reach the caller (they belong to them; the groups exist and are not being deleted),
   * sorted. Their grants on a bot count on it (BotCaller). Absent: none.
   */
  readonly groupIds?: readonly string[];
}

/** The caller of a bot route: their membership plus the bot the path names and what they hold on it. */
export interface BotCaller extends TenantCaller {
  readonly bot: BotRecord;
  /** Roles the caller holds on the bot now, directly or through a group (unexpired; environment-limited ones included). */
  readonly botRoleIds: readonly string[];
  /** The assignments of their own grant on the bot (unexpired), with their environment limits and expiry. */
  readonly botAssignments: readonly BotRoleAssignment[];
  /** The roles their groups hold on the bot (unexpired; SPEC §8), by group: source `group:<groupId>`. */
  readonly botGroupRoles: readonly GroupBotRoles[];
  /** Effective permissions on the bot (shared/domain/bot-permissions.ts), for decisions naming no environment. */
  readonly botPermissions: readonly EffectivePermission[];
  readonly isBotOwner: boolean;
}

/** Who did something, as recorded in the audit trail. Scheduled jobs act as `system`. */
export interface AuditActor {
  readonly id: string;
  readonly email?: string;
  readonly ip?: string;
  readonly userAgent?: string;
}

export const SYSTEM_ACTOR: AuditActor = { id: 'system', email: 'system' };

export const PLATFORM_ADMIN_GROUP = 'platform-admin';

export function auditActorOf(identity: Identity, meta: RequestMeta): AuditActor {
  return { id: identity.userId, email: identity.email, ip: meta.ip, userAgent: meta.userAgent };
}
