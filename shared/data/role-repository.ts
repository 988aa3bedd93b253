import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetItems } from './batch-get';
import type { DataDeps } from './data-deps';
import { stripKeys } from './data-deps';
import { type ItemKey, keys } from './keys';
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

/**
 * The guards of a role's name: its exact (lower-cased) name, and its stored look-alike key (absent on roles
 * made before it existed). Stored rather than recomputed, so that the guard freed is always the one written,
 * even after the confusables table changes.
 */
const nameGuardKeys = (role: CustomRoleRecord) => ({
  exact: keys.roleNameGuard(role.tenantId, role.name),
  lookalike: role.nameKey === undefined ? undefined : keys.roleNameLookalikeGuard(role.tenantId, role.nameKey),
});
const presentKeys = (role: CustomRoleRecord) =>
  Object.values(nameGuardKeys(role)).filter((key): key is ItemKey => key !== undefined);

function nameGuard(deps: DataDeps, role: CustomRoleRecord, key: ItemKey): TransactItem {
  return {
    Put: {
      TableName: deps.tableName,
      Item: { ...key, entity: 'roleNameGuard', roleId: role.roleId },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

/**
 * A new custom role, then the guards that keep its name unique in the tenant, case-insensitively and
 * among look-alikes (every item after the first is a guard Put).
 */
export function putNewRole(deps: DataDeps, role: CustomRoleRecord): TransactItem[] {
  return [
    { Put: { TableName: deps.tableName, Item: roleItem(role), ConditionExpression: 'attribute_not_exists(PK)' } },
    ...presentKeys(role).map((key) => nameGuard(deps, role, key)),
  ];
}

/**
 * Replaces `before` by `after` at `before.version` and `before.holdersRevision`; a rename moves each name guard whose key changes in the
 * same write. The first item is the role write (condition: unchanged meanwhile); the Puts after it are new
 * guards (condition: name free), the Deletes free the old ones.
 */
export function updateRole(deps: DataDeps, before: CustomRoleRecord, after: CustomRoleRecord): TransactItem[] {
  const oldGuards = nameGuardKeys(before);
  const newGuards = nameGuardKeys(after);
  const guardMoves = (['exact', 'lookalike'] as const).flatMap((kind): TransactItem[] => {
    const [old, next] = [oldGuards[kind], newGuards[kind]];
    if (old?.SK === next?.SK) return [];
    return [
      ...(next ? [nameGuard(deps, after, next)] : []),
      ...(old ? [{ Delete: { TableName: deps.tableName, Key: old } }] : []),
    ];
  });
  return [
    {
      Put: {
        TableName: deps.tableName,
        Item: roleItem(after),
        ...unchangedSince(before, 'attribute_exists(PK) AND '),
      },
    },
    ...guardMoves,
  ];
}

/**
 * The condition of a write of a role read as `role`: still at its version (not edited meanwhile) and at its
 * `holdersRevision` (nobody given it, and no holder given more, meanwhile: see `grantedRoleGuard`), so an
 * edit or a delete judged on the holders it read cannot commit after a grant it did not see.
 */
function unchangedSince(role: CustomRoleRecord, prefix = '') {
  const holders =
    role.holdersRevision === undefined ? 'attribute_not_exists(holdersRevision)' : 'holdersRevision = :holdersRevision';
  return {
    ConditionExpression: `${prefix}version = :expectedVersion AND ${holders}`,
    ExpressionAttributeValues: {
      ':expectedVersion': role.version,
      ...(role.holdersRevision === undefined ? {} : { ':holdersRevision': role.holdersRevision }),
    },
  };
}

/**
 * The item every transaction that gives a member a custom role, or gives more to a member holding one,
 * carries for that role: commit only if the role is still at the `version` the grant was judged on (not
 * edited, marked for deletion or deleted meanwhile), and move its `holdersRevision` on, which fails an
 * edit or delete of the role that read its holders before this grant committed. Whichever of the two
 * commits second fails its condition. The role's `version` (its ETag) does not change.
 */
export function grantedRoleGuard(
  deps: DataDeps,
  tenantId: string,
  role: { readonly roleId: string; readonly version: number },
): TransactItem {
  return {
    Update: {
      TableName: deps.tableName,
      Key: keys.role(tenantId, role.roleId),
      UpdateExpression: 'ADD holdersRevision :one',
      ConditionExpression: 'attribute_exists(PK) AND version = :judgedVersion',
      ExpressionAttributeValues: { ':one': 1, ':judgedVersion': role.version },
    },
  };
}

/**
 * Deletes a custom role at `role.version` and `holdersRevision` (no holder added since its holders were read)
 * and frees its name (its guards).
 */
export function deleteRole(deps: DataDeps, role: CustomRoleRecord): TransactItem[] {
  return [
    {
      Delete: {
        TableName: deps.tableName,
        Key: keys.role(role.tenantId, role.roleId),
        ...unchangedSince(role),
      },
    },
    ...presentKeys(role).map((key) => ({ Delete: { TableName: deps.tableName, Key: key } })),
  ];
}
