import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { deleteGrant, listBotGrantsOfPrincipal } from '../data/bot-repository';
import {
  addGroupMembership,
  allMemberIdsOfGroup,
  deleteGroup as deleteGroupItems,
  expiredGroupRolesPage,
  groupIdsOf,
  listGroupMemberIdsPage,
  listGroupsPage,
  MAX_GROUPS_PER_MEMBER,
  putNewGroup,
  getGroup as readGroup,
  removeGroupMembership,
  updateGroup as updateGroupItems,
} from '../data/group-repository';
import { keys } from '../data/keys';
import { getMember, getMembers } from '../data/member-repository';
import { type AuditAction, outboxPut } from '../data/outbox';
import type { GroupRecord, MemberRecord } from '../data/records';
import { type TransactionStep, transactWrite } from '../data/transactions';
import { canOn } from '../domain/ability';
import { type AuditActor, auditActorOf, type RequestMeta, SYSTEM_ACTOR, type TenantCaller } from '../domain/actor';
import { isAssignmentActive, type RoleAssignment } from '../domain/effective-permissions';
import { Conflict, Forbidden, InvalidState, NotFound, PreconditionFailed } from '../domain/errors';
import { assertCanGrant, isAdminLevel } from '../domain/escalation';
import { roleNameKey } from '../domain/role-names';
import type { RoleDefinition } from '../domain/roles';
import { assertCanPassGroupBotRoles } from './bot-access-service';
import { concurrentChange, isConcurrentChange, judgedOn, retryingConcurrentChange } from './grant-guards';
import { groupsOfMembers } from './group-roles';
import { effectivePermissionsOf, resolveAssignableRoles, resolveRoles } from './role-resolution';
import type { ServiceDeps } from './service-deps';

/** Most items of one TransactWriteItems. */
const TRANSACTION_LIMIT = 100;

const groupNotFound = () => new NotFound('Group', 'group_not_found');
const memberNotFound = () => new NotFound('Member', 'member_not_found');
const nameTaken = (name: string) =>
  new Conflict(
    'group_name_taken',
    `A group named "${name}", or one that looks the same, already exists in this tenant.`,
  );
const limitReached = () =>
  new Conflict(
    'group_limit_reached',
    `A member belongs to at most ${MAX_GROUPS_PER_MEMBER} groups; remove them from another group first.`,
    { limit: MAX_GROUPS_PER_MEMBER },
  );

function assertMayManageGroups(caller: TenantCaller): void {
  if (!canOn(caller.ability, 'groups:manage', caller.tenantId)) throw new Forbidden();
}

/** A group of the caller's tenant that is not being deleted, or 404 `group_not_found`. */
async function requireGroup(deps: ServiceDeps, tenantId: string, groupId: string): Promise<GroupRecord> {
  const group = await readGroup(deps, tenantId, groupId);
  if (!group || group.deleting) throw groupNotFound();
  return group;
}

function groupEvent(
  deps: ServiceDeps,
  actor: AuditActor,
  requestId: string,
  action: AuditAction,
  group: GroupRecord,
  before: unknown,
  after: unknown,
) {
  return outboxPut(deps.tableName, {
    eventId: deps.newId(),
    tenantId: group.tenantId,
    occurredAt: deps.now().toISOString(),
    action,
    actor,
    target: { type: 'group', id: group.groupId, label: group.name },
    changes: { before, after },
    requestId,
  });
}

const sameAssignment = (a: RoleAssignment, b: RoleAssignment | undefined) =>
  b !== undefined && a.expiresAt === b.expiresAt;

const rolesOut = (roles: readonly RoleAssignment[]) =>
  roles.map((a) => (a.expiresAt ? { roleId: a.roleId, expiresAt: a.expiresAt } : { roleId: a.roleId }));

/** A group write whose condition failed: 404 if gone (or being deleted), 412 if edited, else a lost race. */
function groupChangedMeanwhile(read: GroupRecord) {
  return (found: Record<string, unknown> | undefined) => {
    if (found === undefined || found.deleting === true) return groupNotFound();
    return found.version === read.version
      ? concurrentChange('A member was added to the group meanwhile; retry.')
      : new PreconditionFailed(typeof found.version === 'number' ? found.version : undefined);
  };
}

