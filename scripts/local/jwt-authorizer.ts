import {
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
import { createJwtVerifier, type JwtVerifierOptions } from '../../shared/identity/jwt-verifier';

/**
 * The API Gateway HTTP API JWT authorizer, for the local server. It follows the documented evaluation
 * (developer guide, "Control access to HTTP APIs with JWT authorizers"):
 * 1. the token comes from the `Authorization` header, bare or prefixed with `Bearer `;
 * 2. it must be a JWT signed with RS256 by a key of the issuer's JWKS (`kid`), so `alg: none`, HMAC and
 *    tokens signed by any other key are rejected;
 * 3. `iss` must equal the configured issuer; `aud` must match the audience, or when the token has no `aud`
 *    (Cognito access tokens) `client_id` must; `exp`, `nbf` and `iat` are checked against the clock.
 *
 * Steps 2 and 3 are shared/identity/jwt-verifier.ts, which the one function that verifies tokens itself
 * (accepting an invitation while signed in) uses too; this file adds the header parsing, the claims
 * rendering and the answers API Gateway gives.
 */
export type JwtAuthorizerOptions = JwtVerifierOptions;

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
  const verify = createJwtVerifier(options);

  return {
    async authorize(authorizationHeader, routeScopes) {
      const token = extractToken(authorizationHeader);
      if (!token) return { ok: false, detail: 'A bearer token is required.' };
      let payload: JwtPayload;
      try {
        payload = await verify(token);
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

function scopesOf(payload: JwtPayload): string[] {
  const raw = payload.scp ?? payload.scope;
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
