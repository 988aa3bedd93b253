import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { keys } from '../../shared/data/keys';
import { isTenantScoped, type RouteDefinition } from '../../shared/http/route-definition';
import { routeList } from '../../shared/http/routes';
import { chainOf } from '../support/audit';
import { deps } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { drainStream } from '../support/local-stack';
import {
  buildWorld,
  expectProblem,
  expectSecurityHeaders,
  leakedSecrets,
  sampleFor,
  secretsOf,
  type TenantScopedRouteName,
  tenantScopedSamples,
  type World,
} from '../support/route-samples';

// Hundreds of refusals, each logged at INFO by the handlers: keep the run's output readable.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
});

/**
 * Tenant isolation (SPEC §3 / §5, ASVS V8.2.2, V8.2.3, V8.4.1), generated from the route table: every
 * tenant-scoped route is called by the Owner of tenant B — who holds every permission, in B — with the real
 * ids of tenant A. A route added to the table is covered without editing this file (its sample in
 * test/support/route-samples.ts is required by the type checker and by the first test).
 *
 * 1. A's tenant in the path: refused (403/404 problem+json), and no byte of A in the answer.
 * 2. B's tenant in the path, A's resources named in path, query or body (object-level references):
 *    refused where the route must resolve them, harmless (nothing of A, nothing changed) otherwise.
 * 3. A cursor of one of A's lists replayed in B: 400 invalid_cursor.
 * 4. Afterwards, A's partition and audit chain are exactly what they were.
 */
let A: World;
let B: World;
let secretsOfA: string[];
let before: { items: Record<string, unknown>[]; chain: number };

const tenantScoped = routeList.filter(isTenantScoped);

/** Every item of a tenant's partition, read consistently. */
async function partition(tenantId: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await deps().db.send(
      new QueryCommand({
        TableName: deps().tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.tenant(tenantId).PK },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

beforeAll(async () => {
  [A, B] = await Promise.all([buildWorld('Alpha'), buildWorld('Bravo')]);
  secretsOfA = secretsOf(A);
  await drainStream();
  before = { items: await partition(A.tenantId), chain: (await chainOf(A.tenantId)).length };
  expect(before.chain).toBeGreaterThan(3);
});

/**
 * For B's own tenant, which routes must refuse A's resource ids (they look them up) and which may answer
 * (their A ids are filters or nothing at all), as long as they show nothing of A.
 */
const foreignReference: { readonly [K in TenantScopedRouteName]: 'refused' | 'harmless' } = {
  getTenant: 'harmless',
  updateTenant: 'harmless',
  listPermissions: 'harmless',
  listRoles: 'harmless',
  getRole: 'refused',
  createRole: 'refused',
  updateRole: 'refused',
  deleteRole: 'refused',
  listMembers: 'harmless',
  getMember: 'refused',
  updateMember: 'refused',
  suspendMember: 'refused',
  reactivateMember: 'refused',
  removeMember: 'refused',
  transferOwnership: 'refused',
  createInvitations: 'refused',
  listInvitations: 'harmless',
  resendInvitation: 'refused',
  revokeInvitation: 'refused',
  listAudit: 'harmless',
  verifyAudit: 'harmless',
  createAuditExport: 'harmless',
  getAuditExport: 'refused',
  createBot: 'harmless',
  listBots: 'harmless',
  getBot: 'refused',
  updateBot: 'refused',
  deleteBot: 'refused',
  transferBotOwnership: 'refused',
  listBotAccess: 'refused',
  setBotAccess: 'refused',
  // A's member as the path's member, or as the subject of decisions: 404 member_not_found in B.
  listMemberBots: 'refused',
  authorize: 'refused',
  createAccessRequest: 'refused',
  // B's Owner lists B's requests (tenant-wide); A's ids are not a filter it takes.
  listAccessRequests: 'harmless',
  getAccessRequest: 'refused',
  approveAccessRequest: 'refused',
  denyAccessRequest: 'refused',
  cancelAccessRequest: 'refused',
  listGroups: 'harmless',
  createGroup: 'harmless',
  getGroup: 'refused',
  updateGroup: 'refused',
  deleteGroup: 'refused',
  listGroupMembers: 'refused',
  addGroupMember: 'refused',
  removeGroupMember: 'refused',
};

const hasCursor = (route: RouteDefinition) => route.request?.query?.shape.cursor !== undefined;

describe('tenant isolation (route table × B’s Owner against A)', () => {
  it('covers every tenant-scoped route of the route table', () => {
    expect(tenantScoped.length).toBeGreaterThan(15);
    for (const route of tenantScoped) {
      expect(
        tenantScopedSamples[route.operationId as TenantScopedRouteName],
        `sample for ${route.operationId}`,
      ).toBeTypeOf('function');
      expect(
        foreignReference[route.operationId as TenantScopedRouteName],
        `foreign-reference row for ${route.operationId}`,
      ).toBeDefined();
    }
  });

  describe("A's tenant in the path", () => {
    for (const route of tenantScoped) {
      it(`${route.operationId}: refused, nothing of A in the answer`, async () => {
        const sample = sampleFor(route, A);
        const result = await invoke(route, { identity: B.owner.identity, ...sample });
        expectProblem(result, [403, 404], route.operationId);
        expectSecurityHeaders(result, route.operationId);
        expect(leakedSecrets(result.body, secretsOfA, sample), route.operationId).toEqual([]);
      });
    }
  });

  describe("B's tenant in the path, A's resources in the request", () => {
    for (const route of tenantScoped) {
      const expected = foreignReference[route.operationId as TenantScopedRouteName];
      it(`${route.operationId}: ${expected}`, async () => {
        const sample = sampleFor(route, A);
        const request = { ...sample, params: { ...sample.params, tenantId: B.tenantId } };
        const result = await invoke(route, { identity: B.owner.identity, ...request });
        expectSecurityHeaders(result, route.operationId);
        expect(leakedSecrets(result.body, secretsOfA, request), route.operationId).toEqual([]);
        if (expected === 'refused') expectProblem(result, [400, 403, 404], route.operationId);
        else expect(result.status, JSON.stringify(result.body)).toBeLessThan(500);
      });
    }
  });

  describe("a cursor of A's list replayed in B", () => {
    const listRoutes = tenantScoped.filter(hasCursor);
    it('there are lists with cursors', () => expect(listRoutes.length).toBeGreaterThanOrEqual(3));
    for (const route of listRoutes) {
      it(`${route.operationId}: 400 invalid_cursor`, async () => {
        // The sample's path (a list under a member names one of its world's), no filter.
        const first = await invoke(route, {
          identity: A.owner.identity,
          params: sampleFor(route, A).params,
          query: { limit: '1' },
        });
        expect(first.status, JSON.stringify(first.body)).toBe(200);
        const cursor = first.body.nextCursor as string;
        expect(cursor, `${route.operationId} needs a second page in A`).toEqual(expect.any(String));
        const replayed = await invoke(route, {
          identity: B.owner.identity,
          params: sampleFor(route, B).params,
          query: { limit: '1', cursor },
        });
        expectProblem(replayed, [400], route.operationId);
        expect(replayed.body.code).toBe('invalid_cursor');
        expect(leakedSecrets(replayed.body, secretsOfA)).toEqual([]);
      });
    }
  });

  it('left A exactly as it was: every item of its partition, and its audit chain', async () => {
    await drainStream();
    expect(await partition(A.tenantId)).toEqual(before.items);
    expect((await chainOf(A.tenantId)).length).toBe(before.chain);
  });
});
