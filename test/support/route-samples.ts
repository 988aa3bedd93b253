import { ulid } from 'ulidx';
import { expect } from 'vitest';
import type { Identity } from '../../shared/domain/actor';
import { notificationIdOf } from '../../shared/domain/notification-id';
import { isTenantScoped, type RouteDefinition } from '../../shared/http/route-definition';
import type { RouteName, routes } from '../../shared/http/routes';
import { createAccessRequest } from '../../shared/services/access-request-service';
import { requestAuditExport } from '../../shared/services/audit-service';
import { setBotAccess } from '../../shared/services/bot-access-service';
import { registerBot } from '../../shared/services/bot-service';
import { resolveBotCaller, resolveTenantCaller } from '../../shared/services/caller-service';
import { addGroupMember, createGroup, updateGroup } from '../../shared/services/group-service';
import { inviteMembers } from '../../shared/services/invitation-service';
import { recordNotification } from '../../shared/services/notification-service';
import { createRole } from '../../shared/services/role-service';
import {
  capturing,
  deliveredTokens,
  deps,
  memberIn,
  meta,
  platformAdmin,
  type TestMember,
  tenantWithOwner,
  uniqueEmail,
} from './fixtures';
import type { ParsedResult } from './http-event';

/**
 * Route samples for the route-matrix suites (isolation, fuzzing, faults, least privilege): for every
 * route, a request that is valid in a given tenant ("world"), built only from the world's ids. The map is
 * typed by the route table, so a new tenant-scoped route without a sample does not compile, and the
 * suites also fail at run time for any route that has none (`sampleFor`).
 */

/** A tenant with one of everything a route can name: members in each state, a custom role, invitations, an export. */
export interface World {
  readonly tenantId: string;
  readonly tenantName: string;
  readonly owner: TestMember;
  readonly admin: TestMember;
  /** An active Viewer who also holds `customRole`. */
  readonly member: TestMember;
  readonly suspended: TestMember;
  readonly customRole: { readonly roleId: string; readonly name: string };
  /** Two pending invitations (so that invitation lists have a second page). */
  readonly invitations: readonly {
    readonly invitationId: string;
    readonly memberId: string;
    readonly email: string;
    readonly token: string;
  }[];
  readonly exportId: string;
  /** A bot the Owner registered (and so its Bot Owner). */
  readonly bot: { readonly botId: string; readonly name: string };
  /** A second bot of the Owner's, so that a world holds several pending access requests. */
  readonly otherBot: { readonly botId: string; readonly name: string };
  /** An active Member (no tenant permissions) with a pending access request on `otherBot`. */
  readonly requester: TestMember;
  /**
   * Pending access requests: `member`'s on `bot` (approve sample) and on `otherBot` (deny sample), and
   * `requester`'s on `otherBot` (cancel sample).
   */
  readonly accessRequests: { readonly approve: string; readonly deny: string; readonly cancel: string };
  /** An unread notification of the Owner's. */
  readonly notificationId: string;
  /** A group carrying Viewer, with `member` and `admin` in it (so that its member list has a second page). */
  readonly group: { readonly groupId: string; readonly name: string };
}

/** Every string of a world that must never appear in a response to someone outside it. */
export function secretsOf(world: World): string[] {
  return [
    world.tenantId,
    world.tenantName,
    world.customRole.roleId,
    world.customRole.name,
    world.exportId,
    world.bot.botId,
    world.bot.name,
    world.otherBot.botId,
    world.otherBot.name,
    ...Object.values(world.accessRequests),
    world.notificationId,
    world.group.groupId,
    world.group.name,
    ...[world.owner, world.admin, world.member, world.suspended, world.requester].flatMap((m) => [
      m.member.memberId,
      m.member.email,
      m.identity.userId,
    ]),
    ...world.invitations.flatMap((i) => [i.invitationId, i.memberId, i.email, i.token]),
  ];
}

