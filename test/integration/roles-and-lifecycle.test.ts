import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { getMember } from '../../shared/data/member-repository';
import { getTenant } from '../../shared/data/tenant-repository';
import type { Identity } from '../../shared/domain/actor';
import { builtInRoles } from '../../shared/domain/roles';
import { routes } from '../../shared/http/routes';
import { purgeExpiredAssignments } from '../../shared/services/member-admin-service';
import { capturing, deps, memberIn, tenantWithOwner } from '../support/fixtures';
import { invoke } from '../support/invoke';

type Effective = { permission: string; sources: string[] }[];
const permissionsOf = (body: { effectivePermissions: Effective }) => body.effectivePermissions.map((p) => p.permission);

async function setup() {
  const tenant = await tenantWithOwner(200);
  const owner = tenant.owner.identity;
  const as = (identity: Identity) => ({
    createRole: (body: object) => invoke(routes.createRole, { identity, params: { tenantId: tenant.tenantId }, body }),
    updateRole: (roleId: string, body: object, ifMatch?: number) =>
      invoke(routes.updateRole, {
        identity,
        params: { tenantId: tenant.tenantId, roleId },
        body,
        headers: ifMatch ? { 'if-match': `"${ifMatch}"` } : {},
      }),
    deleteRole: (roleId: string, query: Record<string, string> = {}) =>
      invoke(routes.deleteRole, { identity, params: { tenantId: tenant.tenantId, roleId }, query }),
    patch: (memberId: string, body: object, ifMatch?: number) =>
      invoke(routes.updateMember, {
        identity,
        params: { tenantId: tenant.tenantId, memberId },
        body,
        headers: ifMatch ? { 'if-match': `"${ifMatch}"` } : {},
      }),
    get: (memberId: string) => invoke(routes.getMember, { identity, params: { tenantId: tenant.tenantId, memberId } }),
    list: () => invoke(routes.listMembers, { identity, params: { tenantId: tenant.tenantId } }),
    suspend: (memberId: string) =>
      invoke(routes.suspendMember, { identity, params: { tenantId: tenant.tenantId, memberId } }),
    reactivate: (memberId: string) =>
      invoke(routes.reactivateMember, { identity, params: { tenantId: tenant.tenantId, memberId } }),
    remove: (memberId: string) =>
      invoke(routes.removeMember, { identity, params: { tenantId: tenant.tenantId, memberId } }),
    transfer: (memberId: string) =>
      invoke(routes.transferOwnership, { identity, params: { tenantId: tenant.tenantId }, body: { memberId } }),
    invite: (roleId: string) =>
      invoke(routes.createInvitations, {
        identity,
        params: { tenantId: tenant.tenantId },
        body: { emails: [`x-${ulid()}@example.com`], roles: [{ roleId }] },
      }),
    tenant: () => invoke(routes.getTenant, { identity, params: { tenantId: tenant.tenantId } }),
  });
  return { ...tenant, owner, as };
}

