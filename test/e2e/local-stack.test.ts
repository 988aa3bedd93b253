import { createHmac, createSign, generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, type HttpApiEvent, startApiServer } from '../../scripts/local/api-server';
import { createJwtAuthorizer } from '../../scripts/local/jwt-authorizer';
import type { LambdaRuntime } from '../../scripts/local/lambda-runtime';
import type { StackLogger } from '../../scripts/local/log';
import { type StreamPoller, startStreamPoller } from '../../scripts/local/stream-poller';
import { type RouteDefinition, requiresToken } from '../../shared/http/route-definition';
import { routeList } from '../../shared/http/routes';
import { api, drainStream, seed, signIn, stackFile, stackInfo } from '../support/local-stack';

/*
 * End-to-end tests of the local stack itself (SPEC §6): what `npm test` started, seen as a client sees it,
 * plus the local API server and stream poller driven in-process with fake Lambdas, where the exact event
 * shapes and the failure semantics they mirror (API Gateway, Lambda event source mapping) are asserted.
 */

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

function signRs256(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(key).toString('base64url')}`;
}

/** A concrete path for a route template. */
const pathOf = (route: RouteDefinition) => route.path.replace(/\{[^}]+\}/g, 'x0');

function captureLogger(): StackLogger & { lines: string[] } {
  const lines: string[] = [];
  const write = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    lines.push(JSON.stringify({ level, msg, ...fields }));
  return { lines, info: write('info'), warn: write('warn'), error: write('error') };
}

describe('stack.json', () => {
  it('has exactly the shape of SPEC §6', () => {
    const info = JSON.parse(readFileSync(stackFile(), 'utf8')) as Record<string, any>;
    expect(Object.keys(info).sort()).toEqual(['apiUrl', 'cognito', 'consoleUrl', 'mailbox', 'region', 's3', 'seed']);
    expect(Object.keys(info.cognito).sort()).toEqual(['clientId', 'endpoint', 'userPoolId']);
    expect(Object.keys(info.mailbox)).toEqual(['url']);
    expect(Object.keys(info.s3).sort()).toEqual(['bucket', 'endpoint']);
    expect(Object.keys(info.seed).sort()).toEqual(['owner', 'platformAdmin', 'tenantId']);
    expect(Object.keys(info.seed.owner).sort()).toEqual(['email', 'password']);
    expect(Object.keys(info.seed.platformAdmin).sort()).toEqual(['email', 'password']);
    for (const url of [info.apiUrl, info.cognito.endpoint, info.mailbox.url, info.s3.endpoint, info.consoleUrl]) {
      expect(new URL(url).hostname).toBe('127.0.0.1');
    }
    expect(info.mailbox.url).toMatch(/\/store$/);
    expect(typeof info.region).toBe('string');
    for (const value of [info.cognito.userPoolId, info.cognito.clientId, info.s3.bucket, info.seed.tenantId]) {
      expect(value).toEqual(expect.any(String));
      expect(value.length).toBeGreaterThan(0);
    }
  });

  it('points at emulators that answer', async () => {
    const info = stackInfo();
    expect((await fetch(`${info.cognito.endpoint}/health`)).ok).toBe(true);
    const mailbox = (await (await fetch(info.mailbox.url)).json()) as { emails: unknown[] };
    expect(Array.isArray(mailbox.emails)).toBe(true);
    expect((await fetch(`${info.cognito.endpoint}/${info.cognito.userPoolId}/.well-known/jwks.json`)).ok).toBe(true);
  });
});

describe('routing', () => {
  it('answers an unknown path with a problem+json 404', async () => {
    const response = await api('/v1/definitely-not-a-route');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      status: 404,
      title: expect.any(String),
      type: expect.any(String),
      code: expect.any(String),
    });
    expect(response.headers['apigw-requestid']).toEqual(expect.any(String));
  });

  it('answers a known path with another method with a 405 problem and Allow (through the $default fallback)', async () => {
    const response = await api('/v1/openapi.json', { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers.allow).toBe('GET');
    expect(response.body).toMatchObject({ status: 405, code: 'method_not_allowed' });
    const members = await api(`/v1/tenants/${seed().tenantId}/members`, { method: 'PUT', body: {} });
    expect(members.status).toBe(405);
    expect(members.headers.allow).toBe('GET');
  });

  it('answers oversized request headers with a 431 problem+json, not an empty 431', async () => {
    const response = await api('/v1/openapi.json', { headers: { 'x-padding': 'a'.repeat(20_000) } });
    expect(response.status).toBe(431);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      status: 431,
      code: 'request_header_fields_too_large',
      title: expect.any(String),
      detail: expect.any(String),
      type: expect.any(String),
    });
    expect((await api('/v1/openapi.json')).status).toBe(200);
  });

  it('serves a public route without a token', async () => {
    const response = await api('/v1/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ openapi: expect.stringMatching(/^3\.1/) });
  });
});

describe('JWT authorizer (API Gateway semantics)', () => {
  const tokenRoutes = routeList.filter(requiresToken);
  let ownerIdToken: string;
  let ownerRefreshToken: string;
  let otherKey: KeyObject;

  beforeAll(async () => {
    const tokens = await signIn(seed().owner.email, seed().owner.password);
    ownerIdToken = tokens.idToken;
    ownerRefreshToken = tokens.refreshToken;
    otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  });

  const expectUnauthorized = async (route: RouteDefinition, headers: Record<string, string>) => {
    const response = await api(pathOf(route), {
      method: route.method,
      headers,
      body: route.method === 'GET' ? undefined : {},
    });
    expect(response.status, `${route.method} ${route.path}`).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.body).toMatchObject({
      title: 'Unauthorized',
      status: 401,
      code: 'unauthorized',
      type: expect.any(String),
      detail: expect.any(String),
    });
  };

  it('has token routes to test', () => {
    expect(tokenRoutes.length).toBeGreaterThan(0);
  });

  it('refuses every token route without a token', async () => {
    for (const route of tokenRoutes) await expectUnauthorized(route, {});
  });

  it('refuses a garbage token', async () => {
    for (const route of tokenRoutes) await expectUnauthorized(route, { authorization: 'Bearer not-a-jwt' });
  });

  it('refuses an unsigned (alg: none) token carrying valid claims', async () => {
    const token = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(decode(ownerIdToken))}.`;
    for (const route of tokenRoutes) await expectUnauthorized(route, { authorization: `Bearer ${token}` });
  });

  it('refuses a token with valid claims signed by another key (same kid)', async () => {
    const header = JSON.parse(Buffer.from(ownerIdToken.split('.')[0]!, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const token = signRs256(header, decode(ownerIdToken), otherKey);
    for (const route of tokenRoutes) await expectUnauthorized(route, { authorization: `Bearer ${token}` });
  });

  it('refuses a token from another issuer', async () => {
    const token = signRs256(
      { alg: 'RS256', kid: 'other' },
      { ...decode(ownerIdToken), iss: 'https://issuer.example.com/pool' },
      otherKey,
    );
    await expectUnauthorized(tokenRoutes[0]!, { authorization: `Bearer ${token}` });
  });

  it('refuses a real token whose payload was altered', async () => {
    const [header, , signature] = ownerIdToken.split('.');
    const token = `${header}.${b64url({ ...decode(ownerIdToken), sub: randomUUID() })}.${signature}`;
    await expectUnauthorized(tokenRoutes[0]!, { authorization: `Bearer ${token}` });
  });

  it('refuses an HS256 token', async () => {
    const input = `${b64url({ alg: 'HS256', typ: 'JWT', kid: 'CognitoLocal' })}.${b64url(decode(ownerIdToken))}`;
    const token = `${input}.${createHmac('sha256', 'secret').update(input).digest('base64url')}`;
    await expectUnauthorized(tokenRoutes[0]!, { authorization: `Bearer ${token}` });
  });

  it('refuses the refresh token (signed by the pool, but neither aud nor client_id)', async () => {
    await expectUnauthorized(tokenRoutes[0]!, { authorization: `Bearer ${ownerRefreshToken}` });
  });
});

