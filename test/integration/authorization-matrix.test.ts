import { ulid } from 'ulidx';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../shared/domain/actor';
import { notificationIdOf } from '../../shared/domain/notification-id';
import { type RouteName, routeList } from '../../shared/http/routes';
import { createAccessRequest } from '../../shared/services/access-request-service';
import { requestAuditExport } from '../../shared/services/audit-service';
import { registerBot } from '../../shared/services/bot-service';
import { resolveTenantCaller } from '../../shared/services/caller-service';
import { addGroupMember, createGroup, updateGroup } from '../../shared/services/group-service';
import { inviteMembers } from '../../shared/services/invitation-service';
import { transferOwnership } from '../../shared/services/member-admin-service';
import { recordNotification } from '../../shared/services/notification-service';
import { createRole } from '../../shared/services/role-service';
import {
  deps,
  memberIn,
  meta,
  pendingOwnerInvitation,
  platformAdmin,
  strongPassword,
  tenantWithOwner,
  uniqueEmail,
} from '../support/fixtures';
import { invoke } from '../support/invoke';
import { drainStream } from '../support/local-stack';

/**
 * THE authorization matrix: for every route and every kind of caller, allowed or refused and how.
 * It is checked against the real handlers and DynamoDB Local. A route added to the route table without
 * a row here fails the first test, so no route goes unreviewed.
 *
 *   ok  = 2xx     403 = forbidden     404 = tenant (or access request) not visible (non-members learn nothing)
 *   409 = allowed to ask, but nothing to ask for (access requests of those who hold everything)
 */
type Caller =
  | 'owner'
  | 'admin'
  | 'manager'
  | 'agent'
  | 'viewer'
  | 'custom'
  | 'suspended'
  | 'nonMember'
  | 'platformAdmin'
  | 'anonymous';
type Outcome = 'ok' | 401 | 403 | 404 | 409;

/** `custom` holds only a custom role with users:read, audit:read and inbox:read. */
const member = {
  owner: 'ok',
  admin: 'ok',
  manager: 'ok',
  agent: 'ok',
  viewer: 'ok',
  custom: 'ok',
  suspended: 403,
  nonMember: 404,
  platformAdmin: 404,
  anonymous: 401,
} as const;
const usersRead = { ...member, agent: 403 } as const;
const usersWrite = { ...usersRead, manager: 403, viewer: 403, custom: 403 } as const;
const rolesManage = usersWrite;
const ownerOnly = { ...usersWrite, admin: 403 } as const;
const platform = {
  owner: 403,
  admin: 403,
  manager: 403,
  agent: 403,
  viewer: 403,
  custom: 403,
  suspended: 403,
  nonMember: 403,
  platformAdmin: 'ok',
  anonymous: 401,
} as const;
const anyIdentity = {
  owner: 'ok',
  admin: 'ok',
  manager: 'ok',
  agent: 'ok',
  viewer: 'ok',
  custom: 'ok',
  suspended: 'ok',
  nonMember: 'ok',
  platformAdmin: 'ok',
  anonymous: 401,
} as const;
const everyone = { ...anyIdentity, anonymous: 'ok' } as const;
/** Owner and Admin hold audit:*; Viewer holds every :read, so audit:read but not audit:export. */
const auditRead = { ...member, manager: 403, agent: 403 } as const;
const auditExport = { ...auditRead, viewer: 403, custom: 403 } as const;

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
  createRole: rolesManage,
  updateRole: rolesManage,
  deleteRole: rolesManage,
  updateMember: usersWrite,
  suspendMember: usersWrite,
  reactivateMember: usersWrite,
  removeMember: usersWrite,
  transferOwnership: ownerOnly,
  createInvitations: usersWrite,
  listInvitations: usersRead,
  resendInvitation: usersWrite,
  revokeInvitation: usersWrite,
  lookupInvitation: everyone,
  acceptInvitation: everyone,
  declineInvitation: everyone,
  listMyInvitations: anyIdentity,
  // Any signed-in person, on an invitation to their own verified email (in a tenant of its own).
  acceptMyInvitation: anyIdentity,
  declineMyInvitation: anyIdentity,
  listAudit: auditRead,
  verifyAudit: auditRead,
  createAuditExport: auditExport,
  getAuditExport: auditExport,
  // bots:create is a tenant permission of Owner and Admin; bots:configure on a bot is held tenant-wide by them
  // (the callers here hold no role on the Owner's bots); bots:delete and transfer: the Owner, never the Admin.
  createBot: usersWrite,
  listBots: member,
  getBot: member,
  updateBot: usersWrite,
  deleteBot: ownerOnly,
  transferBotOwnership: ownerOnly,
  // collaborators:read is held tenant-wide by Owner, Admin and Viewer (every :read); collaborators:manage by
  // Owner and Admin.
  listBotAccess: { ...usersWrite, viewer: 'ok' },
  setBotAccess: usersWrite,
  // Another member as the subject (or the member the path names): users:read, or the member themself.
  listMemberBots: usersRead,
  authorize: usersRead,
  // Any active member may ask for access (each caller asks for Bot Admin on a fresh bot: Owner and Admin hold
  // all of it tenant-wide already, 409). Deciding needs collaborators:manage on the bot (Owner, Admin); the
  // others are neither its requester nor an approver: 404, they learn nothing of it. Cancelling: the
  // requester only (Owner and Admin may decide, not withdraw: 403).
  createAccessRequest: { ...member, owner: 409, admin: 409 },
  listAccessRequests: usersWrite,
  getAccessRequest: { ...usersWrite, manager: 404, viewer: 404, custom: 404, agent: 404 },
  approveAccessRequest: { ...usersWrite, manager: 404, viewer: 404, custom: 404, agent: 404 },
  denyAccessRequest: { ...usersWrite, manager: 404, viewer: 404, custom: 404, agent: 404 },
  cancelAccessRequest: { ...usersWrite, owner: 403, admin: 403, manager: 404, viewer: 404, custom: 404, agent: 404 },
  listMyNotifications: anyIdentity,
  markNotificationRead: anyIdentity,
  listGroups: usersRead,
  getGroup: usersRead,
  listGroupMembers: usersRead,
  createGroup: usersWrite,
  updateGroup: usersWrite,
  deleteGroup: usersWrite,
  addGroupMember: usersWrite,
  removeGroupMember: usersWrite,
};

