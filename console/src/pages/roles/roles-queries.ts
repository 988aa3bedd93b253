/** Data of the Roles screen: the roles (built-in and custom, tenant and bot), one role, and their mutations. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ok, type Schemas } from '../../api/client';
import type { Permission } from '../../app/workspace';
import { membersKey, rolesKey } from '../users/users-queries';

export type Role = Schemas['Role'];
export type RoleScope = Schemas['RoleScope'];

export { rolesKey };
export const roleKey = (tenantId: string, roleId: string) => [...rolesKey(tenantId), roleId] as const;

/** Every role of the tenant, tenant and bot roles alike (the same list the Users screen names badges from). */
export function useAllRoles(tenantId: string) {
  return useQuery({
    queryKey: rolesKey(tenantId),
    queryFn: async () =>
      (await ok(api().GET('/v1/tenants/{tenantId}/roles', { params: { path: { tenantId } } }))).items,
  });
}

export function useRole(tenantId: string, roleId: string) {
  return useQuery({
    queryKey: roleKey(tenantId, roleId),
    queryFn: () => ok(api().GET('/v1/tenants/{tenantId}/roles/{roleId}', { params: { path: { tenantId, roleId } } })),
  });
}

export interface NewRole {
  readonly name: string;
  readonly description: string;
  readonly scope: RoleScope;
  readonly permissions: Permission[];
  readonly copyFrom?: string;
}

export function useCreateRole(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (role: NewRole) =>
      ok(
        api().POST('/v1/tenants/{tenantId}/roles', {
          params: { path: { tenantId } },
          body: {
            name: role.name.trim(),
            ...(role.description.trim() ? { description: role.description.trim() } : {}),
            scope: role.scope,
            permissions: role.permissions,
            ...(role.copyFrom ? { copyFrom: role.copyFrom } : {}),
          },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: rolesKey(tenantId) }),
  });
}

export interface RoleChanges {
  readonly name?: string;
  readonly description?: string;
  readonly permissions?: Permission[];
}

/** PATCH a custom role with If-Match: the version it was read at (412 when someone changed it meanwhile). */
export function useUpdateRole(tenantId: string, roleId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ version, changes }: { version: number; changes: RoleChanges }) =>
      ok(
        api().PATCH('/v1/tenants/{tenantId}/roles/{roleId}', {
          params: { path: { tenantId, roleId } },
          headers: { 'If-Match': `"${version}"` },
          body: changes,
        }),
      ),
    onSuccess: (role) => {
      queryClient.setQueryData(roleKey(tenantId, roleId), role);
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: rolesKey(tenantId) }),
        queryClient.invalidateQueries({ queryKey: membersKey(tenantId) }),
        queryClient.invalidateQueries({ queryKey: ['me'] }),
      ]);
    },
  });
}

/** DELETE a custom role; with `reassignTo` its holders get that role instead (else 409 role_in_use). */
export function useDeleteRole(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ roleId, reassignTo }: { roleId: string; reassignTo?: string }) =>
      ok(
        api().DELETE('/v1/tenants/{tenantId}/roles/{roleId}', {
          params: { path: { tenantId, roleId }, query: reassignTo ? { reassignTo } : {} },
        }),
      ),
    onSuccess: (_, { roleId }) => {
      queryClient.removeQueries({ queryKey: roleKey(tenantId, roleId) });
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: rolesKey(tenantId) }),
        queryClient.invalidateQueries({ queryKey: membersKey(tenantId) }),
      ]);
    },
  });
}
