import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { getMember } from '../../shared/data/member-repository';
import type { CustomRoleRecord } from '../../shared/data/records';
import { putNewRole } from '../../shared/data/role-repository';
import { transactWrite } from '../../shared/data/transactions';
import type { Identity } from '../../shared/domain/actor';
import { allPermissions, botScopedPermissions, isBotScoped } from '../../shared/domain/permissions';
import { botBuiltInRoleIds, builtInRoles, tenantBuiltInRoleIds } from '../../shared/domain/roles';
import { routes } from '../../shared/http/routes';
import { deps, memberIn, tenantWithOwner } from '../support/fixtures';
import { invoke } from '../support/invoke';

/**
 * Issue 12, first slice (SPEC §7): permission scopes in the catalog, the built-in bot roles, the Member role,
 * custom bot roles, and bot roles kept off the tenant (members, invitations, reassignment).
 */

type Result = Awaited<ReturnType<typeof invoke>>;
type PermissionView = { permission: string; description: string; scope: string; implies: string[] };
type RoleBody = { roleId: string; name: string; scope: string; permissions: string[]; requires?: string[] };

async function setup() {
  const tenant = await tenantWithOwner(50);
  const tenantId = tenant.tenantId;
  const as = (identity: Identity) => ({
    permissions: () => invoke(routes.listPermissions, { identity, params: { tenantId } }),
    listRoles: (query: Record<string, string> = {}) =>
      invoke(routes.listRoles, { identity, params: { tenantId }, query }),
    getRole: (roleId: string) => invoke(routes.getRole, { identity, params: { tenantId, roleId } }),
    createRole: (body: object) => invoke(routes.createRole, { identity, params: { tenantId }, body }),
    updateRole: (roleId: string, body: object) =>
      invoke(routes.updateRole, { identity, params: { tenantId, roleId }, body }),
    deleteRole: (roleId: string, query: Record<string, string> = {}) =>
      invoke(routes.deleteRole, { identity, params: { tenantId, roleId }, query }),
    patchMember: (memberId: string, body: object) =>
      invoke(routes.updateMember, { identity, params: { tenantId, memberId }, body }),
    getMember: (memberId: string) => invoke(routes.getMember, { identity, params: { tenantId, memberId } }),
    invite: (roles: object[]) =>
      invoke(routes.createInvitations, {
        identity,
        params: { tenantId },
        body: { emails: [`x-${ulid()}@example.com`], roles },
      }),
  });
  return { tenantId, owner: tenant.owner, as };
}

function expect400(result: Result, code: string, path: string) {
  expect(result.status, JSON.stringify(result.body)).toBe(400);
  expect(result.body.code, JSON.stringify(result.body)).toBe(code);
  const paths = (result.body.errors as { path: string }[] | undefined)?.map((e) => e.path) ?? [];
  expect(
    paths.some((p) => p === path || p.startsWith(`${path}.`)),
    `${path} in ${JSON.stringify(result.body)}`,
  ).toBe(true);
}

describe('GET /permissions (SPEC §7)', () => {
  it('shows every permission with its scope and implications, for any member', async () => {
    const { tenantId, as } = await setup();
    const member = await memberIn(tenantId, { roles: [{ roleId: 'member' }] });
    const result = await as(member.identity).permissions();
    expect(result.status).toBe(200);
    const permissions = (result.body.modules as { module: string; permissions: PermissionView[] }[]).flatMap(
      (m) => m.permissions,
    );
    expect(permissions.map((p) => p.permission).sort()).toEqual([...allPermissions].sort());
    const byName = new Map(permissions.map((p) => [p.permission, p]));
    expect(byName.get('testing:run')).toMatchObject({ scope: 'bot', implies: ['testing:read'] });
    expect(byName.get('collaborators:manage')).toMatchObject({ scope: 'bot', implies: ['collaborators:read'] });
    expect(byName.get('bots:publish')).toMatchObject({ scope: 'bot', implies: ['bots:configure'] });
    expect(byName.get('bots:create')).toMatchObject({ scope: 'tenant', implies: [] });
    expect(byName.get('groups:manage')).toMatchObject({ scope: 'tenant' });
    expect(byName.get('campaigns:send')).toMatchObject({ scope: 'bot', implies: ['campaigns:create'] });
  });
});