export async function listGroups(
  deps: ServiceDeps,
  caller: TenantCaller,
  page: { limit: number; cursor?: string },
): Promise<{ items: GroupRecord[]; nextCursor: string | null }> {
  if (!canOn(caller.ability, 'users:read', caller.tenantId)) throw new Forbidden();
  const found = await listGroupsPage(deps, caller.tenantId, page);
  return { items: found.items.filter((group) => !group.deleting), nextCursor: found.nextCursor };
}

export async function getGroup(deps: ServiceDeps, caller: TenantCaller, groupId: string): Promise<GroupRecord> {
  if (!canOn(caller.ability, 'users:read', caller.tenantId)) throw new Forbidden();
  return await requireGroup(deps, caller.tenantId, groupId);
}

/**
 * Creates a group with no roles and no members (`groups:manage`). Its name is unique in the tenant,
 * case-insensitively and among look-alikes (the role names' TR39 key): a guard item makes it a condition.
 */
export async function createGroup(
  deps: ServiceDeps,
  caller: TenantCaller,
  input: { name: string; description?: string },
  meta: RequestMeta,
): Promise<GroupRecord> {
  assertMayManageGroups(caller);
  const now = deps.now().toISOString();
  const group: GroupRecord = {
    tenantId: caller.tenantId,
    groupId: deps.newId(),
    name: input.name,
    nameKey: await roleNameKey(input.name),
    description: input.description ?? '',
    roles: [],
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  const [groupPut, guard] = putNewGroup(deps, group);
  await transactWrite(deps, [
    ...(groupPut ? [{ item: groupPut }] : []),
    ...(guard ? [{ item: guard, onConditionFailed: () => nameTaken(input.name) }] : []),
    {
      item: groupEvent(deps, auditActorOf(caller, meta), meta.requestId, 'group.created', group, null, {
        name: group.name,
        description: group.description,
      }),
    },
  ]);
  return group;
}

/** The members of a group (consistently read; memberships of members removed meanwhile left out). */
async function membersOf(deps: ServiceDeps, group: GroupRecord): Promise<MemberRecord[]> {
  const memberIds = await allMemberIdsOfGroup(deps, group.tenantId, group.groupId);
  return getMembers(
    deps,
    memberIds.map((memberId) => ({ tenantId: group.tenantId, memberId })),
  );
}

/**
 * Whether taking `group` (as it is) away from these members, or giving it `edited` roles, takes Admin-level
 * power from one of them: the Owner's alone to do (SPEC §3).
 */
async function takesAdminLevel(
  deps: ServiceDeps,
  members: readonly MemberRecord[],
  group: GroupRecord,
  edited: GroupRecord | undefined,
): Promise<boolean> {
  if (members.length === 0) return false;
  const groups = await groupsOfMembers(deps, group.tenantId, members);
  const before = await effectivePermissionsOf(deps, group.tenantId, members, [], { groups });
  const after = new Map(groups);
  if (edited) after.set(group.groupId, edited);
  else after.delete(group.groupId);
  const afterSets = await effectivePermissionsOf(deps, group.tenantId, members, [], { groups: after });
  return before.some((set, i) => isAdminLevel(set) && !isAdminLevel(afterSets[i] ?? []));
}

export interface UpdateGroupInput {
  readonly name?: string;
  readonly description?: string;
  readonly roles?: readonly RoleAssignment[];
}

/**
 * Renames a group, changes its description, or sets the tenant roles it carries (`groups:manage`;
 * If-Match: version). Giving the group a role is a grant to every member of it: the caller must hold what it
 * gives, and no member may reach Admin-level power unless the Owner does it (judged on each member's
 * resulting set, their own roles and other groups included); the Owner role is never carried by a group.
 * Taking Admin-level power away is the Owner's too. The write commits only if no member was added since the
 * members were read (the group's `membersRevision`) and on the custom roles as judged. Applies on the
 * members' next request: their group roles are read live from the group.
 */
export function updateGroup(
  deps: ServiceDeps,
  caller: TenantCaller,
  groupId: string,
  input: UpdateGroupInput,
  expectedVersion: number | undefined,
  meta: RequestMeta,
): Promise<GroupRecord> {
  return retryingConcurrentChange(() => updateGroupOnce(deps, caller, groupId, input, expectedVersion, meta));
}

async function updateGroupOnce(
  deps: ServiceDeps,
  caller: TenantCaller,
  groupId: string,
  input: UpdateGroupInput,
  expectedVersion: number | undefined,
  meta: RequestMeta,
): Promise<GroupRecord> {
  assertMayManageGroups(caller);
  const current = await requireGroup(deps, caller.tenantId, groupId);
  if (expectedVersion !== undefined && expectedVersion !== current.version)
    throw new PreconditionFailed(current.version);
  const roles = input.roles ?? current.roles;
  const previous = new Map(current.roles.map((a) => [a.roleId, a]));
  const added = roles.filter((a) => !sameAssignment(a, previous.get(a.roleId)));
  const removed = current.roles.filter((a) => !roles.some((r) => r.roleId === a.roleId));
  const addedDefinitions = await resolveAssignableRoles(deps, caller.tenantId, added);
  const now = deps.now();
  const next: GroupRecord = {
    ...current,
    name: input.name ?? current.name,
    nameKey: input.name !== undefined ? await roleNameKey(input.name) : current.nameKey,
    description: input.description ?? current.description,
    roles,
    updatedAt: now.toISOString(),
    version: current.version + 1,
  };
  let judged: RoleDefinition[] = [];
  if (added.length > 0 || removed.length > 0) {
    const kept = await resolveRoles(
      deps,
      caller.tenantId,
      roles.filter((a) => !added.some((b) => b.roleId === a.roleId)).map((a) => a.roleId),
    );
    judged = [...kept.values(), ...addedDefinitions];
    // Only a grant by someone other than the Owner can be refused for what members end up holding.
    const members = caller.isOwner ? [] : await membersOf(deps, current);
    if (added.length > 0) {
      const groups = await groupsOfMembers(deps, caller.tenantId, members);
      groups.set(groupId, next);
      const resulting = await effectivePermissionsOf(deps, caller.tenantId, members, [], { groups });
      assertCanGrant(caller, { roles: addedDefinitions, resulting });
    }
    const removedDefinitions = await resolveRoles(
      deps,
      caller.tenantId,
      removed.map((a) => a.roleId),
    );
    if (
      !caller.isOwner &&
      ([...removedDefinitions.values()].some((role) => isAdminLevel(role.permissions)) ||
        (await takesAdminLevel(deps, members, current, next)))
    ) {
      throw new Forbidden(
        'Only the Owner can grant or take away Admin-level power (every permission Admin holds), by any role or permission.',
        'admin_requires_owner',
      );
    }
  }
  const changed = (['name', 'description', 'roles'] as const).filter(
    (field) => JSON.stringify(current[field]) !== JSON.stringify(next[field]),
  );
  if (changed.length === 0) return current;
  const pick = (group: GroupRecord) =>
    Object.fromEntries(changed.map((field) => [field, field === 'roles' ? rolesOut(group.roles) : group[field]]));
  await transactWrite(deps, [
    ...updateGroupItems(deps, current, next).map(
      (item, i): TransactionStep =>
        i === 0
          ? { item, onConditionFailed: groupChangedMeanwhile(current) }
          : item.Put
            ? { item, onConditionFailed: () => nameTaken(next.name) }
            : { item },
    ),
    ...(added.length > 0 ? judgedOn(deps, caller.tenantId, judged) : []),
    {
      item: groupEvent(
        deps,
        auditActorOf(caller, meta),
        meta.requestId,
        'group.updated',
        next,
        pick(current),
        pick(next),
      ),
    },
  ]);
  return next;
}

/** Whether the error is a transaction that collided with another on the same item (DynamoDB's own lock). */
function isTransactionConflict(error: unknown): boolean {
  return (
    error instanceof TransactionCanceledException &&
    (error.CancellationReasons ?? []).some((reason) => reason.Code === 'TransactionConflict')
  );
}

const MEMBERSHIP_ATTEMPTS = 12;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a membership change again, judged anew, when it lost a race: a `concurrent_change`, or a transaction
 * DynamoDB cancelled because another one held the member's item (many adds of one member at once).
 */
async function retryingMembershipChange<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const retryable = isConcurrentChange(error) || isTransactionConflict(error);
      if (!retryable || attempt >= MEMBERSHIP_ATTEMPTS) throw error;
      await sleep(Math.random() * 5 * 2 ** Math.min(attempt, 6));
    }
  }
}

