import { describe, expect, it } from 'vitest';
import { updateMember } from '../../shared/data/member-repository';
import type { MemberRecord } from '../../shared/data/records';
import { transactWrite } from '../../shared/data/transactions';
import { routes } from '../../shared/http/routes';
import { deps, memberIn, platformAdmin, tenantWithOwner } from '../support/fixtures';
import { invoke } from '../support/invoke';

async function changeMember(member: MemberRecord, change: Partial<MemberRecord>) {
  const next = { ...member, ...change, version: member.version + 1 };
  await transactWrite(
    deps(),
    updateMember(deps(), member, next).map((item) => ({ item })),
  );
  return next;
}

describe('tenant-scoped reads through the handlers (DynamoDB Local)', () => {
  it('shows an owner the tenant, catalog, roles and their own effective permissions with sources', async () => {
    const { tenantId, owner } = await tenantWithOwner(7);
    const params = { tenantId };

    const tenant = await invoke(routes.getTenant, { identity: owner.identity, params });
    expect(tenant.status).toBe(200);
    expect(tenant.body).toMatchObject({ tenantId, seatLimit: 7, seatsUsed: 1 });
    expect(tenant.headers.etag).toBe('"1"');

    const catalog = await invoke(routes.listPermissions, { identity: owner.identity, params });
    const bots = catalog.body.modules.find((m: { module: string }) => m.module === 'bots');
    expect(bots.permissions.map((p: { permission: string; scope: string }) => `${p.permission} ${p.scope}`)).toEqual([
      'bots:create tenant',
      'bots:read bot',
      'bots:configure bot',
      'bots:publish bot',
      'bots:delete bot',
      'bots:import bot',
    ]);

    const roles = await invoke(routes.listRoles, { identity: owner.identity, params });
    expect(roles.body.items.map((r: { roleId: string }) => r.roleId)).toEqual([
      'owner',
      'admin',
      'manager',
      'agent',
      'viewer',
      'member',
      'bot-owner',
      'bot-admin',
      'bot-developer',
      'bot-approver',
      'bot-tester',
      'database-viewer',
      'inbox-admin',
      'inbox-agent',
      'insights-analyst',
      'insights-admin',
      'engagement-admin',
      'engagement-user',
    ]);
    expect(roles.body.items.every((r: { builtIn: boolean }) => r.builtIn)).toBe(true);

    const me = await invoke(routes.getMember, {
      identity: owner.identity,
      params: { tenantId, memberId: owner.member.memberId },
    });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ status: 'active', roles: [{ roleId: 'owner' }], email: owner.identity.email });
    const usersRead = me.body.effectivePermissions.find((p: { permission: string }) => p.permission === 'users:read');
    expect(usersRead.sources).toEqual(['owner', 'implied']);
  });

  it('lets an Agent see the tenant and themself, but not the member list or other members', async () => {
    const { tenantId, owner } = await tenantWithOwner();
    const agent = await memberIn(tenantId, { roles: [{ roleId: 'agent' }] });

    expect((await invoke(routes.getTenant, { identity: agent.identity, params: { tenantId } })).status).toBe(200);
    const self = await invoke(routes.getMember, {
      identity: agent.identity,
      params: { tenantId, memberId: agent.member.memberId },
    });
    expect(self.status).toBe(200);
    expect(self.body.effectivePermissions.map((p: { permission: string }) => p.permission)).toEqual([
      'contacts:read',
      'inbox:read',
      'inbox:write',
      'crm:access',
    ]);

    const list = await invoke(routes.listMembers, { identity: agent.identity, params: { tenantId } });
    expect(list.status).toBe(403);
    expect(list.body.code).toBe('forbidden');
    const other = await invoke(routes.getMember, {
      identity: agent.identity,
      params: { tenantId, memberId: owner.member.memberId },
    });
    expect(other.status).toBe(403);
  });

  it('applies a role change on the very next request, and stops an expired assignment at its instant', async () => {
    const { tenantId } = await tenantWithOwner();
    const agent = await memberIn(tenantId, { roles: [{ roleId: 'agent' }] });
    const list = () => invoke(routes.listMembers, { identity: agent.identity, params: { tenantId } });
    expect((await list()).status).toBe(403);

    const expiresAt = new Date(Date.now() + 1500).toISOString();
    await changeMember(agent.member, { roles: [{ roleId: 'agent' }, { roleId: 'viewer', expiresAt }] });
    expect((await list()).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, Date.parse(expiresAt) - Date.now() + 50));
    expect((await list()).status).toBe(403);
  });

  it('blocks a suspended member on their next request with 403 member_suspended', async () => {
    const { tenantId } = await tenantWithOwner();
    const viewer = await memberIn(tenantId, { roles: [{ roleId: 'viewer' }] });
    expect((await invoke(routes.getTenant, { identity: viewer.identity, params: { tenantId } })).status).toBe(200);
    await changeMember(viewer.member, { status: 'suspended' });
    const refused = await invoke(routes.getTenant, { identity: viewer.identity, params: { tenantId } });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('member_suspended');
  });

  it('isolates tenants: the Owner of B gets 404 on every read of A, with none of A in the body', async () => {
    const a = await tenantWithOwner();
    const b = await tenantWithOwner();
    const attempts = [
      invoke(routes.getTenant, { identity: b.owner.identity, params: { tenantId: a.tenantId } }),
      invoke(routes.listMembers, { identity: b.owner.identity, params: { tenantId: a.tenantId } }),
      invoke(routes.getMember, {
        identity: b.owner.identity,
        params: { tenantId: a.tenantId, memberId: a.owner.member.memberId },
      }),
      invoke(routes.listRoles, { identity: b.owner.identity, params: { tenantId: a.tenantId } }),
    ];
    for (const result of await Promise.all(attempts)) {
      expect(result.status).toBe(404);
      expect(result.body.code).toBe('tenant_not_found');
      expect(JSON.stringify(result.body)).not.toContain(a.owner.identity.email);
      expect(JSON.stringify(result.body)).not.toContain(a.tenant.name);
    }
  });

  it('pages through members with opaque cursors bound to tenant and filter', async () => {
    const { tenantId, owner } = await tenantWithOwner();
    const other = await tenantWithOwner();
    const created = await Promise.all(
      Array.from({ length: 6 }, () => memberIn(tenantId, { roles: [{ roleId: 'viewer' }] })),
    );
    await Promise.all(
      Array.from({ length: 2 }, () => memberIn(tenantId, { status: 'invited', roles: [{ roleId: 'agent' }] })),
    );

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await invoke(routes.listMembers, {
        identity: owner.identity,
        params: { tenantId },
        query: { limit: '3', ...(cursor ? { cursor } : {}) },
      });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((m: { memberId: string }) => m.memberId));
      cursor = page.body.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(seen).toHaveLength(9);
    expect(new Set(seen).size).toBe(9);
    expect(pages).toBeGreaterThanOrEqual(3);
    for (const m of created) expect(seen).toContain(m.member.memberId);

    const active = await invoke(routes.listMembers, {
      identity: owner.identity,
      params: { tenantId },
      query: { status: 'active', limit: '100' },
    });
    expect(active.body.items).toHaveLength(7);
    const invited = await invoke(routes.listMembers, {
      identity: owner.identity,
      params: { tenantId },
      query: { status: 'invited', limit: '2' },
    });
    expect(invited.body.items.every((m: { status: string }) => m.status === 'invited')).toBe(true);

    const firstPage = await invoke(routes.listMembers, {
      identity: owner.identity,
      params: { tenantId },
      query: { limit: '2' },
    });
    const foreign = await invoke(routes.listMembers, {
      identity: other.owner.identity,
      params: { tenantId: other.tenantId },
      query: { cursor: firstPage.body.nextCursor },
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.code).toBe('invalid_cursor');
    const otherFilter = await invoke(routes.listMembers, {
      identity: owner.identity,
      params: { tenantId },
      query: { status: 'active', cursor: firstPage.body.nextCursor },
    });
    expect(otherFilter.body.code).toBe('invalid_cursor');
  });

  it('rejects malformed path, query and body input with 400 problems', async () => {
    const { tenantId, owner } = await tenantWithOwner();
    const badId = await invoke(routes.getMember, {
      identity: owner.identity,
      params: { tenantId, memberId: '../etc' },
    });
    expect(badId.status).toBe(400);
    const badLimit = await invoke(routes.listMembers, {
      identity: owner.identity,
      params: { tenantId },
      query: { limit: '1000' },
    });
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.errors[0].path).toBe('query.limit');
    const badStatus = await invoke(routes.listMembers, {
      identity: owner.identity,
      params: { tenantId },
      query: { status: 'gone' },
    });
    expect(badStatus.body.code).toBe('validation_failed');
    const badPatch = await invoke(routes.updateTenant, { identity: platformAdmin, params: { tenantId }, body: {} });
    expect(badPatch.status).toBe(400);
  });

  it('reports the caller and all their memberships on /v1/me', async () => {
    const a = await tenantWithOwner(5, 'Alpha Co');
    const b = await tenantWithOwner(5, 'Beta Co');
    const viewerInB = await memberIn(b.tenantId, { roles: [{ roleId: 'viewer' }] });
    // The same person (A's owner) is a suspended viewer in B.
    const { putNewPrincipalLink } = await import('../../shared/data/principal-repository');
    const suspended = await memberIn(b.tenantId, { status: 'suspended', roles: [{ roleId: 'viewer' }] });
    const moved = { ...suspended.member, userId: a.owner.identity.userId, version: 2 };
    await transactWrite(
      deps(),
      updateMember(deps(), suspended.member, moved).map((item) => ({ item })),
    );
    await transactWrite(deps(), [
      {
        item: putNewPrincipalLink(deps(), {
          userId: a.owner.identity.userId,
          tenantId: b.tenantId,
          memberId: suspended.member.memberId,
        }),
      },
    ]);

    const me = await invoke(routes.getMe, { identity: a.owner.identity });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      userId: a.owner.identity.userId,
      email: a.owner.identity.email,
      platformAdmin: false,
    });
    expect(me.body.memberships.map((m: { tenantName: string; status: string }) => [m.tenantName, m.status])).toEqual([
      ['Alpha Co', 'active'],
      ['Beta Co', 'suspended'],
    ]);
    expect(me.body.memberships[0].effectivePermissions.length).toBeGreaterThan(20);
    expect(me.body.memberships[1].effectivePermissions).toEqual([]);

    const viewerMe = await invoke(routes.getMe, { identity: viewerInB.identity });
    expect(viewerMe.body.memberships).toHaveLength(1);
    const admin = await invoke(routes.getMe, { identity: platformAdmin });
    expect(admin.body).toMatchObject({ platformAdmin: true, memberships: [] });
  });
});