const callers = Object.keys(member) as Caller[];
let tenantId: string;
let targetMemberId: string;
const identities = {} as Record<Caller, Identity | undefined>;

beforeAll(async () => {
  const tenant = await tenantWithOwner(1000);
  tenantId = tenant.tenantId;
  identities.owner = tenant.owner.identity;
  for (const roleId of ['admin', 'manager', 'agent', 'viewer'] as const) {
    identities[roleId] = (await memberIn(tenantId, { roles: [{ roleId }] })).identity;
  }
  const ownerCaller = await resolveTenantCaller(deps(), identities.owner, tenantId);
  const custom = await createRole(
    deps(),
    ownerCaller,
    { name: `Matrix custom ${ulid()}`, permissions: ['users:read', 'audit:read', 'inbox:read'] },
    meta(),
  );
  identities.custom = (await memberIn(tenantId, { roles: [{ roleId: custom.roleId }] })).identity;
  identities.suspended = (await memberIn(tenantId, { status: 'suspended', roles: [{ roleId: 'admin' }] })).identity;
  identities.nonMember = (await tenantWithOwner()).owner.identity;
  // A platform admin of its own: accepting an invitation (acceptMyInvitation) makes its caller a member, and
  // the shared fixture must stay in no tenant (members-and-access.test.ts asserts its empty /v1/me).
  identities.platformAdmin = { ...platformAdmin, userId: `platform-admin-matrix-${ulid()}` };
  identities.anonymous = undefined;
  targetMemberId = (await memberIn(tenantId, { roles: [{ roleId: 'viewer' }] })).member.memberId;
});

/** A fresh invitation in the matrix tenant, so that every caller finds one to resend or revoke. */
async function freshInvitationId() {
  const owner = await resolveTenantCaller(deps(), identities.owner!, tenantId);
  const { created, failed } = await inviteMembers(
    deps(),
    owner,
    { emails: [uniqueEmail('matrix')], roles: [{ roleId: 'viewer' }] },
    meta(),
  );
  if (!created[0]) throw new Error(`could not invite: ${JSON.stringify(failed)}`);
  return created[0].invitationId;
}

