/** Data of the Users screen: members (server-side filters and pages), the tenant's seats, and the roles. */
import { keepPreviousData, type QueryClient, queryOptions, useQuery } from '@tanstack/react-query';
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

export const firstPage: MemberFilter = { q: '', status: undefined, cursor: undefined };

const membersQuery = (tenantId: string, filter: MemberFilter) =>
  queryOptions({
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
  });

export function useMembers(tenantId: string, filter: MemberFilter) {
  return useQuery({ ...membersQuery(tenantId, filter), placeholderData: keepPreviousData });
}

const tenantQuery = (tenantId: string) =>
  queryOptions({
    queryKey: tenantKey(tenantId),
    queryFn: () => ok(api().GET('/v1/tenants/{tenantId}', { params: { path: { tenantId } } })),
  });

export function useTenant(tenantId: string) {
  return useQuery(tenantQuery(tenantId));
}

/** Every role of the tenant (built-in and custom), for names on badges and the role pickers. */
const rolesQuery = (tenantId: string) =>
  queryOptions({
    queryKey: rolesKey(tenantId),
    queryFn: async () =>
      (await ok(api().GET('/v1/tenants/{tenantId}/roles', { params: { path: { tenantId } } }))).items,
    staleTime: 60_000,
  });

export function useRoles(tenantId: string, enabled = true) {
  return useQuery({ ...rolesQuery(tenantId), enabled });
}

/**
 * Starts the Users view's requests as soon as the route is chosen (the router's loader), in parallel with
 * drawing the screen, instead of after its first render. Errors surface in the view's own queries.
 */
export function prefetchUsersView(queryClient: QueryClient, tenantId: string): void {
  void queryClient.prefetchQuery(membersQuery(tenantId, firstPage));
  void queryClient.prefetchQuery(tenantQuery(tenantId));
  void queryClient.prefetchQuery(rolesQuery(tenantId));
}