/** Builds a world through the real services and repositories (DynamoDB Local). */
export async function buildWorld(label: string): Promise<World> {
  const tenantName = `${label} ${ulid()}`;
  const slug = label.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const { tenantId, owner } = await tenantWithOwner(100, tenantName);
  const ownerCaller = await resolveTenantCaller(deps(), owner.identity, tenantId);
  const role = await createRole(
    deps(),
    ownerCaller,
    { name: `${label} role ${ulid()}`, permissions: ['inbox:read', 'users:read'] },
    meta(),
  );
  const admin = await memberIn(tenantId, { roles: [{ roleId: 'admin' }], email: uniqueEmail(`${slug}-admin`) });
  const member = await memberIn(tenantId, {
    roles: [{ roleId: 'viewer' }, { roleId: role.roleId }],
    email: uniqueEmail(`${slug}-member`),
  });
  const suspended = await memberIn(tenantId, {
    status: 'suspended',
    roles: [{ roleId: 'viewer' }],
    email: uniqueEmail(`${slug}-suspended`),
  });
  const { deps: capturingDeps, events } = capturing();
  const invited = await inviteMembers(
    capturingDeps,
    ownerCaller,
    { emails: [uniqueEmail(`${slug}-invitee`), uniqueEmail(`${slug}-invitee`)], roles: [{ roleId: 'viewer' }] },
    meta(),
  );
  const tokens = await deliveredTokens(events);
  const invitations = invited.created.map((invitation) => ({
    invitationId: invitation.invitationId,
    memberId: invitation.memberId,
    email: invitation.email,
    token: tokens.find((t) => t.to === invitation.email)!.token,
  }));
  if (invitations.length !== 2)
    throw new Error(`world ${label}: invitations not created: ${JSON.stringify(invited.failed)}`);
  const exported = await requestAuditExport(deps(), ownerCaller, { action: 'member.' }, meta());
  const bot = await registerBot(
    deps(),
    ownerCaller,
    { name: `${label} bot ${ulid()}`, botId: `${slug}-bot-${ulid()}` },
    meta(),
  );
  // A second principal on the bot, so that its access list has a second page.
  await setBotAccess(
    deps(),
    await resolveBotCaller(deps(), owner.identity, tenantId, bot.bot.botId),
    { type: 'member', id: admin.member.memberId },
    [{ roleId: 'bot-tester' }],
    meta(),
  );
  const otherBot = await registerBot(
    deps(),
    ownerCaller,
    { name: `${label} other bot ${ulid()}`, botId: `${slug}-other-${ulid()}` },
    meta(),
  );
  const requester = await memberIn(tenantId, {
    roles: [{ roleId: 'member' }],
    email: uniqueEmail(`${slug}-requester`),
  });
  const memberCaller = await resolveTenantCaller(deps(), member.identity, tenantId);
  const ask = async (caller: typeof memberCaller, botId: string, roleId: string) =>
    (await createAccessRequest(deps(), caller, { botId, roles: [{ roleId }], reason: `${label} needs it` }, meta()))
      .requestId;
  const accessRequests = {
    approve: await ask(memberCaller, bot.bot.botId, 'bot-developer'),
    deny: await ask(memberCaller, otherBot.bot.botId, 'bot-developer'),
    cancel: await ask(
      await resolveTenantCaller(deps(), requester.identity, tenantId),
      otherBot.bot.botId,
      'bot-tester',
    ),
  };
  const occurredAt = new Date().toISOString();
  const eventId = ulid();
  await recordNotification(
    deps(),
    {
      type: 'access_request.created',
      tenantId,
      tenantName,
      occurredAt,
      eventId,
      data: { tenantName, requestId: accessRequests.approve, botId: bot.bot.botId, botName: bot.bot.name },
      recipients: [],
    },
    { userId: owner.identity.userId, email: owner.member.email },
  );
  const group = await createGroup(deps(), ownerCaller, { name: `${label} group ${ulid()}` }, meta());
  await updateGroup(deps(), ownerCaller, group.groupId, { roles: [{ roleId: 'viewer' }] }, undefined, meta());
  for (const joiner of [member, admin])
    await addGroupMember(deps(), ownerCaller, group.groupId, joiner.member.memberId, meta());
  return {
    tenantId,
    tenantName,
    owner,
    admin,
    member,
    suspended,
    customRole: { roleId: role.roleId, name: role.name },
    invitations,
    exportId: exported.exportId,
    bot: { botId: bot.bot.botId, name: bot.bot.name },
    otherBot: { botId: otherBot.bot.botId, name: otherBot.bot.name },
    requester,
    accessRequests,
    notificationId: notificationIdOf(eventId, owner.identity.userId, occurredAt),
    group: { groupId: group.groupId, name: group.name },
  };
}

