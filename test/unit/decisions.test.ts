import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BotRoleAssignment,
  botPermissionSources,
  computeBotPermissions,
  type GroupBotRoles,
} from '../../shared/domain/bot-permissions';
import { assertDecidable, type DecidableCheck, decide, decisionContext } from '../../shared/domain/decisions';
import { computeEffectivePermissions, type EffectivePermission } from '../../shared/domain/effective-permissions';
import { ValidationFailed } from '../../shared/domain/errors';
import { allPermissions, botScopedPermissions, type Permission } from '../../shared/domain/permissions';
import { builtInRoles, type RoleDefinition } from '../../shared/domain/roles';

const now = new Date('2026-06-01T12:00:00Z');
const builtIns = new Map<string, RoleDefinition>(Object.values(builtInRoles).map((role) => [role.roleId, role]));
const tenantSet = (...roleIds: string[]) =>
  computeEffectivePermissions({
    assignments: roleIds.map((roleId) => ({ roleId })),
    directPermissions: [],
    roles: builtIns,
    now,
  });

/** A custom bot role holding some bot-scoped permissions, and a custom tenant role (grants nothing on a bot). */
const customBotRole: RoleDefinition = {
  roleId: '01JCUSTOMBOTROLE0000000000',
  name: 'Custom bot role',
  description: '',
  permissions: ['nlu:write', 'tables:write', 'campaigns:send'],
  builtIn: false,
  version: 1,
  scope: 'bot',
};
const customTenantRole: RoleDefinition = { ...customBotRole, roleId: '01JCUSTOMTENANTROLE0000000', scope: 'tenant' };
const roles = new Map([
  ...builtIns,
  [customBotRole.roleId, customBotRole],
  [customTenantRole.roleId, customTenantRole],
]);

const assignmentArbitrary: fc.Arbitrary<BotRoleAssignment> = fc.record(
  {
    roleId: fc.constantFrom(...roles.keys(), 'deleted-role'),
    environments: fc.subarray(['sandbox', 'staging', 'production']),
    expiresAt: fc.constantFrom('2026-06-01T11:59:59Z', '2026-06-01T12:00:00Z', '2026-06-01T12:00:01Z'),
  },
  { requiredKeys: ['roleId'] },
);
const tenantPermissionsArbitrary: fc.Arbitrary<EffectivePermission[]> = fc
  .subarray([...allPermissions])
  .map((permissions) =>
    computeEffectivePermissions({ assignments: [], directPermissions: permissions, roles: builtIns, now }),
  );

/** The grants of a member's groups on the bot: up to 3 groups (ids may repeat roles), each with up to 3 roles. */
const groupsArbitrary: fc.Arbitrary<GroupBotRoles[]> = fc.uniqueArray(
  fc.record({
    groupId: fc.constantFrom('01JGROUPA', '01JGROUPB', '01JGROUPC', '01JGROUPD'),
    assignments: fc.array(assignmentArbitrary, { maxLength: 3 }),
  }),
  { maxLength: 3, selector: (group) => group.groupId },
);

