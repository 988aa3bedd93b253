import { deleteGrantIfUnchanged, listBotGrantsOfPrincipal } from '../data/bot-repository';
import { deleteMembershipsOf } from '../data/group-repository';
import { keys } from '../data/keys';
import { deleteMember, expiredAssignmentsPage, getMember, getMembers, updateMember } from '../data/member-repository';
import { type AuditAction, outboxPut } from '../data/outbox';
import { listPrincipalLinks } from '../data/principal-repository';
import type { MemberRecord, MemberStatus, ResourceGrantRecord } from '../data/records';
import { releaseSeats } from '../data/tenant-repository';
import { type TransactionStep, transactWrite } from '../data/transactions';
import { canOn } from '../domain/ability';
import { auditActorOf, type RequestMeta, SYSTEM_ACTOR, type TenantCaller } from '../domain/actor';
import { isAssignmentActive, type RoleAssignment } from '../domain/effective-permissions';
import { Conflict, Forbidden, InvalidState, NotFound, PreconditionFailed } from '../domain/errors';
import { assertCanGrant, isAdminLevel } from '../domain/escalation';
import type { Permission } from '../domain/permissions';
import { present } from '../domain/present';
import type { IdentityDirectory } from '../identity/identity-directory';
import { logger } from '../observability';
import { concurrentChange, judgedOn, retryingConcurrentChange } from './grant-guards';
import { type MemberWithPermissions, withEffectivePermissions } from './member-service';
import { effectivePermissionsOf, resolveAssignableRoles, resolveRoles } from './role-resolution';
import type { ServiceDeps } from './service-deps';

const changedMeanwhile = () => new PreconditionFailed();

async function loadTarget(deps: ServiceDeps, caller: TenantCaller, memberId: string, expectedVersion?: number) {
  const member = await getMember(deps, caller.tenantId, memberId);
  if (!member) throw new NotFound('Member', 'member_not_found');
  if (expectedVersion !== undefined && expectedVersion !== member.version) throw new PreconditionFailed(member.version);
  return member;
}

async function detailsOf(deps: ServiceDeps, member: MemberRecord): Promise<MemberWithPermissions> {
  const [details] = await withEffectivePermissions(deps, member.tenantId, [member]);
  return present(details, 'member details');
}

async function effectiveOf(deps: ServiceDeps, member: MemberRecord) {
  return (await detailsOf(deps, member)).effectivePermissions;
}

/**
 * Who may change whom (SPEC §3 "no escalation"): nobody changes their own access or status; the Owner is
 * untouchable (ownership moves only by transfer); only the Owner manages a member with Admin-level power
 * (by the Admin role, a copy of it or direct grants: taking it away is the Owner's as much as granting it);
 * and anyone else may manage only members whose effective permissions they hold all of themselves — a
 * delegated admin cannot reshape, suspend or remove someone who outranks them.
 */
async function assertMayManage(deps: ServiceDeps, caller: TenantCaller, target: MemberRecord): Promise<void> {
  if (target.memberId === caller.memberId) {
    throw new Forbidden('You cannot change your own roles, permissions or status.', 'self_change_forbidden');
  }
  const now = deps.now();
  const held = target.roles.filter((a) => isAssignmentActive(a, now)).map((a) => a.roleId);
  if (held.includes('owner'))
    throw new Forbidden(
      'The Owner cannot be changed, suspended or removed; transfer ownership first.',
      'owner_protected',
    );
  if (caller.isOwner) return;
  const theirs = await effectiveOf(deps, target);
  if (isAdminLevel(theirs.map((p) => p.permission))) {
    throw new Forbidden('Only the Owner can manage a member with Admin-level power.', 'admin_requires_owner');
  }
  const mine = new Set(caller.effectivePermissions.map((p) => p.permission));
  const beyond = theirs.filter((p) => !mine.has(p.permission)).map((p) => p.permission);
  if (beyond.length > 0) {
    throw new Forbidden(`This member holds permissions you do not (${beyond.join(', ')}).`, 'outranked');
  }
}