/** The member the path names, in the caller's tenant, not the caller themself (SPEC §3: no self-grants). */
async function requireOtherMember(deps: ServiceDeps, caller: TenantCaller, memberId: string): Promise<MemberRecord> {
  const member = await getMember(deps, caller.tenantId, memberId);
  if (!member) throw memberNotFound();
  if (member.memberId === caller.memberId)
    throw new Forbidden('You cannot change your own groups: it changes your own access.', 'self_change_forbidden');
  return member;
}

/**
 * Adds a member to a group (`groups:manage`): a grant of every role the group carries, judged as one
 * (the caller must hold what it gives; Admin-level power, counting everything else the member holds, only
 * through the Owner), and of the roles it holds on bots, judged per bot (assertCanPassGroupBotRoles; a bot
 * grant of the group changed after this judgement is not caught by the transaction). At most 50 groups per member: the condition is on the member's own item, so concurrent
 * adds stop at 50 (409 `group_limit_reached`). Adding a member who is in the group already changes nothing.
 * One transaction: the membership, the member's and its link's group ids, the group as judged (not edited
 * nor deleted meanwhile), the custom roles as judged, and one `group.member_added` event.
 */
export function addGroupMember(
  deps: ServiceDeps,
  caller: TenantCaller,
  groupId: string,
  memberId: string,
  meta: RequestMeta,
): Promise<{ group: GroupRecord; member: MemberRecord; added: boolean }> {
  return retryingMembershipChange(() => addGroupMemberOnce(deps, caller, groupId, memberId, meta));
}

