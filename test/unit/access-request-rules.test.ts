import { describe, expect, it } from 'vitest';
import { mergeBotAssignments, permissionsNotHeld } from '../../shared/domain/bot-escalation';
import { notificationIdOf } from '../../shared/domain/notification-id';
import { builtInRoles } from '../../shared/domain/roles';

/** Pure rules behind access requests (SPEC §9): merging approved roles into a grant, "nothing new", notification ids. */

const now = new Date('2026-06-01T12:00:00Z');
const later = '2026-07-01T00:00:00.000Z';
const muchLater = '2026-08-01T00:00:00.000Z';
type A = { roleId: string; environments?: string[]; expiresAt?: string };

describe('mergeBotAssignments', () => {
  it('adds a role not held, and keeps a held one that covers the new one (nothing changes)', () => {
    const held: A[] = [{ roleId: 'bot-tester' }];
    expect(mergeBotAssignments<A>(held, [{ roleId: 'bot-developer' }], now)).toEqual({
      next: [{ roleId: 'bot-tester' }, { roleId: 'bot-developer' }],
      changed: [{ roleId: 'bot-developer' }],
    });
    expect(mergeBotAssignments<A>(held, [{ roleId: 'bot-tester', environments: ['sandbox'] }], now)).toEqual({
      next: held,
      changed: [],
    });
  });

  it('a new assignment covering the held one replaces it; otherwise environments unite and the later expiry wins', () => {
    const held: A[] = [{ roleId: 'inbox-agent', environments: ['production'], expiresAt: later }];
    expect(mergeBotAssignments<A>(held, [{ roleId: 'inbox-agent' }], now).next).toEqual([{ roleId: 'inbox-agent' }]);
    const merged = mergeBotAssignments<A>(
      held,
      [{ roleId: 'inbox-agent', environments: ['sandbox'], expiresAt: muchLater }],
      now,
    );
    expect(merged.next).toEqual([
      { roleId: 'inbox-agent', environments: ['production', 'sandbox'], expiresAt: muchLater },
    ]);
    expect(merged.changed).toEqual(merged.next);
    // Unlimited in time on one side: unlimited.
    const unlimited = mergeBotAssignments<A>(
      [{ roleId: 'inbox-agent', environments: ['production'] }],
      [{ roleId: 'inbox-agent', environments: ['sandbox'], expiresAt: later }],
      now,
    );
    expect(unlimited.next).toEqual([{ roleId: 'inbox-agent', environments: ['production', 'sandbox'] }]);
  });

  it('an expired assignment not yet purged is replaced', () => {
    const held: A[] = [{ roleId: 'bot-tester', expiresAt: '2026-01-01T00:00:00.000Z' }];
    expect(mergeBotAssignments<A>(held, [{ roleId: 'bot-tester', environments: ['sandbox'] }], now)).toEqual({
      next: [{ roleId: 'bot-tester', environments: ['sandbox'] }],
      changed: [{ roleId: 'bot-tester', environments: ['sandbox'] }],
    });
  });
});

describe('permissionsNotHeld', () => {
  const developer = { assignment: { roleId: 'bot-developer' }, role: builtInRoles['bot-developer'] };
  it('names what is missing per environment; empty when everything is held', () => {
    const all = new Set(builtInRoles['bot-developer'].permissions);
    expect(permissionsNotHeld(() => all, [developer])).toEqual([]);
    const inSandboxOnly = (environment: string | undefined) => (environment === 'sandbox' ? all : new Set<never>());
    expect(permissionsNotHeld(inSandboxOnly, [developer])).toContain('flows:write');
    expect(
      permissionsNotHeld(inSandboxOnly, [
        { ...developer, assignment: { roleId: 'bot-developer', environments: ['sandbox'] } },
      ]),
    ).toEqual([]);
  });
});

describe('notificationIdOf', () => {
  it('is a ULID, the same for the same event and recipient, different per recipient, ordered by time', () => {
    const a = notificationIdOf('01EVENT', 'user-a', '2026-06-01T12:00:00.000Z');
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(notificationIdOf('01EVENT', 'user-a', '2026-06-01T12:00:00.000Z')).toBe(a);
    expect(notificationIdOf('01EVENT', 'user-b', '2026-06-01T12:00:00.000Z')).not.toBe(a);
    expect(notificationIdOf('01OTHER', 'user-a', '2026-06-01T12:00:01.000Z') > a).toBe(true);
  });
});
