import { getMembers, holdersOfRole, updateMember } from '../data/member-repository';
import { outboxPut } from '../data/outbox';
import type { CustomRoleRecord, MemberRecord } from '../data/records';
import {
  deleteRole as deleteRoleItems,
  getCustomRole,
  listCustomRoles,
  putNewRole,
  updateRole as updateRoleItems,
} from '../data/role-repository';
import { type TransactionStep, transactWrite } from '../data/transactions';
import { canOn } from '../domain/ability';
import { auditActorOf, type RequestMeta, type TenantCaller } from '../domain/actor';
import type { RoleAssignment } from '../domain/effective-permissions';
import { Conflict, Forbidden, NotFound, PreconditionFailed, ValidationFailed } from '../domain/errors';
import { assertCanGrant } from '../domain/escalation';
import { isBotScoped, type Permission } from '../domain/permissions';
import { builtInRoleNameLike, roleNameKey } from '../domain/role-names';
import { builtInRoleIds, builtInRoles, isBuiltInRoleId, type RoleDefinition, type RoleScope } from '../domain/roles';
import { concurrentChange, judgedOn, retryingConcurrentChange } from './grant-guards';
import {
  assertRoleScope,
  customRoleDefinition,
  effectivePermissionsOf,
  resolveAssignableRoles,
  resolveRoles,
} from './role-resolution';
import type { ServiceDeps } from './service-deps';

/**
 * Built-in roles first (in their fixed order: tenant roles, then bot roles), then custom roles by name; roles
 * being deleted are hidden. `scope` keeps the roles of one scope (default: both).
 */
export async function listRoles(deps: ServiceDeps, caller: TenantCaller, scope?: RoleScope): Promise<RoleDefinition[]> {
  if (!canOn(caller.ability, 'users:read', caller.tenantId)) throw new Forbidden();
  const custom = (await listCustomRoles(deps, caller.tenantId))
    .filter((role) => !role.deleting)
    .map(customRoleDefinition)
    .sort((a, b) => a.name.localeCompare(b.name));
  const roles = [...builtInRoleIds.map((id) => builtInRoles[id]), ...custom];
  return scope === undefined ? roles : roles.filter((role) => role.scope === scope);
}

export async function getRole(deps: ServiceDeps, caller: TenantCaller, roleId: string): Promise<RoleDefinition> {
  if (!canOn(caller.ability, 'users:read', caller.tenantId)) throw new Forbidden();
  if (isBuiltInRoleId(roleId)) return builtInRoles[roleId];
  return customRoleDefinition(await requireCustomRole(deps, caller.tenantId, roleId));
}

const immutable = () =>
  new Conflict('role_immutable', 'Built-in roles cannot be changed or deleted; copy one into a custom role instead.');

async function requireCustomRole(deps: ServiceDeps, tenantId: string, roleId: string): Promise<CustomRoleRecord> {
  if (isBuiltInRoleId(roleId)) throw immutable();
  const role = await getCustomRole(deps, tenantId, roleId);
  if (!role || role.deleting) throw new NotFound('Role', 'role_not_found');
  return role;
}

/** The members holding a role (expired assignments included until purged). */
async function membersHolding(deps: ServiceDeps, tenantId: string, roleId: string): Promise<MemberRecord[]> {
  const memberIds = await holdersOfRole(deps, tenantId, roleId);
  return getMembers(
    deps,
    memberIds.map((memberId) => ({ tenantId, memberId })),
  );
}

/** A name already taken, or confusable with one (TR39 skeleton, any case: shared/domain/role-names.ts). */
const nameTaken = (name: string) =>
  new Conflict('role_name_taken', `A role named "${name}", or one that looks the same, already exists in this tenant.`);

/** Built-in names are not in the table's name guards; a custom role may neither take nor imitate one. */
async function assertNameFree(name: string): Promise<void> {
  const builtIn = await builtInRoleNameLike(name);
  if (builtIn !== undefined) {
    throw new Conflict('role_name_taken', `"${name}" is, or looks like, the built-in role "${builtIn}".`);
  }
}

const sortedPermissions = (permissions: Iterable<Permission>) => [...new Set(permissions)].sort();

/**
 * A bot role holds only bot-scoped permissions (SPEC §7): 400 `permission_not_bot_scoped`, each error at the
 * index of the offending entry of the request's `permissions`.
 */
