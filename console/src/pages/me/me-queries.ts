/**
 * Data of the caller's own page: pending invitations to their email in every workspace, and their
 * notifications (newest first, pages from the API's cursor), marked read one by one.
 */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ok, type Schemas } from '../../api/client';
import { unreadNotificationsKey } from '../../app/shell';

export type MyInvitation = Schemas['InvitationPreview'];
export type Notification = Schemas['Notification'];

export const NOTIFICATIONS_PAGE_SIZE = 20;

export const notificationListKey = ['me', 'notifications', 'list'] as const;
export const myInvitationsKey = ['me', 'invitations'] as const;

export function useMyInvitations() {
  return useQuery({
    queryKey: myInvitationsKey,
    queryFn: async () => (await ok(api().GET('/v1/me/invitations'))).items,
  });
}

export function useNotifications() {
  return useInfiniteQuery({
    queryKey: notificationListKey,
    queryFn: ({ pageParam }) =>
      ok(
        api().GET('/v1/me/notifications', {
          params: { query: { limit: NOTIFICATIONS_PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** Marks one notification read; the list and the bell's unread count are asked again. */
export function useMarkNotificationRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (notificationId: string) =>
      ok(api().POST('/v1/me/notifications/{notificationId}/read', { params: { path: { notificationId } } })),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: notificationListKey }),
        queryClient.invalidateQueries({ queryKey: unreadNotificationsKey }),
      ]),
  });
}