/** A pending invitation to the caller's email (any address for anonymous) in a tenant of its own. */
async function freshInvitationFor(identity: Identity | undefined) {
  const other = await tenantWithOwner();
  const owner = await resolveTenantCaller(deps(), other.owner.identity, other.tenantId);
  const { created, failed } = await inviteMembers(
    deps(),
    owner,
    { emails: [identity?.email ?? uniqueEmail('matrix-anonymous')], roles: [{ roleId: 'viewer' }] },
    meta(),
  );
  if (!created[0]) throw new Error(`could not invite: ${JSON.stringify(failed)}`);
  return { tenantId: other.tenantId, invitationId: created[0].invitationId };
}

async function freshRoleId() {
  const owner = await resolveTenantCaller(deps(), identities.owner!, tenantId);
  return (await createRole(deps(), owner, { name: `Matrix ${ulid()}`, permissions: ['inbox:read'] }, meta())).roleId;
}

/** A bot the Owner registered (its Bot Owner), fresh for routes that delete or hand it away. */
async function freshBotId() {
  const owner = await resolveTenantCaller(deps(), identities.owner!, tenantId);
  return (await registerBot(deps(), owner, { name: `Matrix bot ${ulid()}` }, meta())).bot.botId;
}

/** A group the Owner made (with Viewer, which Admins hold too), fresh for each request. */
async function freshGroupId() {
  const owner = await resolveTenantCaller(deps(), identities.owner!, tenantId);
  const group = await createGroup(deps(), owner, { name: `Matrix group ${ulid()}` }, meta());
  await updateGroup(deps(), owner, group.groupId, { roles: [{ roleId: 'viewer' }] }, undefined, meta());
  return group.groupId;
}

/** Whoever became Owner in a transfer, so the test can hand ownership back. */
let transferredTo: Identity | undefined;

/** An export request in the matrix tenant, so that every caller finds one to read. */
async function freshExportId() {
  await drainStream(); // the tenant's earlier exports finish and free their slots (at most 3 in progress)
  const owner = await resolveTenantCaller(deps(), identities.owner!, tenantId);
  return (await requestAuditExport(deps(), owner, { action: 'member.' }, meta())).exportId;
}

/** A pending access request of a fresh Member for Developer on a fresh bot of the Owner's. */
async function freshAccessRequestId() {
  const requester = await memberIn(tenantId, { roles: [{ roleId: 'member' }] });
  const caller = await resolveTenantCaller(deps(), requester.identity, tenantId);
  const botId = await freshBotId();
  return (await createAccessRequest(deps(), caller, { botId, roles: [{ roleId: 'bot-developer' }] }, meta())).requestId;
}

/** An unread notification of the caller's (any identity: notifications are per person, not per tenant). */
async function freshNotificationId(identity: Identity | undefined) {
  const occurredAt = new Date().toISOString();
  const eventId = ulid();
  const userId = identity?.userId ?? `sub-${ulid()}`;
  await recordNotification(
    deps(),
    { type: 'invitation.declined', tenantId, tenantName: 'Matrix', occurredAt, eventId, data: {}, recipients: [] },
    { userId, email: identity?.email ?? 'nobody@example.com' },
  );
  return notificationIdOf(eventId, userId, occurredAt);
}

