import fc from 'fast-check';
import { ulid } from 'ulidx';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { isBotScoped, isPermission } from '../../shared/domain/permissions';
import { buildOpenApiDocument } from '../../shared/http/openapi';
import { routeList, routes } from '../../shared/http/routes';
import { memberIn, platformAdmin, tenantWithOwner } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { arbitraryFor, type JsonSchema } from '../support/openapi-arbitrary';
import { buildWorld, expectProblem, type World } from '../support/route-samples';

// Refusals are logged at INFO by the handlers: keep the run's output readable.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
});

/**
 * The HTTP contract where it is easy to get subtly wrong, against DynamoDB Local: errors name the part of
 * the request they are about.
 */
describe('error paths name the offending input', () => {
  it('DELETE /roles/{id}?reassignTo=<unknown role> points at query.reassignTo, not at the body', async () => {
    const { tenantId, owner } = await tenantWithOwner(10);
    const created = await invoke(routes.createRole, {
      identity: owner.identity,
      params: { tenantId },
      body: { name: `Doomed ${ulid()}`, copyFrom: 'viewer' },
    });
    expect(created.status).toBe(201);
    const roleId = created.body.roleId as string;
    await memberIn(tenantId, { roles: [{ roleId }] });
    const unknown = ulid();
    const result = await invoke(routes.deleteRole, {
      identity: owner.identity,
      params: { tenantId, roleId },
      query: { reassignTo: unknown },
    });
    expectProblem(result, [400], 'unknown reassignTo');
    expect(result.body.code).toBe('unknown_role');
    expect(result.body.errors).toEqual([{ path: 'query.reassignTo', message: `unknown role ${unknown}` }]);
  });
});

/**
 * Issue 11, item 8: the OpenAPI document says what the handlers enforce. Requests generated from the
 * DOCUMENT alone (test/support/openapi-arbitrary.ts: path, query and body values valid for its schemas,
 * nothing taken from the zod schemas), sent as a caller who may use the route, must never be refused as
 * invalid input: no 400, whatever else (403, 404, 409: the tenant's state) they meet, and never a 5xx.
 *
 * JSON Schema cannot state a few rules; the document states them in descriptions, and a client follows
 * them as this generator does (DOCUMENTED_RULES, each checked against the document's text below). Two
 * 400s stay possible and are documented: a reference to a role that does not exist in the tenant
 * (`unknown_role`, which no schema can know, like a 404 for a path id), a cursor the server did not issue
 * for this list (`invalid_cursor`: cursors are opaque), accepting without a password and without a
 * bearer token (`password_required`: the rule depends on a header), a role of the other scope where a tenant
 * or a bot role is wanted (`role_scope_mismatch`: a custom role's scope is the tenant's state, SPEC §7), and
 * a tenant-only permission in an edit of a bot role (`permission_not_bot_scoped`: the role's scope is state;
 * also a tenant-only permission asked about one bot in POST /authorize, which its schema describes), and
 * in an invitation's `botAccess` or a bot's access list a bot that does not exist in the tenant (`unknown_bot`,
 * like `unknown_role`) or an environment the bot does not have (`environment_not_on_bot`: the bot's
 * environments are state).
 */
const DOCUMENTED_400_CODES = new Set([
  'unknown_role',
  'unknown_bot',
  'environment_not_on_bot',
  'password_required',
  'invalid_cursor',
  'role_scope_mismatch',
  'permission_not_bot_scoped',
  'bot_owner_not_requestable',
  'roles_not_requested',
]);
const RUNS_PER_ROUTE = Number(process.env.CONTRACT_RUNS_PER_ROUTE ?? 25);
const contractSeed = process.env.FUZZ_SEED === undefined ? Date.now() : Number(process.env.FUZZ_SEED);

/** Rules the document states in prose, each with the phrase that states it, and how a client follows it. */
const DOCUMENTED_RULES = [
  { phrase: 'each roleId at most once', schemas: ['UpdateMemberRequest', 'CreateInvitationsRequest'] },
  { phrase: 'each botId at most once', schemas: ['CreateInvitationsRequest'] },
  { phrase: 'must lie in the future', schemas: ['UpdateMemberRequest', 'CreateInvitationsRequest'] },
  { phrase: 'not before `from`', schemas: ['AuditFilter'] },
  { phrase: 'not together with actorId', schemas: ['AuditFilter'] },
  { phrase: 'takes only bot-scoped permissions', schemas: ['CreateRoleRequest'] },
  { phrase: 'Only with scope `bot`', schemas: ['CreateRoleRequest'] },
  { phrase: 'Only with botId', schemas: ['AuthorizationCheck'] },
] as const;