describe('custom roles', () => {
  it('scenario 2: a copy of Manager without one permission takes effect on the holder’s very next request', async () => {
    const { tenantId, owner, as } = await setup();
    const member = await memberIn(tenantId, { roles: [{ roleId: 'agent' }] });
    const withoutExport = builtInRoles.manager.permissions.filter((p) => p !== 'analytics:export');
    const created = await as(owner).createRole({
      name: 'Campaign Operator',
      copyFrom: 'manager',
      permissions: withoutExport,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Campaign Operator', builtIn: false, version: 1 });
    expect(created.body.permissions).not.toContain('analytics:export');
    expect(created.body.permissions).toContain('campaigns:send');

    expect((await as(member.identity).list()).status).toBe(403);
    const assigned = await as(owner).patch(member.member.memberId, { roles: [{ roleId: created.body.roleId }] });
    expect(assigned.status).toBe(200);

    const self = await as(member.identity).get(member.member.memberId);
    expect(permissionsOf(self.body)).toContain('campaigns:send');
    expect(permissionsOf(self.body)).not.toContain('analytics:export');
    expect(permissionsOf(self.body)).not.toContain('crm:access'); // the Agent role is gone
    expect((await as(member.identity).list()).status).toBe(200); // users:read came with the copy

    // Editing the role reaches its holders on their next request too.
    const edited = await as(owner).updateRole(
      created.body.roleId,
      { permissions: withoutExport.filter((p) => p !== 'users:read') },
      1,
    );
    expect(edited.status).toBe(200);
    expect((await as(member.identity).list()).status).toBe(403);
  });

  it('copies any role as the starting set and keeps names unique case-insensitively (built-in names too)', async () => {
    const { owner, as } = await setup();
    const copy = await as(owner).createRole({ name: 'Helpdesk', copyFrom: 'agent' });
    expect(copy.body.permissions).toEqual([...builtInRoles.agent.permissions].sort());
    const copyOfCopy = await as(owner).createRole({ name: 'Helpdesk 2', copyFrom: copy.body.roleId });
    expect(copyOfCopy.body.permissions).toEqual(copy.body.permissions);
    expect((await as(owner).createRole({ name: ' HELPDESK ', permissions: [] })).body.code).toBe('role_name_taken');
    expect((await as(owner).createRole({ name: 'admin', permissions: [] })).body.code).toBe('role_name_taken');
    expect((await as(owner).updateRole(copyOfCopy.body.roleId, { name: 'helpdesk' })).body.code).toBe(
      'role_name_taken',
    );
    expect((await as(owner).createRole({ name: 'Bad', permissions: ['users:delete'] })).status).toBe(400);
    // The old name is free again after a rename.
    expect((await as(owner).updateRole(copy.body.roleId, { name: 'Support' })).status).toBe(200);
    expect((await as(owner).createRole({ name: 'Helpdesk', permissions: [] })).status).toBe(201);
  });

  it('keeps built-in roles immutable and versions custom ones with If-Match', async () => {
    const { owner, as } = await setup();
    expect((await as(owner).updateRole('manager', { description: 'mine now' })).body.code).toBe('role_immutable');
    expect((await as(owner).deleteRole('viewer')).body.code).toBe('role_immutable');
    const role = await as(owner).createRole({ name: 'Versioned', permissions: ['inbox:read'] });
    expect((await as(owner).updateRole(role.body.roleId, { description: 'v2' }, 1)).body.version).toBe(2);
    const stale = await as(owner).updateRole(role.body.roleId, { description: 'v3' }, 1);
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('version_mismatch');
  });

  it('refuses to delete a role in use (409 role_in_use with the count) unless its holders are reassigned', async () => {
    const { tenantId, owner, as } = await setup();
    const role = await as(owner).createRole({ name: 'Temp', permissions: ['inbox:read'] });
    const holders = await Promise.all(
      [1, 2].map(() => memberIn(tenantId, { roles: [{ roleId: role.body.roleId }, { roleId: 'agent' }] })),
    );
    const refused = await as(owner).deleteRole(role.body.roleId);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'role_in_use', count: 2 });

    expect((await as(owner).deleteRole(role.body.roleId, { reassignTo: 'viewer' })).status).toBe(204);
    for (const holder of holders) {
      const member = await getMember(deps(), tenantId, holder.member.memberId);
      expect(member!.roles.map((r) => r.roleId).sort()).toEqual(['agent', 'viewer']);
    }
    expect(
      (await invoke(routes.getRole, { identity: owner, params: { tenantId, roleId: role.body.roleId } })).status,
    ).toBe(404);
    // The name is free again.
    expect((await as(owner).createRole({ name: 'Temp', permissions: [] })).status).toBe(201);
  });

  it('reassigns more holders than one transaction takes, keeping time bounds', async () => {
    const { tenantId, owner, as } = await setup();
    const role = await as(owner).createRole({ name: 'Crowd', permissions: ['inbox:read'] });
    const expiresAt = new Date(Date.now() + 3600_000).toISOString();
    const holders: ReturnType<typeof memberIn>[] = [];
    for (let i = 0; i < 45; i++) holders.push(memberIn(tenantId, { roles: [{ roleId: role.body.roleId, expiresAt }] }));
    const members = await Promise.all(holders);
    expect((await as(owner).deleteRole(role.body.roleId, { reassignTo: 'agent' })).status).toBe(204);
    const after = await Promise.all(members.map((m) => getMember(deps(), tenantId, m.member.memberId)));
    expect(
      after.every(
        (m) => m!.roles.length === 1 && m!.roles[0]!.roleId === 'agent' && m!.roles[0]!.expiresAt === expiresAt,
      ),
    ).toBe(true);
  });
});

