import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { getMember } from '../../shared/data/member-repository';
import { getPrincipalLink } from '../../shared/data/principal-repository';
import type { Identity } from '../../shared/domain/actor';
import { routes } from '../../shared/http/routes';
import { resolveTenantCaller } from '../../shared/services/caller-service';
import {
  addGroupMember,
  createGroup,
  deleteGroup,
  purgeExpiredGroupRoles,
  updateGroup,
} from '../../shared/services/group-service';
import { createRole } from '../../shared/services/role-service';
import { chainOf } from '../support/audit';
import { capturing, deps, dynamoDbCalls, memberIn, meta, tenantWithOwner } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { drainStream } from '../support/local-stack';

/** Issue 13 items 1-3 (SPEC §8): groups, membership, tenant roles through groups, deletion, expiry. */

async function setup() {
  const tenant = await tenantWithOwner(200);
  const tenantId = tenant.tenantId;
  const admin = await memberIn(tenantId, { roles: [{ roleId: 'admin' }] });
  const as = (identity: Identity) => ({
    create: (body: object) => invoke(routes.createGroup, { identity, params: { tenantId }, body }),
    list: (query: Record<string, string> = {}) => invoke(routes.listGroups, { identity, params: { tenantId }, query }),
    get: (groupId: string) => invoke(routes.getGroup, { identity, params: { tenantId, groupId } }),
    patch: (groupId: string, body: object, ifMatch?: number) =>
      invoke(routes.updateGroup, {
        identity,
        params: { tenantId, groupId },
        body,
        headers: ifMatch === undefined ? {} : { 'if-match': `"${ifMatch}"` },
      }),
    remove: (groupId: string) => invoke(routes.deleteGroup, { identity, params: { tenantId, groupId } }),
    add: (groupId: string, memberId: string) =>
      invoke(routes.addGroupMember, { identity, params: { tenantId, groupId, memberId } }),
    drop: (groupId: string, memberId: string) =>
      invoke(routes.removeGroupMember, { identity, params: { tenantId, groupId, memberId } }),
    members: (groupId: string, query: Record<string, string> = {}) =>
      invoke(routes.listGroupMembers, { identity, params: { tenantId, groupId }, query }),
    member: (memberId: string) => invoke(routes.getMember, { identity, params: { tenantId, memberId } }),
  });
  const ownerCaller = () => resolveTenantCaller(deps(), tenant.owner.identity, tenantId);
  return { tenantId, owner: tenant.owner, admin, as, ownerCaller };
}

const sourcesOf = (body: { effectivePermissions: { permission: string; sources: string[] }[] }, permission: string) =>
  body.effectivePermissions.find((p) => p.permission === permission)?.sources;

