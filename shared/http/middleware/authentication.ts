import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { Identity } from '../../domain/actor';
import { Unauthenticated } from '../../domain/errors';

type Claims = Record<string, string | number | boolean | string[] | undefined>;

/**
 * API Gateway passes array claims to Lambda as a bracketed string (`[platform-admin other]`);
 * accept both that and a real array so the code does not depend on the transport.
 */
export function parseGroupsClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string' || value.length === 0) return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter((group) => group.length > 0);
}

/**
 * The caller's identity from the claims the JWT authorizer verified (API Gateway in AWS, the local
 * server's verifier locally). A route that needs a token but has no verified `sub` is refused: defence
 * in depth should the route ever be deployed without its authorizer.
 */
export function identityFromEvent(event: APIGatewayProxyEventV2WithJWTAuthorizer): Identity {
  const claims = (event.requestContext as Partial<typeof event.requestContext>).authorizer?.jwt?.claims as
    | Claims
    | undefined;
  const userId = claims?.sub;
  if (typeof userId !== 'string' || userId.length === 0) throw new Unauthenticated();
  const email = typeof claims?.email === 'string' ? claims.email.toLowerCase() : undefined;
  const emailVerified = claims?.email_verified === true || claims?.email_verified === 'true';
  return {
    userId,
    // An unverified address proves nothing; invitations are matched on verified addresses only.
    email: email && emailVerified ? email : undefined,
    groups: parseGroupsClaim(claims?.['cognito:groups']),
    ...(Number.isFinite(Number(claims?.auth_time)) && claims?.auth_time !== undefined
      ? { authTime: Number(claims.auth_time) }
      : {}),
  };
}