export interface SampleRequest {
  readonly params?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /**
   * Who succeeds with this sample when it is not the Owner (asking for access, withdrawing a request):
   * suites that need the sample to succeed call it as them (`sampleCaller`); invoke ignores the field.
   */
  readonly actor?: 'member' | 'requester' | 'invitee';
}

/** The person the world's first invitation is addressed to, signed in (verified email): they may accept it by id. */
export function inviteeOf(world: World): Identity {
  const invitation = world.invitations[0]!;
  return { userId: `sub-invitee-${invitation.invitationId}`, email: invitation.email, groups: [] };
}

/** The caller with whom a route's sample succeeds: nobody, a platform admin, the sample's actor, or the Owner. */
export function sampleCaller(route: RouteDefinition, world: World): Identity | undefined {
  if (route.access.kind === 'public') return undefined;
  if (route.access.kind === 'platform-admin') return platformAdmin;
  const actor = sampleFor(route, world).actor;
  if (actor === 'invitee') return inviteeOf(world);
  return actor ? world[actor].identity : world.owner.identity;
}

/** The routes whose path starts with `/v1/tenants/{tenantId}`, as a type. */
export type TenantScopedRouteName = {
  [K in RouteName]: (typeof routes)[K]['path'] extends `/v1/tenants/{tenantId}${string}` ? K : never;
}[RouteName];

type SampleBuilder = (world: World) => SampleRequest;

const tenant = (w: World) => ({ tenantId: w.tenantId });

/**
 * A valid request per tenant-scoped route, naming only the world's own resources (a member, the custom
 * role, an invitation, the export, the Owner as actor). Valid means: it would pass validation and name
 * existing things; whether the caller may do it is what the suites test.
 */
