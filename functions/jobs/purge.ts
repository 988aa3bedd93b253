import type { Context, ScheduledEvent } from 'aws-lambda';
import { logger } from '../../shared/observability';

/**
 * Scheduled purge (EventBridge in AWS, a timer in `npm start`, `npm run job:purge` by hand).
 * Each task pages through expired items with key-condition queries and is safe to run twice at once.
 * Invitation expiry and time-bound role assignment expiry register here with their capabilities;
 * expiry is already enforced at read time, so the purge only cleans up and frees seats.
 */
const purgeTasks: readonly { name: string; run: (now: Date) => Promise<number> }[] = [];

export const handler = async (_event: ScheduledEvent, _context: Context) => {
  const now = new Date();
  const results: Record<string, number> = {};
  for (const task of purgeTasks) results[task.name] = await task.run(now);
  logger.info('purge finished', { results });
  return results;
};
