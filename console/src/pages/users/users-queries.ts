/** Data of the Users screen: members (server-side filters and pages), the tenant's seats, and the roles. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, ok, type Schemas } from '../../api/client';

export type Member = Schemas['Member'];
export type MemberStatus = Schemas['MemberStatus'];

export interface MemberFilter {
  readonly q: string;
  readonly status: MemberStatus | undefined;
  readonly cursor: string | undefined;
}

export const PAGE_SIZE = 50;

export const membersKey = (tenantId: string) => ['tenant', tenantId, 'members'] as const;
export const tenantKey = (tenantId: string) => ['tenant', tenantId, 'summary'] as const;
export const rolesKey = (tenantId: string) => ['tenant', tenantId, 'roles'] as const;

export function useMembers(tenantId: string, filter: MemberFilter) {
  return useQuery({
    queryKey: [...membersKey(tenantId), filter],
    queryFn: () =>
      ok(
        api().GET('/v1/tenants/{tenantId}/members', {
          params: {
            path: { tenantId },
            query: {
              limit: PAGE_SIZE,
              ...(filter.q.trim() ? { q: filter.q.trim() } : {}),
              ...(filter.status ? { status: filter.status } : {}),
              ...(filter.cursor ? { cursor: filter.cursor } : {}),
            },
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useTenant(tenantId: string) {
  return useQuery({
    queryKey: tenantKey(tenantId),
    queryFn: () => ok(api().GET('/v1/tenants/{tenantId}', { params: { path: { tenantId } } })),
  });
}

/** Every role of the tenant (built-in and custom), for names on badges and the role pickers. */
export function useRoles(tenantId: string, enabled = true) {
  return useQuery({
    queryKey: rolesKey(tenantId),
    queryFn: async () =>
      (await ok(api().GET('/v1/tenants/{tenantId}/roles', { params: { path: { tenantId } } }))).items,
    enabled,
    staleTime: 60_000,
  });
}
