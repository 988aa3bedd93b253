import type { DataDeps } from '../data/data-deps';
import { keys } from '../data/keys';
import { redriveOutboxEvent, type UndeliveredOutboxRef, undeliveredOutboxPage } from '../data/outbox';

/**
 * An outbox event still undelivered this long after its write (or its last redrive) has exhausted the stream
 * consumer's retries (5, within seconds to minutes) and sits in its DLQ, or is stuck behind something that did.
 */
export const REDRIVE_AFTER_SECONDS = 15 * 60;
/**
 * Redrives per event before the redrive gives up and reports it (an alarm, not a loop). The wait before each
 * doubles (15 min, 30, 1 h, 2 h, 4 h after the previous): an outage of some 8 hours heals by itself.
 */
export const MAX_REDRIVES = 5;

export interface RedriveOptions {
  /** Overrides `REDRIVE_AFTER_SECONDS` (0: everything undelivered, now, e.g. by hand after a fault is fixed). */
  readonly olderThanSeconds?: number;
}

export interface RedriveOutcome {
  /** Events given another delivery by this run. */
  readonly redriven: number;
  /** Events whose backed-off wait is not over yet. */
  readonly waiting: number;
  /** Events undelivered after `MAX_REDRIVES` redrives: left alone, for an operator (the handler logs each). */
  readonly exhausted: readonly Pick<UndeliveredOutboxRef, 'eventId' | 'tenantId' | 'action' | 'redriveCount'>[];
}

/**
 * The outbox redrive: finds undelivered outbox events older than the threshold (key-condition queries over the
 * shards of their GSI2 index, never a Scan) and touches each one (`redriveOutboxEvent`), so that the stream
 * consumer delivers it again. One delivery path: the redrive never applies effects itself, so the audit
 * writer's per-event guard, the mailer's idempotency record, the per-tenant order and the DLQ all hold for
 * redriven events as for new ones, and this job needs no audit, email or secret access. Safe to run twice at
 * once: each reading of an event redrives it at most once (conditional on its index entry).
 */
export async function redriveUndeliveredEvents(
  deps: DataDeps & { readonly now: () => Date },
  options: RedriveOptions = {},
): Promise<RedriveOutcome> {
  const now = deps.now();
  const baseMs = (options.olderThanSeconds ?? REDRIVE_AFTER_SECONDS) * 1000;
  const before = new Date(now.getTime() - baseMs);
  let redriven = 0;
  let waiting = 0;
  const exhausted: RedriveOutcome['exhausted'][number][] = [];
  for (const shard of keys.outboxDeliveryShards()) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await undeliveredOutboxPage(deps, shard, before, startKey);
      for (const ref of page.refs) {
        const decision = redriveDecision(ref, now, baseMs);
        if (decision === 'exhausted') {
          exhausted.push({
            eventId: ref.eventId,
            tenantId: ref.tenantId,
            action: ref.action,
            redriveCount: ref.redriveCount,
          });
        } else if (decision === 'wait') {
          waiting++;
        } else if (await redriveOutboxEvent(deps, ref, now)) {
          redriven++;
        }
      }
      startKey = page.nextKey;
    } while (startKey);
  }
  return { redriven, waiting, exhausted };
}

/**
 * What the redrive does with an undelivered event found older than the base threshold: nothing after
 * `MAX_REDRIVES` (report it), wait while its backed-off delay (base × 2^redrives since its last attempt) runs,
 * otherwise redrive it.
 */
export function redriveDecision(
  ref: Pick<UndeliveredOutboxRef, 'lastAttemptAt' | 'redriveCount'>,
  now: Date,
  baseMs: number,
): 'redrive' | 'wait' | 'exhausted' {
  if (ref.redriveCount >= MAX_REDRIVES) return 'exhausted';
  const sinceLastAttempt = now.getTime() - Date.parse(ref.lastAttemptAt);
  return sinceLastAttempt < baseMs * 2 ** ref.redriveCount ? 'wait' : 'redrive';
}
