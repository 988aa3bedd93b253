import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { isBuiltInRoleId } from '../domain/roles';
import type { DataDeps } from './data-deps';
import { stripKeys } from './data-deps';
import { keys } from './keys';
import { queryAllByPrefix } from './query-all';
import type { MemberRecord, PrincipalLinkRecord } from './records';
import type { TransactItem } from './transactions';

/** The member id of a Cognito identity in a tenant, read consistently (every authenticated request does). */
export async function getPrincipalLink(
  deps: DataDeps,
  userId: string,
  tenantId: string,
): Promise<PrincipalLinkRecord | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.tableName, Key: keys.principalLink(userId, tenantId), ConsistentRead: true }),
  );
  return Item ? stripKeys<PrincipalLinkRecord>(Item) : undefined;
}

/** Every tenant membership of an identity (`/v1/me`). A person belongs to few tenants: one page suffices. */
export async function listPrincipalLinks(deps: DataDeps, userId: string): Promise<PrincipalLinkRecord[]> {
  const { PK, skPrefix } = keys.principalLinksOfUser(userId);
  const items = await queryAllByPrefix(deps, { partition: PK, prefix: skPrefix, consistent: true });
  return items.map((item) => stripKeys<PrincipalLinkRecord>(item));
}

export function putNewPrincipalLink(deps: DataDeps, link: PrincipalLinkRecord): TransactItem {
  return {
    Put: {
      TableName: deps.tableName,
      Item: { ...keys.principalLink(link.userId, link.tenantId), entity: 'principalLink', ...link },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

/** The link's role hint for a member: its custom role ids (expired but not yet purged ones included), sorted. */
export function customRoleIdsOf(member: Pick<MemberRecord, 'roles'>): string[] {
  return [...new Set(member.roles.map((a) => a.roleId).filter((roleId) => !isBuiltInRoleId(roleId)))].sort();
}

/**
 * Keeps a joined member's link hint equal to its custom roles, in the transaction that changes them. Nothing
 * when the member has no link yet (invited: `accept` writes the link with the hint) or the set is unchanged.
 */
export function principalLinkRoleChanges(deps: DataDeps, before: MemberRecord, after: MemberRecord): TransactItem[] {
  if (!before.userId || before.userId !== after.userId) return [];
  const previous = customRoleIdsOf(before);
  const next = customRoleIdsOf(after);
  if (previous.length === next.length && previous.every((roleId, i) => roleId === next[i])) return [];
  return principalLinkHint(deps, after);
}

/** Sets a joined member's link hint to its custom roles. */
export function principalLinkHint(deps: DataDeps, member: MemberRecord): TransactItem[] {
  if (!member.userId) return [];
  return [
    {
      Update: {
        TableName: deps.tableName,
        Key: keys.principalLink(member.userId, member.tenantId),
        UpdateExpression: 'SET customRoleIds = :roleIds',
        // The link of this very member: never create a stray link, never touch another member's.
        ConditionExpression: 'memberId = :memberId',
        ExpressionAttributeValues: { ':roleIds': customRoleIdsOf(member), ':memberId': member.memberId },
      },
    },
  ];
}
