/** Data of the Groups screens: groups, a group's members, and the changes (SPEC §8). */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ok, type Schemas } from '../../api/client';

export type Group = Schemas['Group'];
export type GroupMember = Schemas['GroupMember'];
export type RoleAssignment = Schemas['RoleAssignment'];

export const groupsKey = (tenantId: string) => ['tenant', tenantId, 'groups'] as const;
const groupKey = (tenantId: string, groupId: string) => [...groupsKey(tenantId), groupId] as const;
const groupMembersKey = (tenantId: string, groupId: string) => [...groupKey(tenantId, groupId), 'members'] as const;
/** The Users table shows each member's groups: it is refreshed when memberships change. */
const membersKey = (tenantId: string) => ['tenant', tenantId, 'members'] as const;

/** Every group of the tenant (a tenant has few: the pages are read to the end). */
export function useGroups(tenantId: string) {
  return useQuery({
    queryKey: groupsKey(tenantId),
    queryFn: async () => {
      const groups: Group[] = [];
      let cursor: string | undefined;
      do {
        const page = await ok(
          api().GET('/v1/tenants/{tenantId}/groups', {
            params: { path: { tenantId }, query: { limit: 100, ...(cursor ? { cursor } : {}) } },
          }),
        );
        groups.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return groups;
    },
  });
}

export function useGroup(tenantId: string, groupId: string) {
  return useQuery({
    queryKey: groupKey(tenantId, groupId),
    queryFn: () =>
      ok(api().GET('/v1/tenants/{tenantId}/groups/{groupId}', { params: { path: { tenantId, groupId } } })),
  });
}

export function useGroupMembers(tenantId: string, groupId: string) {
  return useQuery({
    queryKey: groupMembersKey(tenantId, groupId),
    queryFn: async () => {
      const members: GroupMember[] = [];
      let cursor: string | undefined;
      do {
        const page = await ok(
          api().GET('/v1/tenants/{tenantId}/groups/{groupId}/members', {
            params: { path: { tenantId, groupId }, query: { limit: 100, ...(cursor ? { cursor } : {}) } },
          }),
        );
        members.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return members;
    },
  });
}

export function useCreateGroup(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; description?: string }) =>
      ok(api().POST('/v1/tenants/{tenantId}/groups', { params: { path: { tenantId } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: groupsKey(tenantId) }),
  });
}

export function useDeleteGroup(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (groupId: string) =>
      ok(api().DELETE('/v1/tenants/{tenantId}/groups/{groupId}', { params: { path: { tenantId, groupId } } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: groupsKey(tenantId) });
      await queryClient.invalidateQueries({ queryKey: membersKey(tenantId) });
    },
  });
}

/** Sets the tenant roles a group carries (If-Match: the version shown, so a concurrent change is not lost). */
export function useSetGroupRoles(tenantId: string, groupId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ roles, version }: { roles: RoleAssignment[]; version: number }) =>
      ok(
        api().PATCH('/v1/tenants/{tenantId}/groups/{groupId}', {
          params: { path: { tenantId, groupId } },
          headers: { 'If-Match': `"${version}"` },
          body: { roles },
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: groupsKey(tenantId) });
      await queryClient.invalidateQueries({ queryKey: membersKey(tenantId) });
    },
  });
}

export function useAddGroupMember(tenantId: string, groupId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (memberId: string) =>
      ok(
        api().PUT('/v1/tenants/{tenantId}/groups/{groupId}/members/{memberId}', {
          params: { path: { tenantId, groupId, memberId } },
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: groupMembersKey(tenantId, groupId) });
      await queryClient.invalidateQueries({ queryKey: membersKey(tenantId) });
    },
  });
}

export function useRemoveGroupMember(tenantId: string, groupId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (memberId: string) =>
      ok(
        api().DELETE('/v1/tenants/{tenantId}/groups/{groupId}/members/{memberId}', {
          params: { path: { tenantId, groupId, memberId } },
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: groupMembersKey(tenantId, groupId) });
      await queryClient.invalidateQueries({ queryKey: membersKey(tenantId) });
    },
  });
}
