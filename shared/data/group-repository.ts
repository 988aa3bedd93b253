import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetItems } from './batch-get';
import type { DataDeps } from './data-deps';
import { stripKeys } from './data-deps';
import { expiredPage } from './expiry-index';
import { type ItemKey, keys } from './keys';
import { queryAllByPrefix, queryPageByPrefix } from './query-all';
import type { GroupRecord, MemberRecord } from './records';
import type { TransactItem } from './transactions';

/** Most groups one member belongs to (SPEC §8): a condition on the member's own item. */
export const MAX_GROUPS_PER_MEMBER = 50;

/** A member's group ids, sorted (the record holds a string set, absent when empty). */
export function groupIdsOf(holder: { readonly groupIds?: Iterable<string> }): string[] {
  return [...(holder.groupIds ?? [])].sort();
}

/** The earliest `expiresAt` among a group's roles (ISO, normalised), if any is time-bound. */
function earliestExpiry(group: Pick<GroupRecord, 'roles'>): string | undefined {
  const instants = group.roles.flatMap((a) => (a.expiresAt ? [Date.parse(a.expiresAt)] : []));
  return instants.length === 0 ? undefined : new Date(Math.min(...instants)).toISOString();
}

export function groupItem(group: GroupRecord): Record<string, unknown> {
  const expiry = earliestExpiry(group);
  return {
    ...keys.group(group.tenantId, group.groupId),
    ...(expiry ? keys.groupRoleExpiryIndex(group.tenantId, group.groupId, expiry) : {}),
    entity: 'group',
    ...group,
  };
}

export async function getGroup(deps: DataDeps, tenantId: string, groupId: string): Promise<GroupRecord | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.tableName, Key: keys.group(tenantId, groupId), ConsistentRead: true }),
  );
  return Item ? stripKeys<GroupRecord>(Item) : undefined;
}

/** Groups by id in one tenant (consistent BatchGetItem); missing ones are absent. */
export async function getGroups(
  deps: DataDeps,
  tenantId: string,
  groupIds: Iterable<string>,
): Promise<Map<string, GroupRecord>> {
  const ids = [...new Set(groupIds)];
  if (ids.length === 0) return new Map();
  const items = await batchGetItems(
    deps,
    ids.map((groupId) => keys.group(tenantId, groupId)),
  );
  return new Map(items.map((item) => stripKeys<GroupRecord>(item)).map((group) => [group.groupId, group]));
}

/** The group keys of a member's groups: read with the member in authorization's BatchGetItem. */
export function groupKeysOf(tenantId: string, groupIds: Iterable<string>): ItemKey[] {
  return [...groupIds].map((groupId) => keys.group(tenantId, groupId));
}

/** One page of a tenant's groups, by group id (a key-condition query). */
export async function listGroupsPage(
  deps: DataDeps,
  tenantId: string,
  page: { limit: number; cursor?: string },
): Promise<{ items: GroupRecord[]; nextCursor: string | null }> {
  const { PK, skPrefix } = keys.groupsOfTenant(tenantId);
  const { items, nextCursor } = await queryPageByPrefix(deps, {
    partition: PK,
    prefix: skPrefix,
    scope: `groups|${tenantId}`,
    cursor: page.cursor,
    limit: page.limit,
    consistent: true,
  });
  return { items: items.map((item) => stripKeys<GroupRecord>(item)), nextCursor };
}

/** One page of a group's member ids, by member id (a key-condition query on the membership items). */
export async function listGroupMemberIdsPage(
  deps: DataDeps,
  tenantId: string,
  groupId: string,
  page: { limit: number; cursor?: string },
): Promise<{ memberIds: string[]; nextCursor: string | null; scanned: number }> {
  const { PK, skPrefix } = keys.membersOfGroup(tenantId, groupId);
  const { items, nextCursor, scanned } = await queryPageByPrefix(deps, {
    partition: PK,
    prefix: skPrefix,
    scope: `group-members|${tenantId}|${groupId}`,
    cursor: page.cursor,
    limit: page.limit,
    consistent: true,
    attributes: ['memberId'],
  });
  return { memberIds: items.map((item) => item.memberId as string), nextCursor, scanned };
}

/** Every member id of a group (all pages): for judging and deleting a group. */
export async function allMemberIdsOfGroup(deps: DataDeps, tenantId: string, groupId: string): Promise<string[]> {
  const { PK, skPrefix } = keys.membersOfGroup(tenantId, groupId);
  const items = await queryAllByPrefix(deps, {
    partition: PK,
    prefix: skPrefix,
    consistent: true,
    attributes: ['memberId'],
  });
  return items.map((item) => item.memberId as string);
}