function assertPermissionsFitScope(scope: RoleScope, permissions: readonly Permission[]): void {
  if (scope !== 'bot') return;
  const refused = permissions.flatMap((permission, index) => (isBotScoped(permission) ? [] : [{ permission, index }]));
  if (refused.length === 0) return;
  throw new ValidationFailed(
    `A bot role holds only bot-scoped permissions; ${refused.map((r) => r.permission).join(', ')} ${refused.length > 1 ? 'are' : 'is'} tenant-only.`,
    refused.map((r) => ({
      path: `body.permissions.${r.index}`,
      message: `${r.permission} is tenant-only, not bot-scoped`,
    })),
    'permission_not_bot_scoped',
  );
}

/**
 * The prerequisites of a new role: only a bot role has them, and they are bot roles of the tenant (built-in
 * or custom, not on their way out).
 */
async function resolvePrerequisites(
  deps: ServiceDeps,
  tenantId: string,
  scope: RoleScope,
  requires: readonly string[] | undefined,
): Promise<string[] | undefined> {
  if (requires === undefined || requires.length === 0) return undefined;
  if (scope !== 'bot') {
    throw new ValidationFailed('Only bot roles declare prerequisites (requires).', [
      { path: 'body.requires', message: 'only with scope "bot"' },
    ]);
  }
  const roles = await resolveRoles(deps, tenantId, requires, { assignableOnly: true });
  const unknown = requires.filter((roleId) => !roles.has(roleId));
  if (unknown.length > 0) {
    throw new ValidationFailed(
      `Unknown role: ${unknown.join(', ')}.`,
      unknown.map((roleId) => ({ path: 'body.requires', message: `unknown role ${roleId}` })),
      'unknown_role',
    );
  }
  assertRoleScope([...roles.values()], 'bot', 'body.requires');
  return [...new Set(requires)];
}

export interface CreateRoleInput {
  readonly name: string;
  readonly description?: string;
  /** The complete permission set; defaults to the `copyFrom` role's. */
  readonly permissions?: readonly Permission[];
  readonly copyFrom?: string;
  /** Default `tenant`. A bot role holds only bot-scoped permissions. */
  readonly scope?: RoleScope;
  /** Bot roles a holder of this (bot) role must also hold on the same bot. */
  readonly requires?: readonly string[];
}

/**
 * Creates a custom role. `copyFrom` (any role of the same scope, built-in or custom) supplies the starting
 * set, which `permissions`, when given, replaces: a client shows the copied set, the admin unticks some, and
 * sends the result. Nobody defines a role with permissions they do not hold themselves.
 */
