import { GetCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RoleAssignment } from '../domain/effective-permissions';
import { InvalidCursor } from '../domain/errors';
import { present } from '../domain/present';
import { batchGetItems, type FoundItems } from './batch-get';
import { decodeCursor, encodeCursor } from './cursor';
import type { DataDeps } from './data-deps';
import { stripKeys } from './data-deps';
import { expiredPage } from './expiry-index';
import { type ItemKey, keys } from './keys';
import { principalLinkHint, principalLinkRoleChanges } from './principal-repository';
import { queryAllByPrefix, queryPageByPrefix } from './query-all';
import type { CustomRoleRecord, MemberRecord, MemberStatus } from './records';
import type { TransactItem } from './transactions';

export function memberItem(member: MemberRecord): Record<string, unknown> {
  return {
    ...keys.member(member.tenantId, member.memberId),
    ...keys.memberStatusIndex(member.tenantId, member.status, member.email, member.memberId),
    entity: 'member',
    ...member,
  };
}

export async function getMember(deps: DataDeps, tenantId: string, memberId: string): Promise<MemberRecord | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.tableName, Key: keys.member(tenantId, memberId), ConsistentRead: true }),
  );
  return Item ? stripKeys<MemberRecord>(Item) : undefined;
}

/** The member among items read together (`batchGetByKey` with `keys.member(tenantId, memberId)`), if found. */
export function memberFound(found: FoundItems, tenantId: string, memberId: string): MemberRecord | undefined {
  const item = found.get(keys.member(tenantId, memberId));
  return item ? stripKeys<MemberRecord>(item) : undefined;
}

/**
 * A member and some of its tenant's custom roles in one consistent BatchGetItem: the caller's membership
 * and the roles its principal link says it holds (authorization's second and last round trip).
 * Roles that do not exist (any more) are absent.
 */
export async function getMemberWithCustomRoles(
  deps: DataDeps,
  tenantId: string,
  memberId: string,
  roleIds: readonly string[],
): Promise<{ member: MemberRecord | undefined; roles: CustomRoleRecord[] }> {
  if (roleIds.length === 0) return { member: await getMember(deps, tenantId, memberId), roles: [] };
  const [found] = await getMembersWithCustomRoles(deps, [{ tenantId, memberId, customRoleIds: roleIds }]);
  return found ?? { member: undefined, roles: [] };
}

/**
 * Members, each with the custom roles of its tenant that its reference lists (a principal link's hint),
 * in consistent BatchGetItems (100 keys each); a missing member comes back `undefined`, missing roles are
 * left out.
 */
export async function getMembersWithCustomRoles(
  deps: DataDeps,
  refs: readonly { tenantId: string; memberId: string; customRoleIds?: readonly string[] }[],
): Promise<{ member: MemberRecord | undefined; roles: CustomRoleRecord[] }[]> {
  const roleKeys = new Map<string, ItemKey>();
  for (const ref of refs) {
    for (const roleId of ref.customRoleIds ?? []) {
      const key = keys.role(ref.tenantId, roleId);
      roleKeys.set(`${key.PK}|${key.SK}`, key);
    }
  }
  const items = await batchGetItems(deps, [
    ...refs.map((ref) => keys.member(ref.tenantId, ref.memberId)),
    ...roleKeys.values(),
  ]);
  const byKey = new Map(items.map((item) => [`${String(item.PK)}|${String(item.SK)}`, item]));
  return refs.map((ref) => {
    const memberKey = keys.member(ref.tenantId, ref.memberId);
    const memberItem = byKey.get(`${memberKey.PK}|${memberKey.SK}`);
    const roles = (ref.customRoleIds ?? [])
      .map((roleId) => keys.role(ref.tenantId, roleId))
      .map((key) => byKey.get(`${key.PK}|${key.SK}`))
      .filter((item): item is Record<string, unknown> => item !== undefined)
      .map((item) => stripKeys<CustomRoleRecord>(item));
    return { member: memberItem ? stripKeys<MemberRecord>(memberItem) : undefined, roles };
  });
}

/** Members by (tenantId, memberId) pairs, consistently read; missing ones are absent. */
export async function getMembers(
  deps: DataDeps,
  refs: readonly { tenantId: string; memberId: string }[],
): Promise<MemberRecord[]> {
  const items = await batchGetItems(
    deps,
    refs.map((ref) => keys.member(ref.tenantId, ref.memberId)),
  );
  return items.map((item) => stripKeys<MemberRecord>(item));
}