describe('the seeded demo tenant', () => {
  it('lets the owner sign in through cognito-local and read GET /v1/me', async () => {
    const { owner, tenantId } = seed();
    const { idToken } = await signIn(owner.email, owner.password);
    const response = await api('/v1/me', { token: idToken });
    expect(response.status).toBe(200);
    expect(response.body.email).toBe(owner.email);
    expect(response.body.memberships).toEqual(
      expect.arrayContaining([expect.objectContaining({ tenantId, status: 'active' })]),
    );
  });

  it('lets the platform admin (cognito:groups through the authorizer) create a tenant', async () => {
    const { platformAdmin } = seed();
    const { idToken } = await signIn(platformAdmin.email, platformAdmin.password);
    const response = await api('/v1/tenants', {
      method: 'POST',
      token: idToken,
      body: { name: `E2E ${randomUUID()}`, ownerEmail: `owner-${randomUUID()}@example.com`, seatLimit: 3 },
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ tenantId: expect.any(String), seatLimit: 3 });
  });

  it('does not let the owner (no platform-admin group) create a tenant', async () => {
    const { owner } = seed();
    const { idToken } = await signIn(owner.email, owner.password);
    const response = await api('/v1/tenants', {
      method: 'POST',
      token: idToken,
      body: { name: 'Nope', ownerEmail: `owner-${randomUUID()}@example.com`, seatLimit: 3 },
    });
    expect(response.status).toBe(403);
  });

  it('drains the stream consumer on request (POST /__local/drain)', async () => {
    const result = await drainStream();
    expect(result.processed).toEqual(expect.any(Number));
  });
});

