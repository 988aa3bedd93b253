import { randomUUID } from 'node:crypto';
import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../shared/audit/verify';
import type { AuditAction } from '../../shared/data/outbox';
import type { Identity } from '../../shared/domain/actor';
import type { RouteDefinition } from '../../shared/http/route-definition';
import { routeList, routes } from '../../shared/http/routes';
import { createAccessRequest } from '../../shared/services/access-request-service';
import { registerBot } from '../../shared/services/bot-service';
import { resolveTenantCaller } from '../../shared/services/caller-service';
import { addGroupMember, createGroup } from '../../shared/services/group-service';
import { inviteMembers } from '../../shared/services/invitation-service';
import { createRole } from '../../shared/services/role-service';
import { auditDeps, chainOf } from '../support/audit';
import {
  capturing,
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
import { drainStream, runJob } from '../support/local-stack';

/**
 * SPEC §3: every mutation writes exactly one audit event. For every non-GET route of the route table, a
 * valid request goes through the real handler; the real stream consumer (drained) writes the entries;
 * exactly one entry carries the request's id, with the right action, actor and target.
 * A mutation route added to the route table without a sample below fails this test.
 */

interface Expected {
  /** The tenant whose chain holds the entry. */
  readonly tenantId: string;
  readonly action: AuditAction;
  /** The actor's id, or a check of it when it is only known afterwards (a new identity). */
  readonly actor: { readonly id?: string; readonly email?: string };
  readonly target: { readonly type: string; readonly id: string };
}

interface Sample {
  readonly identity?: Identity;
  readonly params?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly body?: unknown;
  /** What the entry must say, given the response body. */
  readonly expect: (response: any) => Expected;
}

function ownerCaller(tenant: Awaited<ReturnType<typeof tenantWithOwner>>) {
  return resolveTenantCaller(deps(), tenant.owner.identity, tenant.tenantId);
}

async function invitationIn(tenant: Awaited<ReturnType<typeof tenantWithOwner>>) {
  const { created } = await inviteMembers(
    deps(),
    await ownerCaller(tenant),
    { emails: [uniqueEmail('every')], roles: [{ roleId: 'viewer' }] },
    meta(),
  );
  return created[0]!;
}

const samples: Record<string, () => Promise<Sample>> = {
  createTenant: async () => ({
    identity: platformAdmin,
    body: { name: `Every ${ulid()}`, ownerEmail: uniqueEmail('every-owner'), seatLimit: 5 },
    expect: (tenant) => ({
      tenantId: tenant.tenantId,
      action: 'tenant.created',
      actor: { id: platformAdmin.userId },
      target: { type: 'tenant', id: tenant.tenantId },
    }),
  }),
  updateTenant: async () => {
    const { tenantId } = await tenantWithOwner();
    return {
      identity: platformAdmin,
      params: { tenantId },
      body: { name: 'Renamed' },
      expect: () => ({
        tenantId,
        action: 'tenant.updated',
        actor: { id: platformAdmin.userId },
        target: { type: 'tenant', id: tenantId },
      }),
    };
  },
  createRole: async () => {
    const tenant = await tenantWithOwner();
    return {
      identity: tenant.owner.identity,
      params: { tenantId: tenant.tenantId },
      body: { name: `Operator ${ulid()}`, copyFrom: 'agent', permissions: ['inbox:read'] },
      expect: (role) => ({
        tenantId: tenant.tenantId,
        action: 'role.created',
        actor: { id: tenant.owner.identity.userId },
        target: { type: 'role', id: role.roleId },
      }),
    };
  },
  updateRole: async () => {
    const tenant = await tenantWithOwner();
    const role = await createRole(
      deps(),
      await ownerCaller(tenant),
      { name: `Role ${ulid()}`, permissions: ['inbox:read'] },
      meta(),
    );
    return {
      identity: tenant.owner.identity,
      params: { tenantId: tenant.tenantId, roleId: role.roleId },
      body: { description: 'changed' },
      expect: () => ({
        tenantId: tenant.tenantId,
        action: 'role.updated',
        actor: { id: tenant.owner.identity.userId },
        target: { type: 'role', id: role.roleId },
      }),
    };
  },
  deleteRole: async () => {
    const tenant = await tenantWithOwner();
    const role = await createRole(
      deps(),
      await ownerCaller(tenant),
      { name: `Role ${ulid()}`, permissions: ['inbox:read'] },
      meta(),
    );
    return {
      identity: tenant.owner.identity,
      params: { tenantId: tenant.tenantId, roleId: role.roleId },
      expect: () => ({
        tenantId: tenant.tenantId,
        action: 'role.deleted',
        actor: { id: tenant.owner.identity.userId },
        target: { type: 'role', id: role.roleId },
      }),
    };
  },
  updateMember: async () => {
    const tenant = await tenantWithOwner();
    const { member } = await memberIn(tenant.tenantId, { roles: [{ roleId: 'viewer' }] });
    return {
      identity: tenant.owner.identity,
      params: { tenantId: tenant.tenantId, memberId: member.memberId },
      body: { permissions: ['inbox:read'] },
      expect: () => ({
        tenantId: tenant.tenantId,
        action: 'member.permissions_changed',
        actor: { id: tenant.owner.identity.userId },
        target: { type: 'member', id: member.memberId },
      }),
    };
  },
  suspendMember: async () => {
    const tenant = await tenantWithOwner();
    const { member } = await memberIn(tenant.tenantId, { roles: [{ roleId: 'viewer' }] });
    return {
      identity: tenant.owner.identity,
      params: { tenantId: tenant.tenantId, memberId: member.memberId },
      expect: () => ({
        tenantId: tenant.tenantId,
        action: 'member.suspended',
        actor: { id: tenant.owner.identity.userId },
        target: { type: 'member', id: member.memberId },
      }),
    };
  },
  reactivateMember: async () => {
    const tenant = await tenantWithOwner();
    const { member } = await memberIn(tenant.tenantId, { status: 'suspended', roles: [{ roleId: 'viewer' }] });
    return {
      identity: tenant.owner.identity,
      params: { tenantId: tenant.tenantId, memberId: member.memberId },
      expect: () => ({
        tenantId: tenant.tenantId,
        action: 'member.reactivated',
        actor: { id: tenant.owner.identity.userId },
        target: { type: 'member', id: member.memberId },
      }),
    };
  },
  removeMember: async () => {
    const tenant = await tenantWithOwner();
    const { member } = await memberIn(tenant.tenantId, { status: 'suspended', roles: [{ roleId: 'viewer' }] });
    return {
      identity: tenant.owner.identity,
      params: { tenantId: tenant.tenantId, memberId: member.memberId },
      expect: () => ({
        tenantId: tenant.tenantId,
        action: 'member.removed',
        actor: { id: tenant.owner.identity.userId },
        target: { type: 'member', id: member.memberId },
      }),
    };
  },
  transferOwnership: async () => {
    const tenant = await tenantWithOwner();
    const heir = await memberIn(tenant.tenantId, { roles: [{ roleId: 'viewer' }] });
    return {
      identity: tenant.owner.identity,
      params: { tenantId: tenant.tenantId },
      body: { memberId: heir.member.memberId },
      expect: () => ({
        tenantId: tenant.tenantId,
        action: 'member.ownership_transferred',
        actor: { id: tenant.owner.identity.userId },
        target: { type: 'member', id: heir.member.memberId },
      }),
    };
  },
  createInvitations: async () => {
    const tenant = await tenantWithOwner();
    return {
      identity: tenant.owner.identity,
      params: { tenantId: tenant.tenantId },
      body: { emails: [uniqueEmail('every')], roles: [{ roleId: 'viewer' }] },
      expect: (result) => ({
        tenantId: tenant.tenantId,
        action: 'member.invited',
        actor: { id: tenant.owner.identity.userId },
        target: { type: 'member', id: result.created[0].memberId },
      }),
    };
  },
  resendInvitation: async () => {
    const tenant = await tenantWithOwner();
    const invitation = await invitationIn(tenant);
    return {
      identity: tenant.owner.identity,
      params: { tenantId: tenant.tenantId, invitationId: invitation.invitationId },
      expect: () => ({
        tenantId: tenant.tenantId,
        action: 'invitation.resent',
        actor: { id: tenant.owner.identity.userId },
        target: { type: 'invitation', id: invitation.invitationId },
      }),
    };
  },
  revokeInvitation: async () => {
    const tenant = await tenantWithOwner();
    const invitation = await invitationIn(tenant);
    return {
      identity: tenant.owner.identity,
      params: { tenantId: tenant.tenantId, invitationId: invitation.invitationId },
      expect: () => ({
        tenantId: tenant.tenantId,
        action: 'invitation.revoked',
        actor: { id: tenant.owner.identity.userId },
        target: { type: 'invitation', id: invitation.invitationId },
      }),
    };
  },
  acceptInvitation: async () => {
    const pending = await pendingOwnerInvitation();
    return {
      body: { token: pending.token, password: strongPassword() },
      // A new identity: its id is only known afterwards; its email is the invitation's.
      expect: () => ({
        tenantId: pending.tenantId,
        action: 'member.joined',
        actor: { email: pending.email },
        target: { type: 'member', id: pending.member.memberId },
      }),
    };
  },
  declineInvitation: async () => {
    const pending = await pendingOwnerInvitation();
    return {
      body: { token: pending.token },
      expect: () => ({
        tenantId: pending.tenantId,
        action: 'invitation.declined',
        actor: { id: `invitee:${pending.member.memberId}`, email: pending.email },
        target: { type: 'invitation', id: pending.invitation.invitationId },
      }),
    };
  },
  acceptMyInvitation: async () => {
    const pending = await pendingOwnerInvitation();
    const identity: Identity = { userId: `sub-${ulid()}`, email: pending.email, groups: [] };
    return {
      identity,
      params: { tenantId: pending.tenantId, invitationId: pending.invitation.invitationId },
      expect: () => ({
        tenantId: pending.tenantId,
        action: 'member.joined',
        actor: { id: identity.userId, email: pending.email },
        target: { type: 'member', id: pending.member.memberId },
      }),
    };
  },
  declineMyInvitation: async () => {
    const pending = await pendingOwnerInvitation();
    return {
      identity: { userId: `sub-${ulid()}`, email: pending.email, groups: [] },
      params: { tenantId: pending.tenantId, invitationId: pending.invitation.invitationId },
      expect: () => ({
        tenantId: pending.tenantId,
        action: 'invitation.declined',
        actor: { id: `invitee:${pending.member.memberId}`, email: pending.email },
        target: { type: 'invitation', id: pending.invitation.invitationId },
      }),
    };
  },
  createBot: async () => {
    const tenant = await tenantWithOwner();
    return {
      identity: tenant.owner.identity,
      params: { tenantId: tenant.tenantId },
      body: { name: `Every bot ${ulid()}` },
      expect: (bot) => ({
        tenantId: tenant.tenantId,
        action: 'bot.registered',
        actor: { id: tenant.owner.identity.userId },
        target: { type: 'bot', id: bot.botId },
      }),
    };
  },
  updateBot: async () => {
    const tenant = await tenantWithOwner();
    const { bot } = await registerBot(deps(), await ownerCaller(tenant), { name: `Bot ${ulid()}` }, meta());
    return {
      identity: tenant.owner.identity,
      params: { tenantId: tenant.tenantId, botId: bot.botId },
      body: { name: 'Renamed bot' },
      expect: () => ({
        tenantId: tenant.tenantId,
        action: 'bot.updated',
        actor: { id: tenant.owner.identity.userId },
        target: { type: 'bot', id: bot.botId },
      }),
    };
  },
  deleteBot: async () => {
    const tenant = await tenantWithOwner();
    const { bot } = await registerBot(deps(), await ownerCaller(tenant), { name: `Bot ${ulid()}` }, meta());
    return {
      identity: tenant.owner.identity,
      params: { tenantId: tenant.tenantId, botId: bot.botId },
      expect: () => ({
        tenantId: tenant.tenantId,
        action: 'bot.deleted',
        actor: { id: tenant.owner.identity.userId },
        target: { type: 'bot', id: bot.botId },
      }),
    };
  },
  transferBotOwnership: async () => {
    const tenant = await tenantWithOwner();
    const { bot } = await registerBot(deps(), await ownerCaller(tenant), { name: `Bot ${ulid()}` }, meta());
    const heir = await memberIn(tenant.tenantId, { roles: [{ roleId: 'member' }] });
    return {
      identity: tenant.owner.identity,
      params: { tenantId: tenant.tenantId, botId: bot.botId },
      body: { memberId: heir.member.memberId },
      expect: () => ({
        tenantId: tenant.tenantId,
        action: 'bot.ownership_transferred',
        actor: { id: tenant.owner.identity.userId },
        target: { type: 'bot', id: bot.botId },
      }),
    };
  },
  setBotAccess: async () => {
    const tenant = await tenantWithOwner();
    const { bot } = await registerBot(deps(), await ownerCaller(tenant), { name: `Bot ${ulid()}` }, meta());
    const developer = await memberIn(tenant.tenantId, { roles: [{ roleId: 'member' }] });
    return {
      identity: tenant.owner.identity,
      params: {
        tenantId: tenant.tenantId,
        botId: bot.botId,
        principalType: 'member',
        principalId: developer.member.memberId,
      },
      body: { roles: [{ roleId: 'bot-developer' }, { roleId: 'bot-approver', environments: ['production'] }] },
      expect: () => ({
        tenantId: tenant.tenantId,
        action: 'bot_access.changed',
        actor: { id: tenant.owner.identity.userId },
        target: { type: 'bot', id: bot.botId },
      }),
    };
  },
  createAccessRequest: async () => {
    const tenant = await tenantWithOwner();
    const { bot } = await registerBot(deps(), await ownerCaller(tenant), { name: `Bot ${ulid()}` }, meta());
    const requester = await memberIn(tenant.tenantId, { roles: [{ roleId: 'member' }] });
    return {
      identity: requester.identity,
      params: { tenantId: tenant.tenantId },
      body: { botId: bot.botId, roles: [{ roleId: 'bot-tester' }], reason: 'Testing the flows' },
      expect: (created) => ({
        tenantId: tenant.tenantId,
        action: 'access_request.created',
        actor: { id: requester.identity.userId },
        target: { type: 'access_request', id: created.requestId },
      }),
    };
  },
  approveAccessRequest: async () => decisionSample('approve'),
  denyAccessRequest: async () => decisionSample('deny'),
  cancelAccessRequest: async () => decisionSample('cancel'),
  createGroup: async () => {
    const tenant = await tenantWithOwner();
    return {
      identity: tenant.owner.identity,
      params: { tenantId: tenant.tenantId },
      body: { name: `Group ${ulid()}` },
      expect: (body) => ({
        tenantId: tenant.tenantId,
        action: 'group.created',
        actor: { id: tenant.owner.identity.userId },
        target: { type: 'group', id: body.groupId },
      }),
    };
  },
  updateGroup: async () => {
    const tenant = await tenantWithOwner();
    const group = await createGroup(deps(), await ownerCaller(tenant), { name: `Group ${ulid()}` }, meta());
    return {
      identity: tenant.owner.identity,
      params: { tenantId: tenant.tenantId, groupId: group.groupId },
      body: { roles: [{ roleId: 'viewer' }] },
      expect: () => ({
        tenantId: tenant.tenantId,
        action: 'group.updated',
        actor: { id: tenant.owner.identity.userId },
        target: { type: 'group', id: group.groupId },
      }),
    };
  },
  deleteGroup: async () => {
    const tenant = await tenantWithOwner();
    const group = await createGroup(deps(), await ownerCaller(tenant), { name: `Group ${ulid()}` }, meta());
    return {
      identity: tenant.owner.identity,
      params: { tenantId: tenant.tenantId, groupId: group.groupId },
      expect: () => ({
        tenantId: tenant.tenantId,
        action: 'group.deleted',
        actor: { id: tenant.owner.identity.userId },
        target: { type: 'group', id: group.groupId },
      }),
    };
  },
  addGroupMember: async () => {
    const tenant = await tenantWithOwner();
    const group = await createGroup(deps(), await ownerCaller(tenant), { name: `Group ${ulid()}` }, meta());
    const joiner = await memberIn(tenant.tenantId, { roles: [{ roleId: 'member' }] });
    return {
      identity: tenant.owner.identity,
      params: { tenantId: tenant.tenantId, groupId: group.groupId, memberId: joiner.member.memberId },
      expect: () => ({
        tenantId: tenant.tenantId,
        action: 'group.member_added',
        actor: { id: tenant.owner.identity.userId },
        target: { type: 'group', id: group.groupId },
      }),
    };
  },
  removeGroupMember: async () => {
    const tenant = await tenantWithOwner();
    const group = await createGroup(deps(), await ownerCaller(tenant), { name: `Group ${ulid()}` }, meta());
    const leaver = await memberIn(tenant.tenantId, { roles: [{ roleId: 'member' }] });
    await addGroupMember(deps(), await ownerCaller(tenant), group.groupId, leaver.member.memberId, meta());
    return {
      identity: tenant.owner.identity,
      params: { tenantId: tenant.tenantId, groupId: group.groupId, memberId: leaver.member.memberId },
      expect: () => ({
        tenantId: tenant.tenantId,
        action: 'group.member_removed',
        actor: { id: tenant.owner.identity.userId },
        target: { type: 'group', id: group.groupId },
      }),
    };
  },
  createAuditExport: async () => {
    const tenant = await tenantWithOwner();
    return {
      identity: tenant.owner.identity,
      params: { tenantId: tenant.tenantId },
      // An empty filter: its empty map must survive the stream (locally the poller converts it).
      body: { filter: {} },
      expect: (created) => ({
        tenantId: tenant.tenantId,
        action: 'audit.exported',
        actor: { id: tenant.owner.identity.userId },
        target: { type: 'audit_export', id: created.exportId },
      }),
    };
  },
};

/** A pending request of a fresh Member on a fresh bot, approved or denied by the Owner or cancelled by its requester. */
async function decisionSample(decision: 'approve' | 'deny' | 'cancel'): Promise<Sample> {
  const tenant = await tenantWithOwner();
  const { bot } = await registerBot(deps(), await ownerCaller(tenant), { name: `Bot ${ulid()}` }, meta());
  const requester = await memberIn(tenant.tenantId, { roles: [{ roleId: 'member' }] });
  const caller = await resolveTenantCaller(deps(), requester.identity, tenant.tenantId);
  const request = await createAccessRequest(
    deps(),
    caller,
    { botId: bot.botId, roles: [{ roleId: 'bot-tester' }] },
    meta(),
  );
  const actor = decision === 'cancel' ? requester.identity : tenant.owner.identity;
  const action = { approve: 'approved', deny: 'denied', cancel: 'cancelled' } as const;
  return {
    identity: actor,
    params: { tenantId: tenant.tenantId, requestId: request.requestId },
    body: decision === 'cancel' ? undefined : {},
    expect: () => ({
      tenantId: tenant.tenantId,
      action: `access_request.${action[decision]}`,
      actor: { id: actor.userId },
      target: { type: 'access_request', id: request.requestId },
    }),
  };
}

/**
 * Mutations that change no tenant's data, and so write no audit event: marking one's own notification read
 * changes a per-person marker outside every tenant (SPEC §3 audits the tenant's changes).
 */
const notAudited = new Set(['markNotificationRead']);

/**
 * Routes that change state: every route but GETs, except those that may not write at all (no `main:write`
 * grant, which least-privilege.test.ts holds them to): `POST /authorize` asks questions, it changes nothing.
 */
const mutationRoutes = routeList.filter(
  (route) => route.method !== 'GET' && route.grants.includes('main:write') && !notAudited.has(route.operationId),
);

describe('every mutation route writes exactly one audit entry', () => {
  it('leaves out only the POST routes that cannot write, and the per-person notification marker', () => {
    const readOnly = routeList.filter((route) => route.method !== 'GET' && !mutationRoutes.includes(route));
    expect(readOnly.map((route) => route.operationId).sort()).toEqual(['authorize', 'markNotificationRead']);
  });

  it('has a sample request for every mutation route of the route table (and no stale sample)', () => {
    const missing = mutationRoutes.map((route) => route.operationId).filter((id) => !(id in samples));
    expect(missing, 'add a sample for each new mutation route').toEqual([]);
    const stale = Object.keys(samples).filter((id) => !mutationRoutes.some((route) => route.operationId === id));
    expect(stale).toEqual([]);
  });

  it.each(mutationRoutes.map((route) => [route.operationId, route] as const))(
    '%s',
    async (operationId: string, route: RouteDefinition) => {
      const makeSample = samples[operationId];
      if (!makeSample) throw new Error(`no sample request for mutation route ${operationId}`);
      const sample = await makeSample();
      const requestId = randomUUID();
      const response = await invoke(route, {
        identity: sample.identity,
        params: sample.params,
        query: sample.query,
        body: sample.body,
        requestId,
      });
      expect(response.status, JSON.stringify(response.body)).toBeGreaterThanOrEqual(200);
      expect(response.status).toBeLessThan(300);
      const expected = sample.expect(response.body);

      await drainStream();
      const chain = await chainOf(expected.tenantId);
      const entries = chain.filter((entry) => entry.requestId === requestId);
      expect(entries, `${operationId}: entries with the request's id`).toHaveLength(1);
      const [entry] = entries;
      expect(entry!.action).toBe(expected.action);
      expect(entry!.target).toMatchObject(expected.target);
      if (expected.actor.id !== undefined) expect(entry!.actor.id).toBe(expected.actor.id);
      else expect(entry!.actor.id).toMatch(/.+/);
      if (expected.actor.email !== undefined) expect(entry!.actor.email).toBe(expected.actor.email);
      // Request context: the handler's source IP and user agent, on every entry a request makes.
      expect(entry!.actor).toMatchObject({ ip: '127.0.0.1', userAgent: 'vitest' });
      expect((await verifyAuditChain(auditDeps(), expected.tenantId, {})).ok).toBe(true);
    },
  );
});

describe('scheduled jobs write their entries as the system', () => {
  it('the purge records invitation.expired and role_assignment.expired with the system as actor', async () => {
    const tenant = await tenantWithOwner();
    const caller = await ownerCaller(tenant);
    const tenDaysAgo = capturing(() => new Date(Date.now() - 10 * 24 * 3600 * 1000));
    const { created } = await inviteMembers(
      tenDaysAgo.deps,
      caller,
      { emails: [uniqueEmail('stale')], roles: [{ roleId: 'viewer' }] },
      meta(),
    );
    const member = await memberIn(tenant.tenantId, { roles: [{ roleId: 'agent' }] });
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const patched = await invoke(routes.updateMember, {
      identity: tenant.owner.identity,
      params: { tenantId: tenant.tenantId, memberId: member.member.memberId },
      body: { roles: [{ roleId: 'agent' }, { roleId: 'viewer', expiresAt }] },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, Date.parse(expiresAt) - Date.now() + 50));

    await runJob('purge');
    await drainStream();
    const chain = await chainOf(tenant.tenantId);
    const system = { id: 'system', email: 'system' };
    expect(chain.filter((e) => e.action === 'invitation.expired')).toEqual([
      expect.objectContaining({
        actor: system,
        target: expect.objectContaining({ type: 'invitation', id: created[0]!.invitationId }),
      }),
    ]);
    expect(chain.filter((e) => e.action === 'role_assignment.expired')).toEqual([
      expect.objectContaining({
        actor: system,
        target: expect.objectContaining({ type: 'member', id: member.member.memberId }),
      }),
    ]);
    expect((await verifyAuditChain(auditDeps(), tenant.tenantId, {})).ok).toBe(true);
  });
});
