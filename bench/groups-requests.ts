import type { Identity } from '../shared/domain/actor';
import type { RouteDefinition } from '../shared/http/route-definition';
import type { ServiceDeps } from '../shared/services/service-deps';
import { withCallLog } from './ddb-calls';
import { type BenchContext, type Figure, figure } from './lib';
import { latencyFigure, latencyLine, latencySamples, readLatency, readList } from './list-reading';
import type { LoadedTenant } from './load-data';
import { withoutAuthTime } from './queries';

/**
 * Figure 10, groups and access requests (SPEC §8, §9; issue 13), on the loaded tenant, through the services that
 * serve the API (so every item is what the API writes):
 * - `groups` groups (100; quick: 20), each carrying a built-in role; the anchor member joins the first 10;
 * - the authorization of a member in 10 groups that carry roles: the DynamoDB calls of `GET /tenants/{t}` as that
 *   member (sequential, so calls = round trips), target ≤ 2;
 * - `GET /groups`, `GET /groups/{id}/members`, every filter of `GET /access-requests` and `GET /me/notifications`
 *   (all, unread), each read to its last page (returning exactly what was created): Query ScannedCount / Count,
 *   target ≤ 1.25; and each first page timed through its handler against its raw round trips (`readLatency`):
 *   p50 ratio, target ≤ 1.3.
 */
