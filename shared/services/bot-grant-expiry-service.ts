import {
  deleteGrantIfUnchanged,
  expiredGrantsPage,
  type GrantRef,
  getGrantWithBot,
  putGrant,
} from '../data/bot-repository';
import { keys } from '../data/keys';
import { outboxPut } from '../data/outbox';
import type { ResourceGrantRecord } from '../data/records';
import { transactWrite } from '../data/transactions';
import { SYSTEM_ACTOR } from '../domain/actor';
import { isBotAssignmentUnexpired } from '../domain/bot-permissions';
import { concurrentChange, isConcurrentChange } from './grant-guards';
import type { ServiceDeps } from './service-deps';

/** What one purge run did to bot grants: rewritten without their expired roles, deleted, or left alone. */
export interface BotGrantPurgeResult {
  readonly changed: number;
  readonly deleted: number;
  readonly skipped: number;
}

/**
 * Scheduled cleanup of time-bound bot role assignments that have expired (they stopped granting at their
 * instant already: isBotAssignmentUnexpired). Every shard of the grant expiry index is queried for entries
 * at or before now; each grant is read and its expired roles removed: the grant is deleted when none is left,
 * else rewritten (version + 1), which moves its index entry to its next expiry or out of the index. One
 * `bot_access.changed` event per grant, by the system, in the same transaction. Each write is conditioned on
 * the version read: a grant changed meanwhile is skipped (its new version carries its own expiry entry, so a
 * later run finds it again). Safe to run concurrently with itself and with access changes.
 */
export async function purgeExpiredBotGrants(deps: ServiceDeps): Promise<BotGrantPurgeResult> {
  const now = deps.now();
  const counts = { changed: 0, deleted: 0, skipped: 0 };
  for (const shard of keys.resourceGrantExpiryShards('bot')) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await expiredGrantsPage(deps, shard, now, startKey);
      for (const ref of page.refs) counts[await expireGrant(deps, ref, now)]++;
      startKey = page.nextKey;
    } while (startKey);
  }
  return counts;
}

const lostRace = () => concurrentChange('The grant changed while the purge read it.');

async function expireGrant(deps: ServiceDeps, ref: GrantRef, now: Date): Promise<keyof BotGrantPurgeResult> {
  const { grant, bot } = await getGrantWithBot(deps, ref);
  if (!grant) return 'skipped';
  const kept = grant.roles.filter((assignment) => isBotAssignmentUnexpired(assignment, now));
  // Nothing expired any more: the grant was rewritten since the index listed it (a later expiry, or none).
  if (kept.length === grant.roles.length) return 'skipped';
  const next: ResourceGrantRecord = { ...grant, roles: kept, updatedAt: now.toISOString(), version: grant.version + 1 };
  const principal = { type: grant.principalType, id: grant.principalId };
  try {
    await transactWrite(deps, [
      {
        item: kept.length === 0 ? deleteGrantIfUnchanged(deps, grant) : putGrant(deps, next, grant),
        onConditionFailed: lostRace,
      },
      {
        item: outboxPut(deps.tableName, {
          eventId: deps.newId(),
          tenantId: grant.tenantId,
          occurredAt: now.toISOString(),
          action: 'bot_access.changed',
          actor: SYSTEM_ACTOR,
          target: { type: 'bot', id: grant.resourceId, label: bot?.name ?? grant.resourceId },
          changes: { before: { principal, roles: grant.roles }, after: { principal, roles: kept } },
          requestId: `purge-${now.toISOString()}`,
        }),
      },
    ]);
    return kept.length === 0 ? 'deleted' : 'changed';
  } catch (error) {
    if (isConcurrentChange(error)) return 'skipped'; // changed, deleted or purged by someone else meanwhile
    throw error;
  }
}
