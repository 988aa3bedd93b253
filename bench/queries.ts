import type { Identity } from '../shared/domain/actor';
import type { RouteDefinition } from '../shared/http/route-definition';
import { withCallLog } from './ddb-calls';
import { call } from './invoke';
import { type BenchContext, type Figure, figure } from './lib';
import { latencyFigure, latencyLine, latencySamples, readLatency } from './list-reading';
import type { LoadedTenant } from './load-data';

/**
 * Figure 4, query efficiency: every list filter of the API, through its real handler, on the loaded
 * tenant (thousands of members, a long audit trail). For each, the Queries the handler made are summed
 * over the first pages: ScannedCount / Count is what DynamoDB read per item it returned, 1.0 for a
 * key-condition Query with no filter expression. Filters that combine a reference index (role holders,
 * search terms) with a status filter the page afterwards; for those the figure is items read per member
 * returned to the client.
 *
 * Each list's first page (50, the default) is also timed through its handler against its raw round trips (the same
 * DynamoDB commands sent directly, `readLatency`): p50 ratio, target ≤ 1.3.
 */

interface ListFilter {
  readonly name: string;
  readonly route: RouteDefinition;
  readonly query: Record<string, string>;
  /**
   * Compare the items the Queries read with the members the client gets, not ScannedCount with Count:
   * for lists read through reference items (search terms, role assignments), where one member can be
   * several items (a name and an email term) or a reference can be dropped after the member is read.
   */
  readonly perReturned?: boolean;
  /** Who asks (default: the Owner). */
  readonly identity?: Identity;
  /** false for a list answered whole (no `limit`, no cursor). */
  readonly paged?: false;
  /**
   * For a list that answers more than it reads (the role list's built-in roles are code): the items of a page its
   * Queries are compared with. Reported as read per returned, without a target.
   */
  readonly returned?: (items: readonly unknown[]) => number;
}