async function addGroupMemberOnce(
  deps: ServiceDeps,
  caller: TenantCaller,
  groupId: string,
  memberId: string,
  meta: RequestMeta,
) {
  assertMayManageGroups(caller);
  const [group, member] = await Promise.all([
    requireGroup(deps, caller.tenantId, groupId),
    requireOtherMember(deps, caller, memberId),
  ]);
  if (member.status === 'invited')
    throw new InvalidState('This member has not joined yet: add them to groups once they have.');
  const before = groupIdsOf(member);
  if (before.includes(groupId)) return { group, member, added: false };
  if (before.length >= MAX_GROUPS_PER_MEMBER) throw limitReached();
  const now = deps.now();
  const carried = await resolveRoles(
    deps,
    caller.tenantId,
    group.roles.filter((a) => isAssignmentActive(a, now)).map((a) => a.roleId),
  );
  const grantedRoles = [...carried.values()];
  const after = [...before, groupId];
  const [resulting] = await effectivePermissionsOf(deps, caller.tenantId, [{ ...member, groupIds: new Set(after) }]);
  assertCanGrant(caller, { roles: grantedRoles, resulting: [resulting ?? []] });
  await assertCanPassGroupBotRoles(deps, caller, groupId, now);
  const items = addGroupMembership(deps, group, member);
  const last = items.length - 1;
  await transactWrite(deps, [
    ...items.map(
      (item, i): TransactionStep => ({
        item,
        onConditionFailed:
          i === 0
            ? () => concurrentChange('The member was added to the group meanwhile; retry.')
            : i === 1
              ? (found) =>
                  found === undefined
                    ? memberNotFound()
                    : found.status === 'invited'
                      ? new InvalidState('This member has not joined yet.')
                      : limitReached()
              : i === last
                ? groupChangedMeanwhile(group)
                : () => concurrentChange("The member's sign-in link changed meanwhile; retry."),
      }),
    ),
    ...judgedOn(deps, caller.tenantId, grantedRoles),
    {
      item: groupEvent(
        deps,
        auditActorOf(caller, meta),
        meta.requestId,
        'group.member_added',
        group,
        { memberId, groups: before },
        { memberId, groups: [...after].sort() },
      ),
    },
  ]);
  return { group, member, added: true };
}

/**
 * Removes a member from a group (`groups:manage`): they lose what the group carried on their next request.
 * Taking Admin-level power away is the Owner's alone. A member who is not in the group: 404 `member_not_found`
 * is for unknown members only; this answers with nothing changed.
 */
export function removeGroupMember(
  deps: ServiceDeps,
  caller: TenantCaller,
  groupId: string,
  memberId: string,
  meta: RequestMeta,
): Promise<void> {
  return retryingMembershipChange(() => removeGroupMemberOnce(deps, caller, groupId, memberId, meta));
}