describe('built-in roles (SPEC §7)', () => {
  it('GET /roles lists the tenant roles, then the twelve bot roles, each with its scope; ?scope= filters', async () => {
    const { as, owner } = await setup();
    const all = await as(owner.identity).listRoles();
    expect(all.status).toBe(200);
    const items = all.body.items as RoleBody[];
    expect(items.map((r) => r.roleId)).toEqual([...tenantBuiltInRoleIds, ...botBuiltInRoleIds]);
    for (const role of items)
      expect(role.scope).toBe(botBuiltInRoleIds.includes(role.roleId as never) ? 'bot' : 'tenant');
    expect(items.find((r) => r.roleId === 'bot-approver')).toMatchObject({
      name: 'Approver',
      permissions: ['bots:publish', 'publish:approve'],
      requires: ['bot-developer'],
      builtIn: true,
    });
    expect(items.find((r) => r.roleId === 'member')).toMatchObject({
      name: 'Member',
      permissions: [],
      scope: 'tenant',
    });
    expect(items.find((r) => r.roleId === 'viewer')).not.toHaveProperty('requires');

    const bot = await as(owner.identity).listRoles({ scope: 'bot' });
    expect((bot.body.items as RoleBody[]).map((r) => r.roleId)).toEqual([...botBuiltInRoleIds]);
    const tenant = await as(owner.identity).listRoles({ scope: 'tenant' });
    expect((tenant.body.items as RoleBody[]).map((r) => r.roleId)).toEqual([...tenantBuiltInRoleIds]);
    expect((await as(owner.identity).listRoles({ scope: 'group' })).status).toBe(400);

    const developer = await as(owner.identity).getRole('bot-developer');
    expect(developer.status).toBe(200);
    expect(developer.body).toMatchObject({ roleId: 'bot-developer', name: 'Developer', scope: 'bot', builtIn: true });
    expect((await as(owner.identity).updateRole('bot-developer', { name: 'Dev' })).body.code).toBe('role_immutable');
    expect((await as(owner.identity).deleteRole('bot-owner')).body.code).toBe('role_immutable');
  });

  it('custom roles can neither take nor imitate the new built-in names', async () => {
    const { as, owner } = await setup();
    for (const name of ['Member', 'developer', 'BOT OWNER', 'Insights (Admin)', 'Аpprover' /* Cyrillic А */]) {
      const result = await as(owner.identity).createRole({ name, scope: 'bot', permissions: ['bots:read'] });
      expect(result.body.code, name).toBe('role_name_taken');
    }
  });

  it('Member grants nothing: its holder sees only themself', async () => {
    const { tenantId, as, owner } = await setup();
    const member = await memberIn(tenantId, { roles: [{ roleId: 'viewer' }] });
    expect(
      (await as(owner.identity).patchMember(member.member.memberId, { roles: [{ roleId: 'member' }] })).status,
    ).toBe(200);
    const self = await as(member.identity).getMember(member.member.memberId);
    expect(self.status).toBe(200);
    expect(self.body.roles).toEqual([{ roleId: 'member' }]);
    expect(self.body.effectivePermissions).toEqual([]);
    expect((await as(member.identity).listRoles()).status).toBe(403);
    expect((await as(owner.identity).invite([{ roleId: 'member' }])).status).toBe(201);
  });

  it('the Owner holds bots:delete and the Admin does not; Admin cannot hand it out', async () => {
    const { tenantId, as, owner } = await setup();
    const admin = await memberIn(tenantId, { roles: [{ roleId: 'admin' }] });
    const ownerSelf = await as(owner.identity).getMember(owner.member.memberId);
    const adminSelf = await as(admin.identity).getMember(admin.member.memberId);
    const held = (body: { effectivePermissions: { permission: string }[] }) =>
      body.effectivePermissions.map((p) => p.permission);
    expect(held(ownerSelf.body)).toContain('bots:delete');
    expect(held(adminSelf.body)).not.toContain('bots:delete');
    expect(held(adminSelf.body).sort()).toEqual(allPermissions.filter((p) => p !== 'bots:delete').sort());
    const refused = await as(admin.identity).createRole({
      name: `Deleter ${ulid()}`,
      scope: 'bot',
      permissions: ['bots:delete'],
    });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('escalation_denied');
    // Admin-level is Admin's set, now without bots:delete: a copy of it is still the Owner's to hand out.
    const copy = await as(admin.identity).createRole({ name: `Admin copy ${ulid()}`, copyFrom: 'admin' });
    expect(copy.body.code).toBe('admin_requires_owner');
  });
});