export interface MemberPage {
  readonly items: MemberRecord[];
  readonly nextCursor: string | null;
}

export interface MemberFilter {
  readonly status?: MemberStatus;
  /** Holders of this role (assignments not yet purged included). */
  readonly roleId?: string;
  /** Prefix of the email or of the lower-cased display name. */
  readonly q?: string;
}

/**
 * Where a page of key-only reference items (search terms or role assignments) is read: their base-table
 * partition and sort-key prefix (consistent), or their status-scoped GSI1 partition and GSI1SK prefix.
 */
type ReferenceIndex =
  | { readonly PK: string; readonly skPrefix: string }
  | { readonly GSI1PK: string; readonly skPrefix: string };

/** One page of reference items resolved to their members (one Query, one BatchGetItem). */
async function membersByReference(
  deps: DataDeps,
  tenantId: string,
  index: ReferenceIndex,
  scope: string,
  page: { limit: number; cursor?: string },
): Promise<MemberPage> {
  const onGsi1 = 'GSI1PK' in index;
  const [pkName, skName, pkValue] = onGsi1 ? ['GSI1PK', 'GSI1SK', index.GSI1PK] : ['PK', 'SK', index.PK];
  const startKey = decodeCursor(
    page.cursor,
    scope,
    onGsi1
      ? { GSI1PK: index.GSI1PK, GSI1SK: undefined, PK: keys.tenant(tenantId).PK, SK: undefined }
      : { PK: pkValue, SK: undefined },
  );
  if (startKey && !String(startKey[skName]).startsWith(index.skPrefix)) throw new InvalidCursor();
  const response = await deps.db.send(
    new QueryCommand({
      TableName: deps.tableName,
      ...(onGsi1 ? { IndexName: 'GSI1' } : { ConsistentRead: true }),
      KeyConditionExpression: index.skPrefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
      ExpressionAttributeNames: index.skPrefix ? { '#pk': pkName, '#sk': skName } : { '#pk': pkName },
      ExpressionAttributeValues: index.skPrefix ? { ':pk': pkValue, ':prefix': index.skPrefix } : { ':pk': pkValue },
      ProjectionExpression: 'memberId',
      Limit: page.limit,
      ExclusiveStartKey: startKey,
    }),
  );
  const memberIds = [...new Set((response.Items ?? []).map((item) => item.memberId as string))];
  const found = new Map(
    (
      await getMembers(
        deps,
        memberIds.map((memberId) => ({ tenantId, memberId })),
      )
    ).map((m) => [m.memberId, m]),
  );
  return {
    items: memberIds.map((id) => found.get(id)).filter((m): m is MemberRecord => m !== undefined),
    nextCursor: encodeCursor(scope, response.LastEvaluatedKey),
  };
}

/**
 * One page of a tenant's members, each filter a key-condition query: all members in member-id order (base
 * table), one status in email order (GSI1), a role's holders (assignment items) or an email/name prefix
 * (search-term items), either of the last two within one status (their status-scoped GSI1 keys). The
 * members found are read consistently and checked against the filter again, so a reference the index has
 * not caught up with (GSI reads are eventually consistent) is left out rather than shown in the wrong list;
 * when `q` and `roleId` are both given, the role is checked on the page found, which may then hold fewer
 * than `limit` members while `nextCursor` continues the list.
 */
