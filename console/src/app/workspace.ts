/**
 * The caller and the workspace they are looking at: `useMe()` (GET /v1/me) and `useWorkspace()`, the
 * membership of the tenant in the URL with its effective permissions. Every screen decides which controls
 * to offer through `can()`, the one permission check of the console: what the caller may not do is not shown.
 * The API stays the authority; this only keeps refusals out of the way.
 */
import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { api, ok, type Schemas } from '../api/client';

export type Me = Schemas['Me'];
export type Membership = Me['memberships'][number];
export type Permission = Schemas['Permission'];

export const meQueryKey = ['me'] as const;

export function useMe() {
  return useQuery({ queryKey: meQueryKey, queryFn: () => ok(api().GET('/v1/me')) });
}

export interface Workspace {
  readonly tenantId: string;
  readonly membership: Membership | undefined;
  /** True when the caller's effective permissions in this tenant include `permission`. */
  can(permission: Permission): boolean;
}

export function workspaceOf(me: Me | undefined, tenantId: string): Workspace {
  const membership = me?.memberships.find((candidate) => candidate.tenantId === tenantId);
  const granted = new Set<Permission>(
    membership?.status === 'active' ? membership.effectivePermissions.map((entry) => entry.permission) : [],
  );
  return { tenantId, membership, can: (permission) => granted.has(permission) };
}

/** The workspace of the `:tenantId` in the URL. */
export function useWorkspace(): Workspace {
  const { tenantId = '' } = useParams();
  const { data } = useMe();
  return workspaceOf(data, tenantId);
}