describe('custom bot roles (SPEC §7)', () => {
  it('POST /roles {scope: "bot"} takes only bot-scoped permissions; the default scope is tenant', async () => {
    const { as, owner } = await setup();
    const created = await as(owner.identity).createRole({
      name: `Flow editor ${ulid()}`,
      scope: 'bot',
      permissions: ['flows:write', 'bots:read'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ scope: 'bot', builtIn: false, permissions: ['bots:read', 'flows:write'] });
    expect(created.body).not.toHaveProperty('requires');
    const read = await as(owner.identity).getRole(created.body.roleId);
    expect(read.body).toMatchObject({ roleId: created.body.roleId, scope: 'bot' });

    const tenantRole = await as(owner.identity).createRole({ name: `Plain ${ulid()}`, permissions: ['users:read'] });
    expect(tenantRole.status).toBe(201);
    expect(tenantRole.body.scope).toBe('tenant');

    const mixed = await as(owner.identity).createRole({
      name: `Mixed ${ulid()}`,
      scope: 'bot',
      permissions: ['flows:write', 'users:read'],
    });
    expect400(mixed, 'permission_not_bot_scoped', 'body.permissions.1');
    expect(mixed.body.detail).toContain('users:read');

    // An edit keeps the role in its scope.
    const edit = await as(owner.identity).updateRole(created.body.roleId, {
      permissions: ['flows:write', 'billing:manage'],
    });
    expect400(edit, 'permission_not_bot_scoped', 'body.permissions.1');
    expect((await as(owner.identity).getRole(created.body.roleId)).body.permissions).toEqual([
      'bots:read',
      'flows:write',
    ]);

    const bots = (await as(owner.identity).listRoles({ scope: 'bot' })).body.items as RoleBody[];
    expect(bots.map((r) => r.roleId)).toContain(created.body.roleId);
    expect(bots.map((r) => r.roleId)).not.toContain(tenantRole.body.roleId);
    const tenants = (await as(owner.identity).listRoles({ scope: 'tenant' })).body.items as RoleBody[];
    expect(tenants.map((r) => r.roleId)).toContain(tenantRole.body.roleId);
    expect(tenants.map((r) => r.roleId)).not.toContain(created.body.roleId);
  });

  it('copyFrom works within a scope only', async () => {
    const { as, owner } = await setup();
    const copy = await as(owner.identity).createRole({
      name: `Dev copy ${ulid()}`,
      scope: 'bot',
      copyFrom: 'bot-developer',
    });
    expect(copy.status, JSON.stringify(copy.body)).toBe(201);
    expect(copy.body.permissions).toEqual([...builtInRoles['bot-developer'].permissions].sort());
    const copyOfCopy = await as(owner.identity).createRole({
      name: `Dev copy 2 ${ulid()}`,
      scope: 'bot',
      copyFrom: copy.body.roleId,
    });
    expect(copyOfCopy.status).toBe(201);

    expect400(
      await as(owner.identity).createRole({ name: `X ${ulid()}`, scope: 'bot', copyFrom: 'manager' }),
      'role_scope_mismatch',
      'body.copyFrom',
    );
    expect400(
      await as(owner.identity).createRole({ name: `Y ${ulid()}`, copyFrom: 'bot-tester' }),
      'role_scope_mismatch',
      'body.copyFrom',
    );
    expect400(
      await as(owner.identity).createRole({ name: `Z ${ulid()}`, scope: 'tenant', copyFrom: copy.body.roleId }),
      'role_scope_mismatch',
      'body.copyFrom',
    );
  });

  it('requires: only on bot roles, naming bot roles that exist', async () => {
    const { as, owner } = await setup();
    const reviewer = await as(owner.identity).createRole({
      name: `Reviewer ${ulid()}`,
      scope: 'bot',
      permissions: ['publish:approve'],
      requires: ['bot-developer'],
    });
    expect(reviewer.status, JSON.stringify(reviewer.body)).toBe(201);
    expect(reviewer.body.requires).toEqual(['bot-developer']);
    expect((await as(owner.identity).getRole(reviewer.body.roleId)).body.requires).toEqual(['bot-developer']);

    const onCustom = await as(owner.identity).createRole({
      name: `Second ${ulid()}`,
      scope: 'bot',
      permissions: ['bots:read'],
      requires: [reviewer.body.roleId],
    });
    expect(onCustom.status).toBe(201);

    expect400(
      await as(owner.identity).createRole({
        name: `T ${ulid()}`,
        scope: 'bot',
        permissions: ['bots:read'],
        requires: ['manager'],
      }),
      'role_scope_mismatch',
      'body.requires',
    );
    expect400(
      await as(owner.identity).createRole({
        name: `U ${ulid()}`,
        scope: 'bot',
        permissions: ['bots:read'],
        requires: [ulid()],
      }),
      'unknown_role',
      'body.requires',
    );
    const onTenant = await as(owner.identity).createRole({
      name: `V ${ulid()}`,
      permissions: ['users:read'],
      requires: ['bot-developer'],
    });
    expect(onTenant.status).toBe(400);
    expect(JSON.stringify(onTenant.body.errors)).toContain('body.requires');
  });

  it('a role stored before scopes existed reads as a tenant role', async () => {
    const { tenantId, as, owner } = await setup();
    const d = deps();
    const now = new Date().toISOString();
    const legacy: CustomRoleRecord = {
      tenantId,
      roleId: ulid(),
      name: `Legacy ${ulid()}`,
      description: '',
      permissions: ['inbox:read'],
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    await transactWrite(
      d,
      putNewRole(d, legacy).map((item) => ({ item })),
    );
    const read = await as(owner.identity).getRole(legacy.roleId);
    expect(read.body).toMatchObject({ roleId: legacy.roleId, scope: 'tenant' });
    const member = await memberIn(tenantId);
    expect(
      (await as(owner.identity).patchMember(member.member.memberId, { roles: [{ roleId: legacy.roleId }] })).status,
    ).toBe(200);
  });
});

describe('bot roles are not tenant roles (SPEC §7)', () => {
  it('assigning a bot role to a member is 400 role_scope_mismatch and changes nothing', async () => {
    const { tenantId, as, owner } = await setup();
    const member = await memberIn(tenantId, { roles: [{ roleId: 'agent' }] });
    const custom = await as(owner.identity).createRole({
      name: `Bot ${ulid()}`,
      scope: 'bot',
      permissions: ['flows:read'],
    });
    for (const roleId of ['bot-developer', 'bot-owner', custom.body.roleId as string]) {
      const result = await as(owner.identity).patchMember(member.member.memberId, { roles: [{ roleId }] });
      expect400(result, 'role_scope_mismatch', 'body.roles');
      expect(result.body.detail).toContain(roleId);
    }
    const stored = await getMember(deps(), tenantId, member.member.memberId);
    expect(stored?.roles).toEqual([{ roleId: 'agent' }]);
    expect(stored?.version).toBe(member.member.version);
  });

  it('an invitation with a bot role in its roles is 400 role_scope_mismatch', async () => {
    const { as, owner } = await setup();
    const custom = await as(owner.identity).createRole({
      name: `Bot ${ulid()}`,
      scope: 'bot',
      permissions: ['flows:read'],
    });
    for (const roleId of ['bot-tester', custom.body.roleId as string]) {
      expect400(
        await as(owner.identity).invite([{ roleId: 'member' }, { roleId }]),
        'role_scope_mismatch',
        'body.roles',
      );
    }
  });

  it('a tenant role’s holders cannot be reassigned to a bot role, nor a bot role’s to a tenant role', async () => {
    const { tenantId, as, owner } = await setup();
    const role = await as(owner.identity).createRole({ name: `Tenant ${ulid()}`, permissions: ['inbox:read'] });
    await as(owner.identity).patchMember((await memberIn(tenantId)).member.memberId, {
      roles: [{ roleId: role.body.roleId }],
    });
    expect400(
      await as(owner.identity).deleteRole(role.body.roleId, { reassignTo: 'bot-tester' }),
      'role_scope_mismatch',
      'query.reassignTo',
    );
    const botRole = await as(owner.identity).createRole({
      name: `Bot ${ulid()}`,
      scope: 'bot',
      permissions: ['flows:read'],
    });
    expect400(
      await as(owner.identity).deleteRole(botRole.body.roleId, { reassignTo: 'viewer' }),
      'role_scope_mismatch',
      'query.reassignTo',
    );
    // Without holders, a bot role deletes like any custom role.
    expect((await as(owner.identity).deleteRole(botRole.body.roleId)).status).toBe(204);
  });

  it('every built-in bot role holds only what a bot grant may carry', () => {
    for (const id of botBuiltInRoleIds) expect(builtInRoles[id].permissions.every(isBotScoped), id).toBe(true);
    expect([...builtInRoles['bot-owner'].permissions]).toEqual([...botScopedPermissions]);
  });
});