export const tenantScopedSamples: { readonly [K in TenantScopedRouteName]: SampleBuilder } = {
  getTenant: (w) => ({ params: tenant(w) }),
  updateTenant: (w) => ({ params: tenant(w), body: { name: 'Renamed from outside' } }),
  listPermissions: (w) => ({ params: tenant(w) }),
  listRoles: (w) => ({ params: tenant(w) }),
  getRole: (w) => ({ params: { ...tenant(w), roleId: w.customRole.roleId } }),
  createRole: (w) => ({ params: tenant(w), body: { name: `Copy ${ulid()}`, copyFrom: w.customRole.roleId } }),
  updateRole: (w) => ({
    params: { ...tenant(w), roleId: w.customRole.roleId },
    body: { description: 'changed from outside' },
  }),
  deleteRole: (w) => ({ params: { ...tenant(w), roleId: w.customRole.roleId }, query: { reassignTo: 'viewer' } }),
  listMembers: (w) => ({ params: tenant(w), query: { roleId: w.customRole.roleId } }),
  getMember: (w) => ({ params: { ...tenant(w), memberId: w.member.member.memberId } }),
  updateMember: (w) => ({
    params: { ...tenant(w), memberId: w.member.member.memberId },
    body: { roles: [{ roleId: w.customRole.roleId }] },
  }),
  suspendMember: (w) => ({ params: { ...tenant(w), memberId: w.member.member.memberId } }),
  reactivateMember: (w) => ({ params: { ...tenant(w), memberId: w.suspended.member.memberId } }),
  removeMember: (w) => ({ params: { ...tenant(w), memberId: w.suspended.member.memberId } }),
  transferOwnership: (w) => ({ params: tenant(w), body: { memberId: w.member.member.memberId } }),
  createInvitations: (w) => ({
    params: tenant(w),
    body: { emails: [uniqueEmail('outsider-invite')], roles: [{ roleId: w.customRole.roleId }] },
  }),
  listInvitations: (w) => ({ params: tenant(w), query: { status: 'pending' } }),
  resendInvitation: (w) => ({ params: { ...tenant(w), invitationId: w.invitations[0]!.invitationId } }),
  revokeInvitation: (w) => ({ params: { ...tenant(w), invitationId: w.invitations[0]!.invitationId } }),
  listAudit: (w) => ({ params: tenant(w), query: { actorId: w.owner.identity.userId } }),
  verifyAudit: (w) => ({ params: tenant(w) }),
  createAuditExport: (w) => ({ params: tenant(w), body: { filter: { actorId: w.owner.identity.userId } } }),
  getAuditExport: (w) => ({ params: { ...tenant(w), exportId: w.exportId } }),
  createBot: (w) => ({ params: tenant(w), body: { name: `Sample bot ${ulid()}`, environments: ['sandbox'] } }),
  listBots: (w) => ({ params: tenant(w), query: { q: w.bot.name } }),
  getBot: (w) => ({ params: { ...tenant(w), botId: w.bot.botId } }),
  updateBot: (w) => ({ params: { ...tenant(w), botId: w.bot.botId }, body: { name: 'Renamed from outside' } }),
  deleteBot: (w) => ({ params: { ...tenant(w), botId: w.bot.botId } }),
  transferBotOwnership: (w) => ({
    params: { ...tenant(w), botId: w.bot.botId },
    body: { memberId: w.member.member.memberId },
  }),
  listBotAccess: (w) => ({ params: { ...tenant(w), botId: w.bot.botId }, query: { permission: 'flows:read' } }),
  setBotAccess: (w) => ({
    params: { ...tenant(w), botId: w.bot.botId, principalType: 'member', principalId: w.member.member.memberId },
    body: { roles: [{ roleId: 'bot-tester' }] },
  }),
  listMemberBots: (w) => ({
    params: { ...tenant(w), memberId: w.member.member.memberId },
    query: { permission: 'inbox:read' },
  }),
  listGroups: (w) => ({ params: tenant(w), query: { limit: '1' } }),
  getGroup: (w) => ({ params: { ...tenant(w), groupId: w.group.groupId } }),
  createGroup: (w) => ({ params: tenant(w), body: { name: `Sample group ${ulid()}` } }),
  updateGroup: (w) => ({
    params: { ...tenant(w), groupId: w.group.groupId },
    body: { description: 'changed from outside' },
  }),
  deleteGroup: (w) => ({ params: { ...tenant(w), groupId: w.group.groupId } }),
  listGroupMembers: (w) => ({ params: { ...tenant(w), groupId: w.group.groupId }, query: { limit: '1' } }),
  addGroupMember: (w) => ({
    params: { ...tenant(w), groupId: w.group.groupId, memberId: w.suspended.member.memberId },
  }),
  removeGroupMember: (w) => ({
    params: { ...tenant(w), groupId: w.group.groupId, memberId: w.member.member.memberId },
  }),
  authorize: (w) => ({
    params: tenant(w),
    body: {
      subject: { memberId: w.member.member.memberId },
      checks: [
        { permission: 'users:read' },
        { permission: 'bots:configure', botId: w.bot.botId, environment: 'production' },
      ],
    },
  }),
  createAccessRequest: (w) => ({
    params: tenant(w),
    body: { botId: w.bot.botId, roles: [{ roleId: 'bot-developer', environments: ['production'] }], reason: 'sample' },
    actor: 'requester',
  }),
  listAccessRequests: (w) => ({ params: tenant(w), query: { status: 'pending' } }),
  getAccessRequest: (w) => ({ params: { ...tenant(w), requestId: w.accessRequests.approve } }),
  approveAccessRequest: (w) => ({
    params: { ...tenant(w), requestId: w.accessRequests.approve },
    body: { roles: [{ roleId: 'bot-developer' }] },
  }),
  denyAccessRequest: (w) => ({
    params: { ...tenant(w), requestId: w.accessRequests.deny },
    body: { reason: 'Not now' },
  }),
  cancelAccessRequest: (w) => ({ params: { ...tenant(w), requestId: w.accessRequests.cancel }, actor: 'requester' }),
};

