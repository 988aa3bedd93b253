import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetItems } from './batch-get';
import type { DataDeps } from './data-deps';
import { stripKeys } from './data-deps';
import { keys } from './keys';
import type { CustomRoleRecord } from './records';

export async function getCustomRole(deps: DataDeps, tenantId: string, roleId: string): Promise<CustomRoleRecord | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.tableName, Key: keys.role(tenantId, roleId), ConsistentRead: true }),
  );
  return Item ? stripKeys<CustomRoleRecord>(Item) : undefined;
}

/** Custom roles by id in one tenant, consistently read; ids of deleted roles are absent from the result. */
export async function getCustomRoles(
  deps: DataDeps,
  tenantId: string,
  roleIds: readonly string[],
): Promise<CustomRoleRecord[]> {
  const items = await batchGetItems(deps, [...new Set(roleIds)].map((roleId) => keys.role(tenantId, roleId)));
  return items.map((item) => stripKeys<CustomRoleRecord>(item));
}

/** All custom roles of a tenant (a tenant has tens, not thousands: read every page). */
export async function listCustomRoles(deps: DataDeps, tenantId: string): Promise<CustomRoleRecord[]> {
  const { PK, skPrefix } = keys.rolesOfTenant(tenantId);
  const roles: CustomRoleRecord[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const response = await deps.db.send(
      new QueryCommand({
        TableName: deps.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': PK, ':prefix': skPrefix },
        ExclusiveStartKey: startKey,
      }),
    );
    roles.push(...(response.Items ?? []).map((item) => stripKeys<CustomRoleRecord>(item)));
    startKey = response.LastEvaluatedKey;
  } while (startKey);
  return roles;
}
