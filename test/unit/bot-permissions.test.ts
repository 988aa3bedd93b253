import { describe, expect, it } from 'vitest';
import {
  computeBotPermissions,
  isBotAssignmentActive,
  isBotAssignmentUnexpired,
} from '../../shared/domain/bot-permissions';
import { computeEffectivePermissions } from '../../shared/domain/effective-permissions';
import { builtInRoles } from '../../shared/domain/roles';

const now = new Date('2026-06-01T12:00:00Z');
const roles = new Map(Object.values(builtInRoles).map((role) => [role.roleId, role]));
const tenantSet = (roleId: string) =>
  computeEffectivePermissions({ assignments: [{ roleId }], directPermissions: [], roles, now });

describe('permissions on one bot (SPEC §7)', () => {
  it('a Member with no grant on the bot holds nothing on it', () => {
    expect(computeBotPermissions({ tenantPermissions: tenantSet('member'), assignments: [], roles, now })).toEqual([]);
  });

  it('the bot-scoped part of the tenant-level set counts, with source tenant; tenant-only permissions do not', () => {
    const onBot = computeBotPermissions({ tenantPermissions: tenantSet('admin'), assignments: [], roles, now });
    const names = onBot.map((p) => p.permission);
    expect(names).toContain('bots:configure');
    expect(names).not.toContain('bots:delete');
    expect(names).not.toContain('users:write');
    expect(names).not.toContain('bots:create');
    expect(onBot.find((p) => p.permission === 'bots:configure')?.sources).toContain('tenant');
  });

  it('roles held on the bot add their permissions and implications, sourced by role id', () => {
    const onBot = computeBotPermissions({
      tenantPermissions: tenantSet('member'),
      assignments: [{ roleId: 'bot-developer' }],
      roles,
      now,
    });
    expect(onBot.find((p) => p.permission === 'flows:write')?.sources).toEqual(['bot-developer']);
    expect(onBot.find((p) => p.permission === 'flows:read')?.sources).toEqual(['implied']);
    expect(onBot.map((p) => p.permission)).not.toContain('bots:delete');
  });

  it('the Bot Owner holds bots:delete on its bot', () => {
    const onBot = computeBotPermissions({
      tenantPermissions: [],
      assignments: [{ roleId: 'bot-owner' }],
      roles,
      now,
    });
    expect(onBot.map((p) => p.permission)).toContain('bots:delete');
  });

  it('expired assignments and tenant roles on a bot grant nothing', () => {
    const onBot = computeBotPermissions({
      tenantPermissions: [],
      assignments: [{ roleId: 'bot-owner', expiresAt: '2026-06-01T12:00:00Z' }, { roleId: 'admin' }],
      roles,
      now,
    });
    expect(onBot).toEqual([]);
  });

  it('an environment limit applies only to decisions naming a covered environment', () => {
    const limited = { roleId: 'bot-tester', environments: ['sandbox'] };
    expect(isBotAssignmentActive(limited, now)).toBe(false);
    expect(isBotAssignmentActive(limited, now, 'sandbox')).toBe(true);
    expect(isBotAssignmentActive(limited, now, 'production')).toBe(false);
    expect(isBotAssignmentActive({ roleId: 'bot-tester' }, now, 'production')).toBe(true);
  });
});

describe('holding a role on a bot vs. what it grants', () => {
  it('an environment-limited assignment is held (unexpired) but grants nothing to a decision naming no environment', () => {
    const limited = { roleId: 'bot-tester', environments: ['sandbox'] };
    expect(isBotAssignmentUnexpired(limited, now)).toBe(true);
    expect(isBotAssignmentUnexpired({ roleId: 'bot-tester', expiresAt: '2026-06-01T11:59:59Z' }, now)).toBe(false);
    expect(computeBotPermissions({ tenantPermissions: [], assignments: [limited], roles, now })).toEqual([]);
    expect(
      computeBotPermissions({ tenantPermissions: [], assignments: [limited], roles, now, environment: 'sandbox' }).map(
        (p) => p.permission,
      ),
    ).toContain('flows:read');
  });
});

describe('roles held on a bot through a group (SPEC §8)', () => {
  it('count like roles held directly, sourced group:<groupId>; expired or tenant roles through a group grant nothing', () => {
    const onBot = computeBotPermissions({
      tenantPermissions: tenantSet('member'),
      assignments: [],
      roles,
      now,
      groups: [
        { groupId: 'G1', assignments: [{ roleId: 'bot-developer' }] },
        {
          groupId: 'G2',
          assignments: [{ roleId: 'bot-admin', expiresAt: '2026-06-01T11:00:00Z' }, { roleId: 'admin' }],
        },
      ],
    });
    expect(onBot.find((p) => p.permission === 'flows:write')?.sources).toEqual(['group:G1']);
    expect(onBot.find((p) => p.permission === 'flows:read')?.sources).toEqual(['implied']);
    expect(onBot.map((p) => p.permission)).not.toContain('collaborators:manage');
    expect(onBot.map((p) => p.permission)).not.toContain('users:write');
  });
});
