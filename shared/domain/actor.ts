import type { AppAbility } from './ability';
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

/** The caller of a tenant-scoped route: an identity plus their active membership in that tenant. */
export interface TenantCaller extends Identity {
  readonly tenantId: string;
  readonly memberId: string;
  readonly roleIds: readonly string[];
  readonly effectivePermissions: readonly EffectivePermission[];
  readonly ability: AppAbility;
  readonly isOwner: boolean;
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
