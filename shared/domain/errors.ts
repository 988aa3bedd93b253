/**
 * Typed domain errors. Each carries the HTTP status and the stable machine `code` that clients switch on;
 * the one error middleware (shared/http/problem.ts) turns them into RFC 9457 problem+json.
 * Anything that is not a DomainError is an internal fault and is reported as a generic 500.
 */

export interface FieldError {
  /** JSON-pointer-like path of the offending input, e.g. `body.emails.2` or `query.limit`. */
  readonly path: string;
  readonly message: string;
  readonly code?: string;
}

export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail?: string,
    readonly errors?: readonly FieldError[],
    /** Extra members added to the problem document, e.g. `{ count }` for `role_in_use`. */
    readonly extensions?: Readonly<Record<string, unknown>>,
  ) {
    super(detail ?? title);
    this.name = new.target.name;
  }

  get detail(): string {
    return this.message;
  }

  /** Seconds a client should wait before retrying: the Retry-After of 429 and 503 answers. */
  get retryAfterSeconds(): number {
    return 1;
  }
}

export class ValidationFailed extends DomainError {
  constructor(
    detail: string,
    errors?: readonly FieldError[],
    code = 'validation_failed',
    extensions?: Readonly<Record<string, unknown>>,
  ) {
    super(400, code, 'Request validation failed', detail, errors, extensions);
  }
}

export class InvalidCursor extends DomainError {
  constructor() {
    super(400, 'invalid_cursor', 'Invalid cursor', 'The cursor is malformed or belongs to another list or filter.');
  }
}

export class Unauthenticated extends DomainError {
  constructor(detail = 'A valid bearer token is required.') {
    super(401, 'unauthorized', 'Unauthorized', detail);
  }
}

export class Forbidden extends DomainError {
  constructor(detail = 'You do not have permission to perform this action.', code = 'forbidden') {
    super(403, code, 'Forbidden', detail);
  }
}

export class NotFound extends DomainError {
  constructor(what: string, code = 'not_found') {
    super(404, code, 'Not found', `${what} was not found.`);
  }
}

export class Conflict extends DomainError {
  constructor(code: string, detail: string, extensions?: Record<string, unknown>) {
    super(409, code, 'Conflict', detail, undefined, extensions);
  }
}

export class InvalidState extends DomainError {
  constructor(detail: string) {
    super(409, 'invalid_state', 'Invalid state transition', detail);
  }
}

export class SeatLimitReached extends DomainError {
  constructor(seatLimit: number) {
    super(
      409,
      'seat_limit_reached',
      'Seat limit reached',
      `The tenant has used all of its ${seatLimit} seats.`,
      undefined,
      {
        seatLimit,
      },
    );
  }
}

export class MethodNotAllowed extends DomainError {
  /** The methods the path does serve: the response's `Allow` header. */
  readonly allow: readonly string[];
  constructor(allow: readonly string[]) {
    super(
      405,
      'method_not_allowed',
      'Method not allowed',
      `This path is served with ${allow.join(', ')} only; see /v1/openapi.json.`,
      undefined,
      { allow },
    );
    this.allow = allow;
  }
}

export class PreconditionFailed extends DomainError {
  constructor(currentVersion?: number) {
    super(
      412,
      'version_mismatch',
      'Precondition failed',
      'The resource was changed by someone else; reload it and retry with its current version.',
      undefined,
      currentVersion === undefined ? undefined : { currentVersion },
    );
  }
}

export class PayloadTooLarge extends DomainError {
  constructor(limitBytes: number) {
    super(413, 'payload_too_large', 'Payload too large', `The request body exceeds ${limitBytes} bytes.`);
  }
}

export class UnsupportedMediaType extends DomainError {
  constructor() {
    super(415, 'unsupported_media_type', 'Unsupported media type', 'Send the request body as application/json.');
  }
}

export class TooManyRequests extends DomainError {
  constructor(detail = 'Too many requests; retry later.') {
    super(429, 'too_many_requests', 'Too many requests', detail);
  }
}

/** A tenant already has the most audit exports in progress it may have at once (429 with Retry-After). */
export class ExportLimitReached extends DomainError {
  constructor(
    limit: number,
    private readonly retryAfter: number,
  ) {
    super(
      429,
      'export_limit_reached',
      'Too many exports in progress',
      `At most ${limit} audit exports may be in progress per tenant; retry when one of them has finished.`,
      undefined,
      { limit },
    );
  }

  override get retryAfterSeconds(): number {
    return this.retryAfter;
  }
}

export class ServiceUnavailable extends DomainError {
  constructor(detail = 'The service is temporarily unable to handle the request; retry later.') {
    super(503, 'service_unavailable', 'Service unavailable', detail);
  }
}
