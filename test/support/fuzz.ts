import fc from 'fast-check';
import { expect } from 'vitest';
import { auditActions } from '../../shared/data/outbox';
import type { Identity } from '../../shared/domain/actor';
import { allPermissions } from '../../shared/domain/permissions';
import { builtInRoleIds } from '../../shared/domain/roles';
import type { RouteDefinition } from '../../shared/http/route-definition';
import { claimsOf } from './fixtures';
import { httpEvent, lambdaContext, type ParsedResult, parseResult } from './http-event';
import { expectProblem, expectSecurityHeaders, type SampleRequest, type World } from './route-samples';

/**
 * fast-check arbitraries for fuzzing any route of the route table: path parameters, query, headers and
 * bodies built from the route's own schema keys, a world's real ids (so that requests get past
 * authorization into the services) and hostile values (lone surrogates, huge and deeply nested input,
 * traversal, injection strings, wrong types, invalid JSON, wrong content types).
 */

export const hostileStrings = [
  '',
  ' ',
  '..',
  '../',
  '../../etc/passwd',
  '..%2F..%2F',
  '%00',
  '\u0000',
  '\ud800',
  'a\udfffb',
  '\u202e\u0041',
  '\ufeff',
  'null',
  'undefined',
  'true',
  '0',
  '-1',
  '1e309',
  'NaN',
  '__proto__',
  'constructor',
  'prototype',
  'owner',
  'admin',
  '*',
  '#',
  'TENANT#',
  'MEMBER#',
  'OUTBOX#x',
  '<script>alert(1)</script>',
  "' OR '1'='1",
  '"; DROP TABLE x; --',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Log4Shell probe, sent literally
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  '=cmd|" /C calc"!A0',
  'é',
  '🙂',
  'A'.repeat(300),
  'x'.repeat(5000),
];

/** Any UTF-16 string, lone surrogates included (fc.string never makes those). */
export const rawUtf16 = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 })
  .map((codes) => String.fromCharCode(...codes));

export const anyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  rawUtf16,
  fc.constantFrom(...hostileStrings),
  fc.ulid(),
);

const isoDates = fc.oneof(
  fc
    .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString()),
  fc.constantFrom(
    '2030-01-01T00:00:00Z',
    '2000-01-01T00:00:00+02:00',
    '2026-13-45T25:61:61Z',
    'yesterday',
    '2030-01-01',
  ),
);

/** Strings that mean something in a world: its ids, emails, tokens, permissions, actions, dates. */
export function domainStrings(world: World): fc.Arbitrary<string> {
  const people = [world.owner, world.admin, world.member, world.suspended];
  return fc.oneof(
    fc.constantFrom(
      world.tenantId,
      world.customRole.roleId,
      world.customRole.name,
      world.exportId,
      ...builtInRoleIds,
      ...people.flatMap((p) => [p.member.memberId, p.member.email, p.member.email.toUpperCase(), p.identity.userId]),
      ...world.invitations.flatMap((i) => [i.invitationId, i.memberId, i.email, i.token]),
      ...allPermissions,
      ...auditActions,
      'member.',
      'role.',
      'system',
      'pending',
      'expired',
      'invited',
      'active',
      'suspended',
    ),
    isoDates,
    fc.emailAddress(),
  );
}

/** Any JSON value, with hostile and domain strings mixed in at every depth. */
export function anyJson(world: World): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(
    { weight: 3, arbitrary: anyString },
    { weight: 3, arbitrary: domainStrings(world) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.constantFrom(0, -1, 2 ** 53, 1e308, 100_001),
      ),
    },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constant(null) },
  );
  return fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(
        fc.oneof(anyString, fc.constantFrom('roleId', 'expiresAt', 'filter', 'emails', '__proto__')),
        tie('value'),
        { maxKeys: 4 },
      ),
    ),
  })).value;
}

/** The top-level keys of a zod object schema (through refinements and meta), or none. */
export function schemaKeys(schema: unknown): string[] {
  const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

export interface FuzzRequest {
  readonly identity?: Identity;
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
}

const contentTypes = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'application/problem+json',
      'application/vnd.api+json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      '',
      'application/json; charset=latin1',
    ),
  },
);

