import type { Context, ScheduledEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { logger } from '../../shared/observability';
import { redriveUndeliveredEvents } from '../../shared/services/outbox-redrive-service';
import { defaultServiceDeps } from '../../shared/services/service-deps';

/**
 * The scheduled event's detail: `{}` from EventBridge; by hand (`npm run job:redrive`, or invoking the function
 * with `{"detail": {"olderThanSeconds": 0}}`) a shorter threshold redrives at once what a fixed fault left behind.
 */
const detailSchema = z.object({ olderThanSeconds: z.optional(z.number().check(z.int(), z.minimum(0))) });

/**
 * Scheduled outbox redrive (EventBridge in AWS, a timer in `npm start`, `npm run job:redrive` by hand):
 * outbox events whose effects exhausted the stream consumer's retries are delivered again through it
 * (shared/services/outbox-redrive-service.ts). Events still undelivered after the last redrive are logged as
 * errors on every run until an operator acts: that log line is the alarm.
 */
export const handler = async (event: ScheduledEvent, _context: Context) => {
  const detail = detailSchema.parse(event.detail ?? {});
  const { redriven, waiting, exhausted } = await redriveUndeliveredEvents(defaultServiceDeps(), detail);
  for (const stuck of exhausted) {
    logger.error('outbox event undelivered after its last redrive; left for an operator', { ...stuck });
  }
  const results = { redriven, waiting, exhausted: exhausted.length };
  logger.info('redrive finished', { results });
  return results;
};
