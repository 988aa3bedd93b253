import fc from 'fast-check';
import { ulid } from 'ulidx';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../shared/domain/actor';
import type { RouteDefinition } from '../../shared/http/route-definition';
import { routeList } from '../../shared/http/routes';
import { anyString, bodyArbitrary, hostileStrings, queryArbitrary } from '../support/fuzz';
import { api, drainStream, mailbox, signIn, stackInfo, seed as stackSeed } from '../support/local-stack';
import { SECURITY_HEADERS, sampleFor, type World } from '../support/route-samples';

/**
 * Property-based fuzzing over HTTP, through the local API server as a client meets it (route matching,
 * percent-decoding, the JWT authorizer, base64 bodies for non-JSON types, CORS), against a tenant made the
 * way a client makes one: 1,000 requests per run (FUZZ_HTTP_RUNS overrides; FUZZ_SEED replays), as
 * the Owner, the platform admin, with a garbage token or none. Paths are built from the route table with
 * real ids or hostile segments (traversal, encoded slashes, NUL, unicode, very long); methods are the
 * route's or another; queries, headers and bodies as in test/support/fuzz.ts.
 *
 * For every answer: never a 5xx; every error an RFC 9457 problem+json with a code; the security headers
 * on everything a function answered (the authorizer's own 401s come from the gateway); CORS headers only
 * for the allowed origin.
 */
const RUNS = Number(process.env.FUZZ_HTTP_RUNS ?? 1_000);
const PER_RUN = 8;
const seed = process.env.FUZZ_SEED === undefined ? Date.now() : Number(process.env.FUZZ_SEED);
// The stack allows exactly the console's origin (APP_URL).
const ALLOWED_ORIGIN = new URL(process.env.APP_URL ?? 'http://localhost:3000').origin;

let world: World;
let ownerToken: string;
let adminToken: string;
let sent = 0;

const email = (label: string) => `${label}-${ulid().toLowerCase()}@example.com`;
const linkToken = async (to: string) => {
  await drainStream();
  const text = (await mailbox({ to })).at(-1)!.body.text!;
  return /accept-invite\?token=([A-Za-z0-9_-]+)/.exec(text)![1]!;
};

beforeAll(async () => {
  const admin = await signIn(stackSeed().platformAdmin.email, stackSeed().platformAdmin.password);
  adminToken = admin.idToken;
  const ownerEmail = email('http-fuzz-owner');
  const created = await api('/v1/tenants', {
    method: 'POST',
    token: adminToken,
    body: { name: `HTTP fuzz ${ulid()}`, ownerEmail, seatLimit: 50 },
  });
  expect(created.status).toBe(201);
  const tenantId = created.body.tenantId as string;
  const password = `Pw-${ulid()}-fuzz!`;
  expect(
    (await api('/v1/invitations/accept', { method: 'POST', body: { token: await linkToken(ownerEmail), password } }))
      .status,
  ).toBe(200);
  const owner = await signIn(ownerEmail, password);
  ownerToken = owner.idToken;
  const role = await api(`/v1/tenants/${tenantId}/roles`, {
    method: 'POST',
    token: ownerToken,
    body: { name: `Fuzz role ${ulid()}`, copyFrom: 'agent' },
  });
  expect(role.status).toBe(201);
  const invitees = [email('http-fuzz-a'), email('http-fuzz-b'), email('http-fuzz-c')];
  const invited = await api(`/v1/tenants/${tenantId}/invitations`, {
    method: 'POST',
    token: ownerToken,
    body: { emails: invitees, roles: [{ roleId: 'viewer' }] },
  });
  expect(invited.status).toBe(201);
  const created3 = invited.body.created as { invitationId: string; memberId: string; email: string }[];
  const tokens = await Promise.all(invitees.map(linkToken));
  // The first invitee joins: an active member to name.
  expect((await api('/v1/invitations/accept', { method: 'POST', body: { token: tokens[0], password } })).status).toBe(
    200,
  );
  const exported = await api(`/v1/tenants/${tenantId}/audit/exports`, {
    method: 'POST',
    token: ownerToken,
    body: { filter: {} },
  });
  expect(exported.status).toBe(202);
  const bot = await api(`/v1/tenants/${tenantId}/bots`, {
    method: 'POST',
    token: ownerToken,
    body: { name: `Fuzz bot ${ulid()}` },
  });
  expect(bot.status).toBe(201);
  const group = await api(`/v1/tenants/${tenantId}/groups`, {
    method: 'POST',
    token: ownerToken,
    body: { name: `Fuzz group ${ulid()}` },
  });
  expect(group.status).toBe(201);
  const members = (await api(`/v1/tenants/${tenantId}/members`, { token: ownerToken })).body.items as {
    memberId: string;
    email: string;
  }[];
  const person = (memberEmail: string, userId = `sub-${ulid()}`) => ({
    identity: { userId, email: memberEmail, groups: [] } as Identity,
    member: {
      ...members.find((m) => m.email === memberEmail)!,
      tenantId,
      displayName: null,
      status: 'active' as const,
      roles: [],
      permissions: [],
      invitedAt: '',
      version: 1,
    },
  });
  world = {
    tenantId,
    tenantName: created.body.name,
    owner: person(ownerEmail),
    admin: person(ownerEmail),
    member: person(invitees[0]!),
    suspended: person(invitees[0]!),
    customRole: { roleId: role.body.roleId, name: role.body.name },
    invitations: created3.slice(1).map((invitation, i) => ({ ...invitation, token: tokens[i + 1]! })),
    exportId: exported.body.exportId,
    bot: { botId: bot.body.botId, name: bot.body.name },
    // No access requests or notifications made over HTTP here: their ids are well-formed unknowns (404s).
    otherBot: { botId: bot.body.botId, name: bot.body.name },
    requester: person(invitees[0]!),
    accessRequests: { approve: ulid(), deny: ulid(), cancel: ulid() },
    notificationId: ulid(),
    group: { groupId: group.body.groupId, name: group.body.name },
  };
}, 60_000);

