import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  DomainError,
  MethodNotAllowed,
  ServiceUnavailable,
  UnsupportedMediaType,
  ValidationFailed,
} from '../domain/errors';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: readonly { path: string; message: string; code?: string }[];
  [extension: string]: unknown;
}

/** Problem type URIs are stable identifiers, one per `code` (RFC 9457 §3.1.1). */
export const problemType = (code: string) => `urn:problem:users-and-roles:${code}`;

/**
 * SDK errors that mean "an AWS service pushed back" (DynamoDB, or Cognito when accepting an invitation):
 * answered 503 with Retry-After, never 500.
 */
const retryableAwsErrors = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TransactionConflictException',
  'TransactionInProgressException',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  // Cognito
  'TooManyRequestsException',
  'InternalErrorException',
]);

/** Cancellation reasons that say "try again" rather than "your condition failed" (DynamoDB TransactWriteItems). */
const transientCancellationReasons = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
]);

/**
 * A transaction cancelled only because it collided with another one or was throttled: a condition that
 * failed would have been translated into a domain error by the service (shared/data/transactions.ts).
 */
function isTransientCancellation(error: Error): boolean {
  if (error.name !== 'TransactionCanceledException') return false;
  const codes = ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map(
    (r) => r.Code ?? 'None',
  );
  return (
    codes.some((code) => transientCancellationReasons.has(code)) &&
    codes.every((code) => code === 'None' || transientCancellationReasons.has(code))
  );
}

interface MiddyHttpError {
  statusCode: number;
  expose?: boolean;
  cause?: { package?: string; message?: string };
}

function isMiddyHttpError(error: unknown): error is Error & MiddyHttpError {
  return error instanceof Error && typeof (error as Partial<MiddyHttpError>).statusCode === 'number';
}

/** Errors raised by middy's own middlewares, translated into our typed errors. */
function fromMiddyError(error: Error & MiddyHttpError): DomainError | undefined {
  if (error.cause?.package === '@middy/http-json-body-parser') {
    // The parser reports both a wrong content type and unparsable JSON as 415; only the former is one.
    return error.cause.message === undefined && error.message === 'Unsupported Media Type'
      ? new UnsupportedMediaType()
      : new ValidationFailed('The request body is not valid JSON.', undefined, 'malformed_json');
  }
  return undefined;
}

/**
 * Maps any thrown value to a problem document. Domain errors keep their status, code and detail;
 * everything else becomes a 500 with a generic text, so no internal detail ever reaches a client.
 */
export function toProblem(
  error: unknown,
  requestId?: string,
): { problem: ProblemDocument; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  let domainError: DomainError | undefined;
  if (error instanceof DomainError) domainError = error;
  else if (isMiddyHttpError(error)) domainError = fromMiddyError(error);
  else if (error instanceof Error && (retryableAwsErrors.has(error.name) || isTransientCancellation(error)))
    domainError = new ServiceUnavailable();

  if (domainError?.status === 503 || domainError?.status === 429)
    headers['retry-after'] = String(domainError.retryAfterSeconds);
  if (domainError?.status === 401) headers['www-authenticate'] = 'Bearer';
  if (domainError instanceof MethodNotAllowed) headers.allow = domainError.allow.join(', ');

  const problem: ProblemDocument = domainError
    ? {
        ...domainError.extensions,
        type: problemType(domainError.code),
        title: domainError.title,
        status: domainError.status,
        detail: domainError.detail,
        code: domainError.code,
        ...(domainError.errors ? { errors: domainError.errors } : {}),
      }
    : {
        type: problemType('internal_error'),
        title: 'Internal server error',
        status: 500,
        detail: 'An unexpected error occurred. Quote the request id when you contact support.',
        code: 'internal_error',
      };
  if (requestId) problem.instance = `urn:request:${requestId}`;
  return { problem, headers };
}

export function problemResponse(error: unknown, requestId?: string): APIGatewayProxyStructuredResultV2 {
  const { problem, headers } = toProblem(error, requestId);
  return {
    statusCode: problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(problem),
  };
}
