import type * as z from 'zod/mini';
import '../../zod-locale';
import { type FieldError, ValidationFailed } from '../../domain/errors';

/** Validates one part of the request (`params`, `query` or `body`) against its zod schema. */
export function parseRequestPart<T extends z.ZodMiniType>(
  schema: T,
  value: unknown,
  part: 'params' | 'query' | 'body',
): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.slice(0, 20).map((issue) => ({
    path: [part, ...issue.path.map(String)].join('.'),
    message: issue.message,
    code: issue.code,
  }));
  const where = part === 'params' ? 'path' : part;
  throw new ValidationFailed(
    `The request ${where} is invalid: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
    errors,
  );
}

/** `If-Match: "3"`, `3` or `W/"3"` → 3. A malformed header is a client error, not "no precondition". */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '' || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match) {
    throw new ValidationFailed(
      'If-Match must be the resource version, e.g. "3".',
      [{ path: 'headers.if-match', message: 'expected a version number' }],
      'invalid_if_match',
    );
  }
  return Number(match[1]);
}