function nameGuard(deps: DataDeps, group: GroupRecord): TransactItem {
  return {
    Put: {
      TableName: deps.tableName,
      Item: { ...keys.groupNameGuard(group.tenantId, group.nameKey), entity: 'groupNameGuard', groupId: group.groupId },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

/** A new group, then the guard that keeps its name unique (the second item: its condition failing = name taken). */
export function putNewGroup(deps: DataDeps, group: GroupRecord): TransactItem[] {
  return [
    { Put: { TableName: deps.tableName, Item: groupItem(group), ConditionExpression: 'attribute_not_exists(PK)' } },
    nameGuard(deps, group),
  ];
}

/**
 * Replaces `before` by `after` if it is unchanged since read: its `version` and `membersRevision` (nobody
 * added since the members were read) and not being deleted. A rename moves the name guard: items after the
 * first are the new guard's Put (condition: name free) and the old guard's Delete.
 */
export function updateGroup(deps: DataDeps, before: GroupRecord, after: GroupRecord): TransactItem[] {
  const revision =
    before.membersRevision === undefined
      ? 'attribute_not_exists(membersRevision)'
      : 'membersRevision = :membersRevision';
  return [
    {
      Put: {
        TableName: deps.tableName,
        Item: groupItem(after),
        ConditionExpression: `attribute_exists(PK) AND version = :version AND ${revision} AND attribute_not_exists(deleting)`,
        ExpressionAttributeValues: {
          ':version': before.version,
          ...(before.membersRevision === undefined ? {} : { ':membersRevision': before.membersRevision }),
        },
      },
    },
    ...(before.nameKey === after.nameKey
      ? []
      : [
          nameGuard(deps, after),
          { Delete: { TableName: deps.tableName, Key: keys.groupNameGuard(before.tenantId, before.nameKey) } },
        ]),
  ];
}

/**
 * A transaction step that holds while the group exists and is not being deleted (a grant to it must not
 * outlive it: its deletion marks it `deleting` before removing its grants, or deletes it at its version).
 */
export function groupActiveCheck(deps: DataDeps, group: GroupRecord): TransactItem {
  return {
    ConditionCheck: {
      TableName: deps.tableName,
      Key: keys.group(group.tenantId, group.groupId),
      ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(deleting)',
    },
  };
}

/** Deletes a group at its version (its memberships must be gone or go in the same transaction) and frees its name. */
export function deleteGroup(deps: DataDeps, group: GroupRecord): TransactItem[] {
  return [
    {
      Delete: {
        TableName: deps.tableName,
        Key: keys.group(group.tenantId, group.groupId),
        ConditionExpression: 'version = :version',
        ExpressionAttributeValues: { ':version': group.version },
      },
    },
    { Delete: { TableName: deps.tableName, Key: keys.groupNameGuard(group.tenantId, group.nameKey) } },
  ];
}

/**
 * Adds a member to a group, in this order: the membership item (condition: not there yet), the member's
 * `groupIds` (condition: the member exists, has joined, and belongs to fewer than 50 groups: DynamoDB judges
 * the count on the item itself, so concurrent adds stop at 50), the principal link's `groupIds` (when joined),
 * and the group's `membersRevision` (condition: the group at the version the add was judged on, not deleting).
 */
export function addGroupMembership(deps: DataDeps, group: GroupRecord, member: MemberRecord): TransactItem[] {
  const ids = new Set([group.groupId]);
  return [
    {
      Put: {
        TableName: deps.tableName,
        Item: {
          ...keys.groupMembership(group.tenantId, group.groupId, member.memberId),
          entity: 'groupMembership',
          groupId: group.groupId,
          memberId: member.memberId,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
    {
      Update: {
        TableName: deps.tableName,
        Key: keys.member(member.tenantId, member.memberId),
        UpdateExpression: 'ADD groupIds :ids',
        ConditionExpression:
          'attribute_exists(PK) AND #status <> :invited AND (attribute_not_exists(groupIds) OR size(groupIds) < :max)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':ids': ids, ':invited': 'invited', ':max': MAX_GROUPS_PER_MEMBER },
      },
    },
    ...linkGroupChange(deps, member, 'ADD', ids),
    {
      Update: {
        TableName: deps.tableName,
        Key: keys.group(group.tenantId, group.groupId),
        UpdateExpression: 'ADD membersRevision :one',
        ConditionExpression: 'attribute_exists(PK) AND version = :version AND attribute_not_exists(deleting)',
        ExpressionAttributeValues: { ':one': 1, ':version': group.version },
      },
    },
  ];
}

/**
 * Removes a member from a group: the membership item (condition: there), the group id from the member's and
 * the link's `groupIds` (the member must still exist: a removed member's memberships went with it).
 */
export function removeGroupMembership(
  deps: DataDeps,
  tenantId: string,
  groupId: string,
  member: MemberRecord,
): TransactItem[] {
  const ids = new Set([groupId]);
  return [
    {
      Delete: {
        TableName: deps.tableName,
        Key: keys.groupMembership(tenantId, groupId, member.memberId),
        ConditionExpression: 'attribute_exists(PK)',
      },
    },
    {
      Update: {
        TableName: deps.tableName,
        Key: keys.member(tenantId, member.memberId),
        UpdateExpression: 'DELETE groupIds :ids',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':ids': ids },
      },
    },
    ...linkGroupChange(deps, member, 'DELETE', ids),
  ];
}

/** The membership items of a member, for its removal from the tenant. */
export function deleteMembershipsOf(deps: DataDeps, member: MemberRecord): TransactItem[] {
  return groupIdsOf(member).map((groupId) => ({
    Delete: { TableName: deps.tableName, Key: keys.groupMembership(member.tenantId, groupId, member.memberId) },
  }));
}

function linkGroupChange(
  deps: DataDeps,
  member: MemberRecord,
  action: 'ADD' | 'DELETE',
  ids: ReadonlySet<string>,
): TransactItem[] {
  if (!member.userId) return [];
  return [
    {
      Update: {
        TableName: deps.tableName,
        Key: keys.principalLink(member.userId, member.tenantId),
        UpdateExpression: `${action} groupIds :ids`,
        // The link of this very member: never create a stray link, never touch another member's.
        ConditionExpression: 'memberId = :memberId',
        ExpressionAttributeValues: { ':ids': ids, ':memberId': member.memberId },
      },
    },
  ];
}

/** One page of groups, of every tenant, whose earliest time-bound role expired at or before `now`. */
export function expiredGroupRolesPage(
  deps: DataDeps,
  shard: { GSI2PK: string },
  now: Date,
  startKey?: Record<string, unknown>,
) {
  return expiredPage(deps, shard, now, ['tenantId', 'groupId'] as const, startKey);
}