function event(
  caller: TenantCaller,
  meta: RequestMeta,
  deps: ServiceDeps,
  action: AuditAction,
  member: MemberRecord,
  before: unknown,
  after: unknown,
) {
  return outboxPut(deps.tableName, {
    eventId: deps.newId(),
    tenantId: member.tenantId,
    occurredAt: deps.now().toISOString(),
    action,
    actor: auditActorOf(caller, meta),
    target: { type: 'member', id: member.memberId, label: member.email },
    changes: { before, after },
    requestId: meta.requestId,
  });
}

const sameAssignment = (a: RoleAssignment, b: RoleAssignment | undefined) =>
  b !== undefined && a.expiresAt === b.expiresAt;

export interface UpdateMemberInput {
  readonly roles?: readonly RoleAssignment[];
  readonly permissions?: readonly Permission[];
  readonly displayName?: string | null;
}

/**
 * Sets a member's roles (each optionally time-bound), direct permissions and display name. What is added
 * or extended must be grantable by the caller (their own permissions; Admin only by the Owner; Owner never);
 * the change applies on the member's very next request. One audit event: `member.roles_changed` if the roles
 * changed, else `member.permissions_changed`, else `member.updated` (display name only).
 */
export function updateMemberAccess(
  deps: ServiceDeps,
  caller: TenantCaller,
  memberId: string,
  input: UpdateMemberInput,
  expectedVersion: number | undefined,
  meta: RequestMeta,
): Promise<MemberWithPermissions> {
  return retryingConcurrentChange(() => updateMemberAccessOnce(deps, caller, memberId, input, expectedVersion, meta));
}

async function updateMemberAccessOnce(
  deps: ServiceDeps,
  caller: TenantCaller,
  memberId: string,
  input: UpdateMemberInput,
  expectedVersion: number | undefined,
  meta: RequestMeta,
): Promise<MemberWithPermissions> {
  if (!canOn(caller.ability, 'users:write', caller.tenantId)) throw new Forbidden();
  const current = await loadTarget(deps, caller, memberId, expectedVersion);
  const accessChange = input.roles !== undefined || input.permissions !== undefined;
  if (accessChange || memberId !== caller.memberId) await assertMayManage(deps, caller, current);
  if (accessChange && current.status === 'invited') {
    throw new InvalidState(
      'An invited member has not joined yet: revoke the invitation and invite again with other roles.',
    );
  }

  const previousRoles = new Map(current.roles.map((a) => [a.roleId, a]));
  const roles = input.roles ?? current.roles;
  const addedRoles = roles.filter((a) => !sameAssignment(a, previousRoles.get(a.roleId)));
  const removedRoles = current.roles.filter((a) => !roles.some((r) => r.roleId === a.roleId));
  if (removedRoles.some((a) => a.roleId === 'admin') && !caller.isOwner) {
    throw new Forbidden('Only the Owner can grant or revoke the Admin role.', 'admin_requires_owner');
  }
  const addedDefinitions = await resolveAssignableRoles(deps, caller.tenantId, addedRoles);
  const permissions = input.permissions ? [...new Set(input.permissions)].sort() : current.permissions;
  const addedPermissions = permissions.filter((p) => !current.permissions.includes(p)) as Permission[];
  // Judged on what the member will hold with everything else they keep: a direct permission can be the
  // one that completes Admin's set beside a role.
  const kept = await resolveRoles(
    deps,
    caller.tenantId,
    roles.filter((a) => !addedRoles.some((added) => added.roleId === a.roleId)).map((a) => a.roleId),
  );
  const judged = [...kept.values(), ...addedDefinitions];
  const resulting = await effectivePermissionsOf(
    deps,
    caller.tenantId,
    [{ roles, permissions, groupIds: current.groupIds }],
    judged,
  );
  assertCanGrant(caller, { roles: addedDefinitions, permissions: addedPermissions, resulting });
  // A grant commits only on the custom roles it was judged on, as they were read; an edit of one of them
  // that read its holders before this commits fails instead (SECURITY.md T2a). Taking away needs neither.
  const grows = addedRoles.length > 0 || addedPermissions.length > 0;
  const guards = grows ? judgedOn(deps, caller.tenantId, judged) : [];

  const displayName = input.displayName === undefined ? current.displayName : input.displayName;
  const rolesChanged = addedRoles.length > 0 || removedRoles.length > 0;
  const permissionsChanged = JSON.stringify(permissions) !== JSON.stringify([...current.permissions].sort());
  const nameChanged = displayName !== current.displayName;
  if (!(rolesChanged || permissionsChanged || nameChanged)) {
    return detailsOf(deps, current);
  }
  const next: MemberRecord = { ...current, roles, permissions, displayName, version: current.version + 1 };
  const action: AuditAction = rolesChanged
    ? 'member.roles_changed'
    : permissionsChanged
      ? 'member.permissions_changed'
      : 'member.updated';
  const pick = (m: MemberRecord) => ({
    ...(rolesChanged ? { roles: m.roles } : {}),
    ...(permissionsChanged ? { permissions: m.permissions } : {}),
    ...(nameChanged ? { displayName: m.displayName } : {}),
  });
  await transactWrite(deps, [
    ...updateMember(deps, current, next).map(
      (item, i): TransactionStep => (i === 0 ? { item, onConditionFailed: changedMeanwhile } : { item }),
    ),
    ...guards,
    { item: event(caller, meta, deps, action, current, pick(current), pick(next)) },
  ]);
  return detailsOf(deps, next);
}

