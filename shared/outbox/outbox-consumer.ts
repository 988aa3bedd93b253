import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { OUTBOX_PREFIX } from '../data/keys';
import type { OutboxEvent } from '../data/outbox';

/**
 * A side effect of outbox events: the audit writer and the invitation mailer register here.
 * Each effect must be idempotent on `event.eventId`: a batch is retried after any failure, so the
 * same event can reach an effect more than once.
 */
export interface OutboxEffect {
  readonly name: string;
  handles(event: OutboxEvent): boolean;
  apply(event: OutboxEvent): Promise<void>;
}

/**
 * The outbox event in a stream record of a new or redriven outbox item (INSERT, or the redrive job's
 * MODIFY: shared/data/outbox.ts redriveOutboxEvent), or undefined for any other record (member updates,
 * deletions of processed outbox items, ...). The event source filters those out already; checked here too.
 */
export function outboxEventOf(record: DynamoDBRecord): OutboxEvent | undefined {
  if (!(record.eventName === 'INSERT' || record.eventName === 'MODIFY')) return undefined;
  const image = record.dynamodb?.NewImage as Record<string, AttributeValue> | undefined;
  if (!image?.PK?.S?.startsWith(OUTBOX_PREFIX)) return undefined;
  return unmarshall(image).event as OutboxEvent;
}

export async function applyEffects(effects: readonly OutboxEffect[], event: OutboxEvent): Promise<void> {
  for (const effect of effects) {
    if (effect.handles(event)) await effect.apply(event);
  }
}

/**
 * Runs tasks of one key (tenant) one after another, in the order they were queued, while tasks of
 * different keys run concurrently. When a task fails, the later tasks of its key fail without running:
 * Lambda retries a stream batch from its first failed record, so they come again, still in order.
 * Queue synchronously (before any await) to keep the order of the calls.
 */
export function keyedSequencer(): <T>(key: string, task: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return (key, task) => {
    const previous = tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, () => {
      throw new Error(`an earlier record of ${key} in this batch failed; retried after it`);
    });
    tails.set(key, next);
    return next;
  };
}