describe('botPermissionSources: one permission, as computeBotPermissions lists it', () => {
  it('agrees with computeBotPermissions for every permission, on any grants (own and groups), environment and tenant-level set', () => {
    fc.assert(
      fc.property(
        tenantPermissionsArbitrary,
        fc.array(assignmentArbitrary, { maxLength: 4 }),
        groupsArbitrary,
        fc.constantFrom(undefined, 'sandbox', 'staging', 'production'),
        (tenantPermissions, assignments, groups, environment) => {
          const whole = computeBotPermissions({ tenantPermissions, assignments, roles, now, environment, groups });
          const held = new Set(tenantPermissions.map((p) => p.permission));
          for (const permission of allPermissions) {
            const expected = whole.find((p) => p.permission === permission)?.sources ?? [];
            const sources = botPermissionSources(permission, {
              holdsTenantWide: (p) => held.has(p),
              assignments,
              groups,
              roles,
              now,
              environment,
            });
            expect(sources, permission).toEqual(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('decide (SPEC §10)', () => {
  const botId = 'support-bot';
  const context = (input: {
    effectivePermissions: EffectivePermission[];
    assignments?: BotRoleAssignment[];
    groups?: GroupBotRoles[];
    environments?: string[];
    active?: boolean;
  }) =>
    decisionContext({
      active: input.active ?? true,
      effectivePermissions: input.effectivePermissions,
      bots: new Map([
        [
          botId,
          {
            environments: input.environments ?? ['sandbox', 'staging', 'production'],
            assignments: input.assignments ?? [],
            groups: input.groups ?? [],
          },
        ],
      ]),
      roles,
      now,
    });
  const check = (permission: Permission, more: Partial<DecidableCheck> = {}): DecidableCheck => ({
    permission,
    ...more,
  });

  it('tenant-level: the effective set with its sources (role ids, direct, implied)', () => {
    const effectivePermissions = computeEffectivePermissions({
      assignments: [{ roleId: 'agent' }],
      directPermissions: ['users:write'],
      roles: builtIns,
      now,
    });
    const c = context({ effectivePermissions });
    expect(decide(check('inbox:write'), c)).toEqual({ allowed: true, sources: ['agent'] });
    expect(decide(check('users:write'), c)).toEqual({ allowed: true, sources: ['direct'] });
    expect(decide(check('users:read'), c)).toEqual({ allowed: true, sources: ['implied'] });
    expect(decide(check('billing:manage'), c)).toEqual({ allowed: false, sources: [] });
  });

  it('on a bot: tenant-wide, role ids and implied, in that order; unknown bots and foreign environments are denied', () => {
    const c = context({
      effectivePermissions: tenantSet('manager'),
      assignments: [{ roleId: 'inbox-agent' }, { roleId: 'bot-developer', environments: ['staging'] }],
      environments: ['sandbox', 'staging'],
    });
    expect(decide(check('inbox:write', { botId }), c)).toEqual({ allowed: true, sources: ['tenant', 'inbox-agent'] });
    expect(decide(check('inbox:read', { botId }), c)).toEqual({ allowed: true, sources: ['tenant', 'implied'] });
    // Limited to staging: counts when staging is named, not without an environment.
    expect(decide(check('flows:write', { botId }), c)).toEqual({ allowed: false, sources: [] });
    expect(decide(check('flows:write', { botId, environment: 'staging' }), c)).toEqual({
      allowed: true,
      sources: ['bot-developer'],
    });
    expect(decide(check('inbox:write', { botId, environment: 'production' }), c)).toEqual({
      allowed: false,
      sources: [],
    });
    expect(decide(check('inbox:write', { botId: 'no-such-bot' }), c)).toEqual({ allowed: false, sources: [] });
  });

  it("on a bot: roles a group holds there count for its member, sourced group:<groupId>, after the member's own", () => {
    const c = context({
      effectivePermissions: tenantSet('member'),
      assignments: [{ roleId: 'bot-tester' }],
      groups: [
        { groupId: 'G1', assignments: [{ roleId: 'bot-developer' }] },
        { groupId: 'G2', assignments: [{ roleId: 'inbox-agent', environments: ['production'] }] },
      ],
    });
    expect(decide(check('flows:write', { botId }), c)).toEqual({ allowed: true, sources: ['group:G1'] });
    expect(decide(check('flows:read', { botId }), c)).toEqual({
      allowed: true,
      sources: ['bot-tester', 'implied'],
    });
    expect(decide(check('bots:read', { botId }), c)).toEqual({ allowed: true, sources: ['bot-tester', 'group:G1'] });
    // G2's role is limited to production.
    expect(decide(check('inbox:write', { botId }), c)).toEqual({ allowed: false, sources: [] });
    expect(decide(check('inbox:write', { botId, environment: 'production' }), c)).toEqual({
      allowed: true,
      sources: ['group:G2'],
    });
    expect(decide(check('inbox:write', { botId: 'no-such-bot' }), c)).toEqual({ allowed: false, sources: [] });
  });

  it('an inactive subject is denied everything, even what the Owner holds', () => {
    const c = context({ effectivePermissions: tenantSet('owner'), active: false });
    expect(decide(check('users:read'), c)).toEqual({ allowed: false, sources: [] });
    expect(decide(check('bots:delete', { botId }), c)).toEqual({ allowed: false, sources: [] });
  });
});

describe('assertDecidable', () => {
  const codeOf = (checks: { permission: string; botId?: string }[]) => {
    try {
      assertDecidable(checks);
      return undefined;
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationFailed);
      return { code: (error as ValidationFailed).code, paths: (error as ValidationFailed).errors?.map((e) => e.path) };
    }
  };

  it('refuses unknown permissions first, naming each check, then tenant-only permissions asked on a bot', () => {
    expect(codeOf([{ permission: 'inbox:read' }, { permission: 'inbox:fly' }, { permission: 'nope' }])).toEqual({
      code: 'unknown_permission',
      paths: ['body.checks.1.permission', 'body.checks.2.permission'],
    });
    expect(
      codeOf([
        { permission: 'users:read', botId: 'b' },
        { permission: 'nope', botId: 'b' },
      ])?.code,
    ).toBe('unknown_permission');
    expect(
      codeOf([
        { permission: 'inbox:read', botId: 'b' },
        { permission: 'users:read', botId: 'b' },
      ]),
    ).toEqual({
      code: 'permission_not_bot_scoped',
      paths: ['body.checks.1.permission'],
    });
    expect(codeOf([...botScopedPermissions.map((permission) => ({ permission, botId: 'b' }))])).toBeUndefined();
    expect(codeOf([{ permission: 'users:read' }])).toBeUndefined();
  });
});