describe('member access changes', () => {
  it('scenario 3: two roles give the union, with the source of each permission', async () => {
    const { tenantId, owner, as } = await setup();
    const member = await memberIn(tenantId);
    const patched = await as(owner).patch(member.member.memberId, {
      roles: [{ roleId: 'agent' }, { roleId: 'viewer' }],
      permissions: ['billing:manage'],
    });
    expect(patched.status).toBe(200);
    const sources = Object.fromEntries(
      (patched.body.effectivePermissions as Effective).map((p) => [p.permission, p.sources]),
    );
    expect(sources['inbox:write']).toEqual(['agent']);
    expect(sources['inbox:read']).toEqual(['agent', 'viewer', 'implied']);
    expect(sources['audit:read']).toEqual(['viewer']);
    expect(sources['billing:manage']).toEqual(['direct']);
    expect(sources['users:write']).toBeUndefined();
  });

  it('scenario 4: an assignment expiring in 2 s stops granting then, and the job removes it with an event', async () => {
    const { tenantId, owner, as } = await setup();
    const member = await memberIn(tenantId, { roles: [{ roleId: 'agent' }] });
    const expiresAt = new Date(Date.now() + 2000).toISOString();
    await as(owner).patch(member.member.memberId, { roles: [{ roleId: 'agent' }, { roleId: 'viewer', expiresAt }] });
    expect((await as(member.identity).list()).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, Date.parse(expiresAt) - Date.now() + 50));
    expect((await as(member.identity).list()).status).toBe(403);

    const purge = capturing();
    await purgeExpiredAssignments(purge.deps);
    const stored = await getMember(deps(), tenantId, member.member.memberId);
    expect(stored!.roles).toEqual([{ roleId: 'agent' }]);
    const events = purge.events.filter((e) => e.target.id === member.member.memberId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'role_assignment.expired', actor: { id: 'system' } });
  });

  it('refuses a delegated admin (users:read, users:write, inbox:read) every escalation, and allows inbox:read', async () => {
    const { tenantId, as } = await setup();
    const delegated = await memberIn(tenantId, { permissions: ['users:read', 'users:write', 'inbox:read'] });
    const target = await memberIn(tenantId);
    const d = as(delegated.identity);
    const refusals = {
      grantAdmin: await d.patch(target.member.memberId, { roles: [{ roleId: 'admin' }] }),
      grantManager: await d.patch(target.member.memberId, { roles: [{ roleId: 'manager' }] }),
      grantBilling: await d.patch(target.member.memberId, { permissions: ['billing:manage'] }),
      inviteManager: await d.invite('manager'),
      ownRoles: await d.patch(delegated.member.memberId, { roles: [{ roleId: 'viewer' }] }),
      ownPermissions: await d.patch(delegated.member.memberId, {
        permissions: ['users:read', 'users:write', 'inbox:read', 'inbox:write'],
      }),
    };
    for (const [name, result] of Object.entries(refusals)) {
      expect(result.status, name).toBe(403);
      expect(result.headers['content-type'], name).toBe('application/problem+json');
    }
    expect(refusals.grantAdmin.body.code).toBe('admin_requires_owner');
    expect(refusals.grantManager.body.code).toBe('escalation_denied');
    expect(refusals.ownRoles.body.code).toBe('self_change_forbidden');

    const allowed = await d.patch(target.member.memberId, { permissions: ['inbox:read'] });
    expect(allowed.status).toBe(200);
    expect(permissionsOf(allowed.body)).toEqual(['inbox:read']);
  });

  it('lets only the Owner grant or revoke Admin, and nobody but a transfer touch the Owner', async () => {
    const { tenantId, owner, as } = await setup();
    const admin = await memberIn(tenantId, { roles: [{ roleId: 'admin' }] });
    const other = await memberIn(tenantId, { roles: [{ roleId: 'viewer' }] });
    expect((await as(admin.identity).patch(other.member.memberId, { roles: [{ roleId: 'admin' }] })).body.code).toBe(
      'admin_requires_owner',
    );
    const secondAdmin = await as(owner).patch(other.member.memberId, { roles: [{ roleId: 'admin' }] });
    expect(secondAdmin.status).toBe(200);
    expect((await as(admin.identity).patch(other.member.memberId, { roles: [{ roleId: 'viewer' }] })).body.code).toBe(
      'admin_requires_owner',
    );
    expect((await as(owner).patch(other.member.memberId, { roles: [{ roleId: 'owner' }] })).body.code).toBe(
      'owner_not_grantable',
    );
    const ownerMemberId =
      (await as(owner).tenant()).status === 200
        ? (await invoke(routes.getMe, { identity: owner })).body.memberships[0].memberId
        : '';
    expect((await as(admin.identity).suspend(ownerMemberId)).body.code).toBe('owner_protected');
    expect((await as(admin.identity).patch(ownerMemberId, { permissions: [] })).body.code).toBe('owner_protected');
  });

  it('of 10 parallel PATCHes with the same If-Match, exactly one succeeds and the rest get 412', async () => {
    const { tenantId, owner, as } = await setup();
    const member = await memberIn(tenantId, { roles: [{ roleId: 'agent' }] });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => as(owner).patch(member.member.memberId, { displayName: `Name ${i}` }, 1)),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(412)]);
  });
});