describe('member search and role filter', () => {
  it('finds members by email or display-name prefix, and by role, across pages', async () => {
    const { tenantId, owner } = await tenantWithOwner(50);
    const tag = `zq${Date.now().toString(36)}`;
    const byEmail = await Promise.all(
      [1, 2, 3].map((i) => memberIn(tenantId, { email: `${tag}-${i}@example.com`, roles: [{ roleId: 'viewer' }] })),
    );
    const named = await memberIn(tenantId, { roles: [{ roleId: 'agent' }] });
    const renamed = await invoke(routes.updateMember, {
      identity: owner.identity,
      params: { tenantId, memberId: named.member.memberId },
      body: { displayName: `${tag.toUpperCase()} Person` },
    });
    expect(renamed.status).toBe(200);

    const found: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await invoke(routes.listMembers, {
        identity: owner.identity,
        params: { tenantId },
        query: { q: tag, limit: '2', ...(cursor ? { cursor } : {}) },
      });
      expect(page.status).toBe(200);
      found.push(...page.body.items.map((m: { memberId: string }) => m.memberId));
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    expect(found.sort()).toEqual([...byEmail.map((m) => m.member.memberId), named.member.memberId].sort());

    const agents = await invoke(routes.listMembers, {
      identity: owner.identity,
      params: { tenantId },
      query: { roleId: 'agent' },
    });
    expect(agents.body.items.map((m: { memberId: string }) => m.memberId)).toEqual([named.member.memberId]);
    const activeViewersWithTag = await invoke(routes.listMembers, {
      identity: owner.identity,
      params: { tenantId },
      query: { q: `${tag}-2`, status: 'active' },
    });
    expect(activeViewersWithTag.body.items).toHaveLength(1);

    const first = await invoke(routes.listMembers, {
      identity: owner.identity,
      params: { tenantId },
      query: { q: tag, limit: '1' },
    });
    const crossFilter = await invoke(routes.listMembers, {
      identity: owner.identity,
      params: { tenantId },
      query: { q: `${tag}-1`, cursor: first.body.nextCursor },
    });
    expect(crossFilter.body.code).toBe('invalid_cursor');
  });
});