/** A path segment for a parameter: a real id, or something hostile, percent-encoded or raw. */
function segment(name: string): fc.Arbitrary<string> {
  const real: Record<string, () => string[]> = {
    tenantId: () => [world.tenantId],
    memberId: () => [
      world.owner.member.memberId,
      world.member.member.memberId,
      ...world.invitations.map((i) => i.memberId),
    ],
    roleId: () => ['owner', 'admin', 'viewer', world.customRole.roleId],
    invitationId: () => world.invitations.map((i) => i.invitationId),
    exportId: () => [world.exportId],
  };
  const encode = (value: string) => {
    try {
      return encodeURIComponent(value);
    } catch {
      return 'x';
    }
  };
  return fc.oneof(
    {
      weight: 8,
      arbitrary: fc
        .constant(null)
        .map(() => real[name]?.() ?? ['x'])
        .chain((ids) => fc.constantFrom(...ids)),
    },
    {
      weight: 2,
      arbitrary: fc
        .oneof(anyString, fc.constantFrom(...hostileStrings))
        .map(encode)
        .filter((s) => s.length > 0),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '..',
        '.',
        '%2e%2e',
        '%2F',
        '..%2F..%2F',
        '%00',
        '%ZZ',
        '%',
        'a b',
        '~',
        'x'.repeat(2000),
        ulid(),
      ),
    },
  );
}