describe('groups: create, read, rename (SPEC §8)', () => {
  it('creates a group with one audit event, lists and reads it; names are unique among look-alikes', async () => {
    const { tenantId, owner, admin, as } = await setup();
    const created = await as(admin.identity).create({ name: 'Support team', description: 'Tier 1' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ name: 'Support team', description: 'Tier 1', roles: [], version: 1 });
    const groupId = created.body.groupId as string;
    for (const name of ['support team', 'SUPPORT TEAM', 'Suppоrt team' /* Cyrillic о */]) {
      const taken = await as(admin.identity).create({ name });
      expect(taken.status, name).toBe(409);
      expect(taken.body.code).toBe('group_name_taken');
    }
    expect((await as(owner.identity).get(groupId)).body.name).toBe('Support team');
    const listed = await as(owner.identity).list();
    expect(listed.body.items.map((g: { groupId: string }) => g.groupId)).toEqual([groupId]);
    // Renaming frees the old name; If-Match guards against stale edits.
    expect((await as(admin.identity).patch(groupId, { name: 'Other' }, 7)).status).toBe(412);
    const renamed = await as(admin.identity).patch(groupId, { name: 'Tier one' }, 1);
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect((await as(admin.identity).create({ name: 'Support team' })).status).toBe(201);
    await drainStream();
    const actions = (await chainOf(tenantId)).map((e) => e.action).filter((a) => a.startsWith('group.'));
    expect(actions).toEqual(['group.created', 'group.updated', 'group.created']);
  });

  it('answers 404 group_not_found for unknown groups and for groups of another tenant; 403 without groups:manage', async () => {
    const { tenantId, admin, as } = await setup();
    const other = await setup();
    const foreign = await other.as(other.admin.identity).create({ name: 'Theirs' });
    const viewer = await memberIn(tenantId, { roles: [{ roleId: 'viewer' }] });
    for (const groupId of [ulid(), foreign.body.groupId as string]) {
      for (const answer of [
        await as(admin.identity).get(groupId),
        await as(admin.identity).patch(groupId, { name: 'x' }),
        await as(admin.identity).remove(groupId),
        await as(admin.identity).add(groupId, viewer.member.memberId),
        await as(admin.identity).members(groupId),
      ]) {
        expect(answer.status).toBe(404);
        expect(answer.body.code).toBe('group_not_found');
      }
    }
    expect((await as(viewer.identity).create({ name: 'Mine' })).status).toBe(403);
  });
});

describe('membership and tenant roles through groups', () => {
  it("gives the group's roles to its members on their next request, sourced group:<id>, and takes them away", async () => {
    const { tenantId, admin, as } = await setup();
    const ada = await memberIn(tenantId, { roles: [{ roleId: 'member' }] });
    const group = (await as(admin.identity).create({ name: 'Agents' })).body;
    expect((await as(admin.identity).patch(group.groupId, { roles: [{ roleId: 'agent' }] })).status).toBe(200);
    const added = await as(admin.identity).add(group.groupId, ada.member.memberId);
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    // Adding twice changes nothing.
    expect((await as(admin.identity).add(group.groupId, ada.member.memberId)).status).toBe(200);

    const view = await as(admin.identity).member(ada.member.memberId);
    expect(view.body.groups).toEqual([{ groupId: group.groupId, name: 'Agents' }]);
    expect(sourcesOf(view.body, 'inbox:write')).toEqual([`group:${group.groupId}`]);
    const caller = await resolveTenantCaller(deps(), ada.identity, tenantId);
    expect(caller.effectivePermissions.map((p) => p.permission)).toContain('inbox:write');
    // The link lists the group, as the member does.
    const link = await getPrincipalLink(deps(), ada.identity.userId, tenantId);
    expect([...(link?.groupIds ?? [])]).toEqual([group.groupId]);

    // A role change of the group applies on the next request, with no fan-out.
    await as(admin.identity).patch(group.groupId, { roles: [{ roleId: 'viewer' }] });
    const next = await resolveTenantCaller(deps(), ada.identity, tenantId);
    expect(next.effectivePermissions.map((p) => p.permission)).not.toContain('inbox:write');
    expect(next.effectivePermissions.find((p) => p.permission === 'audit:read')?.sources).toEqual([
      `group:${group.groupId}`,
    ]);

    expect((await as(admin.identity).drop(group.groupId, ada.member.memberId)).status).toBe(204);
    const after = await resolveTenantCaller(deps(), ada.identity, tenantId);
    expect(after.effectivePermissions).toEqual([]);
    expect((await as(admin.identity).member(ada.member.memberId)).body.groups).toEqual([]);
    expect([...((await getPrincipalLink(deps(), ada.identity.userId, tenantId))?.groupIds ?? [])]).toEqual([]);
    await drainStream();
    const events = (await chainOf(tenantId)).filter((e) => e.action.startsWith('group.member_'));
    expect(events.map((e) => e.action)).toEqual(['group.member_added', 'group.member_removed']);
    expect(events[0]?.changes).toEqual({
      before: { memberId: ada.member.memberId, groups: [] },
      after: { memberId: ada.member.memberId, groups: [group.groupId] },
    });
  });

  it('pages a group’s members by key with a cursor; refuses invited, foreign and own memberships', async () => {
    const { tenantId, admin, as } = await setup();
    const group = (await as(admin.identity).create({ name: 'Paged' })).body;
    const people = await Promise.all([0, 1, 2, 3, 4].map(() => memberIn(tenantId, { roles: [{ roleId: 'member' }] })));
    for (const person of people)
      expect((await as(admin.identity).add(group.groupId, person.member.memberId)).status).toBe(200);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await as(admin.identity).members(group.groupId, { limit: '2', ...(cursor ? { cursor } : {}) });
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((m: { memberId: string }) => m.memberId));
      cursor = page.body.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(seen).toEqual(people.map((p) => p.member.memberId).sort());
    expect(pages).toBe(3);

    const invited = await memberIn(tenantId, { status: 'invited' });
    const refusedInvited = await as(admin.identity).add(group.groupId, invited.member.memberId);
    expect(refusedInvited.status).toBe(409);
    expect(refusedInvited.body.code).toBe('invalid_state');
    const other = await setup();
    const outsider = await memberIn(other.tenantId, { roles: [{ roleId: 'member' }] });
    const refusedForeign = await as(admin.identity).add(group.groupId, outsider.member.memberId);
    expect(refusedForeign.status).toBe(404);
    expect(refusedForeign.body.code).toBe('member_not_found');
    const self = await as(admin.identity).add(group.groupId, admin.member.memberId);
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('self_change_forbidden');
  });

  it('a suspended member holds nothing through their groups', async () => {
    const { tenantId, admin, as } = await setup();
    const bo = await memberIn(tenantId, { roles: [{ roleId: 'member' }] });
    const group = (await as(admin.identity).create({ name: 'Viewers' })).body;
    await as(admin.identity).patch(group.groupId, { roles: [{ roleId: 'viewer' }] });
    await as(admin.identity).add(group.groupId, bo.member.memberId);
    expect(
      (
        await invoke(routes.suspendMember, {
          identity: admin.identity,
          params: { tenantId, memberId: bo.member.memberId },
        })
      ).status,
    ).toBe(200);
    await expect(resolveTenantCaller(deps(), bo.identity, tenantId)).rejects.toMatchObject({
      code: 'member_suspended',
    });
  });
});