async function changeStatus(
  deps: ServiceDeps,
  caller: TenantCaller,
  memberId: string,
  transition: { from: MemberStatus; to: MemberStatus; action: AuditAction },
  expectedVersion: number | undefined,
  meta: RequestMeta,
): Promise<MemberRecord> {
  if (!canOn(caller.ability, 'users:write', caller.tenantId)) throw new Forbidden();
  const current = await loadTarget(deps, caller, memberId, expectedVersion);
  await assertMayManage(deps, caller, current);
  if (current.status !== transition.from) {
    throw new InvalidState(`A member in status ${current.status} cannot become ${transition.to}.`);
  }
  const next: MemberRecord = { ...current, status: transition.to, version: current.version + 1 };
  await transactWrite(deps, [
    ...updateMember(deps, current, next).map(
      (item, i): TransactionStep => (i === 0 ? { item, onConditionFailed: changedMeanwhile } : { item }),
    ),
    {
      item: event(caller, meta, deps, transition.action, current, { status: current.status }, { status: next.status }),
    },
  ]);
  return next;
}

/**
 * Suspends an active member: their very next request is refused (status is read on every request). Their
 * Cognito sessions are revoked too when no other tenant still has them active. That happens after the
 * change is committed and cannot undo it; a failure there is logged, since the status check already locks
 * them out of this tenant (and the local emulator has no global sign-out at all).
 */
export async function suspendMember(
  deps: ServiceDeps,
  directory: IdentityDirectory,
  caller: TenantCaller,
  memberId: string,
  expectedVersion: number | undefined,
  meta: RequestMeta,
): Promise<MemberRecord> {
  const suspended = await changeStatus(
    deps,
    caller,
    memberId,
    { from: 'active', to: 'suspended', action: 'member.suspended' },
    expectedVersion,
    meta,
  );
  if (suspended.userId) {
    const links = await listPrincipalLinks(deps, suspended.userId);
    const others = await getMembers(
      deps,
      links.filter((l) => l.tenantId !== suspended.tenantId),
    );
    if (!others.some((m) => m.status === 'active')) {
      try {
        await directory.signOutEverywhere(suspended.email);
      } catch (error) {
        logger.warn('could not revoke the sessions of a suspended member', { memberId, error: (error as Error).name });
      }
    }
  }
  return suspended;
}

export function reactivateMember(
  deps: ServiceDeps,
  caller: TenantCaller,
  memberId: string,
  expectedVersion: number | undefined,
  meta: RequestMeta,
) {
  return changeStatus(
    deps,
    caller,
    memberId,
    { from: 'suspended', to: 'active', action: 'member.reactivated' },
    expectedVersion,
    meta,
  );
}

/** Most items of one TransactWriteItems. */
const TRANSACTION_LIMIT = 100;

/** Bot ids named in a `member_owns_bots` answer. */
const OWNED_BOTS_NAMED = 10;

const grantChangedMeanwhile = () => concurrentChange("The member's access to a bot changed meanwhile; retry.");

