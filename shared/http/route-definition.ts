import type * as z from 'zod/mini';
import type { Permission } from '../domain/permissions';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route. The authorization middleware enforces it before the handler runs; services
 * add the finer rules (self-service, escalation, owner-only) on the subjects they touch.
 */
export type RouteAccess =
  /** No token needed (API Gateway attaches no authorizer). */
  | { readonly kind: 'public' }
  /** Any valid token, no tenant membership needed. */
  | { readonly kind: 'authenticated' }
  /** Caller is in the Cognito group `platform-admin`. */
  | { readonly kind: 'platform-admin' }
  /** Any active member of the `{tenantId}` in the path. */
  | { readonly kind: 'member' }
  /** An active member of `{tenantId}` holding `permission`. */
  | { readonly kind: 'permission'; readonly permission: Permission }
  /** An active member holding `permission`, or the member the path names (checked by the service). */
  | { readonly kind: 'permission-or-self'; readonly permission: Permission }
  /** The tenant's Owner. */
  | { readonly kind: 'owner' };

/**
 * AWS access a route's function needs beyond logging. CDK turns each into grant calls (least privilege);
 * the infra tests compare every synthesized policy with this list.
 */
export type ResourceGrant =
  /** GetItem/Query/BatchGetItem on the main table and its indexes. */
  | 'main:read'
  /** Put/Update/Delete/TransactWrite on the main table (read included). */
  | 'main:write'
  /**
   * UpdateItem on the main table, limited by an IAM condition to the `lastLoginAt` attribute: a tenant
   * route records the caller's sign-in on their first request after it (caller-service), and read-only
   * routes need that one write too.
   */
  | 'main:recordSignIn'
  /** Query on the audit table and its indexes (never write: only the stream consumer writes it). */
  | 'audit:read'
  /** Cognito admin calls to create an identity for an accepted invitation and look users up. */
  | 'userPool:manageUsers'
  /** Cognito AdminUserGlobalSignOut, to revoke a suspended member's sessions. */
  | 'userPool:signOut'
  /** GetObject in the export bucket: a presigned download link acts with its signer's rights. */
  | 'exports:read'
  /** Read the per-stage secret that seals invitation tokens in outbox events (shared/security/sealing.ts). */
  | 'outboxKey:read';

export interface RouteResponse {
  readonly description: string;
  readonly schema?: z.ZodMiniType;
  /**
   * Problem responses particular to this route, documented instead of the uniform ones of the same status:
   * what they mean here, and the problem schema when it carries extension members.
   */
  readonly problems?: Readonly<Record<number, RouteResponse>>;
}

export interface RouteDefinition {
  /** Stable name: OpenAPI operationId, CDK construct id, local log field. */
  readonly operationId: string;
  readonly method: HttpMethod;
  /** API Gateway path template, e.g. `/v1/tenants/{tenantId}/members/{memberId}`. */
  readonly path: string;
  /** The Lambda entry point, relative to the repository root: where this route's code starts. */
  readonly handler: string;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly access: RouteAccess;
  /** What the function may touch in AWS; nothing else is granted. */
  readonly grants: readonly ResourceGrant[];
  readonly request?: {
    readonly params?: z.ZodMiniObject;
    readonly query?: z.ZodMiniObject;
    readonly body?: z.ZodMiniType;
  };
  /** Success responses by status code; error responses (problem+json) are added uniformly. */
  readonly responses: Readonly<Record<number, RouteResponse>>;
}

export function isTenantScoped(route: RouteDefinition): boolean {
  return route.path.startsWith('/v1/tenants/{tenantId}');
}

export function requiresToken(route: RouteDefinition): boolean {
  return route.access.kind !== 'public';
}
