import { beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../shared/domain/actor';
import { routeList, type RouteName } from '../../shared/http/routes';
import { resolveTenantCaller } from '../../shared/services/caller-service';
import { inviteMembers } from '../../shared/services/invitation-service';
import { deps, meta, memberIn, pendingOwnerInvitation, platformAdmin, strongPassword, tenantWithOwner, uniqueEmail } from '../support/fixtures';
import { invoke } from '../support/invoke';

/**
 * THE authorization matrix: for every route and every kind of caller, allowed or refused and how.
 * It is checked against the real handlers and DynamoDB Local. A route added to the route table without
 * a row here fails the first test, so no route goes unreviewed.
 *
 *   ok  = 2xx     403 = forbidden     404 = tenant not visible (non-members learn nothing)
 */
type Caller = 'owner' | 'admin' | 'manager' | 'agent' | 'viewer' | 'suspended' | 'nonMember' | 'platformAdmin' | 'anonymous';
type Outcome = 'ok' | 401 | 403 | 404;

const member = { owner: 'ok', admin: 'ok', manager: 'ok', agent: 'ok', viewer: 'ok', suspended: 403, nonMember: 404, platformAdmin: 404, anonymous: 401 } as const;
const usersRead = { ...member, agent: 403 } as const;
const usersWrite = { ...usersRead, manager: 403, viewer: 403 } as const;
const platform = { owner: 403, admin: 403, manager: 403, agent: 403, viewer: 403, suspended: 403, nonMember: 403, platformAdmin: 'ok', anonymous: 401 } as const;
const anyIdentity = { owner: 'ok', admin: 'ok', manager: 'ok', agent: 'ok', viewer: 'ok', suspended: 'ok', nonMember: 'ok', platformAdmin: 'ok', anonymous: 401 } as const;
const everyone = { ...anyIdentity, anonymous: 'ok' } as const;

const matrix: Record<RouteName, Record<Caller, Outcome>> = {
  getOpenApi: everyone,
  getMe: anyIdentity,
  createTenant: platform,
  updateTenant: platform,
  getTenant: member,
  listPermissions: member,
  listRoles: usersRead,
  getRole: usersRead,
  listMembers: usersRead,
  getMember: usersRead,
  createInvitations: usersWrite,
  listInvitations: usersRead,
  resendInvitation: usersWrite,
  revokeInvitation: usersWrite,
  lookupInvitation: everyone,
  acceptInvitation: everyone,
  declineInvitation: everyone,
  listMyInvitations: anyIdentity,
};

const callers = Object.keys(member) as Caller[];
let tenantId: string;
let targetMemberId: string;
const identities = {} as Record<Caller, Identity | undefined>;

beforeAll(async () => {
  const tenant = await tenantWithOwner(50);
  tenantId = tenant.tenantId;
  identities.owner = tenant.owner.identity;
  for (const roleId of ['admin', 'manager', 'agent', 'viewer'] as const) {
    identities[roleId] = (await memberIn(tenantId, { roles: [{ roleId }] })).identity;
  }
  identities.suspended = (await memberIn(tenantId, { status: 'suspended', roles: [{ roleId: 'admin' }] })).identity;
  identities.nonMember = (await tenantWithOwner()).owner.identity;
  identities.platformAdmin = platformAdmin;
  identities.anonymous = undefined;
  targetMemberId = (await memberIn(tenantId, { roles: [{ roleId: 'viewer' }] })).member.memberId;
});

/** A fresh invitation in the matrix tenant, so that every caller finds one to resend or revoke. */
async function freshInvitationId() {
  const owner = await resolveTenantCaller(deps(), identities.owner!, tenantId);
  const { created } = await inviteMembers(deps(), owner, { emails: [uniqueEmail('matrix')], roles: [{ roleId: 'viewer' }] }, meta());
  return created[0]!.invitationId;
}

/** A valid request for each route, so that only the caller decides the outcome. */
async function requestFor(operationId: RouteName) {
  const params = { tenantId, memberId: targetMemberId, roleId: 'viewer' };
  switch (operationId) {
    case 'createInvitations':
      return { params, body: { emails: [uniqueEmail('matrix')], roles: [{ roleId: 'viewer' }] } };
    case 'resendInvitation':
    case 'revokeInvitation':
      return { params: { ...params, invitationId: await freshInvitationId() } };
    case 'lookupInvitation':
      return { query: { token: (await pendingOwnerInvitation()).token } };
    case 'acceptInvitation':
      return { body: { token: (await pendingOwnerInvitation()).token, password: strongPassword() } };
    case 'declineInvitation':
      return { body: { token: (await pendingOwnerInvitation()).token } };
    case 'createTenant':
      return { params, body: { name: 'Matrix tenant', ownerEmail: uniqueEmail('matrix'), seatLimit: 3 } };
    case 'updateTenant':
      return { params, body: { seatLimit: 60 } };
    default:
      return { params };
  }
}

describe('authorization matrix', () => {
  it('has a row for every route in the route table', () => {
    for (const route of routeList) expect(matrix[route.operationId as RouteName], route.operationId).toBeDefined();
  });

  for (const route of routeList) {
    for (const caller of callers) {
      const expected = matrix[route.operationId as RouteName]?.[caller];
      it(`${route.operationId} as ${caller} → ${expected}`, async () => {
        const result = await invoke(route, { identity: identities[caller], ...(await requestFor(route.operationId as RouteName)) });
        if (expected === 'ok') {
          expect(result.status, JSON.stringify(result.body)).toBeGreaterThanOrEqual(200);
          expect(result.status).toBeLessThan(300);
        } else {
          expect(result.status, JSON.stringify(result.body)).toBe(expected);
          expect(result.headers['content-type']).toBe('application/problem+json');
        }
      });
    }
  }
});