describe('member lifecycle', () => {
  it('scenario 5: suspension blocks the next request; reactivation restores; removal frees the seat and allows a fresh invitation', async () => {
    const { tenantId, owner, as } = await setup();
    const member = await memberIn(tenantId, { roles: [{ roleId: 'viewer' }] });
    const seatsBefore = (await getTenant(deps(), tenantId))!.seatsUsed;
    expect((await as(member.identity).tenant()).status).toBe(200);

    expect((await as(owner).remove(member.member.memberId)).body.code).toBe('invalid_state');
    const suspended = await as(owner).suspend(member.member.memberId);
    expect(suspended.status).toBe(200);
    expect(suspended.body.status).toBe('suspended');
    expect((await as(member.identity).tenant()).body.code).toBe('member_suspended');
    expect((await as(owner).suspend(member.member.memberId)).body.code).toBe('invalid_state');

    expect((await as(owner).reactivate(member.member.memberId)).body.status).toBe('active');
    expect((await as(member.identity).tenant()).status).toBe(200);

    await as(owner).suspend(member.member.memberId);
    expect((await as(owner).remove(member.member.memberId)).status).toBe(204);
    expect((await getTenant(deps(), tenantId))!.seatsUsed).toBe(seatsBefore - 1);
    expect((await as(member.identity).tenant()).status).toBe(404);
    expect((await as(owner).get(member.member.memberId)).status).toBe(404);

    const again = await invoke(routes.createInvitations, {
      identity: owner,
      params: { tenantId },
      body: { emails: [member.identity.email], roles: [{ roleId: 'agent' }] },
    });
    expect(again.body.created).toHaveLength(1);
    expect(again.body.created[0].memberId).not.toBe(member.member.memberId);
  });

  it('forbids suspending or removing yourself, and members who outrank you', async () => {
    const { tenantId, as } = await setup();
    const manager = await memberIn(tenantId, { roles: [{ roleId: 'manager' }], permissions: ['users:write'] });
    const billing = await memberIn(tenantId, { permissions: ['billing:manage'] });
    expect((await as(manager.identity).suspend(manager.member.memberId)).body.code).toBe('self_change_forbidden');
    expect((await as(manager.identity).suspend(billing.member.memberId)).body.code).toBe('outranked');
  });

  it('transfers ownership in one step: the heir becomes Owner, the old Owner Admin', async () => {
    const { tenantId, owner, as } = await setup();
    const heir = await memberIn(tenantId, { roles: [{ roleId: 'viewer' }] });
    const admin = await memberIn(tenantId, { roles: [{ roleId: 'admin' }] });
    expect((await as(admin.identity).transfer(heir.member.memberId)).body.code).toBe('owner_required');
    expect((await as(owner).transfer(heir.member.memberId)).status).toBe(204);

    const heirNow = await getMember(deps(), tenantId, heir.member.memberId);
    expect(heirNow!.roles.map((r) => r.roleId)).toEqual(['owner', 'viewer']);
    const me = await invoke(routes.getMe, { identity: owner });
    const formerOwner = await getMember(deps(), tenantId, me.body.memberships[0].memberId);
    expect(formerOwner!.roles.map((r) => r.roleId)).toEqual(['admin']);
    // The new Owner now manages the former one; the former one can no longer transfer.
    expect((await as(owner).transfer(heir.member.memberId)).status).toBe(403);
    expect((await as(heir.identity).patch(formerOwner!.memberId, { roles: [{ roleId: 'manager' }] })).status).toBe(200);
  });

  it('records lastLoginAt on the first request after a sign-in', async () => {
    const { tenantId } = await setup();
    const member = await memberIn(tenantId, { roles: [{ roleId: 'viewer' }] });
    const signedInAt = Math.floor(Date.now() / 1000) - 60;
    const identity = { ...member.identity, authTime: signedInAt };
    expect((await invoke(routes.getTenant, { identity, params: { tenantId } })).status).toBe(200);
    const stored = await getMember(deps(), tenantId, member.member.memberId);
    expect(stored!.lastLoginAt).toBe(new Date(signedInAt * 1000).toISOString());
    expect(stored!.version).toBe(member.member.version); // bookkeeping, not a change
  });
});