export async function listMembers(
  deps: DataDeps,
  tenantId: string,
  filter: MemberFilter,
  page: { limit: number; cursor?: string },
): Promise<MemberPage> {
  const scope = `members|${tenantId}|status=${filter.status ?? '*'}|role=${filter.roleId ?? '*'}|q=${filter.q ?? '*'}`;
  if (filter.q !== undefined || filter.roleId !== undefined) {
    const term = filter.q === undefined ? undefined : searchForm(filter.q);
    const index: ReferenceIndex =
      term !== undefined
        ? filter.status
          ? keys.memberSearchWithStatus(tenantId, term, filter.status)
          : keys.memberSearch(tenantId, term)
        : filter.status
          ? keys.holdersOfRoleWithStatus(tenantId, present(filter.roleId, 'roleId'), filter.status)
          : keys.holdersOfRole(tenantId, present(filter.roleId, 'roleId'));
    const found = await membersByReference(deps, tenantId, index, scope, page);
    return {
      items: found.items.filter(
        (m) =>
          (!filter.status || m.status === filter.status) &&
          (!filter.roleId || m.roles.some((r) => r.roleId === filter.roleId)),
      ),
      nextCursor: found.nextCursor,
    };
  }
  if (filter.status) {
    const { GSI1PK } = keys.membersByStatus(tenantId, filter.status);
    const startKey = decodeCursor(page.cursor, scope, {
      GSI1PK,
      GSI1SK: undefined,
      PK: keys.tenant(tenantId).PK,
      SK: undefined,
    });
    const response = await deps.db.send(
      new QueryCommand({
        TableName: deps.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': GSI1PK },
        Limit: page.limit,
        ExclusiveStartKey: startKey,
      }),
    );
    return {
      items: (response.Items ?? []).map((item) => stripKeys<MemberRecord>(item)),
      nextCursor: encodeCursor(scope, response.LastEvaluatedKey),
    };
  }
  const { PK, skPrefix } = keys.membersOfTenant(tenantId);
  const { items, nextCursor } = await queryPageByPrefix(deps, {
    partition: PK,
    prefix: skPrefix,
    scope,
    cursor: page.cursor,
    limit: page.limit,
  });
  return { items: items.map((item) => stripKeys<MemberRecord>(item)), nextCursor };
}

/** The member id holding each of these emails in a tenant (one BatchGetItem on the email guards). */
export async function memberIdsByEmail(
  deps: DataDeps,
  tenantId: string,
  emails: readonly string[],
): Promise<Map<string, string>> {
  const items = await batchGetItems(
    deps,
    [...new Set(emails)].map((email) => keys.emailGuard(tenantId, email)),
  );
  return new Map(items.map((item) => [String(item.SK).slice('EMAIL#'.length), item.memberId as string]));
}

function assignmentItem(member: MemberRecord, assignment: RoleAssignment): Record<string, unknown> {
  return {
    ...keys.roleAssignment(member.tenantId, assignment.roleId, member.memberId),
    ...keys.roleAssignmentStatusIndex(member.tenantId, assignment.roleId, member.status, member.memberId),
    ...(assignment.expiresAt
      ? keys.roleAssignmentExpiryIndex(member.tenantId, assignment.roleId, member.memberId, assignment.expiresAt)
      : {}),
    entity: 'roleAssignment',
    tenantId: member.tenantId,
    memberId: member.memberId,
    roleId: assignment.roleId,
    ...(assignment.expiresAt ? { expiresAt: assignment.expiresAt } : {}),
  };
}

/**
 * Puts and deletes that make the role-assignment items mirror `after.roles` instead of `before.roles`
 * (all of them rewritten when the status changes: it is in their index key).
 */
function assignmentChanges(
  deps: DataDeps,
  before: MemberRecord | undefined,
  after: MemberRecord | undefined,
): TransactItem[] {
  const member = present(after ?? before, 'member before or after');
  const previous = new Map((before?.roles ?? []).map((a) => [a.roleId, a.expiresAt]));
  const next = new Map((after?.roles ?? []).map((a) => [a.roleId, a.expiresAt]));
  const sameStatus = before?.status === after?.status;
  const items: TransactItem[] = [];
  for (const [roleId, expiresAt] of next) {
    if (sameStatus && previous.has(roleId) && previous.get(roleId) === expiresAt) continue;
    items.push({ Put: { TableName: deps.tableName, Item: assignmentItem(member, { roleId, expiresAt }) } });
  }
  for (const roleId of previous.keys()) {
    if (!next.has(roleId)) {
      items.push({
        Delete: { TableName: deps.tableName, Key: keys.roleAssignment(member.tenantId, roleId, member.memberId) },
      });
    }
  }
  return items;
}

/**
 * How `?q=` compares text: lower-cased, with the separators people use interchangeably in names and
 * addresses ('.', '_', '-', white space) as one space, so that "ada l", "ada.l" and "ada_l" all find
 * both "Ada Lovelace" and ada.lovelace@….
 */
export function searchForm(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[\s._-]+/g, ' ');
}

/**
 * The terms `?q=` finds a member by, in search form: the email, and the display name unless it is a
 * prefix of the email (every prefix of the name then finds the email's term already: the member is one
 * index item, read once per page, instead of two).
 */
function searchTerms(member: MemberRecord | undefined): Set<string> {
  if (!member) return new Set();
  const email = searchForm(member.email);
  const name = member.displayName ? searchForm(member.displayName) : undefined;
  return new Set([email, ...(name && !email.startsWith(name) ? [name] : [])]);
}

