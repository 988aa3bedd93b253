/**
 * Data and actions of the Users screen beyond the members table: invitations (list, create, resend,
 * revoke), member status changes (suspend, reactivate, remove), and the roles and bots the invite dialog
 * offers. Every mutation refreshes what it changes: members, the seat indicator, invitations.
 */
import { keepPreviousData, type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiProblem, api, ok, type Schemas } from '../../api/client';
import { membersKey, tenantKey } from './users-queries';

export type Invitation = Schemas['Invitation'];
export type InvitationStatus = Invitation['status'];
/** POST /invitations's body (the generated type is a union with `unknown`, so it is spelled out here). */
export interface CreateInvitationsRequest {
  emails: string[] | string;
  roles?: Schemas['RoleAssignment'][];
  botAccess?: { botId: string; roles: Schemas['BotRoleAssignmentInput'][] }[];
  expiresInDays?: number;
  message?: string;
}
export type InvitationFailure = Schemas['CreateInvitationsResult']['failed'][number];
export type Role = Schemas['Role'];
export type RoleScope = Schemas['RoleScope'];
export type Bot = Schemas['Bot'];

/** The API takes at most this many addresses in one POST /invitations (CreateInvitationsRequest.emails). */
export const MAX_EMAILS_PER_REQUEST = 100;

export const invitationsKey = (tenantId: string) => ['tenant', tenantId, 'invitations'] as const;
const scopedRolesKey = (tenantId: string, scope: RoleScope) => ['tenant', tenantId, 'roles', { scope }] as const;
const botsKey = (tenantId: string) => ['tenant', tenantId, 'bots', 'shareable'] as const;

/** What a refused address means, in words. */
export const failureReasons: Record<InvitationFailure['code'], string> = {
  invalid_email: 'Not a valid email address',
  already_member: 'Already a member of this workspace',
  already_invited: 'Already invited: see the Invitations tab',
  seat_limit_reached: 'No seat left: the seat limit is reached',
};

export function failureReason(code: string): string {
  return failureReasons[code as InvitationFailure['code']] ?? code;
}

/** Members, seats and invitations all change together when someone is invited, revoked or removed. */
export function refreshPeople(client: QueryClient, tenantId: string): Promise<unknown> {
  return Promise.all([
    client.invalidateQueries({ queryKey: membersKey(tenantId) }),
    client.invalidateQueries({ queryKey: tenantKey(tenantId) }),
    client.invalidateQueries({ queryKey: invitationsKey(tenantId) }),
  ]);
}

export function useRolesOfScope(tenantId: string, scope: RoleScope, enabled = true) {
  return useQuery({
    queryKey: scopedRolesKey(tenantId, scope),
    queryFn: async () =>
      (await ok(api().GET('/v1/tenants/{tenantId}/roles', { params: { path: { tenantId }, query: { scope } } }))).items,
    enabled,
    staleTime: 60_000,
  });
}

/** The bots the caller may share with an invitee: those where they hold `collaborators:manage`. */
export function useShareableBots(tenantId: string, enabled = true) {
  return useQuery({
    queryKey: botsKey(tenantId),
    queryFn: async () => {
      const bots: Bot[] = [];
      let cursor: string | undefined;
      do {
        const page = await ok(
          api().GET('/v1/tenants/{tenantId}/bots', {
            params: { path: { tenantId }, query: { limit: 100, ...(cursor ? { cursor } : {}) } },
          }),
        );
        bots.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return bots.filter((bot) => bot.myAccess.permissions.includes('collaborators:manage'));
    },
    enabled,
    staleTime: 30_000,
  });
}

export interface InvitationFilter {
  readonly status: InvitationStatus | undefined;
  readonly cursor: string | undefined;
}

export function useInvitations(tenantId: string, filter: InvitationFilter) {
  return useQuery({
    queryKey: [...invitationsKey(tenantId), filter],
    queryFn: () =>
      ok(
        api().GET('/v1/tenants/{tenantId}/invitations', {
          params: {
            path: { tenantId },
            query: {
              limit: 50,
              ...(filter.status ? { status: filter.status } : {}),
              ...(filter.cursor ? { cursor: filter.cursor } : {}),
            },
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

/** The outcome of one POST /invitations, whether the API answered 201 or refused everybody (400/409). */
export interface InviteOutcome {
  readonly created: Invitation[];
  readonly failed: InvitationFailure[];
  /** Set when the request as a whole was refused; `failed` then holds the API's per-address reasons, if any. */
  readonly problem?: ApiProblem;
}

/**
 * Sends one invitation request. A refusal of every address (400 `invitations_invalid`, 409
 * `invitations_refused`) carries the per-address reasons in the problem's `failed`: they are returned as an
 * outcome, like a 201's. Other refusals (a role the caller may not grant, ...) are thrown.
 */
export async function sendInvitations(tenantId: string, body: CreateInvitationsRequest): Promise<InviteOutcome> {
  try {
    const result = await ok(api().POST('/v1/tenants/{tenantId}/invitations', { params: { path: { tenantId } }, body }));
    return { created: result.created, failed: result.failed };
  } catch (error) {
    const failed = error instanceof ApiProblem ? (error.problem.failed as InvitationFailure[] | undefined) : undefined;
    if (error instanceof ApiProblem && Array.isArray(failed) && failed.length > 0) {
      return { created: [], failed, problem: error };
    }
    throw error;
  }
}

export function useCreateInvitations(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateInvitationsRequest) => sendInvitations(tenantId, body),
    onSettled: () => refreshPeople(client, tenantId),
  });
}

export function useResendInvitation(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (invitationId: string) =>
      ok(
        api().POST('/v1/tenants/{tenantId}/invitations/{invitationId}/resend', {
          params: { path: { tenantId, invitationId } },
        }),
      ),
    onSettled: () => client.invalidateQueries({ queryKey: invitationsKey(tenantId) }),
  });
}

export function useRevokeInvitation(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (invitationId: string) =>
      ok(
        api().DELETE('/v1/tenants/{tenantId}/invitations/{invitationId}', {
          params: { path: { tenantId, invitationId } },
        }),
      ),
    onSettled: () => refreshPeople(client, tenantId),
  });
}

export type MemberAction = 'suspend' | 'reactivate' | 'remove';

export function useMemberAction(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ action, memberId }: { action: MemberAction; memberId: string }): Promise<void> => {
      const path = { tenantId, memberId };
      if (action === 'suspend') {
        await ok(api().POST('/v1/tenants/{tenantId}/members/{memberId}/suspend', { params: { path } }));
      } else if (action === 'reactivate') {
        await ok(api().POST('/v1/tenants/{tenantId}/members/{memberId}/reactivate', { params: { path } }));
      } else {
        await ok(api().DELETE('/v1/tenants/{tenantId}/members/{memberId}', { params: { path } }));
      }
    },
    onSettled: () => refreshPeople(client, tenantId),
  });
}
