import type { Identity } from '../shared/domain/actor';
import type { RouteDefinition } from '../shared/http/route-definition';
import type { ServiceDeps } from '../shared/services/service-deps';
import { withCallLog } from './ddb-calls';
import { type BenchContext, type Figure, figure } from './lib';
import { readList } from './list-reading';
import type { LoadedTenant } from './load-data';

/**
 * Figure 10, groups and access requests (SPEC §8, §9; issue 13), on the loaded tenant, through the services that
 * serve the API (so every item is what the API writes):
 * - the authorization of a member in 10 groups that carry roles: the DynamoDB calls of `GET /tenants/{t}` as that
 *   member (sequential, so calls = round trips), target ≤ 2;
 * - `GET /groups/{id}/members` and every filter of `GET /access-requests`, each read to its last page (returning
 *   exactly what was created): Query ScannedCount / Count, target ≤ 1.25.
 */
export async function measureGroupsAndRequests(
  ctx: BenchContext,
  deps: ServiceDeps,
  tenant: LoadedTenant,
): Promise<Figure[]> {
  const { routes } = await import('../shared/http/routes');
  const { resolveTenantCaller } = await import('../shared/services/caller-service');
  const { createGroup, updateGroup, addGroupMember } = await import('../shared/services/group-service');
  const { registerBot } = await import('../shared/services/bot-service');
  const { createAccessRequest, denyAccessRequest } = await import('../shared/services/access-request-service');
  const { tenantId } = tenant;
  const meta = () => ({ requestId: `bench-${Math.random().toString(36).slice(2)}` });
  const owner = await resolveTenantCaller(deps, tenant.owner.identity, tenantId);
  const identityOf = (m: { userId?: string; email: string }): Identity => ({
    userId: m.userId as string,
    email: m.email,
    groups: [],
  });
  const active = tenant.sample.filter((m) => m.status === 'active' && m.userId && m.memberId !== owner.memberId);

  // Ten groups carrying built-in roles; the anchor joins them all.
  const groupRoles = [
    'viewer',
    'agent',
    'manager',
    'member',
    'viewer',
    'agent',
    'manager',
    'member',
    'viewer',
    'agent',
  ];
  const groups: { groupId: string }[] = [];
  for (const [i, roleId] of groupRoles.entries()) {
    const group = await createGroup(deps, owner, { name: `Bench group ${i} ${tenantId.slice(-6)}` }, meta());
    await updateGroup(deps, owner, group.groupId, { roles: [{ roleId }] }, undefined, meta());
    groups.push(group);
  }
  const anchor = tenant.anchors.active;
  for (const group of groups) await addGroupMember(deps, owner, group.groupId, anchor.memberId, meta());
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
      }
    }
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
  }
  ctx.log(
    `groups and requests: 10 groups, ${crowd.length + 1} members in the first; ${created} requests (${denied} denied) on ${bots.length} bots`,
  );
  return figures;
}
