import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetItems } from './batch-get';
import type { DataDeps } from './data-deps';
import { stripKeys } from './data-deps';
import { expiredPage } from './expiry-index';
import { keys } from './keys';
import type { TenantRecord } from './records';
import type { TransactItem } from './transactions';

export function tenantItem(tenant: TenantRecord): Record<string, unknown> {
  return { ...keys.tenant(tenant.tenantId), entity: 'tenant', ...tenant };
}

export async function getTenant(deps: DataDeps, tenantId: string): Promise<TenantRecord | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.tableName, Key: keys.tenant(tenantId), ConsistentRead: true }),
  );
  return Item ? stripKeys<TenantRecord>(Item) : undefined;
}

/** Tenants by id, in no particular order; missing ids are absent from the result. */
export async function getTenants(deps: DataDeps, tenantIds: readonly string[]): Promise<Map<string, TenantRecord>> {
  const items = await batchGetItems(
    deps,
    [...new Set(tenantIds)].map((id) => keys.tenant(id)),
  );
  return new Map(items.map((item) => stripKeys<TenantRecord>(item)).map((tenant) => [tenant.tenantId, tenant]));
}

export function putNewTenant(deps: DataDeps, tenant: TenantRecord): TransactItem {
  return {
    Put: { TableName: deps.tableName, Item: tenantItem(tenant), ConditionExpression: 'attribute_not_exists(PK)' },
  };
}

/**
 * Updates name and/or seat limit. The seat limit may not drop below the seats in use, and `expectedVersion`
 * (from If-Match) must match when given: both are conditions of the write, not prior reads.
 */
export function updateTenantItem(
  deps: DataDeps,
  tenantId: string,
  change: { name?: string; seatLimit?: number },
  now: string,
  expectedVersion: number | undefined,
): TransactItem {
  const sets = ['updatedAt = :now', 'version = version + :one'];
  const values: Record<string, unknown> = { ':now': now, ':one': 1 };
  const conditions = ['attribute_exists(PK)'];
  if (change.name !== undefined) {
    sets.push('#name = :name');
    values[':name'] = change.name;
  }
  if (change.seatLimit !== undefined) {
    sets.push('seatLimit = :seatLimit');
    values[':seatLimit'] = change.seatLimit;
    conditions.push('seatsUsed <= :seatLimit');
  }
  if (expectedVersion !== undefined) {
    conditions.push('version = :expectedVersion');
    values[':expectedVersion'] = expectedVersion;
  }
  return {
    Update: {
      TableName: deps.tableName,
      Key: keys.tenant(tenantId),
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: change.name !== undefined ? { '#name': 'name' } : undefined,
      ExpressionAttributeValues: values,
    },
  };
}

/**
 * Takes `count` seats, as a condition of the same transaction that creates the members: the limit holds
 * under any concurrency. `seatLimit` is pinned to the value the caller planned with.
 */
export function reserveSeats(deps: DataDeps, tenantId: string, count: number, seatLimit: number): TransactItem {
  return {
    Update: {
      TableName: deps.tableName,
      Key: keys.tenant(tenantId),
      UpdateExpression: 'SET seatsUsed = seatsUsed + :count',
      ConditionExpression: 'seatLimit = :seatLimit AND seatsUsed <= :maxBefore',
      ExpressionAttributeValues: { ':count': count, ':seatLimit': seatLimit, ':maxBefore': seatLimit - count },
    },
  };
}

/** Gives back `count` seats, in the transaction that removes the members holding them. */
export function releaseSeats(deps: DataDeps, tenantId: string, count: number): TransactItem {
  return {
    Update: {
      TableName: deps.tableName,
      Key: keys.tenant(tenantId),
      UpdateExpression: 'SET seatsUsed = seatsUsed - :count',
      ConditionExpression: 'seatsUsed >= :count',
      ExpressionAttributeValues: { ':count': count },
    },
  };
}

/**
 * Seats a bulk invitation took on the tenant's counter for one chunk of its invitations (SPEC §3's seat
 * limit, PERFORMANCE.md figure 7). One transaction takes the seats of every chunk and writes one reservation
 * per chunk (`reserveSeats` + `putSeatReservation`); each chunk's transaction then consumes its own
 * reservation instead of updating the counter, so the chunks do not conflict on the counter and run in
 * parallel. The counter counts reserved seats as used until they are consumed or released: the limit holds
 * throughout. A reservation a crash left behind is released, with its seats, by the purge once `expiresAt`
 * has passed (`releaseSeatReservation`).
 */
export interface SeatReservation {
  readonly tenantId: string;
  readonly reservationId: string;
  readonly seats: number;
  readonly expiresAt: string;
}

export function putSeatReservation(deps: DataDeps, reservation: SeatReservation): TransactItem {
  return {
    Put: {
      TableName: deps.tableName,
      Item: {
        ...keys.seatReservation(reservation.tenantId, reservation.reservationId),
        ...keys.seatReservationExpiryIndex(reservation.tenantId, reservation.reservationId, reservation.expiresAt),
        entity: 'seatReservation',
        ...reservation,
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

/**
 * A chunk's transaction takes its seats from its reservation: the reservation goes, on condition that it is
 * still there (not consumed twice, not released by the purge meanwhile). When the chunk writes fewer members
 * than it reserved for (an address lost a race), the seats it does not use go back to the counter in the
 * same transaction. The first item is the reservation's, whose condition failing means "gone".
 */
export function consumeSeatReservation(deps: DataDeps, reservation: SeatReservation, used: number): TransactItem[] {
  const unused = reservation.seats - used;
  return [
    {
      Delete: {
        TableName: deps.tableName,
        Key: keys.seatReservation(reservation.tenantId, reservation.reservationId),
        ConditionExpression: 'attribute_exists(PK) AND seats = :seats',
        ExpressionAttributeValues: { ':seats': reservation.seats },
      },
    },
    ...(unused > 0 ? [releaseSeats(deps, reservation.tenantId, unused)] : []),
  ];
}

/** Gives a reservation's seats back, whether a request that no longer needs them or the purge does it. */
export function releaseSeatReservation(deps: DataDeps, reservation: SeatReservation): TransactItem[] {
  return consumeSeatReservation(deps, reservation, 0);
}

export async function getSeatReservation(
  deps: DataDeps,
  tenantId: string,
  reservationId: string,
): Promise<SeatReservation | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({
      TableName: deps.tableName,
      Key: keys.seatReservation(tenantId, reservationId),
      ConsistentRead: true,
    }),
  );
  return Item ? stripKeys<SeatReservation>(Item) : undefined;
}

/** One page of seat reservations, of every tenant, whose `expiresAt` is at or before `now`, from one shard. */
export function expiredSeatReservationsPage(
  deps: DataDeps,
  shard: { GSI2PK: string },
  now: Date,
  startKey?: Record<string, unknown>,
) {
  return expiredPage(deps, shard, now, ['tenantId', 'reservationId'] as const, startKey);
}