function searchTermItem(member: MemberRecord, term: string): Record<string, unknown> {
  return {
    ...keys.memberSearchTerm(member.tenantId, term, member.memberId),
    ...keys.memberSearchTermStatusIndex(member.tenantId, term, member.status, member.memberId),
    entity: 'memberSearch',
    memberId: member.memberId,
  };
}

/** Puts and deletes that make the search-term items follow the member (all rewritten on a status change). */
function searchTermChanges(
  deps: DataDeps,
  before: MemberRecord | undefined,
  after: MemberRecord | undefined,
): TransactItem[] {
  const member = present(after ?? before, 'member before or after');
  const previous = searchTerms(before);
  const next = searchTerms(after);
  const sameStatus = before?.status === after?.status;
  return [
    ...[...next]
      .filter((term) => !(sameStatus && previous.has(term)))
      .map((term): TransactItem => ({ Put: { TableName: deps.tableName, Item: searchTermItem(member, term) } })),
    ...[...previous]
      .filter((term) => !next.has(term))
      .map(
        (term): TransactItem => ({
          Delete: { TableName: deps.tableName, Key: keys.memberSearchTerm(member.tenantId, term, member.memberId) },
        }),
      ),
  ];
}

/**
 * A new member: the record, its email guard (the database, not a prior read, enforces one member per
 * email) and its role assignments.
 */
