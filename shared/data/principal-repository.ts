import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DataDeps } from './data-deps';
import { queryAllByPrefix } from './query-all';
import { stripKeys } from './data-deps';
import { keys } from './keys';
import type { PrincipalLinkRecord } from './records';
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
