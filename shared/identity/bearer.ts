import { JwtVerifier } from 'aws-jwt-verify';
import { JwksNotAvailableInCacheError, KidNotFoundInJwksError } from 'aws-jwt-verify/error';
import type { Jwks } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { config, tokenIssuer } from '../config';
import type { Identity } from '../domain/actor';
import { Unauthenticated } from '../domain/errors';
import { parseGroupsClaim } from '../http/middleware/authentication';

/**
 * Verifies a Cognito JWT inside a function, for the one public route that also accepts a signed-in
 * caller (accepting an invitation). It applies the API Gateway JWT authorizer's rules: RS256 signature
 * by a key of the issuer's JWKS, `iss`, `exp`/`nbf`, and `aud` (ID token) or else `client_id` (access
 * token) equal to the app client.
 *
 * The JWKS is fetched with `fetch` and handed to aws-jwt-verify, because aws-jwt-verify refuses plain-http
 * JWKS URLs and the local Cognito emulator serves nothing else; a token naming an unknown key triggers
 * one refetch (at most every 10 s).
 */
export function createJwtVerifier(options: { issuer: string; audience: readonly string[]; jwksUri?: string }) {
  const jwksUri = options.jwksUri ?? `${options.issuer}/.well-known/jwks.json`;
  const verifier = JwtVerifier.create({
    issuer: options.issuer,
    jwksUri,
    audience: null,
    customJwtCheck: ({ header, payload }) => {
      if (header.alg !== 'RS256') throw new Error('unsupported signing algorithm');
      const audiences = payload.aud === undefined ? [payload.client_id] : [payload.aud].flat();
      if (!audiences.some((aud) => typeof aud === 'string' && options.audience.includes(aud))) {
        throw new Error('audience not accepted');
      }
    },
  });
  let fetchedAt = 0;
  const refresh = async () => {
    fetchedAt = Date.now();
    const response = await fetch(jwksUri, { signal: AbortSignal.timeout(3000) });
    if (!response.ok) throw new Error(`JWKS request answered ${response.status}`);
    verifier.cacheJwks((await response.json()) as Jwks);
  };
  return async function verify(token: string): Promise<JwtPayload> {
    if (fetchedAt === 0) await refresh();
    try {
      return verifier.verifySync(token);
    } catch (error) {
      const unknownKey = error instanceof KidNotFoundInJwksError || error instanceof JwksNotAvailableInCacheError;
      if (!unknownKey || Date.now() - fetchedAt < 10_000) throw error;
      await refresh();
      return verifier.verifySync(token);
    }
  };
}

let verifyToken: ReturnType<typeof createJwtVerifier> | undefined;

/** The caller behind `Authorization: Bearer <jwt>`, or undefined without the header; a bad token is 401. */
export async function optionalBearerIdentity(authorization: string | undefined): Promise<Identity | undefined> {
  if (authorization === undefined || authorization.trim() === '') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw new Unauthenticated('The Authorization header must be "Bearer <token>".');
  verifyToken ??= createJwtVerifier({ issuer: tokenIssuer(), audience: [config().USER_POOL_CLIENT_ID] });
  let payload: JwtPayload;
  try {
    payload = await verifyToken(match[1]!);
  } catch {
    throw new Unauthenticated('The bearer token is invalid or expired.');
  }
  const email = typeof payload.email === 'string' ? payload.email.toLowerCase() : undefined;
  return {
    userId: String(payload.sub),
    email: email && (payload.email_verified === true || payload.email_verified === 'true') ? email : undefined,
    groups: parseGroupsClaim(payload['cognito:groups']),
  };
}