export function putNewMember(deps: DataDeps, member: MemberRecord): TransactItem[] {
  return [
    { Put: { TableName: deps.tableName, Item: memberItem(member), ConditionExpression: 'attribute_not_exists(PK)' } },
    {
      Put: {
        TableName: deps.tableName,
        Item: { ...keys.emailGuard(member.tenantId, member.email), entity: 'emailGuard', memberId: member.memberId },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
    ...assignmentChanges(deps, undefined, member),
    ...searchTermChanges(deps, undefined, member),
  ];
}

/**
 * Attributes other writes own (the sign-in bookkeeping, group memberships: shared/data/group-repository.ts):
 * a member update must not write them back from a stale read.
 */
const SIGN_IN_ATTRIBUTES = new Set(['lastLoginAt', 'groupIds']);

/**
 * Changes a member from `before` to `after` if it is still at `before.version` (optimistic concurrency),
 * with role assignments following the roles. An UpdateItem rather than a Put, so a concurrent sign-in's
 * `lastLoginAt` survives. The first item is the member write, whose condition failing means "changed
 * meanwhile".
 */
export function updateMember(deps: DataDeps, before: MemberRecord, after: MemberRecord): TransactItem[] {
  const { PK: _pk, SK: _sk, ...attributes } = memberItem(after);
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':expectedVersion': before.version };
  const sets: string[] = [];
  Object.entries(attributes)
    .filter(([name, value]) => !SIGN_IN_ATTRIBUTES.has(name) && value !== undefined)
    .forEach(([name, value], i) => {
      names[`#a${i}`] = name;
      values[`:v${i}`] = value;
      sets.push(`#a${i} = :v${i}`);
    });
  const removed = Object.keys(before).filter(
    (name) => !SIGN_IN_ATTRIBUTES.has(name) && (after as unknown as Record<string, unknown>)[name] === undefined,
  );
  removed.forEach((name, i) => {
    names[`#r${i}`] = name;
  });
  return [
    {
      Update: {
        TableName: deps.tableName,
        Key: keys.member(after.tenantId, after.memberId),
        UpdateExpression: `SET ${sets.join(', ')}${removed.length ? ` REMOVE ${removed.map((_, i) => `#r${i}`).join(', ')}` : ''}`,
        ConditionExpression: 'attribute_exists(PK) AND version = :expectedVersion',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
    ...assignmentChanges(deps, before, after),
    ...searchTermChanges(deps, before, after),
    ...principalLinkRoleChanges(deps, before, after),
  ];
}

/**
 * Records a sign-in seen on a member's first request after it: only forward in time, and without
 * touching the version (it is bookkeeping, not an administrative change).
 */
export async function recordSignIn(deps: DataDeps, tenantId: string, memberId: string, at: string): Promise<void> {
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: keys.member(tenantId, memberId),
        UpdateExpression: 'SET lastLoginAt = :at',
        ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(lastLoginAt) OR lastLoginAt < :at)',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}

/**
 * Removes a member for good, if still in its status at its version: the record, its email guard (the
 * address can be invited again), its role assignments and, once joined, the link that let its identity in.
 * The first item is the member delete, whose condition failing means "changed meanwhile".
 */
export function deleteMember(deps: DataDeps, member: MemberRecord): TransactItem[] {
  return [
    {
      Delete: {
        TableName: deps.tableName,
        Key: keys.member(member.tenantId, member.memberId),
        ConditionExpression: '#status = :status AND version = :version',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': member.status, ':version': member.version },
      },
    },
    {
      Delete: {
        TableName: deps.tableName,
        Key: keys.emailGuard(member.tenantId, member.email),
        ConditionExpression: 'memberId = :memberId',
        ExpressionAttributeValues: { ':memberId': member.memberId },
      },
    },
    ...assignmentChanges(deps, member, undefined),
    ...searchTermChanges(deps, member, undefined),
    ...(member.userId
      ? [{ Delete: { TableName: deps.tableName, Key: keys.principalLink(member.userId, member.tenantId) } }]
      : []),
  ];
}

/** The member ids holding a role in a tenant (from the assignment items; expired ones included until purged). */
export async function holdersOfRole(deps: DataDeps, tenantId: string, roleId: string): Promise<string[]> {
  const { PK, skPrefix } = keys.holdersOfRole(tenantId, roleId);
  const items = await queryAllByPrefix(deps, {
    partition: PK,
    prefix: skPrefix,
    consistent: true,
    attributes: ['memberId'],
  });
  return items.map((item) => item.memberId as string);
}

/** One page of role assignments, of every tenant, that expired at or before `now`, from one expiry shard. */
export function expiredAssignmentsPage(
  deps: DataDeps,
  shard: { GSI2PK: string },
  now: Date,
  startKey?: Record<string, unknown>,
) {
  return expiredPage(deps, shard, now, ['tenantId', 'memberId', 'roleId'] as const, startKey);
}

/** The search terms written before the search form existed: the lower-cased email and display name. */
function legacySearchTerms(member: MemberRecord): Set<string> {
  return new Set([member.email, ...(member.displayName ? [member.displayName.trim().toLowerCase()] : [])]);
}

/**
 * Writes a member's reference items as the current key design has them, if the member is still at its
 * version: role assignments and search terms with their status keys, search terms in search form (the
 * legacy forms deleted), and a joined member's link hint. For members written before those keys existed
 * (`reindexMembers`); on a current member it rewrites the same items, changing nothing.
 */
export function rewriteMemberReferences(deps: DataDeps, member: MemberRecord): TransactItem[] {
  const terms = searchTerms(member);
  return [
    {
      ConditionCheck: {
        TableName: deps.tableName,
        Key: keys.member(member.tenantId, member.memberId),
        ConditionExpression: 'version = :version',
        ExpressionAttributeValues: { ':version': member.version },
      },
    },
    ...member.roles.map(
      (assignment): TransactItem => ({ Put: { TableName: deps.tableName, Item: assignmentItem(member, assignment) } }),
    ),
    ...[...terms].map(
      (term): TransactItem => ({ Put: { TableName: deps.tableName, Item: searchTermItem(member, term) } }),
    ),
    ...[...legacySearchTerms(member)]
      .filter((term) => !terms.has(term))
      .map(
        (term): TransactItem => ({
          Delete: { TableName: deps.tableName, Key: keys.memberSearchTerm(member.tenantId, term, member.memberId) },
        }),
      ),
    ...(member.userId ? principalLinkHint(deps, member) : []),
  ];
}

/**
 * One page of the members of one tenant (a Query), or of every tenant (a Scan: for one-off maintenance
 * such as `reindexMembers`, never for a request).
 */
export async function membersPageForMaintenance(
  deps: DataDeps,
  scope: { tenantId?: string },
  startKey?: Record<string, unknown>,
): Promise<{ members: MemberRecord[]; nextKey?: Record<string, unknown> }> {
  const tenant = scope.tenantId === undefined ? undefined : keys.membersOfTenant(scope.tenantId);
  const response = await deps.db.send(
    tenant
      ? new QueryCommand({
          TableName: deps.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': tenant.PK, ':prefix': tenant.skPrefix },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        })
      : new ScanCommand({
          TableName: deps.tableName,
          FilterExpression: '#entity = :member',
          ExpressionAttributeNames: { '#entity': 'entity' },
          ExpressionAttributeValues: { ':member': 'member' },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
  );
  return {
    members: (response.Items ?? []).map((item) => stripKeys<MemberRecord>(item)),
    nextKey: response.LastEvaluatedKey,
  };
}
