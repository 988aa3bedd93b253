import { describe, expect, it } from 'vitest';
import { MAX_REDRIVES, REDRIVE_AFTER_SECONDS, redriveDecision } from '../../shared/services/outbox-redrive-service';

/**
 * The redrive's bound (test/integration/outbox-redrive.test.ts shows the redrive itself against the emulators):
 * an undelivered outbox event is redriven after the base threshold, then after doubling waits, at most
 * `MAX_REDRIVES` times; after that it is reported (exhausted), never redriven again.
 */
const base = REDRIVE_AFTER_SECONDS * 1000;
const now = new Date('2026-12-01T12:00:00.000Z');
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();

describe('redriveDecision', () => {
  it('redrives a never-redriven event once the base threshold has passed since its write', () => {
    expect(redriveDecision({ lastAttemptAt: ago(base), redriveCount: 0 }, now, base)).toBe('redrive');
  });

  it('waits twice as long after each redrive (15 min, 30, 1 h, 2 h, 4 h)', () => {
    for (let count = 1; count < MAX_REDRIVES; count++) {
      const wait = base * 2 ** count;
      expect(redriveDecision({ lastAttemptAt: ago(wait - 1), redriveCount: count }, now, base), `${count}`).toBe(
        'wait',
      );
      expect(redriveDecision({ lastAttemptAt: ago(wait), redriveCount: count }, now, base), `${count}`).toBe('redrive');
    }
  });

  it(`gives up after ${MAX_REDRIVES} redrives, however long ago the last one was`, () => {
    expect(redriveDecision({ lastAttemptAt: ago(30 * 86_400_000), redriveCount: MAX_REDRIVES }, now, base)).toBe(
      'exhausted',
    );
    expect(redriveDecision({ lastAttemptAt: ago(0), redriveCount: MAX_REDRIVES + 1 }, now, 0)).toBe('exhausted');
  });

  it('a zero threshold (by hand, after a fault is fixed) redrives every event that has redrives left, at once', () => {
    for (let count = 0; count < MAX_REDRIVES; count++)
      expect(redriveDecision({ lastAttemptAt: ago(0), redriveCount: count }, now, 0)).toBe('redrive');
  });
});