describe('escalation through groups (SPEC §3, §8)', () => {
  it('only the Owner gives Admin-level power through a group, by adding a member or by a role on the group', async () => {
    const { tenantId, admin, as, ownerCaller } = await setup();
    const target = await memberIn(tenantId, { roles: [{ roleId: 'member' }] });
    const adminCopy = await createRole(
      deps(),
      await ownerCaller(),
      { name: `Admin copy ${ulid()}`, copyFrom: 'admin' },
      meta(),
    );
    const group = await createGroup(deps(), await ownerCaller(), { name: 'Power' }, meta());
    await updateGroup(
      deps(),
      await ownerCaller(),
      group.groupId,
      { roles: [{ roleId: adminCopy.roleId }] },
      undefined,
      meta(),
    );
    const refused = await as(admin.identity).add(group.groupId, target.member.memberId);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('admin_requires_owner');
    expect(groupIdsOfMember(await getMember(deps(), tenantId, target.member.memberId))).toEqual([]);

    const plain = (await as(admin.identity).create({ name: 'Plain' })).body;
    await as(admin.identity).add(plain.groupId, target.member.memberId);
    for (const roleId of ['admin', adminCopy.roleId]) {
      const given = await as(admin.identity).patch(plain.groupId, { roles: [{ roleId }] });
      expect(given.status, roleId).toBe(403);
      expect(given.body.code).toBe('admin_requires_owner');
    }
    const owner = await as(admin.identity).patch(plain.groupId, { roles: [{ roleId: 'owner' }] });
    expect(owner.status).toBe(403);
    expect(owner.body.code).toBe('owner_not_grantable');
    // The Owner may.
    await addGroupMember(deps(), await ownerCaller(), group.groupId, target.member.memberId, meta());
    const powered = await resolveTenantCaller(deps(), target.identity, tenantId);
    expect(powered.effectivePermissions.map((p) => p.permission)).toContain('roles:manage');
    // And taking it away again is the Owner's too.
    const drop = await as(admin.identity).drop(group.groupId, target.member.memberId);
    expect(drop.status).toBe(403);
    expect(drop.body.code).toBe('admin_requires_owner');
  });

  it('a delegate with groups:manage can only give what they hold themselves', async () => {
    const { tenantId, as, ownerCaller } = await setup();
    const delegateRole = await createRole(
      deps(),
      await ownerCaller(),
      { name: `Group keeper ${ulid()}`, permissions: ['groups:manage', 'users:read', 'inbox:read'] },
      meta(),
    );
    const delegate = await memberIn(tenantId, { roles: [{ roleId: delegateRole.roleId }] });
    const target = await memberIn(tenantId, { roles: [{ roleId: 'member' }] });
    const agents = await createGroup(deps(), await ownerCaller(), { name: 'Agents' }, meta());
    await updateGroup(deps(), await ownerCaller(), agents.groupId, { roles: [{ roleId: 'agent' }] }, undefined, meta());
    const refused = await as(delegate.identity).add(agents.groupId, target.member.memberId);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('escalation_denied');
    const own = (await as(delegate.identity).create({ name: 'Readers' })).body;
    expect((await as(delegate.identity).add(own.groupId, target.member.memberId)).status).toBe(200);
    const widen = await as(delegate.identity).patch(own.groupId, { roles: [{ roleId: 'agent' }] });
    expect(widen.status).toBe(403);
    expect(widen.body.code).toBe('escalation_denied');
  });
});

