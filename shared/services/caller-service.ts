import { getMemberWithCustomRoles, recordSignIn } from '../data/member-repository';
import { getPrincipalLink } from '../data/principal-repository';
import { buildAbility } from '../domain/ability';
import type { Identity, TenantCaller } from '../domain/actor';
import { computeEffectivePermissions, isAssignmentActive } from '../domain/effective-permissions';
import { Forbidden, NotFound } from '../domain/errors';
import { resolveRoles } from './role-resolution';
import type { ServiceDeps } from './service-deps';

/**
 * The caller's membership in `tenantId`, read fresh from DynamoDB on every request: a role change,
 * an expired assignment or a suspension applies to the very next request, with no re-login.
 *
 * Someone who is not a member learns nothing, not even whether the tenant exists (404). A suspended
 * member is told so (403 `member_suspended`).
 */
export async function resolveTenantCaller(
  deps: ServiceDeps,
  identity: Identity,
  tenantId: string,
): Promise<TenantCaller> {
  // Two round trips: the link, then the member with the custom roles the link says it holds (one
  // BatchGetItem). Should the member hold a custom role the link does not list, resolveRoles reads it.
  const link = await getPrincipalLink(deps, identity.userId, tenantId);
  const { member, roles: prefetchedRoles } = link
    ? await getMemberWithCustomRoles(deps, tenantId, link.memberId, link.customRoleIds ?? [])
    : { member: undefined, roles: [] };
  if (!member || member.userId !== identity.userId) throw new NotFound('Tenant', 'tenant_not_found');
  if (member.status === 'suspended')
    throw new Forbidden('Your membership in this tenant is suspended.', 'member_suspended');
  if (member.status !== 'active') throw new NotFound('Tenant', 'tenant_not_found');

  const now = deps.now();
  if (identity.authTime !== undefined) {
    const signedInAt = new Date(identity.authTime * 1000).toISOString();
    // First request after a sign-in: one conditional write per sign-in, not per request.
    if (!member.lastLoginAt || member.lastLoginAt < signedInAt)
      await recordSignIn(deps, tenantId, member.memberId, signedInAt);
  }
  const activeAssignments = member.roles.filter((assignment) => isAssignmentActive(assignment, now));
  const roles = await resolveRoles(
    deps,
    tenantId,
    activeAssignments.map((a) => a.roleId),
    { prefetched: prefetchedRoles },
  );
  const effectivePermissions = computeEffectivePermissions({
    assignments: activeAssignments,
    directPermissions: member.permissions,
    roles,
    now,
  });
  return {
    ...identity,
    // The member's address was verified by accepting the invitation; access tokens carry no email claim.
    email: identity.email ?? member.email,
    tenantId,
    memberId: member.memberId,
    roleIds: activeAssignments.map((a) => a.roleId),
    effectivePermissions,
    ability: buildAbility(
      tenantId,
      effectivePermissions.map((p) => p.permission),
    ),
    isOwner: activeAssignments.some((a) => a.roleId === 'owner'),
  };
}
