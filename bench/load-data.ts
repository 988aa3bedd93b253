import { createHash, randomBytes } from 'node:crypto';
import { BatchWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulidx';
import type { AuditContent, AuditEntry } from '../shared/data/audit-entry';
import type { AuditAction } from '../shared/data/outbox';
import type { CustomRoleRecord, InvitationRecord, MemberRecord, MemberStatus } from '../shared/data/records';
import type { Identity } from '../shared/domain/actor';
import type { RoleAssignment } from '../shared/domain/effective-permissions';
import type { ServiceDeps } from '../shared/services/service-deps';

/**
 * The bench's data loader: a tenant with thousands of members (with their email guards, role
 * assignments, search terms and sign-in links), invitations pending and expired, custom roles, and a
 * hash-chained audit trail of any length. Every item is built by the repositories' own item functions
 * (the Puts of `putNewMember`, `putNewInvitation`, `putNewRole`, `putNewPrincipalLink`,
 * `auditEntryItem`), so keys and attributes are exactly those the service writes; only the write path
 * differs: BatchWriteItem, many in parallel, instead of one transaction per change.
 *
 * Modules of shared/ are imported lazily: the local stack sets the environment they read first.
 */

const BATCH = 25;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** BatchWriteItem of every item (any table), `concurrency` batches in flight, unprocessed items resent. */
export async function batchWrite(
  deps: Pick<ServiceDeps, 'db'>,
  tableName: string,
  items: readonly Record<string, unknown>[],
  concurrency = 8,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const chunk = items.slice(next, next + BATCH);
      next += BATCH;
      let pending = chunk.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 0) await sleep(Math.min(1000, 20 * 2 ** attempt));
        const response = await deps.db.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
        pending = (response.UnprocessedItems?.[tableName] ?? []) as typeof pending;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** The Items of the Puts among transaction items (what a new entity writes). */
function putItems(items: readonly { Put?: { Item?: Record<string, unknown> } }[]): Record<string, unknown>[] {
  return items.flatMap((item) => (item.Put?.Item ? [item.Put.Item] : []));
}

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Barbara',
  'Edsger',
  'Frances',
  'Ken',
  'Margaret',
  'Donald',
  'Radia',
  'Linus',
  'Sophie',
  'Tim',
  'Hedy',
  'John',
  'Katherine',
];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Liskov',
  'Dijkstra',
  'Allen',
  'Thompson',
  'Hamilton',
  'Knuth',
  'Perlman',
  'Torvalds',
  'Wilson',
  'Berners-Lee',
  'Lamarr',
  'Backus',
  'Johnson',
];

/** Deterministic pseudo-random numbers (the data set is the same in every run). */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface LoadedTenant {
  readonly tenantId: string;
  readonly owner: { readonly identity: Identity; readonly member: MemberRecord };
  readonly customRoleId: string;
  /** Members by status, as loaded (the owner included among the active ones). */
  readonly counts: Record<MemberStatus, number>;
  readonly invitations: { readonly pending: number; readonly expired: number };
  /** Some loaded members, to pick actors and targets from (the anchors among them). */
  readonly sample: readonly MemberRecord[];
  /**
   * Members every data set has whatever the seed and size (the first ones loaded), so that each filter
   * the bench measures matches something: an active agent with a display name, an invited agent (pending
   * invitation) with a display name, a suspended agent.
   */
  readonly anchors: { readonly active: MemberRecord; readonly invited: MemberRecord; readonly suspended: MemberRecord };
  /** Every loaded member id (the owner's included). */
  readonly memberIds: readonly string[];
  readonly auditEntries: number;
  /** Actor ids, target ids and the time span used in the audit trail. */
  readonly audit: {
    readonly actorIds: readonly string[];
    readonly targetIds: readonly string[];
    readonly first: string;
    readonly last: string;
    /** The entry in the middle of the trail: filters built from it match at least that entry. */
    readonly middle: {
      readonly actorId: string;
      readonly targetId: string;
      readonly action: AuditAction;
      readonly occurredAt: string;
    };
  };
  readonly loadMs: number;
}

export interface LoadOptions {
  readonly members: number;
  readonly auditEntries: number;
  /** Invitations per 10 invited members that have already expired (not yet purged). Default 5. */
  readonly expiredShare?: number;
  /** Waits until the stream consumer is idle (the audit trail is chained after the head it leaves). */
  readonly drain: () => Promise<unknown>;
  readonly log?: (message: string) => void;
  /** Seed of the data set's pseudo-random choices (default 42): `npm run bench -- --seed=N`. */
  readonly seed?: number;
}

/**
 * The first members loaded, whatever the seed: each filter the bench measures has something to match
 * (status, role, display name, pending and expired invitations, the custom role).
 */
const ANCHORS: readonly {
  status: MemberStatus;
  role: 'agent' | 'viewer' | 'custom';
  named: boolean;
  expired?: boolean;
}[] = [
  { status: 'active', role: 'agent', named: true },
  { status: 'invited', role: 'agent', named: true, expired: false },
  { status: 'suspended', role: 'agent', named: true },
  { status: 'invited', role: 'viewer', named: false, expired: true },
  { status: 'active', role: 'custom', named: false },
];

