/** Data of the member edit dialog and the role-badge reassignment: one member, and PATCH /members/{id}. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ok, type Schemas } from '../../api/client';
import { membersKey } from './users-queries';

export type MemberChanges = Schemas['UpdateMemberRequest'] & {
  roles?: Schemas['RoleAssignment'][];
  permissions?: Schemas['Permission'][];
  displayName?: string | null;
};

export const memberKey = (tenantId: string, memberId: string) => [...membersKey(tenantId), 'one', memberId] as const;

export function useMember(tenantId: string, memberId: string) {
  return useQuery({
    queryKey: memberKey(tenantId, memberId),
    queryFn: () =>
      ok(api().GET('/v1/tenants/{tenantId}/members/{memberId}', { params: { path: { tenantId, memberId } } })),
  });
}

/** PATCH a member with If-Match: the version it was read at (412 when someone changed it meanwhile). */
export function useUpdateMember(tenantId: string, memberId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ version, changes }: { version: number; changes: MemberChanges }) =>
      ok(
        api().PATCH('/v1/tenants/{tenantId}/members/{memberId}', {
          params: { path: { tenantId, memberId } },
          headers: { 'If-Match': `"${version}"` },
          body: changes,
        }),
      ),
    onSuccess: (member) => {
      queryClient.setQueryData(memberKey(tenantId, memberId), member);
      return queryClient.invalidateQueries({ queryKey: membersKey(tenantId) });
    },
  });
}