export async function createRole(
  deps: ServiceDeps,
  caller: TenantCaller,
  input: CreateRoleInput,
  meta: RequestMeta,
): Promise<RoleDefinition> {
  if (!canOn(caller.ability, 'roles:manage', caller.tenantId)) throw new Forbidden();
  await assertNameFree(input.name);
  const scope = input.scope ?? 'tenant';
  assertPermissionsFitScope(scope, input.permissions ?? []);
  let permissions = input.permissions;
  if (input.copyFrom !== undefined) {
    const source = (await resolveRoles(deps, caller.tenantId, [input.copyFrom])).get(input.copyFrom);
    if (!source) throw new NotFound('The role to copy from', 'role_not_found');
    assertRoleScope([source], scope, 'body.copyFrom');
    permissions ??= source.permissions;
  }
  const requires = await resolvePrerequisites(deps, caller.tenantId, scope, input.requires);
  const finalPermissions = sortedPermissions(permissions ?? []);
  assertCanGrant(caller, { permissions: finalPermissions });
  const now = deps.now().toISOString();
  const role: CustomRoleRecord = {
    tenantId: caller.tenantId,
    roleId: deps.newId(),
    name: input.name,
    nameKey: await roleNameKey(input.name),
    description: input.description ?? '',
    permissions: finalPermissions,
    scope,
    ...(requires ? { requires } : {}),
    ...(input.copyFrom ? { copiedFrom: input.copyFrom } : {}),
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await transactWrite(deps, [
    ...putNewRole(deps, role).map((item, index) =>
      index === 0 ? { item } : { item, onConditionFailed: () => nameTaken(input.name) },
    ),
    {
      item: outboxPut(deps.tableName, {
        eventId: deps.newId(),
        tenantId: caller.tenantId,
        occurredAt: now,
        action: 'role.created',
        actor: auditActorOf(caller, meta),
        target: { type: 'role', id: role.roleId, label: role.name },
        changes: {
          before: null,
          after: {
            name: role.name,
            description: role.description,
            permissions: role.permissions,
            scope: role.scope,
            requires: role.requires,
            copiedFrom: role.copiedFrom,
          },
        },
        requestId: meta.requestId,
      }),
    },
  ]);
  return customRoleDefinition(role);
}

export interface UpdateRoleInput {
  readonly name?: string;
  readonly description?: string;
  readonly permissions?: readonly Permission[];
}

/**
 * Edits a custom role; everyone holding it is affected on their next request. An editor must hold every
 * permission the role has before and after the edit: no one adds what they lack, and no one reshapes a
 * role of people who outrank them.
 */
export function updateRole(
  deps: ServiceDeps,
  caller: TenantCaller,
  roleId: string,
  input: UpdateRoleInput,
  expectedVersion: number | undefined,
  meta: RequestMeta,
): Promise<RoleDefinition> {
  return retryingConcurrentChange(() => updateRoleOnce(deps, caller, roleId, input, expectedVersion, meta));
}

async function updateRoleOnce(
  deps: ServiceDeps,
  caller: TenantCaller,
  roleId: string,
  input: UpdateRoleInput,
  expectedVersion: number | undefined,
  meta: RequestMeta,
): Promise<RoleDefinition> {
  if (!canOn(caller.ability, 'roles:manage', caller.tenantId)) throw new Forbidden();
  const current = await requireCustomRole(deps, caller.tenantId, roleId);
  if (expectedVersion !== undefined && expectedVersion !== current.version)
    throw new PreconditionFailed(current.version);
  if (input.name !== undefined) await assertNameFree(input.name);
  assertPermissionsFitScope(current.scope ?? 'tenant', input.permissions ?? []);
  const permissions = input.permissions ? sortedPermissions(input.permissions) : (current.permissions as Permission[]);
  // An edit grants to everyone holding the role: the editor must hold what the role has before and after;
  // an Admin-level role, as it is or as it would be, is the Owner's; and so is an edit after which a holder,
  // with everything else they hold, would reach Admin's set. Only an edit that adds permissions can do that,
  // and only for someone other than the Owner does it matter: only then are the holders read. The role was
  // read first: its write is conditioned on the holders revision read with it, which every grant of the
  // role committed since moves on (SECURITY.md T2a).
  const edited: RoleDefinition = { ...customRoleDefinition(current), permissions };
  const adds = permissions.some((p) => !current.permissions.includes(p));
  const holders = adds && !caller.isOwner ? await membersHolding(deps, caller.tenantId, roleId) : [];
  // The holders' other custom roles are part of the judgement, and the edit gives their holders more: the
  // edit commits only on them as read (`judgedOn`), so two edits of roles one member holds, at once, cannot
  // both commit on the other's old definition. A member holds at most 10 roles and a tenant has tens of
  // custom roles, well within the transaction's 100 items.
  const others = await resolveRoles(
    deps,
    caller.tenantId,
    holders.flatMap((member) => member.roles.map((a) => a.roleId)).filter((id) => id !== roleId),
  );
  assertCanGrant(caller, {
    roles: [customRoleDefinition(current), edited],
    resulting: await effectivePermissionsOf(deps, caller.tenantId, holders, [...others.values(), edited]),
  });
  const guards = judgedOn(deps, caller.tenantId, others.values());
  const now = deps.now().toISOString();
  const next: CustomRoleRecord = {
    ...current,
    name: input.name ?? current.name,
    ...(input.name !== undefined ? { nameKey: await roleNameKey(input.name) } : {}),
    description: input.description ?? current.description,
    permissions,
    updatedAt: now,
    version: current.version + 1,
  };
  const changed = (['name', 'description', 'permissions'] as const).filter(
    (field) => JSON.stringify(current[field]) !== JSON.stringify(next[field]),
  );
  await transactWrite(deps, [
    ...updateRoleItems(deps, current, next).map((item, index) =>
      index === 0
        ? { item, onConditionFailed: (found?: Record<string, unknown>) => changedOrGranted(current, found) }
        : item.Put
          ? { item, onConditionFailed: () => nameTaken(next.name) }
          : { item },
    ),
    ...guards,
    {
      item: outboxPut(deps.tableName, {
        eventId: deps.newId(),
        tenantId: caller.tenantId,
        occurredAt: now,
        action: 'role.updated',
        actor: auditActorOf(caller, meta),
        target: { type: 'role', id: roleId, label: next.name },
        changes: {
          before: Object.fromEntries(changed.map((field) => [field, current[field]])),
          after: Object.fromEntries(changed.map((field) => [field, next[field]])),
        },
        requestId: meta.requestId,
      }),
    },
  ]);
  return customRoleDefinition(next);
}

/**
 * A role write whose condition failed: 412 if the role changed (its version), 409 `concurrent_change` if
 * only its holders did (someone was given the role, or a holder more, after the holders were read).
 */
function changedOrGranted(read: CustomRoleRecord, found: Record<string, unknown> | undefined) {
  return found?.version === read.version
    ? concurrentChange('The role was given to a member meanwhile; retry.')
    : new PreconditionFailed();
}

/** DynamoDB's limit on the items of one transaction. */
const MAX_TRANSACTION_ITEMS = 100;

/** A holder's move to the replacement role, and the roles they hold after it (what the move was judged on). */
interface Move {
  readonly steps: TransactionStep[];
  readonly holds: readonly RoleDefinition[];
}

/**
 * Moves packed into transactions of at most `room` items: each move's own items (up to 4: member, new and
 * old assignment, principal link's role hint) and a guard for every custom role its holder holds after it
 * (`judgedOn`), once per transaction however many holders share the role.
 */
function inTransactions(deps: ServiceDeps, tenantId: string, moves: readonly Move[], room: number) {
  const transactions: TransactionStep[][] = [];
  let steps: TransactionStep[] = [];
  let guarded = new Set<string>();
  const guardsFor = (move: Move) =>
    judgedOn(
      deps,
      tenantId,
      move.holds.filter((role) => !guarded.has(role.roleId)),
    );
  for (const move of moves) {
    let guards = guardsFor(move);
    if (steps.length > 0 && steps.length + move.steps.length + guards.length > room) {
      transactions.push(steps);
      steps = [];
      guarded = new Set();
      guards = guardsFor(move);
    }
    steps.push(...move.steps, ...guards);
    for (const role of move.holds) guarded.add(role.roleId);
  }
  if (steps.length > 0) transactions.push(steps);
  return transactions;
}

/**
 * Deletes a custom role. While members hold it the delete is refused (409 `role_in_use` with the count)
 * unless `reassignTo` names the role they get instead — which the caller must be able to grant. Holders
 * whose moves fit one transaction (100 items) with the delete move in it; beyond that the role is first
 * marked `deleting` (with the one `role.deleted` event), holders move in chunks, and the role goes last.
 * Each move is conditioned on the roles it was judged on (`judgedOn`); a lost race answers 409
 * `concurrent_change`, and a repeated DELETE (judged again) resumes an interrupted one.
 */
export async function deleteRole(
  deps: ServiceDeps,
  caller: TenantCaller,
  roleId: string,
  reassignTo: string | undefined,
  expectedVersion: number | undefined,
  meta: RequestMeta,
): Promise<void> {
  if (!canOn(caller.ability, 'roles:manage', caller.tenantId)) throw new Forbidden();
  if (isBuiltInRoleId(roleId)) throw immutable();
  // A role already marked `deleting` is found too: deleting it again resumes.
  const role = await getCustomRole(deps, caller.tenantId, roleId);
  if (!role) throw new NotFound('Role', 'role_not_found');
  if (expectedVersion !== undefined && expectedVersion !== role.version) throw new PreconditionFailed(role.version);
  assertCanGrant(caller, { permissions: role.permissions as Permission[] });
  const target = reassignTo ?? role.deleting?.reassignTo;
  let moves: Move[] = [];

  const holders = await membersHolding(deps, caller.tenantId, roleId);
  if (holders.length > 0 && target === undefined) {
    throw new Conflict(
      'role_in_use',
      `${holders.length} member(s) hold this role; pass ?reassignTo=<roleId> to move them.`,
      {
        count: holders.length,
      },
    );
  }
  if (target !== undefined) {
    if (target === roleId) throw new Conflict('invalid_reassignment', 'A role cannot be reassigned to itself.');
    const replacements = await resolveAssignableRoles(
      deps,
      caller.tenantId,
      [{ roleId: target }],
      'query.reassignTo',
      role.scope ?? 'tenant',
    );
    // Holders keep their other roles and permissions: with the replacement beside them, none may reach
    // Admin's set unless the Owner moves them.
    const moved = holders.map((member) => ({ ...member, roles: movedRoles(member, roleId, target) }));
    const others = await resolveRoles(
      deps,
      caller.tenantId,
      moved.flatMap((member) => member.roles.map((a) => a.roleId)).filter((id) => id !== target),
    );
    const judged = new Map([...others, ...replacements.map((role) => [role.roleId, role] as const)]);
    const resulting = await effectivePermissionsOf(deps, caller.tenantId, moved, [...judged.values()]);
    assertCanGrant(caller, { roles: replacements, resulting });
    moves = holders.map((member, i) => ({
      steps: moveSteps(deps, member, roleId, target),
      holds: (moved[i]?.roles ?? []).flatMap((a) => judged.get(a.roleId) ?? []),
    }));
  }

  const now = deps.now().toISOString();
  const event = outboxPut(deps.tableName, {
    eventId: deps.newId(),
    tenantId: caller.tenantId,
    occurredAt: now,
    action: 'role.deleted',
    actor: auditActorOf(caller, meta),
    target: { type: 'role', id: roleId, label: role.name },
    changes: {
      before: { name: role.name, permissions: role.permissions, holders: holders.length },
      after: target ? { reassignedTo: target } : null,
    },
    requestId: meta.requestId,
  });
  const changed = (found?: Record<string, unknown>) => changedOrGranted(role, found);
  const removal = deleteRoleItems(deps, role).map((item, i) =>
    i === 0 ? { item, onConditionFailed: changed } : { item },
  );

  const together = inTransactions(deps, caller.tenantId, moves, MAX_TRANSACTION_ITEMS - removal.length - 1);
  if (together.length <= 1 && !role.deleting) {
    await transactWrite(deps, [...removal, ...(together[0] ?? []), { item: event }]);
    return;
  }
  let marked = role;
  // Here more holders move than one transaction takes (so `target` is set), or an earlier delete was interrupted.
  if (!role.deleting && target !== undefined) {
    marked = { ...role, deleting: { reassignTo: target }, version: role.version + 1, updatedAt: now };
    // The name does not change: the update is the role's item alone.
    await transactWrite(deps, [
      ...updateRoleItems(deps, role, marked).map((item) => ({ item, onConditionFailed: changed })),
      { item: event },
    ]);
  }
  for (const steps of inTransactions(deps, caller.tenantId, moves, MAX_TRANSACTION_ITEMS)) {
    await transactWrite(deps, steps);
  }
  await transactWrite(
    deps,
    deleteRoleItems(deps, marked).map((item, i) =>
      i === 0
        ? { item, onConditionFailed: (found?: Record<string, unknown>) => changedOrGranted(marked, found) }
        : { item },
    ),
  );
}

/** A holder's assignment of `roleId` becomes one of `reassignTo` (keeping its expiry), unless they hold that already. */
function movedRoles(member: MemberRecord, roleId: string, reassignTo: string): RoleAssignment[] {
  const old = member.roles.find((a) => a.roleId === roleId);
  const keeps = member.roles.filter((a) => a.roleId !== roleId);
  return keeps.some((a) => a.roleId === reassignTo) ? keeps : [...keeps, { ...old, roleId: reassignTo }];
}

function moveSteps(deps: ServiceDeps, member: MemberRecord, roleId: string, reassignTo: string): TransactionStep[] {
  const next: MemberRecord = { ...member, roles: movedRoles(member, roleId, reassignTo), version: member.version + 1 };
  return updateMember(deps, member, next).map((item, i) =>
    i === 0
      ? {
          item,
          onConditionFailed: () =>
            new Conflict('concurrent_change', 'A member holding the role changed meanwhile; retry.'),
        }
      : { item },
  );
}