/**
 * Removes a suspended member for good: record, role assignments, sign-in link, email guard and every bot grant
 * they hold go, the seat is freed, and the address can be invited again as a new member. The audit trail keeps
 * their history. A Bot Owner cannot be removed (409 `member_owns_bots`): a bot keeps exactly one owner.
 */
export function removeMember(
  deps: ServiceDeps,
  caller: TenantCaller,
  memberId: string,
  expectedVersion: number | undefined,
  meta: RequestMeta,
): Promise<void> {
  return retryingConcurrentChange(() => removeMemberOnce(deps, caller, memberId, expectedVersion, meta));
}

/**
 * The last transaction removes the member's items, frees the seat, writes the one `member.removed` event and
 * deletes as many of their bot grants as fit beside them; grants beyond that are deleted first, 100 per
 * transaction (should the request stop between them, the member is still there, with fewer grants, and
 * repeating the DELETE finishes the job). Each grant delete is conditioned on the version read: a grant
 * changed meanwhile (say, made Bot Owner) fails the step with `concurrent_change`, and the whole request is
 * judged again. Repeating it is safe: what an earlier attempt deleted is simply no longer listed.
 */
async function removeMemberOnce(
  deps: ServiceDeps,
  caller: TenantCaller,
  memberId: string,
  expectedVersion: number | undefined,
  meta: RequestMeta,
): Promise<void> {
  if (!canOn(caller.ability, 'users:write', caller.tenantId)) throw new Forbidden();
  const current = await loadTarget(deps, caller, memberId, expectedVersion);
  await assertMayManage(deps, caller, current);
  if (current.status !== 'suspended')
    throw new InvalidState('Only a suspended member can be removed; suspend them first.');
  const grants = await listBotGrantsOfPrincipal(deps, caller.tenantId, 'member', memberId);
  const owned = grants.filter((g) => g.roles.some((a) => a.roleId === 'bot-owner')).map((g) => g.resourceId);
  if (owned.length > 0) {
    const named = owned.slice(0, OWNED_BOTS_NAMED);
    const more = owned.length > named.length ? ` and ${owned.length - named.length} more` : '';
    throw new Conflict(
      'member_owns_bots',
      `This member is the Bot Owner of ${owned.length} bot${owned.length === 1 ? '' : 's'} ` +
        `(${named.join(', ')}${more}); transfer their ownership first.`,
      { botIds: named, count: owned.length },
    );
  }
  const memberSteps: TransactionStep[] = [
    ...deleteMember(deps, current).map(
      (item, i): TransactionStep => (i === 0 ? { item, onConditionFailed: changedMeanwhile } : { item }),
    ),
    // Their group memberships go with them (the group ids on the member and link go with those items).
    ...deleteMembershipsOf(deps, current).map((item): TransactionStep => ({ item })),
    { item: releaseSeats(deps, caller.tenantId, 1) },
    {
      item: event(
        caller,
        meta,
        deps,
        'member.removed',
        current,
        {
          status: current.status,
          email: current.email,
          roles: current.roles,
          permissions: current.permissions,
          botGrants: grants.length,
        },
        null,
      ),
    },
  ];
  const grantStep = (grant: ResourceGrantRecord): TransactionStep => ({
    item: deleteGrantIfUnchanged(deps, grant),
    onConditionFailed: grantChangedMeanwhile,
  });
  const room = TRANSACTION_LIMIT - memberSteps.length;
  const [last, earlier] = [grants.slice(0, room), grants.slice(room)];
  for (let start = 0; start < earlier.length; start += TRANSACTION_LIMIT) {
    await transactWrite(deps, earlier.slice(start, start + TRANSACTION_LIMIT).map(grantStep));
  }
  await transactWrite(deps, [...memberSteps, ...last.map(grantStep)]);
}

/**
 * Hands the tenant to another active member: they become Owner (keeping their other roles), the old Owner
 * becomes Admin, in one transaction. Only the Owner may do it (the route enforces it; checked again here).
 */
