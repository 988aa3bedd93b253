import { createHmac, createPublicKey, createSign, generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { ulid } from 'ulidx';
import { beforeAll, describe, expect, it } from 'vitest';
import { type RouteDefinition, requiresToken } from '../../shared/http/route-definition';
import { routeList, routes } from '../../shared/http/routes';
import { api, createIdentity, signIn, stackInfo } from '../support/local-stack';

/**
 * Authentication of every route that needs a token (SPEC §5, ASVS V8.3.1 with V9 token checks), over HTTP
 * through the local API server's JWT authorizer, which applies API Gateway's rules. Generated from the
 * route table. Every token below is refused with a 401 problem+json and `WWW-Authenticate: Bearer` on
 * every non-public route; the same request with a valid token is not a 401 (so the token alone decides).
 * The tokens are real wherever the emulator can make them:
 * - expired: a real ID token from a second app client of the same pool whose tokens live one second (the
 *   authorizer's detail proves it was the expiry, checked before the audience);
 * - another issuer: a real ID token of a second user pool; cognito-local signs every pool with the same
 *   key, so the signature is valid and only `iss` can refuse it;
 * - another audience: real ID and access tokens of a second app client of the same pool;
 * - `alg: none`, HS256 keyed with the pool's public key (algorithm confusion), our own RSA key under the
 *   pool's `kid`, an altered payload, a refresh token, malformed headers.
 * The public accept route verifies a bearer token itself (an existing account accepting): it refuses them too.
 */
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const partsOf = (token: string) => token.split('.') as [string, string, string];
const payloadOf = (token: string) =>
  JSON.parse(Buffer.from(partsOf(token)[1], 'base64url').toString('utf8')) as Record<string, unknown>;
const headerOf = (token: string) =>
  JSON.parse(Buffer.from(partsOf(token)[0], 'base64url').toString('utf8')) as Record<string, unknown>;
const signRs256 = (header: object, payload: object, key: KeyObject) => {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(key).toString('base64url')}`;
};
const pathOf = (route: RouteDefinition) => route.path.replace(/\{[^}]+\}/g, ulid());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let cognito: CognitoIdentityProviderClient;

/** InitiateAuth USER_PASSWORD_AUTH with any app client, as a client app would (no credentials). */
async function tokensFrom(clientId: string, username: string, password: string) {
  const response = await fetch(`${stackInfo().cognito.endpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth',
    },
    body: JSON.stringify({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: clientId,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  });
  const body = (await response.json()) as {
    AuthenticationResult?: { IdToken: string; AccessToken: string; RefreshToken: string };
  };
  if (!body.AuthenticationResult) throw new Error(`sign-in with client ${clientId} failed: ${JSON.stringify(body)}`);
  return body.AuthenticationResult;
}

const tokens: Record<string, string> = {};
let valid: string;
let expiredDetail: string;

beforeAll(async () => {
  const info = stackInfo();
  cognito = new CognitoIdentityProviderClient({
    endpoint: info.cognito.endpoint,
    region: info.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const email = `authn-${ulid().toLowerCase()}@example.com`;
  const password = `Pw-${ulid()}-authn!`;
  await createIdentity(email, password);
  valid = (await signIn(email, password)).idToken;

  const clientOf = async (poolId: string, name: string, seconds?: number) =>
    (
      await cognito.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: name,
          ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          ...(seconds
            ? {
                IdTokenValidity: seconds,
                AccessTokenValidity: seconds,
                TokenValidityUnits: { IdToken: 'seconds', AccessToken: 'seconds' },
              }
            : {}),
        }),
      )
    ).UserPoolClient!.ClientId!;

  // Another audience of the same pool, and a client whose tokens expire after one second.
  const [otherClient, shortClient] = await Promise.all([
    clientOf(info.cognito.userPoolId, `other-audience-${ulid()}`),
    clientOf(info.cognito.userPoolId, `short-lived-${ulid()}`, 1),
  ]);
  const other = await tokensFrom(otherClient, email, password);
  tokens.otherAudienceId = other.IdToken;
  tokens.otherAudienceAccess = other.AccessToken;
  const short = await tokensFrom(shortClient, email, password);

  // Another issuer: a second pool of the same emulator, same signing key.
  const pool = (await cognito.send(new CreateUserPoolCommand({ PoolName: `other-issuer-${ulid()}` }))).UserPool!.Id!;
  const poolClient = await clientOf(pool, 'other-issuer');
  await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: pool,
      Username: email,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'email_verified', Value: 'true' },
      ],
    }),
  );
  await cognito.send(
    new AdminSetUserPasswordCommand({ UserPoolId: pool, Username: email, Password: password, Permanent: true }),
  );
  tokens.otherIssuer = (await tokensFrom(poolClient, email, password)).IdToken;
  expect(payloadOf(tokens.otherIssuer).iss).not.toBe(payloadOf(valid).iss);
  expect(headerOf(tokens.otherIssuer).kid).toBe(headerOf(valid).kid);

  const claims = payloadOf(valid);
  const header = headerOf(valid);
  const ownKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const jwks = (await (
    await fetch(`${info.cognito.endpoint}/${info.cognito.userPoolId}/.well-known/jwks.json`)
  ).json()) as { keys: object[] };
  const publicPem = createPublicKey({ key: jwks.keys[0] as never, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
  const hs256Input = `${b64url({ alg: 'HS256', typ: 'JWT', kid: header.kid })}.${b64url(claims)}`;
  Object.assign(tokens, {
    algNone: `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`,
    algNoneKid: `${b64url({ alg: 'none', kid: header.kid })}.${b64url({ ...claims, 'cognito:groups': ['platform-admin'] })}.`,
    hs256WithPublicKey: `${hs256Input}.${createHmac('sha256', publicPem).update(hs256Input).digest('base64url')}`,
    ownKeySameKid: signRs256(header, { ...claims, 'cognito:groups': ['platform-admin'] }, ownKey),
    ownKeyExpired: signRs256(
      { alg: 'RS256', kid: 'unknown' },
      { ...claims, exp: Math.floor(Date.now() / 1000) - 3600 },
      ownKey,
    ),
    alteredPayload: `${partsOf(valid)[0]}.${b64url({ ...claims, sub: randomUUID(), 'cognito:groups': ['platform-admin'] })}.${partsOf(valid)[2]}`,
    strippedSignature: `${partsOf(valid)[0]}.${partsOf(valid)[1]}.`,
    refreshToken: (await signIn(email, password)).refreshToken,
    garbage: 'not-a-jwt',
  });

  // Let the short-lived token expire, then check it is refused for that reason.
  await sleep(Math.max(0, (payloadOf(short.IdToken).exp as number) * 1000 - Date.now()) + 1_100);
  tokens.expired = short.IdToken;
  const response = await api('/v1/me', { token: tokens.expired });
  expiredDetail = response.body?.detail;
}, 30_000);