/**
 * A tenant (created by the tenant service, its Owner joined through the real invitation flow) loaded
 * with `members` members and `auditEntries` audit entries. Status mix: 85% active, 10% invited (each
 * with its invitation, half of them expired), 5% suspended. Roles: agent, viewer, manager, a custom
 * role and admin, some time-bound; half the members have a display name.
 */
export async function loadTenant(deps: ServiceDeps, options: LoadOptions): Promise<LoadedTenant> {
  if (options.members < ANCHORS.length || options.auditEntries < 1)
    throw new Error(`the bench needs at least ${ANCHORS.length} members and 1 audit entry`);
  const started = performance.now();
  const [
    { tenantWithOwner },
    { putNewMember },
    { putNewInvitation },
    { putNewRole },
    { putNewPrincipalLink, customRoleIdsOf },
    { auditEntryItem },
    { chainEntry },
    { keys },
    { auditKeys },
  ] = await Promise.all([
    import('../test/support/fixtures'),
    import('../shared/data/member-repository'),
    import('../shared/data/invitation-repository'),
    import('../shared/data/role-repository'),
    import('../shared/data/principal-repository'),
    import('../shared/data/audit-repository'),
    import('../shared/audit/chain'),
    import('../shared/data/keys'),
    import('../shared/data/audit-keys'),
  ]);
  const random = prng(options.seed ?? 42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const ulid = monotonicFactory(random);
  const { tenantId, owner } = await tenantWithOwner(10, `Bench ${ulid()}`);
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();

  const role: CustomRoleRecord = {
    tenantId,
    roleId: ulid(),
    name: 'Campaign Operator',
    description: 'Manager without billing',
    permissions: ['campaigns:read', 'campaigns:create', 'campaigns:send', 'contacts:read', 'analytics:read'],
    copiedFrom: 'manager',
    createdAt: iso(now),
    updatedAt: iso(now),
    version: 1,
  };
  // A custom bot role (SPEC §7), held by nobody: `GET /roles?scope=bot` has one to list.
  const botRole: CustomRoleRecord = {
    tenantId,
    roleId: ulid(),
    name: 'Flow Reviewer',
    description: 'Reads flows and runs tests',
    permissions: ['flows:read', 'testing:run'],
    scope: 'bot',
    createdAt: iso(now),
    updatedAt: iso(now),
    version: 1,
  };
  const items: Record<string, unknown>[] = [
    ...putItems(putNewRole(deps, role)),
    ...putItems(putNewRole(deps, botRole)),
  ];

  const counts: Record<MemberStatus, number> = { active: 1, invited: 0, suspended: 0 };
  const invitationCounts = { pending: 0, expired: 0 };
  const expiredShare = options.expiredShare ?? 5;
  const sample: MemberRecord[] = [];
  const anchored: MemberRecord[] = [];
  const memberIds: string[] = [owner.member.memberId];
  for (let i = 0; i < options.members; i++) {
    const anchor = ANCHORS[i];
    const r = random();
    const status: MemberStatus = anchor?.status ?? (r < 0.85 ? 'active' : r < 0.95 ? 'invited' : 'suspended');
    const roll = random();
    const roleId = anchor
      ? anchor.role === 'custom'
        ? role.roleId
        : anchor.role
      : roll < 0.5
        ? 'agent'
        : roll < 0.7
          ? 'viewer'
          : roll < 0.85
            ? 'manager'
            : roll < 0.95
              ? role.roleId
              : 'admin';
    const roles: RoleAssignment[] = [{ roleId }];
    if (random() < 0.05)
      roles.push({ roleId: roleId === 'viewer' ? 'agent' : 'viewer', expiresAt: iso(now + (1 + i) * 60_000) });
    const first = pick(FIRST);
    const last = pick(LAST);
    const memberId = ulid();
    const email = `${first}.${last}.${i}@bench.example.com`.toLowerCase();
    const invitedAt = iso(now - (options.members - i) * 60_000);
    const member: MemberRecord = {
      tenantId,
      memberId,
      email,
      displayName: (anchor ? anchor.named : random() < 0.5) ? `${first} ${last}` : null,
      status,
      roles,
      permissions: random() < 0.1 ? ['api-keys:manage'] : [],
      ...(status === 'invited' ? {} : { userId: `sub-bench-${memberId}`, joinedAt: invitedAt }),
      invitedAt,
      invitedBy: owner.identity.userId,
      version: 1,
    };
    counts[status]++;
    memberIds.push(memberId);
    if (anchor) anchored.push(member);
    if (anchor || (sample.length < 200 && random() < 0.1)) sample.push(member);
    items.push(...putItems(putNewMember(deps, member)));
    if (member.userId)
      items.push(
        ...putItems([
          putNewPrincipalLink(deps, {
            userId: member.userId,
            tenantId,
            memberId,
            customRoleIds: customRoleIdsOf(member),
          }),
        ]),
      );
    if (status === 'invited') {
      const expired = anchor?.expired ?? random() * 10 < expiredShare;
      const createdAt = expired ? iso(now - 10 * 86_400_000) : invitedAt;
      const invitation: InvitationRecord = {
        invitationId: ulid(),
        tenantId,
        memberId,
        email,
        roles,
        invitedBy: { id: owner.identity.userId, email: owner.identity.email },
        validDays: 7,
        expiresAt: expired ? iso(now - 3 * 86_400_000 + i) : iso(now + 7 * 86_400_000 + i),
        createdAt,
        tokenHash: createHash('sha256').update(randomBytes(32)).digest('base64url'),
        version: 1,
      };
      invitationCounts[expired ? 'expired' : 'pending']++;
      items.push(...putItems(putNewInvitation(deps, invitation)));
    }
  }
  await batchWrite(deps, deps.tableName, items);
  // The members hold seats like any member; the limit leaves room for the benchmarks' invitations.
  const loaded = options.members;
  await deps.db.send(
    new UpdateCommand({
      TableName: deps.tableName,
      Key: keys.tenant(tenantId),
      UpdateExpression: 'SET seatsUsed = seatsUsed + :n, seatLimit = :limit',
      ExpressionAttributeValues: { ':n': loaded, ':limit': 1_000_000 },
    }),
  );
  options.log?.(
    `loaded ${loaded} members (${items.length} items) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  // The audit trail continues the tenant's chain (its creation and the Owner joining, recorded by the
  // stream consumer): once the consumer is idle, from the head it left. Nothing else writes to the
  // tenant during the load.
  await options.drain();
  const auditStarted = performance.now();
  const actors = [owner.member, ...sample.filter((m) => m.status !== 'invited').slice(0, 49)];
  const targets = sample.slice(0, 200);
  const actions: AuditAction[] = [
    'member.invited',
    'member.joined',
    'member.roles_changed',
    'member.permissions_changed',
    'member.suspended',
    'member.reactivated',
    'role.created',
    'role.updated',
    'invitation.resent',
    'invitation.revoked',
  ];
  const span = 365 * 86_400_000;
  const firstAt = now - span - 86_400_000;
  const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
  const headItem = (
    await deps.db.send(
      new GetCommand({ TableName: deps.auditTableName, Key: auditKeys.head(tenantId), ConsistentRead: true }),
    )
  ).Item;
  let head = headItem ? { seq: headItem.seq as number, hash: headItem.hash as string } : undefined;
  const auditItems: Record<string, unknown>[] = [];
  let lastEntry: AuditEntry | undefined;
  let middle: LoadedTenant['audit']['middle'] | undefined;
  for (let i = 0; i < options.auditEntries; i++) {
    const actor = pick(actors);
    const target = pick(targets);
    const action = pick(actions);
    const content: AuditContent = {
      id: ulid(),
      tenantId,
      occurredAt: iso(firstAt + Math.floor((i / options.auditEntries) * span)),
      actor: { id: actor.userId ?? actor.memberId, email: actor.email, ip: '198.51.100.7', userAgent: 'bench' },
      action,
      target: action.startsWith('role.')
        ? { type: 'role', id: role.roleId, label: role.name }
        : { type: 'member', id: target.memberId, label: target.email },
      changes: { before: { roles: [{ roleId: 'viewer' }] }, after: { roles: [{ roleId: 'agent' }] } },
      requestId: `bench-${i}`,
    };
    const entry = chainEntry(content, head);
    head = { seq: entry.seq, hash: entry.hash };
    lastEntry = entry;
    if (i === Math.floor(options.auditEntries / 2))
      middle = { actorId: content.actor.id, targetId: content.target.id, action, occurredAt: content.occurredAt };
    auditItems.push(auditEntryItem(entry));
  }
  if (lastEntry) {
    // The head the audit writer would have left (its own item shape: see appendEntry).
    auditItems.push({
      ...auditKeys.head(tenantId),
      entity: 'auditHead',
      seq: lastEntry.seq,
      hash: lastEntry.hash,
      eventId: lastEntry.id,
    });
  }
  await batchWrite(deps, deps.auditTableName, auditItems, 8);
  options.log?.(
    `loaded ${options.auditEntries} audit entries in ${((performance.now() - auditStarted) / 1000).toFixed(1)} s`,
  );

  if (!middle) throw new Error('no audit entry was loaded');
  return {
    tenantId,
    owner,
    customRoleId: role.roleId,
    counts,
    invitations: invitationCounts,
    sample,
    anchors: { active: anchored[0]!, invited: anchored[1]!, suspended: anchored[2]! },
    memberIds,
    auditEntries: options.auditEntries,
    audit: {
      actorIds: actors.map((a) => a.userId ?? a.memberId),
      targetIds: targets.map((t) => t.memberId),
      first: iso(firstAt),
      last: iso(firstAt + span),
      middle,
    },
    loadMs: performance.now() - started,
  };
}