interface HttpCase {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

function caseFor(route: RouteDefinition): fc.Arbitrary<HttpCase> {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const sample = sampleFor(route, world);
  const path = fc
    .tuple(
      ...names.map(segment),
      fc.oneof(
        { weight: 12, arbitrary: fc.constant('') },
        { weight: 1, arbitrary: fc.constantFrom('/', '/x', '//', '/..', '?', '#x') },
      ),
    )
    .map((values) => {
      let i = 0;
      return route.path.replace(/\{\w+\}/g, () => values[i++] as string) + (values[names.length] as string);
    });
  const query = fc.oneof(
    {
      weight: 4,
      arbitrary: queryArbitrary(route, sample, world).map((q) => (q ? new URLSearchParams(q).toString() : '')),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'a=%ZZ',
        '&&&',
        '=',
        'limit=%00',
        'cursor=%FF%FE',
        `token=${'A'.repeat(43)}`,
        'limit=1&limit=2',
        '__proto__[x]=1',
      ),
    },
  );
  const authorization =
    route.access.kind === 'platform-admin'
      ? fc.constantFrom(adminToken, adminToken, ownerToken)
      : fc.constantFrom(ownerToken, ownerToken, ownerToken, adminToken);
  const headers = fc.record({
    authorization: fc.oneof(
      { weight: 10, arbitrary: authorization.map((token) => `Bearer ${token}`) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('Bearer garbage', 'Bearer', `bearer ${ownerToken}`, `Bearer ${ownerToken}x`),
      },
      { weight: 1, arbitrary: fc.constant('') },
    ),
    'content-type': fc.constantFrom(
      'application/json',
      'application/json',
      'application/json',
      'text/plain',
      'application/octet-stream',
      'application/x-www-form-urlencoded',
      '',
    ),
    'if-match': fc.constantFrom('', '', '', '"1"', '*', 'W/"2"', 'nope'),
    origin: fc.constantFrom('', '', ALLOWED_ORIGIN, 'https://evil.example.com', 'null'),
  });
  const body =
    route.method === 'GET' || route.method === 'DELETE' ? fc.constant(undefined) : bodyArbitrary(route, sample, world);
  const method = fc.oneof(
    { weight: 10, arbitrary: fc.constant(route.method) },
    { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE') },
  );
  return fc.record({ method, path, query, headers, body }).map((c) => ({
    ...c,
    headers: Object.fromEntries(Object.entries(c.headers).filter(([, value]) => value !== '')),
    body: c.method === 'GET' ? undefined : c.body,
  }));
}

async function check(c: HttpCase): Promise<void> {
  sent++;
  const url = `${c.path}${c.query ? `?${c.query}` : ''}`;
  const label = `${c.method} ${url.slice(0, 200)} ${JSON.stringify(c.headers).slice(0, 120)} ${c.body?.slice(0, 200) ?? ''}`;
  const response = await api(url, { method: c.method, headers: c.headers, body: c.body });
  expect(response.status, `${label} → ${JSON.stringify(response.body)?.slice(0, 300)}`).toBeLessThan(500);
  if (response.status >= 400) {
    expect(response.headers['content-type'], label).toMatch(/^application\/problem\+json/);
    expect(response.body, label).toMatchObject({
      type: expect.any(String),
      title: expect.any(String),
      status: response.status,
      detail: expect.any(String),
      code: expect.any(String),
    });
  }
  // Everything a function answered carries the security headers and, for the allowed origin, the CORS
  // headers; the authorizer's 401s are the gateway's own (API Gateway adds CORS to integration responses).
  const fromAuthorizer = response.status === 401 && response.headers['x-content-type-options'] === undefined;
  if (!fromAuthorizer) {
    for (const [name, value] of Object.entries(SECURITY_HEADERS))
      expect(response.headers[name], `${label}: ${name}`).toBe(value);
    if (c.headers.origin === ALLOWED_ORIGIN)
      expect(response.headers['access-control-allow-origin'], label).toBe(ALLOWED_ORIGIN);
  }
  if (c.headers.origin !== ALLOWED_ORIGIN)
    expect(response.headers['access-control-allow-origin'], label).toBeUndefined();
}

describe(`fuzzing every route over HTTP (seed ${seed}, ${RUNS} requests)`, () => {
  it('never a 5xx, always problem+json with a code, security headers, CORS only for the allowed origin', async () => {
    const anyCase = fc.oneof(...routeList.map((route) => caseFor(route)));
    await fc.assert(
      fc.asyncProperty(fc.array(anyCase, { minLength: PER_RUN, maxLength: PER_RUN }), async (cases) => {
        await Promise.all(cases.map(check));
      }),
      { numRuns: Math.ceil(RUNS / PER_RUN), seed },
    );
    expect(sent).toBeGreaterThanOrEqual(RUNS);
  }, 180_000);

  it('the stack still answers normally afterwards', async () => {
    expect((await api(`/v1/tenants/${world.tenantId}`, { token: ownerToken })).status).toBeLessThan(500);
    expect(stackInfo().apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:/);
  });
});
