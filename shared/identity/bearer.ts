import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { config, tokenIssuer } from '../config';
import type { Identity } from '../domain/actor';
import { Unauthenticated } from '../domain/errors';
import { present } from '../domain/present';
import { parseGroupsClaim } from '../http/middleware/authentication';
import { createJwtVerifier } from './jwt-verifier';

/**
 * A Cognito JWT verified inside a function, for the one public route that also accepts a signed-in caller
 * (accepting an invitation): the same rules as API Gateway's JWT authorizer (see createJwtVerifier).
 */
let verifyToken: ReturnType<typeof createJwtVerifier> | undefined;

/** The caller behind `Authorization: Bearer <jwt>`, or undefined without the header; a bad token is 401. */
export async function optionalBearerIdentity(authorization: string | undefined): Promise<Identity | undefined> {
  if (authorization === undefined || authorization.trim() === '') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw new Unauthenticated('The Authorization header must be "Bearer <token>".');
  verifyToken ??= createJwtVerifier({ issuer: tokenIssuer(), audience: [config().USER_POOL_CLIENT_ID] });
  let payload: JwtPayload;
  try {
    payload = await verifyToken(present(match[1], 'bearer token'));
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
