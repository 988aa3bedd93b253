import { JwtVerifier } from 'aws-jwt-verify';
import {
  JwksNotAvailableInCacheError,
  JwtExpiredError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
} from 'aws-jwt-verify/error';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { Jwks } from 'aws-jwt-verify/jwk';

/**
 * The API Gateway HTTP API JWT authorizer, for the local server. It follows the documented evaluation
 * (developer guide, "Control access to HTTP APIs with JWT authorizers"):
 * 1. the token comes from the `Authorization` header, bare or prefixed with `Bearer `;
 * 2. it must be a JWT signed with RS256 by a key of the issuer's JWKS (`kid`), so `alg: none`, HMAC and
 *    tokens signed by any other key are rejected;
 * 3. `iss` must equal the configured issuer; `aud` must match the audience, or when the token has no `aud`
 *    (Cognito access tokens) `client_id` must; `exp`, `nbf` and `iat` are checked against the clock.
 *
 * aws-jwt-verify does the signature and registered-claim checks. It refuses to download a JWKS over http,
 * so we fetch cognito-local's JWKS ourselves and hand it over with `cacheJwks`, and fetch again when a
 * token names a key we do not know (at most once per `jwksRefreshIntervalMs`).
 */
export interface JwtAuthorizerOptions {
  /** e.g. `http://127.0.0.1:9229/local_abc123` */
  readonly issuer: string;
  /** e.g. `http://127.0.0.1:9229/local_abc123/.well-known/jwks.json` */
  readonly jwksUri: string;
  /** App client ids accepted in `aud` (ID token) or `client_id` (access token). */
  readonly audience: readonly string[];
  readonly jwksRefreshIntervalMs?: number;
}

export type AuthorizerResult =
  | {
      readonly ok: true;
      /** Claims as API Gateway puts them in `requestContext.authorizer.jwt.claims`: every value a string. */
      readonly claims: Record<string, string>;
      /**
       * `requestContext.authorizer.jwt.scopes`. API Gateway fills it only on routes configured with
       * authorization scopes and renders `null` otherwise, even when the token has a `scope` claim;
       * no route of ours has authorization scopes.
       */
      readonly scopes: string[] | null;
    }
  | { readonly ok: false; readonly detail: string };

export interface JwtAuthorizer {
  authorize(authorizationHeader: string | undefined, routeScopes?: readonly string[]): Promise<AuthorizerResult>;
}

export function createJwtAuthorizer(options: JwtAuthorizerOptions): JwtAuthorizer {
  const refreshInterval = options.jwksRefreshIntervalMs ?? 10_000;
  const verifier = JwtVerifier.create({
    issuer: options.issuer,
    jwksUri: options.jwksUri,
    // Audience is checked below the way API Gateway does it (aud, else client_id).
    audience: null,
    customJwtCheck: ({ header, payload }) => {
      if (header.alg !== 'RS256') throw new Error(`unsupported signing algorithm ${String(header.alg)}`);
      checkAudience(payload, options.audience);
      if (typeof payload.iat === 'number' && payload.iat > Math.floor(Date.now() / 1000) + 1) {
        throw new Error('token issued in the future');
      }
    },
  });

  let lastFetch = 0;
  let inflight: Promise<void> | undefined;
  const refreshJwks = async (force: boolean): Promise<boolean> => {
    if (!force && Date.now() - lastFetch < refreshInterval) return false;
    inflight ??= (async () => {
      try {
        lastFetch = Date.now();
        const response = await fetch(options.jwksUri, { signal: AbortSignal.timeout(3000) });
        if (!response.ok) throw new Error(`JWKS request answered ${response.status}`);
        verifier.cacheJwks((await response.json()) as Jwks);
      } finally {
        inflight = undefined;
      }
    })();
    await inflight;
    return true;
  };

  const verify = (token: string): JwtPayload => verifier.verifySync(token);

  return {
    async authorize(authorizationHeader, routeScopes) {
      const token = extractToken(authorizationHeader);
      if (!token) return { ok: false, detail: 'A bearer token is required.' };
      let payload: JwtPayload;
      try {
        if (lastFetch === 0) await refreshJwks(true);
        try {
          payload = verify(token);
        } catch (error) {
          // A key we do not know yet (cognito-local restarted with new keys, or a first request): fetch again.
          const unknownKey = error instanceof KidNotFoundInJwksError || error instanceof JwksNotAvailableInCacheError;
          if (unknownKey && (await refreshJwks(false))) {
            payload = verify(token);
          } else {
            throw error;
          }
        }
      } catch (error) {
        return { ok: false, detail: describeFailure(error) };
      }
      const tokenScopes = scopesOf(payload);
      if (routeScopes && routeScopes.length > 0) {
        // API Gateway answers 403 for a valid token without a route scope; we have no scoped routes.
        if (!tokenScopes.some((scope) => routeScopes.includes(scope))) {
          return { ok: false, detail: 'The token lacks a scope this route requires.' };
        }
        return { ok: true, claims: renderClaims(payload), scopes: tokenScopes };
      }
      return { ok: true, claims: renderClaims(payload), scopes: null };
    },
  };
}

/** `Bearer <jwt>` or a bare `<jwt>`, like API Gateway's identity source. */
function extractToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const value = header.trim();
  const match = /^Bearer\s+(.+)$/i.exec(value);
  const token = (match ? match[1] : value)?.trim();
  return token ? token : undefined;
}

function checkAudience(payload: JwtPayload, audience: readonly string[]): void {
  if (payload.aud !== undefined) {
    const values = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!values.some((value) => audience.includes(value))) throw new Error('audience not accepted');
    return;
  }
  const clientId = payload['client_id'];
  if (typeof clientId !== 'string' || !audience.includes(clientId)) throw new Error('audience not accepted');
}

function scopesOf(payload: JwtPayload): string[] {
  const raw = payload['scp'] ?? payload['scope'];
  if (Array.isArray(raw)) return raw.map(String);
  if (typeof raw === 'string') return raw.split(/\s+/).filter(Boolean);
  return [];
}

/**
 * Claim values the way API Gateway's payload 2.0 JWT context renders them: strings as they are, numbers and
 * booleans as their text (`"exp": "1700000000"`, `"email_verified": "true"`), arrays as a bracketed,
 * space-separated list that is NOT JSON (`"cognito:groups": "[platform-admin ops]"`), null claims left out,
 * objects as JSON text.
 */
export function renderClaims(payload: Record<string, unknown>): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    const rendered = renderClaimValue(value);
    if (rendered !== undefined) claims[name] = rendered;
  }
  return claims;
}

function renderClaimValue(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    return `[${value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(' ')}]`;
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A short reason for the problem detail, without echoing the token. */
function describeFailure(error: unknown): string {
  if (error instanceof JwtExpiredError) return 'The token has expired.';
  if (error instanceof JwtNotBeforeError) return 'The token is not valid yet.';
  if (error instanceof JwtInvalidIssuerError) return 'The token was not issued by this API’s identity provider.';
  if (
    error instanceof JwtInvalidSignatureError ||
    error instanceof JwtInvalidSignatureAlgorithmError ||
    error instanceof KidNotFoundInJwksError ||
    error instanceof JwtWithoutValidKidError
  ) {
    return 'The token signature is not valid.';
  }
  if (error instanceof JwtParseError) return 'The token is not a well-formed JWT.';
  return 'The token is not valid.';
}