/** Bodies: the sample with fields replaced, dropped or added; random JSON; broken JSON; deep and huge input. */
export function bodyArbitrary(
  route: RouteDefinition,
  sample: SampleRequest,
  world: World,
): fc.Arbitrary<string | undefined> {
  const keys = [
    ...new Set([...schemaKeys(route.request?.body), ...Object.keys((sample.body as object | undefined) ?? {})]),
  ];
  const base = (sample.body ?? {}) as Record<string, unknown>;
  const mutated = fc
    .tuple(
      fc.record(
        Object.fromEntries(
          keys.map((key) => [
            key,
            fc.oneof(
              { weight: 3, arbitrary: fc.constant(base[key]) },
              { weight: 2, arbitrary: anyJson(world) },
              { weight: 1, arbitrary: fc.constant(undefined) },
            ),
          ]),
        ),
      ),
      fc.option(fc.dictionary(anyString, anyJson(world), { maxKeys: 2 }), { freq: 4 }),
    )
    .map(([fields, extra]) => JSON.stringify({ ...fields, ...(extra ?? {}) }));
  return fc.oneof(
    { weight: 8, arbitrary: mutated },
    { weight: 2, arbitrary: anyJson(world).map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        'null',
        '[]',
        '{}',
        '"x"',
        '1e999',
        '{"a":',
        '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}',
        '{"name":"a","name":"b"}',
        '\ufeff{}',
        '{"emails":"\\ud800@x.com"}',
      ),
    },
    { weight: 1, arbitrary: fc.integer({ min: 100, max: 30_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`) },
    { weight: 1, arbitrary: fc.integer({ min: 100, max: 10_000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...(keys.length ? keys : ['x'])), fc.integer({ min: 1_000, max: 60_000 }))
        .map(([key, size]) => JSON.stringify({ ...base, [key]: 'é'.repeat(size / 2) })),
    },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/** Path parameters: mostly the world's real ids (to reach the services), sometimes anything at all. */
export function pathArbitrary(route: RouteDefinition, world: World): fc.Arbitrary<Record<string, string>> {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const real: Record<string, string[]> = {
    tenantId: [world.tenantId],
    memberId: [world.owner, world.admin, world.member, world.suspended]
      .map((p) => p.member.memberId)
      .concat(world.invitations.map((i) => i.memberId)),
    roleId: [...builtInRoleIds, world.customRole.roleId],
    invitationId: world.invitations.map((i) => i.invitationId),
    exportId: [world.exportId],
  };
  return fc.record(
    Object.fromEntries(
      names.map((name) => [
        name,
        fc.oneof(
          { weight: name === 'tenantId' ? 12 : 5, arbitrary: fc.constantFrom(...(real[name] ?? ['x'])) },
          { weight: 1, arbitrary: fc.ulid() },
          { weight: 2, arbitrary: anyString },
        ),
      ]),
    ),
  );
}

/** Query strings: the route's own keys (valid, domain or hostile values) plus stray keys. */
export function queryArbitrary(
  route: RouteDefinition,
  sample: SampleRequest,
  world: World,
): fc.Arbitrary<Record<string, string> | undefined> {
  const keys = [
    ...new Set([...schemaKeys(route.request?.query), 'limit', 'cursor', 'token', ...Object.keys(sample.query ?? {})]),
  ];
  const value = fc.oneof(
    domainStrings(world),
    anyString,
    fc.integer({ min: -10, max: 1000 }).map(String),
    fc.constantFrom('1', '50', '100', '101', '0', '1.5', '1e2', '0x10', ' 7 ', ''),
    fc.base64String({ maxLength: 200 }),
  );
  return fc
    .option(
      fc
        .tuple(
          fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: keys.length }),
          fc.option(fc.dictionary(anyString, anyString, { maxKeys: 2 })),
        )
        .map(([known, stray]) => ({ ...(sample.query ?? {}), ...known, ...(stray ?? {}) })),
      { freq: 5 },
    )
    .map((q) => q ?? undefined);
}

export function headersArbitrary(route: RouteDefinition): fc.Arbitrary<Record<string, string>> {
  return fc
    .record({
      'content-type': fc.option(contentTypes, { freq: 12 }),
      'if-match': fc.option(
        fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom('"1"', '"2"', '*', 'W/"1"', '1', '"99999999999"', '""', '"-1"') },
          { weight: 1, arbitrary: anyString },
        ),
        { freq: 4 },
      ),
      authorization:
        route.operationId === 'acceptInvitation'
          ? fc.option(
              fc.oneof(
                fc.constantFrom('Bearer ', 'Bearer a.b.c', 'Basic dXNlcjpwYXNz', 'Bearer eyJhbGciOiJub25lIn0.e30.'),
                anyString,
              ),
              { freq: 3 },
            )
          : fc.constant(null),
      'user-agent': fc.option(fc.oneof(anyString, fc.constant('x'.repeat(4000)))),
    })
    .map((headers) =>
      Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== null)),
    );
}

export function fuzzRequestArbitrary(
  route: RouteDefinition,
  sample: SampleRequest,
  world: World,
  callers: fc.Arbitrary<Identity | undefined>,
): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      identity: callers,
      pathParameters: pathArbitrary(route, world),
      query: queryArbitrary(route, sample, world),
      headers: headersArbitrary(route),
      body:
        route.method === 'GET' || route.method === 'DELETE'
          ? fc.option(fc.constant('{"ignored":true}'), { freq: 10 })
          : bodyArbitrary(route, sample, world),
      isBase64Encoded: fc.boolean().map((b) => b && route.method !== 'GET'),
    })
    .map((r) => ({
      identity: r.identity,
      pathParameters: Object.keys(r.pathParameters).length ? r.pathParameters : undefined,
      query: r.query,
      headers: r.headers,
      body: r.body ?? undefined,
      isBase64Encoded: r.body != null && r.isBase64Encoded,
    }));
}

const handlers = new Map<string, Promise<{ handler: (event: unknown, context: unknown) => Promise<unknown> }>>();

/** Invokes a route's handler in-process with exactly this request (no defaults added to headers or body). */
export async function invokeRaw(route: RouteDefinition, request: FuzzRequest): Promise<ParsedResult & { raw: string }> {
  let loaded = handlers.get(route.handler);
  if (!loaded) {
    loaded = import(/* @vite-ignore */ `../../${route.handler}`);
    handlers.set(route.handler, loaded);
  }
  const { handler } = await loaded;
  const encode = (value: string) => {
    try {
      return encodeURIComponent(value);
    } catch {
      return value; // lone surrogates: API Gateway would never have decoded one, but the handler must cope anyway
    }
  };
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encode(request.pathParameters?.[name] ?? ''));
  const event = httpEvent({
    method: route.method,
    path,
    routeKey: `${route.method} ${route.path}`,
    pathParameters: request.pathParameters,
    query: request.query,
    headers: request.headers,
    claims: request.identity ? claimsOf(request.identity) : null,
  });
  // httpEvent adds a JSON content type for bodies; the fuzzer decides on its own.
  event.headers = { 'user-agent': 'fuzz', ...request.headers };
  if (request.body !== undefined) {
    event.body = request.isBase64Encoded ? Buffer.from(request.body, 'utf8').toString('base64') : request.body;
    event.isBase64Encoded = request.isBase64Encoded ?? false;
  }
  const result = (await handler(event, lambdaContext(route.operationId))) as { body?: string };
  return { ...parseResult(result as never), raw: result.body ?? '' };
}

/** Human-readable summary of a request for failure messages (long values cut). */
export function describeRequest(route: RouteDefinition, request: FuzzRequest): string {
  return JSON.stringify(
    { route: route.operationId, ...request, identity: request.identity?.userId, body: request.body?.slice(0, 300) },
    (_k, v) => (typeof v === 'string' && v.length > 300 ? `${v.slice(0, 300)}…(${v.length})` : v),
  );
}

/**
 * What every answer must be, whatever was sent: never a 5xx; every non-2xx an RFC 9457 problem with
 * type, title, status, detail and code; JSON (or empty) otherwise; the security headers on all of them.
 */
export function expectWellFormedAnswer(result: ParsedResult & { raw: string }, label: string): void {
  expect(result.status, `${label} → ${result.raw.slice(0, 500)}`).toBeLessThan(500);
  expectSecurityHeaders(result, label);
  if (result.status >= 400) expectProblem(result, [result.status], label);
  else if (result.raw !== '') expect(result.headers['content-type'], label).toBe('application/json');
}

/** The fallback route gets anything at all. */
export const fallbackRequests: fc.Arbitrary<FuzzRequest> = fc.record({
  identity: fc.constant(undefined),
  pathParameters: fc.constant(undefined),
  query: fc.option(fc.dictionary(anyString, anyString, { maxKeys: 3 }), { nil: undefined }),
  headers: fc.constant({}),
  body: fc.option(anyString, { nil: undefined }),
});