const groupIdsOfMember = (member: { groupIds?: Iterable<string> } | undefined) => [...(member?.groupIds ?? [])].sort();

describe('limits, round trips, deletion, expiry', () => {
  it('30 concurrent adds of a member in 35 groups stop at 50 groups: the rest are 409 group_limit_reached', async () => {
    const { tenantId, admin, ownerCaller } = await setup();
    const owner = await ownerCaller();
    const target = await memberIn(tenantId, { roles: [{ roleId: 'member' }] });
    const groups: Awaited<ReturnType<typeof createGroup>>[] = [];
    for (let i = 0; i < 65; i++) groups.push(await createGroup(deps(), owner, { name: `Limit ${i}` }, meta()));
    for (const group of groups.slice(0, 35))
      await addGroupMember(deps(), owner, group.groupId, target.member.memberId, meta());
    const answers = await Promise.all(
      groups.slice(35).map((group) =>
        invoke(routes.addGroupMember, {
          identity: admin.identity,
          params: { tenantId, groupId: group.groupId, memberId: target.member.memberId },
        }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(15);
    expect(answers.filter((a) => a.status === 409).map((a) => a.body.code)).toEqual(
      Array(15).fill('group_limit_reached'),
    );
    const member = await getMember(deps(), tenantId, target.member.memberId);
    expect(groupIdsOfMember(member)).toHaveLength(50);
    const link = await getPrincipalLink(deps(), target.identity.userId, tenantId);
    expect(groupIdsOfMember(link)).toEqual(groupIdsOfMember(member));
  }, 60_000);

  it('authorizes a member in 10 groups that carry roles in 2 DynamoDB round trips', async () => {
    const { tenantId, ownerCaller } = await setup();
    const owner = await ownerCaller();
    const target = await memberIn(tenantId, { roles: [{ roleId: 'member' }] });
    const roleIds = ['viewer', 'agent', 'manager'];
    for (let i = 0; i < 10; i++) {
      const group = await createGroup(deps(), owner, { name: `Ten ${i}` }, meta());
      await updateGroup(deps(), owner, group.groupId, { roles: [{ roleId: roleIds[i % 3]! }] }, undefined, meta());
      await addGroupMember(deps(), owner, group.groupId, target.member.memberId, meta());
    }
    const read = await dynamoDbCalls(() => resolveTenantCaller(deps(), target.identity, tenantId));
    expect(read.rounds).toEqual([['GetItemCommand'], ['BatchGetItemCommand']]);
    const held = read.result.effectivePermissions.map((p) => p.permission);
    expect(held).toEqual(expect.arrayContaining(['inbox:write', 'campaigns:send', 'audit:read']));
  });

  it('deleting a group with more members than one transaction takes removes every membership, with one event', async () => {
    const { tenantId, admin, as, ownerCaller } = await setup();
    const owner = await ownerCaller();
    const group = await createGroup(deps(), owner, { name: 'Crowd' }, meta());
    await updateGroup(deps(), owner, group.groupId, { roles: [{ roleId: 'viewer' }] }, undefined, meta());
    const people = await Promise.all(
      Array.from({ length: 40 }, () => memberIn(tenantId, { roles: [{ roleId: 'member' }] })),
    );
    for (const person of people) await addGroupMember(deps(), owner, group.groupId, person.member.memberId, meta());
    expect(
      (await resolveTenantCaller(deps(), people[0]!.identity, tenantId)).effectivePermissions.length,
    ).toBeGreaterThan(0);
    const removed = await as(admin.identity).remove(group.groupId);
    expect(removed.status, JSON.stringify(removed.body)).toBe(204);
    expect((await as(admin.identity).get(group.groupId)).status).toBe(404);
    for (const person of people.slice(0, 5)) {
      expect(groupIdsOfMember(await getMember(deps(), tenantId, person.member.memberId))).toEqual([]);
      expect((await resolveTenantCaller(deps(), person.identity, tenantId)).effectivePermissions).toEqual([]);
    }
    // The name is free again.
    expect((await as(admin.identity).create({ name: 'Crowd' })).status).toBe(201);
    await drainStream();
    expect((await chainOf(tenantId)).filter((e) => e.action === 'group.deleted')).toHaveLength(1);
  }, 60_000);

  it('a time-bound group role stops granting at its instant and the purge removes it with an audit event', async () => {
    const { tenantId, ownerCaller } = await setup();
    const owner = await ownerCaller();
    const target = await memberIn(tenantId, { roles: [{ roleId: 'member' }] });
    const group = await createGroup(deps(), owner, { name: 'Temporary' }, meta());
    const expiresAt = new Date(Date.now() + 60_000).toISOString();
    await updateGroup(
      deps(),
      owner,
      group.groupId,
      { roles: [{ roleId: 'viewer', expiresAt }, { roleId: 'agent' }] },
      undefined,
      meta(),
    );
    await addGroupMember(deps(), owner, group.groupId, target.member.memberId, meta());
    const later = new Date(Date.now() + 120_000);
    const { deps: future, events } = capturing(() => later);
    const caller = await resolveTenantCaller(future, target.identity, tenantId);
    expect(caller.effectivePermissions.map((p) => p.permission)).not.toContain('audit:read');
    expect(caller.effectivePermissions.map((p) => p.permission)).toContain('inbox:write');
    const purged = await purgeExpiredGroupRoles(future);
    expect(purged.expired).toBeGreaterThanOrEqual(1);
    const expired = events.filter((e) => e.action === 'role_assignment.expired' && e.target.id === group.groupId);
    expect(expired).toHaveLength(1);
    expect(expired[0]?.changes.after).toEqual({ roles: [{ roleId: 'agent' }] });
    await expect(deleteGroup(deps(), owner, group.groupId, undefined, meta())).resolves.toBeUndefined();
  });
});
