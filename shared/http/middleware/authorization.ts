import { canOn } from '../../domain/ability';
import {
  type BotCaller,
  type Identity,
  type LinkedIdentity,
  PLATFORM_ADMIN_GROUP,
  type TenantCaller,
} from '../../domain/actor';
import { Forbidden } from '../../domain/errors';
import { resolveBotCaller, resolveLink, resolveTenantCaller } from '../../services/caller-service';
import type { ServiceDeps } from '../../services/service-deps';
import type { RouteAccess } from '../route-definition';

/**
 * Enforces a route's declared access before its handler runs. Tenant-scoped access always starts by
 * resolving the caller's live membership in the path's tenant (tenant isolation); services then add the
 * rules that depend on the subject (self-service, escalation, owner-only changes).
 */
export async function authorize(
  deps: ServiceDeps,
  access: RouteAccess,
  identity: Identity,
  tenantId: string | undefined,
  botId?: string,
): Promise<Identity | TenantCaller | BotCaller | LinkedIdentity> {
  switch (access.kind) {
    case 'public':
    case 'authenticated':
      return identity;
    case 'platform-admin':
      if (!identity.groups.includes(PLATFORM_ADMIN_GROUP)) {
        throw new Forbidden('Only platform administrators may do this.', 'platform_admin_required');
      }
      return identity;
    case 'member':
    case 'permission':
    case 'permission-or-self':
    case 'owner': {
      if (tenantId === undefined) throw new Error(`route with ${access.kind} access has no {tenantId}`);
      const caller = await resolveTenantCaller(deps, identity, tenantId);
      if (access.kind === 'permission' && !canOn(caller.ability, access.permission, tenantId)) {
        throw new Forbidden(`This action needs the permission ${access.permission}.`);
      }
      if (access.kind === 'owner' && !caller.isOwner) {
        throw new Forbidden('Only the tenant Owner may do this.', 'owner_required');
      }
      return caller;
    }
    case 'member-batched':
      // The membership itself is judged by the service, with the request's own reads (resolveLinkedCaller).
      if (tenantId === undefined) throw new Error('route with member-batched access has no {tenantId}');
      return resolveLink(deps, identity, tenantId);
    case 'bot': {
      if (tenantId === undefined || botId === undefined)
        throw new Error('route with bot access has no {tenantId} or {botId}');
      const caller = await resolveBotCaller(deps, identity, tenantId, botId);
      if (access.permission !== undefined && !caller.botPermissions.some((p) => p.permission === access.permission)) {
        throw new Forbidden(`This action needs the permission ${access.permission} on this bot.`);
      }
      return caller;
    }
  }
}
