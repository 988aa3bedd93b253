import { randomUUID } from 'node:crypto';
import { ulid } from 'ulidx';
import { PLATFORM_ADMIN_GROUP, type Identity } from '../../shared/domain/actor';
import type { RoleAssignment } from '../../shared/domain/effective-permissions';
import { putNewMember } from '../../shared/data/member-repository';
import { putNewPrincipalLink } from '../../shared/data/principal-repository';
import type { MemberRecord, MemberStatus } from '../../shared/data/records';
import { transactWrite } from '../../shared/data/transactions';
import { acceptInvitation } from '../../shared/services/invitation-service';
import type { IdentityDirectory } from '../../shared/identity/identity-directory';
import { defaultServiceDeps } from '../../shared/services/service-deps';
import { createTenant } from '../../shared/services/tenant-service';

/**
 * Test data written through the real repositories into DynamoDB Local. Every test makes its own
 * tenants (fresh ULIDs), so test files run in parallel against one emulator without interfering.
 */

export const deps = () => defaultServiceDeps();
export const meta = () => ({ requestId: randomUUID(), ip: '127.0.0.1', userAgent: 'vitest' });

export const platformAdmin: Identity = { userId: 'platform-admin-sub', email: 'platform@example.com', groups: [PLATFORM_ADMIN_GROUP] };

export const uniqueEmail = (label = 'user') => `${label}-${ulid().toLowerCase()}@example.com`;

export interface TestMember {
  readonly identity: Identity;
  readonly member: MemberRecord;
}

/** Accepting with a signed-in identity needs no directory; a call to it would be a bug in the test. */
const noDirectory: IdentityDirectory = new Proxy({} as IdentityDirectory, {
  get: () => () => Promise.reject(new Error('unexpected identity directory call')),
});

/** A tenant whose Owner accepted the invitation; returns the tenant id and the owner's identity. */
export async function tenantWithOwner(seatLimit = 50, name = `Tenant ${ulid()}`) {
  const ownerEmail = uniqueEmail('owner');
  const { tenant, owner, ownerToken } = await createTenant(deps(), platformAdmin, { name, ownerEmail, seatLimit }, meta());
  const identity: Identity = { userId: `sub-${ulid()}`, email: ownerEmail, groups: [] };
  await acceptInvitation(deps(), noDirectory, { token: ownerToken, identity }, meta());
  const joined = { ...owner, status: 'active' as const, userId: identity.userId, version: owner.version + 1 };
  return { tenantId: tenant.tenantId, tenant, owner: { identity, member: joined } satisfies TestMember };
}

/**
 * A member written straight to the table in any status (the invitation flow is tested on its own),
 * with a principal link when the member has joined. Does not count seats: use for authorization data.
 */
export async function memberIn(
  tenantId: string,
  options: { roles?: RoleAssignment[]; permissions?: string[]; status?: MemberStatus; email?: string } = {},
): Promise<TestMember> {
  const status = options.status ?? 'active';
  const email = options.email ?? uniqueEmail();
  const userId = `sub-${ulid()}`;
  const now = new Date().toISOString();
  const member: MemberRecord = {
    tenantId,
    memberId: ulid(),
    email,
    displayName: null,
    status,
    roles: options.roles ?? [],
    permissions: options.permissions ?? [],
    ...(status === 'invited' ? {} : { userId, joinedAt: now }),
    invitedAt: now,
    version: 1,
  };
  const d = deps();
  await transactWrite(d, [
    ...putNewMember(d, member).map((item) => ({ item })),
    ...(status === 'invited' ? [] : [{ item: putNewPrincipalLink(d, { userId, tenantId, memberId: member.memberId }) }]),
  ]);
  return { identity: { userId, email, groups: [] }, member };
}

/** JWT claims as API Gateway's authorizer passes them to Lambda for this identity. */
export function claimsOf(identity: Identity): Record<string, string> {
  return {
    sub: identity.userId,
    ...(identity.email ? { email: identity.email, email_verified: 'true' } : {}),
    ...(identity.groups.length ? { 'cognito:groups': `[${identity.groups.join(' ')}]` } : {}),
    token_use: 'id',
  };
}

/** A live invitation token nobody has used: the Owner invitation of a fresh tenant. */
export async function pendingOwnerInvitation(seatLimit = 10) {
  const ownerEmail = uniqueEmail('invitee');
  const created = await createTenant(deps(), platformAdmin, { name: `Pending ${ulid()}`, ownerEmail, seatLimit }, meta());
  return { tenantId: created.tenant.tenantId, token: created.ownerToken, email: ownerEmail, invitation: created.invitation, member: created.owner };
}

/** A password the user pool accepts. */
export const strongPassword = () => `Pw-${ulid()}-x9!`;