// ---------------------------------------------------------------------------------------------------------
// The API server in-process, with fake Lambdas and our own JWKS: exact event shapes and edge cases.
// ---------------------------------------------------------------------------------------------------------

const route = (partial: Pick<RouteDefinition, 'operationId' | 'method' | 'path' | 'access'>): RouteDefinition => ({
  ...partial,
  handler: `fake/${partial.operationId}`,
  summary: partial.operationId,
  tags: [],
  grants: [],
  responses: { 200: { description: 'ok' } },
});

describe('local API server (in-process)', () => {
  const routes = [
    route({ operationId: 'getThing', method: 'GET', path: '/things/{thingId}', access: { kind: 'authenticated' } }),
    route({ operationId: 'getSpecial', method: 'GET', path: '/things/special', access: { kind: 'authenticated' } }),
    route({ operationId: 'echo', method: 'POST', path: '/public/echo', access: { kind: 'public' } }),
    route({ operationId: 'crash', method: 'GET', path: '/public/crash', access: { kind: 'public' } }),
    route({ operationId: 'plain', method: 'GET', path: '/public/plain', access: { kind: 'public' } }),
  ];
  const events: { handler: string; event: HttpApiEvent }[] = [];
  const runtime: LambdaRuntime = {
    load: async () => () => undefined,
    invoke: (file, _name, event) => {
      events.push({ handler: file, event: event as HttpApiEvent });
      if (file === 'fake/crash') return Promise.reject(new Error('secret internal detail: table local-Main'));
      if (file === 'fake/plain') return Promise.resolve({ hello: 'world' });
      return Promise.resolve({
        statusCode: 200,
        headers: { 'content-type': 'application/json', 'X-Custom': 'yes' },
        cookies: ['a=1', 'b=2'],
        body: '{"ok":true}',
      });
    },
  };
  const lastEvent = () => events[events.length - 1]!.event;

  let keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let kid = 'key-1';
  let jwksServer: http.Server;
  let issuer: string;
  let server: ApiServer;
  const log = captureLogger();
  const clientId = 'client-123';
  const now = () => Math.floor(Date.now() / 1000);

  const token = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) =>
    signRs256(
      { alg: 'RS256', kid, ...header },
      { sub: 'user-1', iss: issuer, aud: clientId, token_use: 'id', iat: now(), exp: now() + 600, ...claims },
      keys.privateKey,
    );
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers });

  beforeAll(async () => {
    jwksServer = http.createServer((_req, res) => {
      const jwk = keys.publicKey.export({ format: 'jwk' });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/pool`;
    server = await startApiServer({
      host: '127.0.0.1',
      port: 0,
      routes,
      fallback: { operationId: 'notFound', handler: 'fake/notFound' },
      runtime,
      authorizer: createJwtAuthorizer({
        issuer,
        jwksUri: `${issuer}/.well-known/jwks.json`,
        audience: [clientId],
        jwksRefreshIntervalMs: 0,
      }),
      region: 'us-east-1',
      accountId: '000000000000',
      cors: { allowOrigins: ['http://localhost:3000'] },
      log,
    });
  });

  afterAll(async () => {
    await server?.close();
    await new Promise((resolve) => jwksServer?.close(resolve));
  });

  it('builds a payload 2.0 event: route key, decoded path parameters, headers, cookies, query', async () => {
    const response = await fetch(`${server.url}/things/a%20b%2Fc?x=1&x=2&y=%C3%A9&flag`, {
      headers: [
        ['Authorization', `Bearer ${token()}`],
        ['X-Multi', 'one'],
        ['X-Multi', 'two'],
        ['Cookie', 'c1=v1; c2=v2'],
        ['User-Agent', 'e2e-agent'],
      ],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-custom')).toBe('yes');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    const event = lastEvent();
    expect(events[events.length - 1]!.handler).toBe('fake/getThing');
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /things/{thingId}',
      rawPath: '/things/a%20b%2Fc',
      rawQueryString: 'x=1&x=2&y=%C3%A9&flag',
      cookies: ['c1=v1', 'c2=v2'],
      queryStringParameters: { x: '1,2', y: 'é', flag: '' },
      pathParameters: { thingId: 'a b/c' },
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        routeKey: 'GET /things/{thingId}',
        stage: '$default',
        http: {
          method: 'GET',
          path: '/things/a%20b%2Fc',
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'e2e-agent',
        },
      },
    });
    expect(event.headers['x-forwarded-proto']).toBe('http');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.requestContext.requestId).toEqual(expect.any(String));
    expect(event.requestContext.timeEpoch).toBeGreaterThan(Date.now() - 60_000);
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(event.body).toBeUndefined();
  });

  it('joins repeated request headers with commas', async () => {
    // fetch merges repeated headers itself; node:http sends them as separate header lines.
    await new Promise<void>((resolve, reject) => {
      const request = http.get(
        `${server.url}/public/plain`,
        {
          headers: [
            'Host',
            new URL(server.url).host,
            'X-Multi',
            'one',
            'X-Multi',
            'two',
          ] as unknown as http.OutgoingHttpHeaders,
        },
        (res) => {
          res.resume();
          res.once('end', resolve);
        },
      );
      request.once('error', reject);
    });
    expect(lastEvent().headers['x-multi']).toBe('one,two');
  });

  it('prefers a literal segment over a path parameter', async () => {
    await get('/things/special', { authorization: `Bearer ${token()}` });
    expect(lastEvent().routeKey).toBe('GET /things/special');
    expect(lastEvent().pathParameters).toBeUndefined();
  });

  it('renders claims the way API Gateway does: strings only, arrays as "[a b]", scopes null', async () => {
    await get('/things/1', {
      authorization: `Bearer ${token({ 'cognito:groups': ['platform-admin', 'ops'], email_verified: true, email: 'a@x.com', custom: { a: 1 }, nothing: null })}`,
    });
    const jwt = lastEvent().requestContext.authorizer!.jwt;
    expect(jwt.scopes).toBeNull();
    expect(jwt.claims['cognito:groups']).toBe('[platform-admin ops]');
    expect(jwt.claims.email_verified).toBe('true');
    expect(jwt.claims.email).toBe('a@x.com');
    expect(jwt.claims.exp).toMatch(/^\d+$/);
    expect(jwt.claims.custom).toBe('{"a":1}');
    expect('nothing' in jwt.claims).toBe(false);
    for (const value of Object.values(jwt.claims)) expect(typeof value).toBe('string');
  });

  it('accepts an access token by client_id when it has no aud, and a bare token without "Bearer"', async () => {
    const access = token({
      aud: undefined,
      client_id: clientId,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
    });
    expect((await get('/things/1', { authorization: `Bearer ${access}` })).status).toBe(200);
    expect(lastEvent().requestContext.authorizer!.jwt.claims.client_id).toBe(clientId);
    expect((await get('/things/1', { authorization: access })).status).toBe(200);
  });

  it.each([
    ['a wrong aud', () => token({ aud: 'other-client' })],
    ['a wrong aud even with the right client_id (aud wins)', () => token({ aud: 'other-client', client_id: clientId })],
    ['no aud and a wrong client_id', () => token({ aud: undefined, client_id: 'other-client' })],
    ['no aud and no client_id', () => token({ aud: undefined })],
    ['an expired token', () => token({ exp: now() - 10 })],
    ['a token not valid before a future time', () => token({ nbf: now() + 600 })],
    ['another issuer', () => token({ iss: 'http://127.0.0.1:1/other' })],
    ['an unknown kid', () => token({}, { kid: 'nope' })],
    [
      'alg none',
      () => `${b64url({ alg: 'none', kid })}.${b64url({ sub: 'x', iss: issuer, aud: clientId, exp: now() + 60 })}.`,
    ],
  ])('refuses %s with 401 and does not call the handler', async (_label, make) => {
    const before = events.length;
    const response = await get('/things/1', { authorization: `Bearer ${make()}` });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.json()).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(events.length).toBe(before);
  });

  it('fetches the JWKS again when a token names a new key', async () => {
    keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    kid = 'key-2';
    expect((await get('/things/1', { authorization: `Bearer ${token()}` })).status).toBe(200);
  });

  it('passes public routes without an authorizer, JSON bodies as text and other bodies as base64', async () => {
    await fetch(`${server.url}/public/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":"é"}',
    });
    expect(lastEvent().requestContext.authorizer).toBeUndefined();
    expect(lastEvent()).toMatchObject({ body: '{"a":"é"}', isBase64Encoded: false });
    const bytes = Buffer.from([0, 1, 2, 255]);
    await fetch(`${server.url}/public/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    expect(lastEvent()).toMatchObject({ body: bytes.toString('base64'), isBase64Encoded: true });
  });

  it('answers a handler crash with a generic 500 problem+json', async () => {
    const response = await get('/public/crash');
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({
      status: 500,
      code: 'internal_error',
      title: expect.any(String),
      type: expect.any(String),
      detail: expect.any(String),
    });
    expect(text).not.toContain('secret');
    expect(text).not.toContain('local-Main');
  });

  it('maps a response without statusCode to a 200 JSON response, like API Gateway', async () => {
    const response = await get('/public/plain');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ hello: 'world' });
  });

  it('refuses bodies above 10 MB with 413 without calling the handler', async () => {
    const before = events.length;
    const response = await fetch(`${server.url}/public/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(10 * 1024 * 1024 + 1, 0x20),
    }).catch((error: unknown) => error as Error);
    if (response instanceof Error) throw response;
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ status: 413, code: 'payload_too_large' });
    expect(events.length).toBe(before);
  });

  it('answers CORS preflights itself and sends HEAD and OPTIONS without preflight headers to the fallback', async () => {
    const preflight = await fetch(`${server.url}/things/1`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const foreign = await fetch(`${server.url}/things/1`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'GET' },
    });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const actual = await fetch(`${server.url}/public/plain`, { headers: { origin: 'http://localhost:3000' } });
    expect(actual.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(actual.headers.get('access-control-expose-headers')).toBe('etag,location');
    await fetch(`${server.url}/public/plain`, { method: 'HEAD' });
    expect(events[events.length - 1]!.handler).toBe('fake/notFound');
    expect(lastEvent().routeKey).toBe('$default');
  });

  it('logs method, path, status and duration, never tokens or query strings', async () => {
    const secretToken = token();
    await get('/things/1?token=super-secret-invitation', { authorization: `Bearer ${secretToken}` });
    const line = log.lines.find((l) => l.includes('"path":"/things/1"'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({
      msg: 'request',
      method: 'GET',
      path: '/things/1',
      status: 200,
      ms: expect.any(Number),
    });
    const all = log.lines.join('\n');
    expect(all).not.toContain('super-secret-invitation');
    expect(all).not.toContain(secretToken.split('.')[2]!);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The stream poller against DynamoDB Local, with a scripted fake consumer.
// ---------------------------------------------------------------------------------------------------------

describe('stream poller (DynamoDB Local, fake consumer)', () => {
  const dynamodb = new DynamoDBClient({});
  const table = `poller-e2e-${randomUUID()}`;
  let streamArn: string;
  const pollers: StreamPoller[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'poller-e2e-'));

  beforeAll(async () => {
    const created = await dynamodb.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [
          { AttributeName: 'PK', AttributeType: 'S' },
          { AttributeName: 'SK', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    streamArn = created.TableDescription!.LatestStreamArn!;
  });

  afterAll(async () => {
    await Promise.all(pollers.map((poller) => poller.stop()));
    await dynamodb.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
    dynamodb.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const put = async (pk: string, n: number) => {
    for (let i = 0; i < n; i++) {
      await dynamodb.send(
        new PutItemCommand({
          TableName: table,
          Item: { PK: { S: pk }, SK: { S: String(i).padStart(3, '0') }, data: { B: Buffer.from([i]) } },
        }),
      );
    }
  };

  /** Starts a poller whose consumer records every batch and answers with `respond`. */
  const start = (
    respond: (event: DynamoDBStreamEvent, call: number) => unknown,
    options: { checkpointFile?: string; maxRetries?: number; pk: string },
  ) => {
    const batches: DynamoDBStreamEvent[] = [];
    const log = captureLogger();
    const runtime: LambdaRuntime = {
      load: async () => () => undefined,
      invoke: (_file, _name, event) => {
        const records = (event as DynamoDBStreamEvent).Records.filter((r) => r.dynamodb?.Keys?.PK?.S === options.pk);
        // Each test sees only its own partition key (all tests share one table and stream).
        if (records.length === 0) return Promise.resolve(undefined);
        const own = { Records: records };
        batches.push(own);
        return Promise.resolve(respond(own, batches.length));
      },
    };
    const poller = startStreamPoller({
      streamArn,
      table: { name: table, partitionKey: 'PK', sortKey: 'SK' },
      region: 'us-east-1',
      handlerFile: 'fake/consumer',
      functionName: 'consumer',
      batchSize: 2,
      maxRetries: options.maxRetries ?? 2,
      runtime,
      checkpointFile: options.checkpointFile,
      idleMs: 20,
      log,
    });
    pollers.push(poller);
    return { poller, batches, log };
  };
  const sks = (batches: DynamoDBStreamEvent[]) => batches.map((b) => b.Records.map((r) => r.dynamodb!.Keys!.SK!.S));

  it('delivers records in order, in batches of batchSize, in the Lambda event shape', async () => {
    const pk = `shape-${randomUUID()}`;
    const { poller, batches } = start(() => ({ batchItemFailures: [] }), { pk });
    await put(pk, 5);
    await poller.drain(10_000);
    await poller.stop();
    expect(sks(batches).flat()).toEqual(['000', '001', '002', '003', '004']);
    for (const batch of batches) expect(batch.Records.length).toBeLessThanOrEqual(2);
    const record = batches[0]!.Records[0]!;
    expect(record).toMatchObject({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      eventVersion: expect.any(String),
      awsRegion: 'us-east-1',
      eventSourceARN: streamArn,
      dynamodb: {
        Keys: { PK: { S: pk }, SK: { S: '000' } },
        NewImage: { PK: { S: pk }, SK: { S: '000' }, data: { B: Buffer.from([0]).toString('base64') } },
        SequenceNumber: expect.any(String),
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    const created = record.dynamodb!.ApproximateCreationDateTime!;
    expect(Number.isInteger(created)).toBe(true);
    expect(Math.abs(created - Date.now() / 1000)).toBeLessThan(120);
  });

  it('retries from the first failed record reported in batchItemFailures', async () => {
    const pk = `partial-${randomUUID()}`;
    let failedOnce = false;
    const { poller, batches } = start(
      (event) => {
        const target = event.Records.find((r) => r.dynamodb!.Keys!.SK!.S === '001');
        if (target && !failedOnce) {
          failedOnce = true;
          return { batchItemFailures: [{ itemIdentifier: target.dynamodb!.SequenceNumber }] };
        }
        return { batchItemFailures: [] };
      },
      { pk },
    );
    await put(pk, 4);
    await poller.drain(10_000);
    await poller.stop();
    const perBatch = sks(batches);
    const delivered = perBatch.flat();
    // 000 succeeded within the failed batch and is not delivered again; the next batch starts at 001.
    expect(delivered.filter((sk) => sk === '000')).toHaveLength(1);
    expect(delivered.filter((sk) => sk === '001')).toHaveLength(2);
    const failed = perBatch.findIndex((batch) => batch.includes('001'));
    expect(perBatch[failed + 1]![0]).toBe('001');
    expect(new Set(delivered)).toEqual(new Set(['000', '001', '002', '003']));
  });

  it('gives up on a record after maxRetries (logged as sent to the DLQ) and moves on', async () => {
    const pk = `dlq-${randomUUID()}`;
    const { poller, batches, log } = start(
      (event) => {
        if (event.Records.some((r) => r.dynamodb!.Keys!.SK!.S === '001')) throw new Error('poison');
        return undefined;
      },
      { pk, maxRetries: 2 },
    );
    await put(pk, 3);
    await poller.drain(15_000);
    await poller.stop();
    const attemptsWith001 = batches.filter((b) => b.Records.some((r) => r.dynamodb!.Keys!.SK!.S === '001')).length;
    expect(attemptsWith001).toBe(3);
    expect(sks(batches).flat()).toContain('002');
    expect(log.lines.some((line) => line.includes('DLQ'))).toBe(true);
  });

  it('drains everything written before the call while other writers keep the stream busy', async () => {
    const pk = `drain-${randomUUID()}`;
    const { poller, batches } = start(() => undefined, { pk });
    let writing = true;
    const noise = (async () => {
      for (let i = 0; writing; i++) {
        await dynamodb.send(
          new PutItemCommand({ TableName: table, Item: { PK: { S: `noise-${pk}` }, SK: { S: String(i) } } }),
        );
      }
    })();
    await put(pk, 6);
    // The poller may settle some of them before drain() is called: those are not counted by this drain.
    const deliveredBefore = sks(batches).flat().length;
    const { processed } = await poller.drain(10_000);
    const delivered = sks(batches).flat();
    writing = false;
    await noise;
    await poller.stop();
    expect(delivered).toEqual(['000', '001', '002', '003', '004', '005']);
    expect(deliveredBefore + processed).toBeGreaterThanOrEqual(6);
  });

  it('resumes after its checkpoint: no replay, nothing lost', async () => {
    const pk = `resume-${randomUUID()}`;
    const checkpointFile = join(dir, `${pk}.json`);
    const first = start(() => undefined, { pk, checkpointFile });
    await put(pk, 3);
    await first.poller.drain(10_000);
    await first.poller.stop();
    expect(sks(first.batches).flat()).toEqual(['000', '001', '002']);

    await dynamodb.send(new PutItemCommand({ TableName: table, Item: { PK: { S: pk }, SK: { S: '003' } } }));
    const second = start(() => undefined, { pk, checkpointFile });
    await second.poller.drain(10_000);
    await second.poller.stop();
    expect(sks(second.batches).flat()).toEqual(['003']);
  });
});