const tokenRoutes = routeList.filter(requiresToken);

function call(route: RouteDefinition, authorization: string | undefined) {
  return api(pathOf(route), {
    method: route.method,
    headers: authorization === undefined ? {} : { authorization },
    body: route.method === 'GET' || route.method === 'DELETE' ? undefined : {},
  });
}

function expect401(response: Awaited<ReturnType<typeof api>>, label: string) {
  expect(response.status, `${label}: ${JSON.stringify(response.body)}`).toBe(401);
  expect(response.headers['content-type'], label).toMatch(/^application\/problem\+json/);
  expect(response.headers['www-authenticate'], label).toBe('Bearer');
  expect(response.body, label).toMatchObject({
    type: expect.any(String),
    title: 'Unauthorized',
    status: 401,
    detail: expect.any(String),
    code: 'unauthorized',
  });
}

describe('authentication of every route that needs a token (HTTP, JWT authorizer)', () => {
  it('covers the token routes of the route table', () => {
    expect(tokenRoutes.length).toBeGreaterThan(20);
    expect(routeList.filter((r) => !requiresToken(r)).every((r) => r.access.kind === 'public')).toBe(true);
  });

  it('a real expired token is refused because it expired (exp is checked on validly signed tokens)', () => {
    expect(expiredDetail).toBe('The token has expired.');
  });

  it('a real token of another issuer is refused because of its issuer, though its signature is valid', async () => {
    const response = await api('/v1/me', { token: tokens.otherIssuer });
    expect401(response, 'other issuer');
    expect(response.body.detail).toMatch(/not issued by this API/);
  });

  const variants: [string, () => string | undefined][] = [
    ['no Authorization header', () => undefined],
    ['an empty bearer', () => 'Bearer '],
    ['a Basic credential', () => `Basic ${Buffer.from('owner:password').toString('base64')}`],
    ['a garbage token', () => `Bearer ${tokens.garbage}`],
    ['a real token, expired', () => `Bearer ${tokens.expired}`],
    ['a real token of another issuer (user pool)', () => `Bearer ${tokens.otherIssuer}`],
    ['a real ID token of another audience (app client)', () => `Bearer ${tokens.otherAudienceId}`],
    ['a real access token of another app client (client_id)', () => `Bearer ${tokens.otherAudienceAccess}`],
    ['alg: none with valid claims', () => `Bearer ${tokens.algNone}`],
    ['alg: none with the pool’s kid and an added admin group', () => `Bearer ${tokens.algNoneKid}`],
    ['HS256 keyed with the pool’s public key', () => `Bearer ${tokens.hs256WithPublicKey}`],
    ['our own RSA key under the pool’s kid', () => `Bearer ${tokens.ownKeySameKid}`],
    ['our own RSA key, expired', () => `Bearer ${tokens.ownKeyExpired}`],
    ['a real token with an altered payload', () => `Bearer ${tokens.alteredPayload}`],
    ['a real token without its signature', () => `Bearer ${tokens.strippedSignature}`],
    ['the refresh token', () => `Bearer ${tokens.refreshToken}`],
  ];

  for (const [name, header] of variants) {
    it(`${name}: 401 problem on every token route`, async () => {
      const responses = await Promise.all(tokenRoutes.map((route) => call(route, header())));
      for (const [i, response] of responses.entries()) expect401(response, `${name}: ${tokenRoutes[i]!.operationId}`);
    });
  }

  it('the same requests with a valid token are not refused as unauthenticated (the token decides)', async () => {
    const responses = await Promise.all(tokenRoutes.map((route) => call(route, `Bearer ${valid}`)));
    responses.forEach((response, i) => {
      expect(response.status, `${tokenRoutes[i]!.operationId}: ${JSON.stringify(response.body)}`).not.toBe(401);
      expect(response.status).toBeLessThan(500);
    });
  });

  it('the public accept route refuses every invalid bearer token itself, before looking at the invitation', async () => {
    const bad = variants
      .map(([, header]) => header())
      .filter((header): header is string => !!header?.startsWith('Bearer ') && header !== 'Bearer ');
    for (const authorization of bad) {
      const response = await api(routes.acceptInvitation.path, {
        method: 'POST',
        headers: { authorization },
        body: { token: 'A'.repeat(43) },
      });
      expect401(response, `accept with ${authorization.slice(0, 40)}`);
    }
    // With a valid session the same request gets past authentication (and finds no such invitation).
    const response = await api(routes.acceptInvitation.path, {
      method: 'POST',
      token: valid,
      body: { token: 'A'.repeat(43) },
    });
    expect(response.status).toBe(404);
  });
});
