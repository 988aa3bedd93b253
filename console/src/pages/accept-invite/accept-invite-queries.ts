/**
 * Data of the accept page: the invitation behind a link (public lookup, which does not consume the token),
 * and the three answers to it. The token stays in memory: it is never logged nor stored.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { api, ok, type Schemas } from '../../api/client';

export type InvitationPreview = Schemas['InvitationPreview'];
export type AcceptResult = Schemas['AcceptInvitationResult'];

export const invitationLookupKey = (token: string) => ['invitation-lookup', token] as const;

export function useInvitationLookup(token: string) {
  return useQuery({
    queryKey: invitationLookupKey(token),
    queryFn: () => ok(api().GET('/v1/invitations/lookup', { params: { query: { token } } })),
    enabled: token.length > 0,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/**
 * Accepts as a new account (`password` given, public) or as the signed-in account (no password: the client
 * sends the session's bearer token, whose email must be the invited one).
 */
export function useAcceptInvitation() {
  return useMutation({
    mutationFn: (body: { token: string; password?: string; displayName?: string }) =>
      ok(api().POST('/v1/invitations/accept', { body })),
  });
}

export function useDeclineInvitation() {
  return useMutation({
    mutationFn: (token: string) => ok(api().POST('/v1/invitations/decline', { body: { token } })),
  });
}
