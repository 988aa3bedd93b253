/**
 * Data of the Bots screens (SPEC §7, §9): the directory, one bot, who has access to it, its access
 * requests, and the changes (register, share, request, approve, deny, invite onto the bot).
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiProblem, api, ok, type Schemas } from '../../api/client';

export type Bot = Schemas['Bot'];
export type BotEnvironment = Schemas['BotEnvironment'];
export type BotAccessEntry = Schemas['BotAccessEntry'];
export type BotRoleAssignment = Schemas['BotRoleAssignmentInput'];
export type AccessRequest = Schemas['AccessRequest'];
export type RequestedBotRole = Schemas['RequestedBotRole'];

export interface BotRole {
  readonly roleId: string;
  readonly name: string;
  readonly description: string;
}

export const allEnvironments: readonly BotEnvironment[] = ['sandbox', 'staging', 'production'];

/**
 * The built-in bot roles (their ids are contract, SPEC §7). A caller without users:read (a Member) may not
 * list roles, yet asks for bot roles when requesting access: these are offered then.
 */
export const builtInBotRoles: readonly BotRole[] = [
  { roleId: 'bot-admin', name: 'Bot Admin', description: 'Everything on the bot but deleting it.' },
  { roleId: 'bot-developer', name: 'Developer', description: 'Builds the bot: flows, NLU, knowledge, tests, tables.' },
  { roleId: 'bot-approver', name: 'Approver', description: 'Approves and publishes the bot; requires Developer.' },
  { roleId: 'bot-tester', name: 'Tester', description: 'Reads the bot and its tests.' },
  { roleId: 'database-viewer', name: 'Database Viewer', description: "Reads and edits the bot's data tables." },
  { roleId: 'inbox-admin', name: 'Inbox Admin', description: "Runs the bot's inbox, with its analytics." },
  { roleId: 'inbox-agent', name: 'Inbox Agent', description: "Answers the bot's conversations." },
  { roleId: 'insights-analyst', name: 'Insights (Analytics)', description: "Reads the bot's analytics." },
  { roleId: 'insights-admin', name: 'Insights (Admin)', description: "Reads and exports the bot's analytics." },
  { roleId: 'engagement-admin', name: 'Engagement (Admin)', description: 'Sends campaigns and manages contacts.' },
  { roleId: 'engagement-user', name: 'Engagement (User)', description: 'Prepares campaigns.' },
];

const botsKey = (tenantId: string) => ['tenant', tenantId, 'bots'] as const;
const botKey = (tenantId: string, botId: string) => [...botsKey(tenantId), botId] as const;
const botAccessKey = (tenantId: string, botId: string) => [...botKey(tenantId, botId), 'access'] as const;
const requestsKey = (tenantId: string) => ['tenant', tenantId, 'access-requests'] as const;
const invitationsKey = (tenantId: string) => ['tenant', tenantId, 'invitations'] as const;

export const PAGE_SIZE = 50;