export async function transferOwnership(
  deps: ServiceDeps,
  caller: TenantCaller,
  memberId: string,
  meta: RequestMeta,
): Promise<void> {
  if (!caller.isOwner) throw new Forbidden('Only the tenant Owner may do this.', 'owner_required');
  if (memberId === caller.memberId) throw new Conflict('invalid_transfer', 'You are the Owner already.');
  const [target, self] = await Promise.all([
    loadTarget(deps, caller, memberId),
    loadTarget(deps, caller, caller.memberId),
  ]);
  // `caller.isOwner` is the membership read when the request began; a transfer racing this one may have
  // moved ownership since. The transaction is conditioned on this read of `self`, so it must say Owner too
  // (without this check, 30 concurrent transfers made two Owners: test/integration/races.test.ts).
  if (self.status !== 'active' || !self.roles.some((a) => a.roleId === 'owner')) {
    throw new Forbidden('Only the tenant Owner may do this.', 'owner_required');
  }
  if (target.status !== 'active') throw new InvalidState('Ownership can only go to an active member.');
  const newOwner: MemberRecord = {
    ...target,
    roles: [{ roleId: 'owner' }, ...target.roles.filter((a) => a.roleId !== 'owner')],
    version: target.version + 1,
  };
  const formerOwner: MemberRecord = {
    ...self,
    roles: [{ roleId: 'admin' }, ...self.roles.filter((a) => a.roleId !== 'owner' && a.roleId !== 'admin')],
    version: self.version + 1,
  };
  const guarded = (items: ReturnType<typeof updateMember>) =>
    items.map((item, i): TransactionStep => (i === 0 ? { item, onConditionFailed: changedMeanwhile } : { item }));
  await transactWrite(deps, [
    ...guarded(updateMember(deps, target, newOwner)),
    ...guarded(updateMember(deps, self, formerOwner)),
    {
      item: event(
        caller,
        meta,
        deps,
        'member.ownership_transferred',
        target,
        { ownerMemberId: self.memberId, roles: target.roles },
        { ownerMemberId: target.memberId, roles: newOwner.roles, formerOwnerRoles: formerOwner.roles },
      ),
    },
  ]);
}

/**
 * Scheduled cleanup of time-bound role assignments that have expired (they stopped granting at their
 * instant already; see computeEffectivePermissions): removes them from the member, with one
 * `role_assignment.expired` event each, by the system. Safe to run concurrently: each removal is
 * conditional on the member's version.
 */
export async function purgeExpiredAssignments(deps: ServiceDeps): Promise<{ expired: number; skipped: number }> {
  const now = deps.now();
  let expired = 0;
  let skipped = 0;
  for (const shard of keys.roleAssignmentExpiryShards()) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await expiredAssignmentsPage(deps, shard, now, startKey);
      for (const ref of page.refs) {
        if (await expireAssignment(deps, ref, now)) expired++;
        else skipped++;
      }
      startKey = page.nextKey;
    } while (startKey);
  }
  return { expired, skipped };
}

async function expireAssignment(
  deps: ServiceDeps,
  ref: { tenantId: string; memberId: string; roleId: string },
  now: Date,
): Promise<boolean> {
  const member = await getMember(deps, ref.tenantId, ref.memberId);
  const assignment = member?.roles.find((a) => a.roleId === ref.roleId);
  if (!(member && assignment) || isAssignmentActive(assignment, now)) return false;
  const next: MemberRecord = {
    ...member,
    roles: member.roles.filter((a) => a !== assignment),
    version: member.version + 1,
  };
  try {
    await transactWrite(deps, [
      ...updateMember(deps, member, next).map(
        (item, i): TransactionStep => (i === 0 ? { item, onConditionFailed: changedMeanwhile } : { item }),
      ),
      {
        item: outboxPut(deps.tableName, {
          eventId: deps.newId(),
          tenantId: member.tenantId,
          occurredAt: now.toISOString(),
          action: 'role_assignment.expired',
          actor: SYSTEM_ACTOR,
          target: { type: 'member', id: member.memberId, label: member.email },
          changes: { before: { roles: member.roles }, after: { roles: next.roles } },
          requestId: `purge-${now.toISOString()}`,
        }),
      },
    ]);
    return true;
  } catch (error) {
    if (error instanceof PreconditionFailed) return false; // changed or purged by someone else meanwhile
    throw error;
  }
}