async function removeGroupMemberOnce(
  deps: ServiceDeps,
  caller: TenantCaller,
  groupId: string,
  memberId: string,
  meta: RequestMeta,
): Promise<void> {
  assertMayManageGroups(caller);
  const [group, member] = await Promise.all([
    requireGroup(deps, caller.tenantId, groupId),
    requireOtherMember(deps, caller, memberId),
  ]);
  const before = groupIdsOf(member);
  if (!before.includes(groupId)) return;
  if (!caller.isOwner && (await takesAdminLevel(deps, [member], group, undefined))) {
    throw new Forbidden('Only the Owner can take away Admin-level power.', 'admin_requires_owner');
  }
  const items = removeGroupMembership(deps, caller.tenantId, groupId, member);
  await transactWrite(deps, [
    ...items.map(
      (item): TransactionStep => ({
        item,
        onConditionFailed: () => concurrentChange("The member's groups changed meanwhile; retry."),
      }),
    ),
    {
      item: groupEvent(
        deps,
        auditActorOf(caller, meta),
        meta.requestId,
        'group.member_removed',
        group,
        { memberId, groups: before },
        { memberId, groups: before.filter((id) => id !== groupId) },
      ),
    },
  ]);
}

/** A page of a group's members (users:read): a key-condition query on the memberships, then the members. */
export async function listGroupMembers(
  deps: ServiceDeps,
  caller: TenantCaller,
  groupId: string,
  page: { limit: number; cursor?: string },
): Promise<{ items: MemberRecord[]; nextCursor: string | null }> {
  if (!canOn(caller.ability, 'users:read', caller.tenantId)) throw new Forbidden();
  await requireGroup(deps, caller.tenantId, groupId);
  const { memberIds, nextCursor } = await listGroupMemberIdsPage(deps, caller.tenantId, groupId, page);
  const found = new Map(
    (
      await getMembers(
        deps,
        memberIds.map((memberId) => ({ tenantId: caller.tenantId, memberId })),
      )
    ).map((member) => [member.memberId, member]),
  );
  return { items: memberIds.flatMap((id) => found.get(id) ?? []), nextCursor };
}

/**
 * Deletes a group (`groups:manage`): its memberships (and the group id on each member and link), its bot
 * grants and the group go, with ONE `group.deleted` event. When all of it fits one transaction it is one;
 * otherwise the group is first marked `deleting` (with the event): from then on it grants nothing and is
 * hidden, memberships go in transactions of up to 100 items, and the group last. Should the request stop
 * half-way, the members left still hold nothing through it, and repeating the DELETE finishes the job.
 * Taking Admin-level power away from a member is the Owner's alone.
 */
export function deleteGroup(
  deps: ServiceDeps,
  caller: TenantCaller,
  groupId: string,
  expectedVersion: number | undefined,
  meta: RequestMeta,
): Promise<void> {
  return retryingMembershipChange(() => deleteGroupOnce(deps, caller, groupId, expectedVersion, meta));
}

