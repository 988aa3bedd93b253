import type { Context, ScheduledEvent } from 'aws-lambda';
import { logger } from '../../shared/observability';
import { purgeExpiredAccessRequests } from '../../shared/services/access-request-service';
import { purgeExpiredBotGrants } from '../../shared/services/bot-grant-expiry-service';
import { purgeExpiredGroupRoles } from '../../shared/services/group-service';
import { purgeExpiredInvitations, purgeLeftoverSeatReservations } from '../../shared/services/invitation-service';
import { purgeExpiredAssignments } from '../../shared/services/member-admin-service';
import { defaultServiceDeps } from '../../shared/services/service-deps';

/**
 * Scheduled purge (EventBridge in AWS, a timer in `npm start`, `npm run job:purge` by hand).
 * Each task pages through expired items with key-condition queries and is safe to run twice at once.
 * Expiry is already enforced at read time, so the purge only cleans up, frees seats and audits.
 */
const purgeTasks = {
  invitations: () => purgeExpiredInvitations(defaultServiceDeps()),
  seatReservations: () => purgeLeftoverSeatReservations(defaultServiceDeps()),
  roleAssignments: () => purgeExpiredAssignments(defaultServiceDeps()),
  botGrants: () => purgeExpiredBotGrants(defaultServiceDeps()),
  accessRequests: () => purgeExpiredAccessRequests(defaultServiceDeps()),
  groupRoles: () => purgeExpiredGroupRoles(defaultServiceDeps()),
};

export const handler = async (_event: ScheduledEvent, _context: Context) => {
  const results: Record<string, unknown> = {};
  for (const [name, run] of Object.entries(purgeTasks)) results[name] = await run();
  logger.info('purge finished', { results });
  return results;
};