export async function measureGroupsAndRequests(
  ctx: BenchContext,
  deps: ServiceDeps,
  tenant: LoadedTenant,
  drain: () => Promise<unknown>,
): Promise<Figure[]> {
  const { routes } = await import('../shared/http/routes');
  const { resolveTenantCaller } = await import('../shared/services/caller-service');
  const { createGroup, updateGroup, addGroupMember } = await import('../shared/services/group-service');
  const { registerBot } = await import('../shared/services/bot-service');
  const { createAccessRequest, denyAccessRequest } = await import('../shared/services/access-request-service');
  const { listMyNotifications, markMyNotificationRead } = await import('../shared/services/notification-service');
  const { tenantId } = tenant;
  const meta = () => ({ requestId: `bench-${Math.random().toString(36).slice(2)}` });
  const owner = await resolveTenantCaller(deps, tenant.owner.identity, tenantId);
  const identityOf = (m: { userId?: string; email: string }): Identity => ({
    userId: m.userId as string,
    email: m.email,
    groups: [],
  });
  const active = tenant.sample.filter((m) => m.status === 'active' && m.userId && m.memberId !== owner.memberId);

  // Groups carrying built-in roles; the anchor joins the first ten.
  const groupRoles = ['viewer', 'agent', 'manager', 'member'];
  const groupCount = ctx.quick ? 20 : 100;
  const groups: { groupId: string }[] = [];
  for (let i = 0; i < groupCount; i += 4) {
    groups.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(4, groupCount - i) }, async (_, j) => {
          const group = await createGroup(deps, owner, { name: `Bench group ${i + j} ${tenantId.slice(-6)}` }, meta());
          const roleId = groupRoles[(i + j) % groupRoles.length] as string;
          await updateGroup(deps, owner, group.groupId, { roles: [{ roleId }] }, undefined, meta());
          return group;
        }),
      )),
    );
  }
  const anchor = tenant.anchors.active;
  for (const group of groups.slice(0, 10)) await addGroupMember(deps, owner, group.groupId, anchor.memberId, meta());
  // The first group gets every active sampled member, for its member list.
  const crowd = active.filter((m) => m.memberId !== anchor.memberId);
  for (let i = 0; i < crowd.length; i += 8) {
    await Promise.all(
      crowd.slice(i, i + 8).map((m) => addGroupMember(deps, owner, groups[0]!.groupId, m.memberId, meta())),
    );
  }

  // Access requests: every active sampled member asks for Developer on each of 4 bots; every third is denied.
  const bots: string[] = [];
  for (let i = 0; i < 4; i++)
    bots.push((await registerBot(deps, owner, { name: `Requests bench bot ${i}` }, meta())).bot.botId);
  const requesters = active.filter((m) => m.memberId !== anchor.memberId);
  let created = 0;
  let denied = 0;
  let onFirstBot = 0;
  const deniedOnFirstBot: string[] = [];
  // Members who hold Developer's permissions tenant-wide already (Admins, some custom roles) are told so (409
  // already_has_access) and ask for nothing.
  const asking: typeof requesters = [];
  const pendingOf = new Map<string, number>();
  for (const member of requesters) {
    const caller = await resolveTenantCaller(deps, identityOf(member), tenantId);
    for (const botId of bots) {
      const request = await createAccessRequest(
        deps,
        caller,
        { botId, roles: [{ roleId: 'bot-developer' }] },
        meta(),
      ).catch((error: { code?: string }) => {
        if (error.code === 'already_has_access') return undefined;
        throw error;
      });
      if (!request) continue;
      if (!asking.includes(member)) asking.push(member);
      created++;
      if (botId === bots[0]) onFirstBot++;
      if (created % 3 === 0) {
        await denyAccessRequest(deps, owner, request.requestId, { reason: 'bench' }, meta());
        denied++;
        if (botId === bots[0]) deniedOnFirstBot.push(request.requestId);
      } else pendingOf.set(member.memberId, (pendingOf.get(member.memberId) ?? 0) + 1);
    }
  }
  const pendingOfFirstAsker = pendingOf.get(asking[0]!.memberId) ?? 0;

  // Each new request notifies the bot's approvers (the Owner, who registered the bots) through the outbox: once the
  // stream consumer has written them, every fourth is read.
  await drain();
  const ownerIdentity = withoutAuthTime(tenant.owner.identity);
  let notifications = 0;
  let unread = 0;
  for (let cursor: string | undefined, i = 0; ; ) {
    const page = await listMyNotifications(deps, ownerIdentity, { unread: false, limit: 100, cursor });
    for (const n of page.items) {
      if (n.tenantId !== tenantId) continue;
      notifications++;
      if (i++ % 4 === 0) await markMyNotificationRead(deps, ownerIdentity, n.notificationId);
      else unread++;
    }
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }

  const figures: Figure[] = [];

  // The anchor's authorization, as the middleware does it on every tenant route: the principal link, then one
  // BatchGetItem of the member, their groups and the custom roles the link lists (resolveTenantCaller).
  const { result: anchorCaller, calls } = await withCallLog(() =>
    resolveTenantCaller(deps, identityOf(anchor), tenantId),
  );
  const fromGroups = anchorCaller.effectivePermissions.filter((p) => p.sources.some((s) => s.startsWith('group:')));
  if (fromGroups.length === 0)
    throw new Error('the anchor holds nothing through its groups: the figure would mean nothing');
  figures.push(
    figure({
      name: '10. member in 10 groups with roles: DynamoDB round trips to authorize',
      value: calls.length,
      unit: 'calls',
      target: { on: 'value', max: 2 },
      note: `${calls.map((c) => c.command.replace('Command', '')).join(' + ')}; ${fromGroups.length} permissions through groups`,
    }),
  );

  const lists: {
    name: string;
    route: RouteDefinition;
    params: Record<string, string>;
    query: Record<string, string>;
    identity: Identity;
    expected: number;
  }[] = [
    {
      name: 'GET /groups',
      route: routes.listGroups,
      params: { tenantId },
      query: {},
      identity: ownerIdentity,
      expected: groups.length,
    },
    {
      name: 'GET /groups/{id}/members',
      route: routes.listGroupMembers,
      params: { tenantId, groupId: groups[0]!.groupId },
      query: {},
      identity: tenant.owner.identity,
      expected: crowd.length + 1,
    },
    {
      name: 'GET /access-requests',
      route: routes.listAccessRequests,
      params: { tenantId },
      query: {},
      identity: tenant.owner.identity,
      expected: created,
    },
    {
      name: 'GET /access-requests?status=pending',
      route: routes.listAccessRequests,
      params: { tenantId },
      query: { status: 'pending' },
      identity: tenant.owner.identity,
      expected: created - denied,
    },
    {
      name: 'GET /access-requests?botId=',
      route: routes.listAccessRequests,
      params: { tenantId },
      query: { botId: bots[0]! },
      identity: tenant.owner.identity,
      expected: onFirstBot,
    },
    {
      name: 'GET /access-requests?botId=&status=denied',
      route: routes.listAccessRequests,
      params: { tenantId },
      query: { botId: bots[0]!, status: 'denied' },
      identity: tenant.owner.identity,
      expected: deniedOnFirstBot.length,
    },
    {
      name: 'GET /access-requests?mine=true',
      route: routes.listAccessRequests,
      params: { tenantId },
      query: { mine: 'true' },
      identity: identityOf(asking[0]!),
      expected: bots.length,
    },
    {
      name: 'GET /access-requests?mine=true&status=pending',
      route: routes.listAccessRequests,
      params: { tenantId },
      query: { mine: 'true', status: 'pending' },
      identity: identityOf(asking[0]!),
      expected: pendingOfFirstAsker,
    },
    {
      name: 'GET /access-requests?status=denied',
      route: routes.listAccessRequests,
      params: { tenantId },
      query: { status: 'denied' },
      identity: tenant.owner.identity,
      expected: denied,
    },
    {
      name: 'GET /me/notifications',
      route: routes.listMyNotifications,
      params: {},
      query: {},
      identity: ownerIdentity,
      expected: notifications,
    },
    {
      name: 'GET /me/notifications?unread=true',
      route: routes.listMyNotifications,
      params: {},
      query: { unread: 'true' },
      identity: ownerIdentity,
      expected: unread,
    },
  ];
  for (const list of lists) {
    const { scanned, count, returned, pages } = await readList(list.route, {
      identity: list.identity,
      params: list.params,
      query: list.query,
    });
    if (returned !== list.expected) {
      throw new Error(`${list.name}: read to the end, returned ${returned} items, expected ${list.expected}`);
    }
    figures.push(
      figure({
        name: `10. ${list.name} ScannedCount/Count`,
        value: count === 0 ? 1 : scanned / count,
        unit: 'ratio',
        target: { on: 'value', max: 1.25 },
        note: `${pages} page(s) of 100, to the end: Query ScannedCount ${scanned}, Count ${count}; ${returned} items returned`,
      }),
    );
    const latency = await readLatency(
      list.route,
      { identity: list.identity, params: list.params, query: { ...list.query, limit: '50' } },
      latencySamples(ctx.quick),
    );
    figures.push(latencyFigure(`10. ${list.name}`, latency));
    ctx.log(latencyLine(`10. ${list.name}`, latency));
  }
  ctx.log(
    `groups and requests: ${groups.length} groups, ${crowd.length + 1} members in the first; ${created} requests (${denied} denied) on ${bots.length} bots; ${notifications} notifications to the Owner (${unread} unread)`,
  );
  return figures;
}