/** Samples of the routes outside a tenant (platform, invitee, self, meta). */
export const globalSamples: { readonly [K in Exclude<RouteName, TenantScopedRouteName>]: SampleBuilder } = {
  getOpenApi: () => ({}),
  getMe: () => ({}),
  createTenant: () => ({ body: { name: `Sample ${ulid()}`, ownerEmail: uniqueEmail('sample-owner'), seatLimit: 5 } }),
  lookupInvitation: (w) => ({ query: { token: w.invitations[0]!.token } }),
  acceptInvitation: (w) => ({ body: { token: w.invitations[0]!.token, password: `Pw-${ulid()}-x9!` } }),
  declineInvitation: (w) => ({ body: { token: w.invitations[0]!.token } }),
  listMyInvitations: () => ({}),
  acceptMyInvitation: (w) => ({
    params: { tenantId: w.tenantId, invitationId: w.invitations[0]!.invitationId },
    actor: 'invitee',
  }),
  declineMyInvitation: (w) => ({
    params: { tenantId: w.tenantId, invitationId: w.invitations[0]!.invitationId },
    actor: 'invitee',
  }),
  listMyNotifications: () => ({ query: { unread: 'true' } }),
  markNotificationRead: (w) => ({ params: { notificationId: w.notificationId } }),
};

/** The sample of any route; throws (failing the calling test) for a route that has none. */
export function sampleFor(route: RouteDefinition, world: World): SampleRequest {
  const builder =
    (tenantScopedSamples as Record<string, SampleBuilder | undefined>)[route.operationId] ??
    (globalSamples as Record<string, SampleBuilder | undefined>)[route.operationId];
  if (!builder) throw new Error(`route ${route.operationId} has no sample in test/support/route-samples.ts: add one`);
  if (isTenantScoped(route) !== route.operationId in tenantScopedSamples) {
    throw new Error(`route ${route.operationId}: tenant scope and sample table disagree`);
  }
  return builder(world);
}

/** The response headers every API response carries (set by the one middy chain), errors included. */
export const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-permitted-cross-domain-policies': 'none',
} as const;

export function expectSecurityHeaders(result: Pick<ParsedResult, 'headers'>, label: string): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS))
    expect(result.headers[name], `${label}: ${name}`).toBe(value);
  expect(result.headers['strict-transport-security'], `${label}: strict-transport-security`).toMatch(
    /max-age=[1-9]\d{6,}/,
  );
  expect(result.headers['content-security-policy'], `${label}: content-security-policy`).toBe(
    "default-src 'none'; frame-ancestors 'none'",
  );
}

/** An RFC 9457 problem document with our members; `statuses` are the acceptable ones. */
export function expectProblem(
  result: Pick<ParsedResult, 'status' | 'headers' | 'body'>,
  statuses: readonly number[],
  label: string,
): void {
  expect(statuses, `${label}: status ${result.status} ${JSON.stringify(result.body)?.slice(0, 300)}`).toContain(
    result.status,
  );
  expect(result.headers['content-type'], `${label}: content-type`).toBe('application/problem+json');
  const body = result.body as Record<string, unknown>;
  expect(body, label).toMatchObject({ status: result.status });
  for (const member of ['type', 'title', 'detail', 'code'] as const) {
    expect(typeof body?.[member], `${label}: problem.${member}`).toBe('string');
    expect((body[member] as string).length, `${label}: problem.${member}`).toBeGreaterThan(0);
  }
}

/**
 * The secrets that occur in a response body (as text). Strings the request itself carried (`echoed`,
 * e.g. an id a validation error names back) reveal nothing to the caller and are not counted.
 */
export function leakedSecrets(body: unknown, secrets: readonly string[], request?: unknown): string[] {
  const text = (typeof body === 'string' ? body : JSON.stringify(body ?? '')).toLowerCase();
  const echoed = JSON.stringify(request ?? '').toLowerCase();
  return secrets.filter(
    (secret) => secret.length > 0 && text.includes(secret.toLowerCase()) && !echoed.includes(secret.toLowerCase()),
  );
}