export async function measureQueries(
  ctx: BenchContext,
  tenant: LoadedTenant,
  /** `latency: false` measures what the lists read only (test/integration/bench-data.test.ts: every filter matches). */
  options: { latency?: boolean } = {},
): Promise<Figure[]> {
  const { routes } = await import('../shared/http/routes');
  const { tenantId, owner } = tenant;
  // Filter values come from members and entries every data set has (load-data's anchors and the middle
  // of the trail), so that each filter matches something whatever the seed and size.
  const { active, invited } = tenant.anchors;
  const emailPrefix = active.email.split('.')[0]!;
  const invitedEmailPrefix = invited.email.split('.')[0]!;
  const namePrefix = (active.displayName ?? active.email).toLowerCase().split(' ')[0]!;
  const { middle } = tenant.audit;
  // A month around the middle entry, or a third of the trail's span when that is shorter.
  const halfWindow = Math.min(15 * 86_400_000, (Date.parse(tenant.audit.last) - Date.parse(tenant.audit.first)) / 6);
  const monthStart = new Date(Date.parse(middle.occurredAt) - halfWindow).toISOString();
  const monthEnd = new Date(Date.parse(middle.occurredAt) + halfWindow).toISOString();
  const actionPrefix = `${middle.action.split('.')[0]}.`;

  const filters: ListFilter[] = [
    { name: 'members: all', route: routes.listMembers, query: {} },
    { name: 'members: status=active', route: routes.listMembers, query: { status: 'active' } },
    { name: 'members: status=invited', route: routes.listMembers, query: { status: 'invited' } },
    { name: 'members: status=suspended', route: routes.listMembers, query: { status: 'suspended' } },
    { name: 'members: roleId=agent', route: routes.listMembers, query: { roleId: 'agent' } },
    { name: 'members: roleId=<custom>', route: routes.listMembers, query: { roleId: tenant.customRoleId } },
    { name: `members: q=<email prefix>`, route: routes.listMembers, query: { q: emailPrefix }, perReturned: true },
    { name: `members: q=<name prefix>`, route: routes.listMembers, query: { q: namePrefix }, perReturned: true },
    {
      name: 'members: roleId=agent&status=suspended',
      route: routes.listMembers,
      query: { roleId: 'agent', status: 'suspended' },
      perReturned: true,
    },
    {
      name: 'members: q=<email prefix>&status=invited',
      route: routes.listMembers,
      query: { q: invitedEmailPrefix, status: 'invited' },
      perReturned: true,
    },
    {
      // The search index, then the role checked on each member found: read/returned is the share of the prefix's
      // members who hold the role.
      name: 'members: q=<name prefix>&roleId=agent',
      route: routes.listMembers,
      query: { q: namePrefix, roleId: 'agent' },
      perReturned: true,
    },
    { name: 'roles: all', route: routes.listRoles, query: {}, paged: false },
    {
      // The role list is answered whole and sorted by name: every custom role of the tenant (tens) is read, then the
      // scope kept. Reported as custom roles read per custom role returned, for information.
      name: 'roles: scope=bot',
      route: routes.listRoles,
      query: { scope: 'bot' },
      paged: false,
      returned: (items) => items.filter((role) => !(role as { builtIn: boolean }).builtIn).length,
    },
    {
      // The invitee's own pending invitations, in every tenant (GET /v1/me/invitations), by their verified email.
      name: 'me/invitations',
      route: routes.listMyInvitations,
      query: {},
      identity: { userId: `sub-bench-invitee-${tenantId}`, email: invited.email, groups: [] },
      paged: false,
    },
    { name: 'invitations: pending', route: routes.listInvitations, query: { status: 'pending' } },
    { name: 'invitations: expired', route: routes.listInvitations, query: { status: 'expired' } },
    { name: 'audit: tenant', route: routes.listAudit, query: {} },
    {
      name: 'audit: actorId',
      route: routes.listAudit,
      query: { actorId: middle.actorId },
    },
    { name: 'audit: targetId', route: routes.listAudit, query: { targetId: middle.targetId } },
    { name: 'audit: action', route: routes.listAudit, query: { action: middle.action } },
    { name: 'audit: action prefix', route: routes.listAudit, query: { action: actionPrefix } },
    { name: 'audit: date range', route: routes.listAudit, query: { from: monthStart, to: monthEnd } },
    {
      name: 'audit: actorId + date range',
      route: routes.listAudit,
      query: { actorId: middle.actorId, from: monthStart, to: monthEnd },
    },
    // The filters combine (actor or target, with an action or action prefix, within a date range): each
    // combination is its own index, so each is one key-condition Query too.
    {
      name: 'audit: action prefix + date range',
      route: routes.listAudit,
      query: { action: actionPrefix, from: monthStart, to: monthEnd },
    },
    {
      name: 'audit: actorId + action',
      route: routes.listAudit,
      query: { actorId: middle.actorId, action: middle.action },
    },
    {
      name: 'audit: actorId + action prefix + date range',
      route: routes.listAudit,
      query: { actorId: middle.actorId, action: actionPrefix, from: monthStart, to: monthEnd },
    },
    {
      name: 'audit: targetId + action prefix',
      route: routes.listAudit,
      query: { targetId: middle.targetId, action: actionPrefix },
    },
    {
      name: 'audit: targetId + action + date range',
      route: routes.listAudit,
      query: { targetId: middle.targetId, action: middle.action, from: monthStart, to: monthEnd },
    },
  ];

  const pages = ctx.quick ? 1 : 5;
  const figures: Figure[] = [];
  const ownerIdentity = withoutAuthTime(owner.identity);
  for (const filter of filters) {
    const identity = filter.identity ?? ownerIdentity;
    let scanned = 0;
    let count = 0;
    let returned = 0;
    let cursor: string | undefined;
    let page = 0;
    for (; page < pages; page++) {
      const { result, calls } = await withCallLog(() =>
        call(
          filter.route,
          {
            identity,
            params: { tenantId },
            query:
              filter.paged === false ? filter.query : { ...filter.query, limit: '100', ...(cursor ? { cursor } : {}) },
          },
          200,
        ),
      );
      const body = JSON.parse(String(result.body)) as { items: unknown[]; nextCursor?: string | null };
      for (const c of calls) {
        if (c.command !== 'QueryCommand') continue;
        scanned += c.scannedCount ?? 0;
        count += c.count ?? 0;
      }
      returned += filter.returned ? filter.returned(body.items) : body.items.length;
      if (!body.nextCursor) {
        page++;
        break;
      }
      cursor = body.nextCursor;
    }
    if (count === 0) throw new Error(`${filter.name}: the loaded data matched nothing; pick another filter value`);
    // A combined filter may return nothing from what it read: count that as one, not as infinitely bad.
    const perReturned = filter.perReturned || filter.returned !== undefined;
    const value = perReturned ? scanned / Math.max(returned, 1) : scanned / count;
    figures.push(
      figure({
        name: `4. ${filter.name} ${perReturned ? 'read/returned' : 'ScannedCount/Count'}`,
        value,
        unit: 'ratio',
        target: filter.returned ? null : { on: 'value', max: 1.25 },
        note: `${page} page(s) of 100: Query ScannedCount ${scanned}, Count ${count}; ${returned} items returned`,
      }),
    );
    if (options.latency === false) continue;
    const latency = await readLatency(
      filter.route,
      {
        identity,
        params: { tenantId },
        query: filter.paged === false ? filter.query : { ...filter.query, limit: '50' },
      },
      latencySamples(ctx.quick),
    );
    figures.push(latencyFigure(`4. ${filter.name}`, latency));
    ctx.log(latencyLine(`4. ${filter.name}`, latency));
  }
  ctx.log(`queries: ${filters.length} filters, up to ${pages} pages of 100 each`);
  return figures;
}

/** The caller without `auth_time`: a fresh one would add the sign-in write to the first request, not to the others. */
export function withoutAuthTime(identity: Identity): Identity {
  const { authTime: _ignored, ...rest } = identity;
  return rest;
}
