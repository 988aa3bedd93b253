/**
 * Data of the caller's own page: pending invitations to their email in every workspace (accepted or
 * declined by id, with the caller's session), and their notifications (newest first, pages from the API's
 * cursor), marked read one by one.
 */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ok, type Schemas } from '../../api/client';
import { unreadNotificationsKey } from '../../app/shell';
import { meQueryKey } from '../../app/workspace';

export type MyInvitation = Schemas['InvitationPreview'];
export type Notification = Schemas['Notification'];
export type AcceptResult = Schemas['AcceptInvitationResult'];

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

const invitationPath = (invitation: Pick<MyInvitation, 'tenantId' | 'invitationId'>) => ({
  path: { tenantId: invitation.tenantId, invitationId: invitation.invitationId },
});

/**
 * Accepts one of the caller's invitations with their session. Everything under `['me']` is asked again:
 * the caller's memberships (the workspace switcher shows the new workspace), the invitations, the
 * notifications.
 */
export function useAcceptMyInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (invitation: MyInvitation) =>
      ok(api().POST('/v1/me/invitations/{tenantId}/{invitationId}/accept', { params: invitationPath(invitation) })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: meQueryKey }),
  });
}

/** Declines one of the caller's invitations; the invitations (and the rest under `['me']`) are asked again. */
export function useDeclineMyInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (invitation: MyInvitation) =>
      ok(api().POST('/v1/me/invitations/{tenantId}/{invitationId}/decline', { params: invitationPath(invitation) })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: meQueryKey }),
  });
}
