/**
 * Data of the Audit log screen: the entries of a filter, newest first, a page at a time ("Load more" over
 * the API's cursors); the integrity check of the hash chain; CSV exports (request, then poll until done);
 * and the user id behind a member, for the "user" filter.
 */
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { api, ok, type Schemas } from '../../api/client';

export type AuditEntry = Schemas['AuditEntry'];
export type AuditFilter = Schemas['AuditFilter'];
export type AuditExport = Schemas['AuditExport'];
export type AuditVerification = Schemas['AuditVerification'];
export type Member = Schemas['Member'];

/** Entries per page: small enough that "Load more" is a real step through a busy log. */
export const PAGE_SIZE = 25;
/** How often a running export is polled. */
export const EXPORT_POLL_MS = 1000;

export const auditKey = (tenantId: string) => ['tenant', tenantId, 'audit'] as const;
const exportKey = (tenantId: string, exportId: string) => [...auditKey(tenantId), 'export', exportId] as const;

/** The filter without empty fields: what the API is sent, and the query key. */
export function cleanFilter(filter: AuditFilter): AuditFilter {
  return Object.fromEntries(
    Object.entries(filter).filter(([, value]) => typeof value === 'string' && value.trim() !== ''),
  ) as AuditFilter;
}

export function useAuditLog(tenantId: string, filter: AuditFilter) {
  const query = cleanFilter(filter);
  return useInfiniteQuery({
    queryKey: [...auditKey(tenantId), 'entries', query],
    queryFn: ({ pageParam }) =>
      ok(
        api().GET('/v1/tenants/{tenantId}/audit', {
          params: {
            path: { tenantId },
            query: { ...query, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) },
          },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    retry: false,
  });
}

/** Recomputes the hash chain within the date range of `range` (the whole log without one). */
export function useVerification(tenantId: string, range: Pick<AuditFilter, 'from' | 'to'>) {
  const query = cleanFilter(range);
  return useQuery({
    queryKey: [...auditKey(tenantId), 'verify', query],
    queryFn: () => ok(api().GET('/v1/tenants/{tenantId}/audit/verify', { params: { path: { tenantId }, query } })),
    retry: false,
  });
}

export function useCreateExport(tenantId: string) {
  return useMutation({
    mutationFn: (filter: AuditFilter) =>
      ok(
        api().POST('/v1/tenants/{tenantId}/audit/exports', {
          params: { path: { tenantId } },
          body: { filter: cleanFilter(filter) },
        }),
      ),
  });
}

const finished = (status: AuditExport['status'] | undefined) => status === 'done' || status === 'failed';

/** An export, polled until it is done or failed. */
export function useExport(tenantId: string, exportId: string | undefined) {
  return useQuery({
    queryKey: exportKey(tenantId, exportId ?? ''),
    queryFn: () =>
      ok(
        api().GET('/v1/tenants/{tenantId}/audit/exports/{exportId}', {
          params: { path: { tenantId, exportId: exportId ?? '' } },
        }),
      ),
    enabled: Boolean(exportId),
    refetchInterval: (query) => (finished(query.state.data?.status) ? false : EXPORT_POLL_MS),
    retry: false,
  });
}

/** Members whose email or name starts with `q`, for the user filter (users:read). */
export function useMemberSearch(tenantId: string, q: string, enabled: boolean) {
  const prefix = q.trim();
  return useQuery({
    queryKey: ['tenant', tenantId, 'members', { q: prefix, limit: 10 }],
    queryFn: () =>
      ok(
        api().GET('/v1/tenants/{tenantId}/members', {
          params: { path: { tenantId }, query: { q: prefix, limit: 10 } },
        }),
      ),
    enabled: enabled && prefix.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}

/**
 * The user id (the actor id of the audit log) of a member. Members carry no user id; the member's own
 * `member.joined` entry does: its actor is the person who joined. A member who has not joined has no user
 * id, and so has done nothing the log could show.
 */
export function useResolveActor(tenantId: string) {
  return useMutation({
    mutationFn: async (member: Pick<Member, 'memberId' | 'email'>) => {
      const page = await ok(
        api().GET('/v1/tenants/{tenantId}/audit', {
          params: { path: { tenantId }, query: { targetId: member.memberId, action: 'member.joined', limit: 1 } },
        }),
      );
      const joined = page.items[0];
      if (!joined) throw new Error(`${member.email} has not joined this workspace yet, so has no actions to show.`);
      return { actorId: joined.actor.id, email: member.email };
    },
  });
}
