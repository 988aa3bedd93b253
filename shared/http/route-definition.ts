import type * as z from 'zod/mini';
import type { Permission } from '../domain/permissions';
import type { ResourceGrant } from '../grants';

/** Routes declare their AWS access in the grant vocabulary of shared/grants.ts (re-exported for route modules). */
export type { ResourceGrant };

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
  /**
   * Any active member of `{tenantId}`, judged by the service in the same round trip as what the request
   * names (caller-service.ts, resolveLinkedCaller: one BatchGetItem for the member, their custom roles and
   * the request's items). The middleware reads only the principal link, so that a non-member is refused
   * (404) before input is validated; the handler receives a `LinkedIdentity`, not yet a caller, and must
   * resolve it before anything else. For routes whose round trips are part of their contract (`authorize`).
   */
  | { readonly kind: 'member-batched' }
  /** An active member of `{tenantId}` holding `permission`. */
  | { readonly kind: 'permission'; readonly permission: Permission }
  /** An active member holding `permission`, or the member the path names (checked by the service). */
  | { readonly kind: 'permission-or-self'; readonly permission: Permission }
  /** The tenant's Owner. */
  | { readonly kind: 'owner' }
  /**
   * An active member of `{tenantId}`, on the bot `{botId}` of that tenant (404 `bot_not_found` otherwise),
   * holding `permission` on that bot when one is given (tenant-wide or through their roles on it); the
   * handler receives the bot and the caller's permissions on it.
   */
  | { readonly kind: 'bot'; readonly permission?: Permission };

export interface RouteResponse {
  readonly description: string;
  readonly schema?: z.ZodMiniType;
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
  /** The rules a client must know beyond the summary (OpenAPI `description`). */
  readonly description?: string;
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
  /**
   * Problem responses particular to this route, documented instead of the uniform ones of the same status:
   * what they mean here, and the problem schema when it carries extension members.
   */
  readonly problems?: Readonly<Record<number, RouteResponse>>;
}

export function isTenantScoped(route: RouteDefinition): boolean {
  return route.path.startsWith('/v1/tenants/{tenantId}');
}

export function requiresToken(route: RouteDefinition): boolean {
  return route.access.kind !== 'public';
}