/** A valid request for each route, so that only the caller decides the outcome. */
async function requestFor(
  operationId: RouteName,
  caller: Caller,
): Promise<{ params?: Record<string, string>; query?: Record<string, string>; body?: unknown }> {
  const params = { tenantId, memberId: targetMemberId, roleId: 'viewer' };
  switch (operationId) {
    case 'createRole':
      return { params, body: { name: `Matrix ${ulid()}`, copyFrom: 'agent', permissions: ['inbox:read'] } };
    case 'updateRole':
      return { params: { ...params, roleId: await freshRoleId() }, body: { description: 'changed' } };
    case 'deleteRole':
      return { params: { ...params, roleId: await freshRoleId() } };
    case 'updateMember':
      return {
        params: { ...params, memberId: (await memberIn(tenantId, { roles: [{ roleId: 'viewer' }] })).member.memberId },
        body: { permissions: ['inbox:read'] },
      };
    case 'suspendMember':
      return {
        params: { ...params, memberId: (await memberIn(tenantId, { roles: [{ roleId: 'viewer' }] })).member.memberId },
      };
    case 'reactivateMember':
    case 'removeMember':
      return {
        params: {
          ...params,
          memberId: (await memberIn(tenantId, { status: 'suspended', roles: [{ roleId: 'viewer' }] })).member.memberId,
        },
      };
    case 'transferOwnership': {
      const heir = await memberIn(tenantId, { roles: [{ roleId: 'viewer' }] });
      transferredTo = heir.identity;
      return { params, body: { memberId: heir.member.memberId } };
    }
    case 'createAuditExport':
      await drainStream(); // a free export slot: the earlier exports finish first
      return { params, body: { filter: { action: 'member.' } } };
    case 'getAuditExport':
      return { params: { ...params, exportId: await freshExportId() } };
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
    case 'acceptMyInvitation':
    case 'declineMyInvitation':
      return { params: await freshInvitationFor(identities[caller]) };
    case 'createBot':
      return { params, body: { name: `Matrix bot ${ulid()}` } };
    case 'getBot':
      return { params: { ...params, botId: await freshBotId() } };
    case 'updateBot':
      return { params: { ...params, botId: await freshBotId() }, body: { name: 'Matrix bot (renamed)' } };
    case 'deleteBot':
      return { params: { ...params, botId: await freshBotId() } };
    case 'listBotAccess':
      return { params: { ...params, botId: await freshBotId() } };
    case 'setBotAccess':
      return {
        params: {
          ...params,
          botId: await freshBotId(),
          principalType: 'member',
          principalId: (await memberIn(tenantId, { roles: [{ roleId: 'member' }] })).member.memberId,
        },
        body: { roles: [{ roleId: 'bot-tester' }] },
      };
    case 'transferBotOwnership':
      return {
        params: { ...params, botId: await freshBotId() },
        body: { memberId: (await memberIn(tenantId, { roles: [{ roleId: 'viewer' }] })).member.memberId },
      };
    case 'authorize':
      return { params, body: { subject: { memberId: targetMemberId }, checks: [{ permission: 'inbox:read' }] } };
    case 'createAccessRequest':
      return { params, body: { botId: await freshBotId(), roles: [{ roleId: 'bot-admin' }] } };
    case 'listAccessRequests':
      return { params, query: { botId: await freshBotId() } };
    case 'getAccessRequest':
    case 'denyAccessRequest':
    case 'cancelAccessRequest':
      return { params: { ...params, requestId: await freshAccessRequestId() }, body: {} };
    case 'approveAccessRequest':
      return { params: { ...params, requestId: await freshAccessRequestId() }, body: {} };
    case 'markNotificationRead':
      return { params: { ...params, notificationId: await freshNotificationId(identities[caller]) } };
    case 'createGroup':
      return { params, body: { name: `Matrix group ${ulid()}` } };
    case 'getGroup':
    case 'deleteGroup':
    case 'listGroupMembers':
      return { params: { ...params, groupId: await freshGroupId() } };
    case 'updateGroup':
      return { params: { ...params, groupId: await freshGroupId() }, body: { description: 'changed' } };
    case 'addGroupMember':
    case 'removeGroupMember': {
      const groupId = await freshGroupId();
      const joiner = (await memberIn(tenantId, { roles: [{ roleId: 'member' }] })).member.memberId;
      if (operationId === 'removeGroupMember') {
        const owner = await resolveTenantCaller(deps(), identities.owner!, tenantId);
        await addGroupMember(deps(), owner, groupId, joiner, meta());
      }
      return { params: { ...params, groupId, memberId: joiner } };
    }
    case 'createTenant':
      return { params, body: { name: 'Matrix tenant', ownerEmail: uniqueEmail('matrix'), seatLimit: 3 } };
    case 'updateTenant':
      return { params, body: { name: 'Matrix tenant (renamed)' } };
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
        const result = await invoke(route, {
          identity: identities[caller],
          ...(await requestFor(route.operationId as RouteName, caller)),
        });
        if (route.operationId === 'transferOwnership' && result.status === 204) {
          // Hand the tenant back, so the other rows still run against the original Owner.
          const heir = await resolveTenantCaller(deps(), transferredTo!, tenantId);
          const ownerMemberId = (await resolveTenantCaller(deps(), identities.owner!, tenantId)).memberId;
          await transferOwnership(deps(), heir, ownerMemberId, meta());
        }
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