async function deleteGroupOnce(
  deps: ServiceDeps,
  caller: TenantCaller,
  groupId: string,
  expectedVersion: number | undefined,
  meta: RequestMeta,
): Promise<void> {
  assertMayManageGroups(caller);
  const group = await readGroup(deps, caller.tenantId, groupId);
  if (!group) throw groupNotFound();
  if (!group.deleting && expectedVersion !== undefined && expectedVersion !== group.version)
    throw new PreconditionFailed(group.version);
  const memberIds = await allMemberIdsOfGroup(deps, caller.tenantId, groupId);
  const members = await getMembers(
    deps,
    memberIds.map((memberId) => ({ tenantId: caller.tenantId, memberId })),
  );
  if (!(group.deleting || caller.isOwner) && (await takesAdminLevel(deps, members, group, undefined))) {
    throw new Forbidden('Only the Owner can take away Admin-level power.', 'admin_requires_owner');
  }
  const grants = await listBotGrantsOfPrincipal(deps, caller.tenantId, 'group', groupId);
  const changed = () => concurrentChange('The group or one of its members changed meanwhile; retry.');
  const byMember = new Map(members.map((member) => [member.memberId, member]));
  // Each member's removal together (membership, member, link); a membership whose member is gone alone.
  const removals: TransactionStep[][] = memberIds.map((memberId) => {
    const member = byMember.get(memberId);
    const items = member
      ? removeGroupMembership(deps, caller.tenantId, groupId, member)
      : [{ Delete: { TableName: deps.tableName, Key: keys.groupMembership(caller.tenantId, groupId, memberId) } }];
    return items.map((item) => ({ item, onConditionFailed: changed }));
  });
  const grantSteps = grants.map((grant): TransactionStep[] => [{ item: deleteGrant(deps, grant) }]);
  const event = groupEvent(
    deps,
    auditActorOf(caller, meta),
    meta.requestId,
    'group.deleted',
    group,
    {
      name: group.name,
      description: group.description,
      roles: rolesOut(group.roles),
      members: memberIds.length,
      botGrants: grants.length,
    },
    null,
  );
  const removal = deleteGroupItems(deps, group).map(
    (item, i): TransactionStep => (i === 0 ? { item, onConditionFailed: groupChangedMeanwhile(group) } : { item }),
  );
  const parts = [...removals, ...grantSteps];
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  if (!group.deleting && total + removal.length + 1 <= TRANSACTION_LIMIT) {
    await transactWrite(deps, [...removal, ...parts.flat(), { item: event }]);
    return;
  }
  let marked = group;
  if (!group.deleting) {
    marked = { ...group, deleting: true, version: group.version + 1, updatedAt: deps.now().toISOString() };
    const [groupWrite] = updateGroupItems(deps, group, marked);
    if (!groupWrite) throw new Error('updateGroup returned no items');
    await transactWrite(deps, [{ item: groupWrite, onConditionFailed: groupChangedMeanwhile(group) }, { item: event }]);
  }
  let chunk: TransactionStep[] = [];
  for (const part of parts) {
    if (chunk.length + part.length > TRANSACTION_LIMIT) {
      await transactWrite(deps, chunk);
      chunk = [];
    }
    chunk.push(...part);
  }
  if (chunk.length > 0) await transactWrite(deps, chunk);
  await transactWrite(
    deps,
    deleteGroupItems(deps, marked).map(
      (item, i): TransactionStep => (i === 0 ? { item, onConditionFailed: changed } : { item }),
    ),
  );
}

/**
 * Scheduled cleanup of a group's time-bound roles that have expired (they stopped granting at their instant:
 * computeEffectivePermissions checks `expiresAt`): removes them from the group with one
 * `role_assignment.expired` event per group, by the system. Conditional on the group as read: a group changed
 * meanwhile is skipped and found again by the next run.
 */
export async function purgeExpiredGroupRoles(deps: ServiceDeps): Promise<{ expired: number; skipped: number }> {
  const now = deps.now();
  let expired = 0;
  let skipped = 0;
  for (const shard of keys.groupRoleExpiryShards()) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await expiredGroupRolesPage(deps, shard, now, startKey);
      for (const ref of page.refs) {
        if (await expireGroupRoles(deps, ref, now)) expired++;
        else skipped++;
      }
      startKey = page.nextKey;
    } while (startKey);
  }
  return { expired, skipped };
}

async function expireGroupRoles(deps: ServiceDeps, ref: { tenantId: string; groupId: string }, now: Date) {
  const group = await readGroup(deps, ref.tenantId, ref.groupId);
  if (!group || group.deleting) return false;
  const roles = group.roles.filter((a) => isAssignmentActive(a, now));
  if (roles.length === group.roles.length) return false;
  const next: GroupRecord = { ...group, roles, updatedAt: now.toISOString(), version: group.version + 1 };
  const [groupWrite] = updateGroupItems(deps, group, next);
  if (!groupWrite) return false;
  try {
    await transactWrite(deps, [
      { item: groupWrite, onConditionFailed: () => new PreconditionFailed() },
      {
        item: groupEvent(
          deps,
          SYSTEM_ACTOR,
          `purge-${now.toISOString()}`,
          'role_assignment.expired',
          group,
          { roles: rolesOut(group.roles) },
          { roles: rolesOut(roles) },
        ),
      },
    ]);
    return true;
  } catch (error) {
    if (error instanceof PreconditionFailed) return false;
    throw error;
  }
}
