import { JwtVerifier } from 'aws-jwt-verify';
import { JwksNotAvailableInCacheError, KidNotFoundInJwksError } from 'aws-jwt-verify/error';
import type { Jwks } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';

export interface JwtVerifierOptions {
  /** e.g. `https://cognito-idp.<region>.amazonaws.com/<poolId>`, or the emulator's `http://127.0.0.1:9229/<poolId>`. */
  readonly issuer: string;
  /** Defaults to `<issuer>/.well-known/jwks.json`. */
  readonly jwksUri?: string;
  /** App client ids accepted in `aud` (ID token) or, without `aud`, in `client_id` (access token). */
  readonly audience: readonly string[];
  /** Least time between two JWKS fetches triggered by unknown keys. */
  readonly jwksRefreshIntervalMs?: number;
}

/**
 * Verifies Cognito JWTs by the API Gateway HTTP API JWT authorizer's rules: an RS256 signature by a key of
 * the issuer's JWKS (so `alg: none`, HMAC and foreign keys fail), `iss`, `exp`/`nbf` (aws-jwt-verify),
 * no `iat` in the future, and `aud` — or `client_id` when there is no `aud` — among the accepted clients.
 *
 * The JWKS is fetched with `fetch` and handed to aws-jwt-verify, because aws-jwt-verify refuses plain-http
 * JWKS URLs and the local Cognito emulator serves nothing else. A token naming a key not yet known (first
 * use, rotated keys, a restarted emulator) triggers one refetch, at most every `jwksRefreshIntervalMs`.
 * Throws aws-jwt-verify's errors on any failure.
 */
export function createJwtVerifier(options: JwtVerifierOptions): (token: string) => Promise<JwtPayload> {
  const jwksUri = options.jwksUri ?? `${options.issuer}/.well-known/jwks.json`;
  const refreshInterval = options.jwksRefreshIntervalMs ?? 10_000;
  const verifier = JwtVerifier.create({
    issuer: options.issuer,
    jwksUri,
    audience: null, // checked below, the way API Gateway does
    customJwtCheck: ({ header, payload }) => {
      if (header.alg !== 'RS256') throw new Error(`unsupported signing algorithm ${String(header.alg)}`);
      const audiences = payload.aud === undefined ? [payload.client_id] : [payload.aud].flat();
      if (!audiences.some((aud) => typeof aud === 'string' && options.audience.includes(aud))) {
        throw new Error('audience not accepted');
      }
      if (typeof payload.iat === 'number' && payload.iat > Math.floor(Date.now() / 1000) + 1) {
        throw new Error('token issued in the future');
      }
    },
  });

  let lastFetch = 0;
  let inflight: Promise<void> | undefined;
  const refreshJwks = async (force: boolean): Promise<boolean> => {
    if (!force && Date.now() - lastFetch < refreshInterval) {
      // A fetch started by a concurrent call is as good as our own: wait for it instead of failing.
      if (!inflight) return false;
      await inflight;
      return true;
    }
    inflight ??= (async () => {
      try {
        lastFetch = Date.now();
        const response = await fetch(jwksUri, { signal: AbortSignal.timeout(3000) });
        if (!response.ok) throw new Error(`JWKS request answered ${response.status}`);
        verifier.cacheJwks((await response.json()) as Jwks);
      } finally {
        inflight = undefined;
      }
    })();
    await inflight;
    return true;
  };

  return async (token) => {
    // Concurrent first calls all wait for the first fetch (they used to find the JWKS missing and fail).
    if (inflight) await inflight;
    else if (lastFetch === 0) await refreshJwks(true);
    try {
      return verifier.verifySync(token);
    } catch (error) {
      const unknownKey = error instanceof KidNotFoundInJwksError || error instanceof JwksNotAvailableInCacheError;
      if (unknownKey && (await refreshJwks(false))) return verifier.verifySync(token);
      throw error;
    }
  };
}