export function useBots(tenantId: string, q: string, cursor: string | undefined) {
  return useQuery({
    queryKey: [...botsKey(tenantId), 'list', { q: q.trim(), cursor }],
    queryFn: () =>
      ok(
        api().GET('/v1/tenants/{tenantId}/bots', {
          params: {
            path: { tenantId },
            query: { limit: PAGE_SIZE, ...(q.trim() ? { q: q.trim() } : {}), ...(cursor ? { cursor } : {}) },
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useBot(tenantId: string, botId: string) {
  return useQuery({
    queryKey: botKey(tenantId, botId),
    queryFn: () => ok(api().GET('/v1/tenants/{tenantId}/bots/{botId}', { params: { path: { tenantId, botId } } })),
  });
}

/** The bot roles that may be asked for or shared (Bot Owner never is): the tenant's, or the built-in ones. */
export function useBotRoles(tenantId: string) {
  return useQuery({
    queryKey: ['tenant', tenantId, 'roles', 'bot'],
    queryFn: async (): Promise<BotRole[]> => {
      try {
        const { items } = await ok(
          api().GET('/v1/tenants/{tenantId}/roles', { params: { path: { tenantId }, query: { scope: 'bot' } } }),
        );
        return items.filter((role) => role.roleId !== 'bot-owner');
      } catch (error) {
        if (error instanceof ApiProblem && error.status === 403) return [...builtInBotRoles];
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

export function useRegisterBot(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas['CreateBotRequest']) =>
      ok(api().POST('/v1/tenants/{tenantId}/bots', { params: { path: { tenantId } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: botsKey(tenantId) }),
  });
}

/** The caller's own pending requests, to show "Access requested" instead of asking twice. */
export function useMyPendingRequests(tenantId: string) {
  return useQuery({
    queryKey: [...requestsKey(tenantId), 'mine', 'pending'],
    queryFn: async () =>
      (
        await ok(
          api().GET('/v1/tenants/{tenantId}/access-requests', {
            params: { path: { tenantId }, query: { mine: 'true', status: 'pending', limit: 100 } },
          }),
        )
      ).items,
  });
}

export function useRequestAccess(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas['CreateAccessRequestRequest']) =>
      ok(api().POST('/v1/tenants/{tenantId}/access-requests', { params: { path: { tenantId } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: requestsKey(tenantId) }),
  });
}

/** Everyone with roles on the bot (members and groups); the pages are read to the end. */
export function useBotAccess(tenantId: string, botId: string, enabled: boolean) {
  return useQuery({
    queryKey: botAccessKey(tenantId, botId),
    queryFn: async () => {
      const entries: BotAccessEntry[] = [];
      let cursor: string | undefined;
      do {
        const page = await ok(
          api().GET('/v1/tenants/{tenantId}/bots/{botId}/access', {
            params: { path: { tenantId, botId }, query: { limit: 100, ...(cursor ? { cursor } : {}) } },
          }),
        );
        entries.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return entries;
    },
    enabled,
  });
}

/** Sets a member's or group's roles on the bot; `[]` removes their access. */
export function useSetBotAccess(tenantId: string, botId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({
      principalType,
      principalId,
      roles,
    }: {
      principalType: 'member' | 'group';
      principalId: string;
      roles: BotRoleAssignment[];
    }) =>
      ok(
        api().PUT('/v1/tenants/{tenantId}/bots/{botId}/access/{principalType}/{principalId}', {
          params: { path: { tenantId, botId, principalType, principalId } },
          body: { roles },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: botKey(tenantId, botId) }),
  });
}

export function useBotRequests(tenantId: string, botId: string, enabled: boolean) {
  return useQuery({
    queryKey: [...requestsKey(tenantId), 'bot', botId, 'pending'],
    queryFn: async () =>
      (
        await ok(
          api().GET('/v1/tenants/{tenantId}/access-requests', {
            params: { path: { tenantId }, query: { botId, status: 'pending', limit: 100 } },
          }),
        )
      ).items,
    enabled,
  });
}

export function useApproveRequest(tenantId: string, botId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ requestId, body }: { requestId: string; body: Schemas['ApproveAccessRequestRequest'] }) =>
      ok(
        api().POST('/v1/tenants/{tenantId}/access-requests/{requestId}/approve', {
          params: { path: { tenantId, requestId } },
          body,
        }),
      ),
    onSettled: async () => {
      await queryClient.invalidateQueries({ queryKey: requestsKey(tenantId) });
      await queryClient.invalidateQueries({ queryKey: botKey(tenantId, botId) });
    },
  });
}

export function useDenyRequest(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ requestId, reason }: { requestId: string; reason: string }) =>
      ok(
        api().POST('/v1/tenants/{tenantId}/access-requests/{requestId}/deny', {
          params: { path: { tenantId, requestId } },
          body: reason ? { reason } : {},
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: requestsKey(tenantId) }),
  });
}

/** Invites new people with access to this bot only (tenant role: Member, the API's default with botAccess). */
export function useInviteToBot(tenantId: string, botId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ emails, roles, message }: { emails: string; roles: BotRoleAssignment[]; message?: string }) =>
      ok(
        api().POST('/v1/tenants/{tenantId}/invitations', {
          params: { path: { tenantId } },
          body: { emails, botAccess: [{ botId, roles }], expiresInDays: 7, ...(message ? { message } : {}) },
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: invitationsKey(tenantId) });
      await queryClient.invalidateQueries({ queryKey: ['tenant', tenantId, 'members'] });
    },
  });
}

/** Pending invitations that share this bot (users:read; the tenant's pending invitations, read to the end). */
export function useBotInvitations(tenantId: string, botId: string, enabled: boolean) {
  return useQuery({
    queryKey: [...invitationsKey(tenantId), 'bot', botId],
    queryFn: async () => {
      const found: Schemas['Invitation'][] = [];
      let cursor: string | undefined;
      do {
        const page = await ok(
          api().GET('/v1/tenants/{tenantId}/invitations', {
            params: { path: { tenantId }, query: { status: 'pending', limit: 100, ...(cursor ? { cursor } : {}) } },
          }),
        );
        found.push(...page.items.filter((invitation) => invitation.botAccess.some((entry) => entry.botId === botId)));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return found;
    },
    enabled,
  });
}