describe('session revocation on suspension', () => {
  /** Records sign-outs; the local Cognito emulator has no AdminUserGlobalSignOut to observe. */
  function recordingDirectory() {
    const signedOut: string[] = [];
    const directory = {
      signOutEverywhere: async (email: string) => void signedOut.push(email),
      createVerifiedUser: () => Promise.reject(new Error('unused')),
      reserveIdentity: () => Promise.reject(new Error('unused')),
      findUserId: () => Promise.reject(new Error('unused')),
      setPassword: () => Promise.reject(new Error('unused')),
      addToGroup: () => Promise.reject(new Error('unused')),
    };
    return { directory, signedOut };
  }

  it('revokes Cognito sessions only when the person has no other active membership', async () => {
    const { suspendMember } = await import('../../shared/services/member-admin-service');
    const { resolveTenantCaller } = await import('../../shared/services/caller-service');
    const { putNewPrincipalLink } = await import('../../shared/data/principal-repository');
    const { updateMember } = await import('../../shared/data/member-repository');
    const { transactWrite } = await import('../../shared/data/transactions');
    const a = await setup();
    const b = await setup();
    const onlyHere = await memberIn(a.tenantId, { roles: [{ roleId: 'viewer' }] });
    const alsoInB = await memberIn(a.tenantId, { roles: [{ roleId: 'viewer' }] });
    // The same person is also active in tenant B.
    const inB = await memberIn(b.tenantId, { roles: [{ roleId: 'viewer' }] });
    await transactWrite(deps(), [
      ...updateMember(deps(), inB.member, { ...inB.member, userId: alsoInB.identity.userId, version: 2 }).map(
        (item) => ({ item }),
      ),
      {
        item: putNewPrincipalLink(deps(), {
          userId: alsoInB.identity.userId,
          tenantId: b.tenantId,
          memberId: inB.member.memberId,
        }),
      },
    ]);

    const owner = await resolveTenantCaller(deps(), a.owner, a.tenantId);
    const { directory, signedOut } = recordingDirectory();
    const meta = { requestId: 'test' };
    await suspendMember(deps(), directory, owner, onlyHere.member.memberId, undefined, meta);
    await suspendMember(deps(), directory, owner, alsoInB.member.memberId, undefined, meta);
    expect(signedOut).toEqual([onlyHere.identity.email]);
  });
});
