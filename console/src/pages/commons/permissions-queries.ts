/** The permission catalog of the tenant (GET /permissions), grouped by module with each permission's implications. */
import { useQuery } from '@tanstack/react-query';
import { api, ok, type Schemas } from '../../api/client';

export type PermissionCatalog = Schemas['PermissionCatalog'];
export type CatalogModule = PermissionCatalog['modules'][number];
export type CatalogPermission = CatalogModule['permissions'][number];

export const permissionCatalogKey = (tenantId: string) => ['tenant', tenantId, 'permissions'] as const;

export function usePermissionCatalog(tenantId: string) {
  return useQuery({
    queryKey: permissionCatalogKey(tenantId),
    queryFn: () => ok(api().GET('/v1/tenants/{tenantId}/permissions', { params: { path: { tenantId } } })),
    staleTime: 10 * 60_000,
  });
}
