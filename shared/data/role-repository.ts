import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetItems } from './batch-get';
import type { DataDeps } from './data-deps';
import { stripKeys } from './data-deps';
import { keys } from './keys';
import { queryAllByPrefix } from './query-all';
import type { CustomRoleRecord } from './records';
import type { TransactItem } from './transactions';

export async function getCustomRole(
  deps: DataDeps,
  tenantId: string,
  roleId: string,
): Promise<CustomRoleRecord | undefined> {
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
  const items = await batchGetItems(
    deps,
    [...new Set(roleIds)].map((roleId) => keys.role(tenantId, roleId)),
  );
  return items.map((item) => stripKeys<CustomRoleRecord>(item));
}

/** All custom roles of a tenant (a tenant has tens, not thousands: read every page). */
export async function listCustomRoles(deps: DataDeps, tenantId: string): Promise<CustomRoleRecord[]> {
  const { PK, skPrefix } = keys.rolesOfTenant(tenantId);
  const items = await queryAllByPrefix(deps, { partition: PK, prefix: skPrefix });
  return items.map((item) => stripKeys<CustomRoleRecord>(item));
}

export function roleItem(role: CustomRoleRecord): Record<string, unknown> {
  return { ...keys.role(role.tenantId, role.roleId), entity: 'role', ...role };
}

function nameGuard(deps: DataDeps, role: CustomRoleRecord): TransactItem {
  return {
    Put: {
      TableName: deps.tableName,
      Item: { ...keys.roleNameGuard(role.tenantId, role.name), entity: 'roleNameGuard', roleId: role.roleId },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

/** A new custom role and the guard that keeps its name unique in the tenant (case-insensitively). */
export function putNewRole(deps: DataDeps, role: CustomRoleRecord): TransactItem[] {
  return [
    { Put: { TableName: deps.tableName, Item: roleItem(role), ConditionExpression: 'attribute_not_exists(PK)' } },
    nameGuard(deps, role),
  ];
}

/**
 * Replaces `before` by `after` at `before.version`; a rename moves the name guard in the same write.
 * The first item is the role write (condition: unchanged meanwhile); a rename's second is the new guard
 * (condition: name free).
 */
export function updateRole(deps: DataDeps, before: CustomRoleRecord, after: CustomRoleRecord): TransactItem[] {
  const renamed =
    keys.roleNameGuard(before.tenantId, before.name).SK !== keys.roleNameGuard(after.tenantId, after.name).SK;
  return [
    {
      Put: {
        TableName: deps.tableName,
        Item: roleItem(after),
        ConditionExpression: 'attribute_exists(PK) AND version = :expectedVersion',
        ExpressionAttributeValues: { ':expectedVersion': before.version },
      },
    },
    ...(renamed
      ? [
          nameGuard(deps, after),
          { Delete: { TableName: deps.tableName, Key: keys.roleNameGuard(before.tenantId, before.name) } },
        ]
      : []),
  ];
}

/** Deletes a custom role at `role.version` and frees its name. */
export function deleteRole(deps: DataDeps, role: CustomRoleRecord): TransactItem[] {
  return [
    {
      Delete: {
        TableName: deps.tableName,
        Key: keys.role(role.tenantId, role.roleId),
        ConditionExpression: 'version = :expectedVersion',
        ExpressionAttributeValues: { ':expectedVersion': role.version },
      },
    },
    { Delete: { TableName: deps.tableName, Key: keys.roleNameGuard(role.tenantId, role.name) } },
  ];
}