function followDocumentedRules(value: unknown, now: number): unknown {
  if (Array.isArray(value)) return value.map((item) => followDocumentedRules(item, now));
  if (value === null || typeof value !== 'object') return value;
  const object = Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, followDocumentedRules(item, now)]),
  ) as Record<string, unknown>;
  if (Array.isArray(object.roles)) {
    const seen = new Set<unknown>();
    object.roles = (object.roles as { roleId?: unknown }[]).filter((r) => !seen.has(r.roleId) && seen.add(r.roleId));
  }
  if (Array.isArray(object.botAccess)) {
    const seen = new Set<unknown>();
    object.botAccess = (object.botAccess as { botId?: unknown }[]).filter(
      (b) => !seen.has(b.botId) && seen.add(b.botId),
    );
  }
  if (typeof object.expiresAt === 'string')
    object.expiresAt = new Date(now + 86_400_000 + (Date.parse(object.expiresAt) % 86_400_000) * 300).toISOString();
  if (
    typeof object.from === 'string' &&
    typeof object.to === 'string' &&
    Date.parse(object.from) > Date.parse(object.to)
  )
    [object.from, object.to] = [object.to, object.from];
  if (object.actorId !== undefined && object.targetId !== undefined) delete object.targetId;
  if (object.mine === 'true' && object.botId !== undefined) delete object.botId;
  if (object.scope === 'bot' && Array.isArray(object.permissions))
    object.permissions = (object.permissions as string[]).filter((p) => isPermission(p) && isBotScoped(p));
  if (object.requires !== undefined && object.scope !== 'bot') delete object.requires;
  if (object.environment !== undefined && object.botId === undefined) delete object.environment;
  return object;
}

describe(`schema-valid requests from the OpenAPI document are never refused as invalid (seed ${contractSeed})`, () => {
  let document: {
    paths: Record<string, Record<string, OpenApiOperation>>;
    components: { schemas: Record<string, JsonSchema> };
  };
  let world: World;
  let transferWorld: World;

  beforeAll(async () => {
    document = JSON.parse(JSON.stringify(buildOpenApiDocument()));
    [world, transferWorld] = await Promise.all([buildWorld('Contract'), buildWorld('Contract transfer')]);
  }, 60_000);

  it('states the rules JSON Schema cannot, where a client reads them', () => {
    for (const rule of DOCUMENTED_RULES) {
      for (const name of rule.schemas) {
        expect(JSON.stringify(document.components.schemas[name]), `${name}: "${rule.phrase}"`).toContain(rule.phrase);
      }
    }
    const text = JSON.stringify(document);
    for (const code of DOCUMENTED_400_CODES) {
      if (code !== 'password_required') expect(text, code).toContain(code);
    }
    expect(JSON.stringify(document.components.schemas.AcceptInvitationRequest)).toContain('send a bearer token');
  });

  it('names: the document refuses a blank name, and a name of maxLength characters outside the BMP is accepted', async () => {
    const name = document.components.schemas.CreateRoleRequest!.properties as Record<string, JsonSchema>;
    const patterns = [name.name!.pattern, ...((name.name!.allOf ?? []) as JsonSchema[]).map((p) => p.pattern)]
      .filter((p): p is string => typeof p === 'string')
      .map((p) => new RegExp(p));
    expect(
      patterns.every((p) => p.test('   ')),
      'a blank name matches every pattern of CreateRoleRequest.name',
    ).toBe(false);
    const maxLength = name.name!.maxLength as number;
    const result = await invoke(routes.createRole, {
      identity: world.owner.identity,
      params: { tenantId: world.tenantId },
      body: { name: '🙂'.repeat(maxLength - 1) + ulid().slice(-1), copyFrom: 'viewer' },
    });
    expect(result.status, JSON.stringify(result.body)).toBe(201);
  });

  for (const route of routeList) {
    it(`${route.operationId}: no 400 for input valid by the document`, async () => {
      const w = route.operationId === 'transferOwnership' ? transferWorld : world;
      const operation = document.paths[route.path]![route.method.toLowerCase()]!;
      const options = {
        components: document.components.schemas,
        knownStrings: [
          w.tenantId,
          w.customRole.roleId,
          w.exportId,
          ...[w.owner, w.admin, w.member, w.suspended].map((p) => p.member.memberId),
          ...w.invitations.flatMap((i) => [i.invitationId, i.token]),
        ],
      };
      const parameters = operation.parameters ?? [];
      const part = (where: 'path' | 'query') =>
        fc.record(
          Object.fromEntries(
            parameters
              .filter((p) => p.in === where)
              .map((p) => [
                p.name,
                p.required || where === 'path'
                  ? arbitraryFor(p.schema, options).map(String)
                  : fc.option(arbitraryFor(p.schema, options).map(String), { nil: undefined }),
              ]),
          ),
        );
      const bodySchema = operation.requestBody?.content['application/json']?.schema;
      const requests = fc.record({
        params: part('path'),
        query: part('query'),
        body: bodySchema ? arbitraryFor(bodySchema, options) : fc.constant(undefined),
      });
      const identity =
        route.access.kind === 'public'
          ? undefined
          : route.access.kind === 'platform-admin'
            ? platformAdmin
            : w.owner.identity;
      await fc.assert(
        fc.asyncProperty(requests, async (request) => {
          const query = followDocumentedRules(
            Object.fromEntries(Object.entries(request.query).filter(([, v]) => v !== undefined)),
            Date.now(),
          );
          const params = { ...request.params, ...(route.path.includes('{tenantId}') ? { tenantId: w.tenantId } : {}) };
          const body = followDocumentedRules(request.body, Date.now());
          const result = await invoke(route, { identity, params, query: query as Record<string, string>, body });
          const label = `${route.operationId} ${JSON.stringify({ params, query, body }).slice(0, 600)} → ${result.status} ${JSON.stringify(result.body)?.slice(0, 400)}`;
          expect(result.status, label).toBeLessThan(500);
          if (result.status === 400) expect(DOCUMENTED_400_CODES.has(result.body.code), label).toBe(true);
        }),
        { numRuns: RUNS_PER_ROUTE, seed: contractSeed },
      );
    }, 120_000);
  }
});

interface OpenApiOperation {
  parameters?: { name: string; in: string; required?: boolean; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}
