import { describe, expect, it } from 'vitest';
import { ValidationFailed } from '../../shared/domain/errors';
import { parseRequestPart } from '../../shared/http/middleware/validation';
import { lookupQuerySchema } from '../../shared/http/schemas/invitations';
import { memberPathSchema } from '../../shared/http/schemas/members';

function refusal(run: () => unknown): ValidationFailed {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationFailed) return error;
    throw error;
  }
  throw new Error('expected a validation failure');
}

/**
 * The schemas are zod/mini, which has no locale of its own ("Invalid input" for everything): the
 * messages clients get in problem+json come from shared/zod-locale.ts. This file loads no zod classic
 * (which would set the same locale on its own), so it checks that module does.
 */
describe('validation messages', () => {
  it("carry zod's English messages, codes and paths", () => {
    expect(refusal(() => parseRequestPart(lookupQuerySchema, { token: '' }, 'query')).errors).toEqual([
      { path: 'query.token', message: 'Too small: expected string to have >=1 characters', code: 'too_small' },
    ]);
    expect(refusal(() => parseRequestPart(memberPathSchema, { tenantId: 'nope' }, 'params')).errors).toEqual([
      { path: 'params.tenantId', message: 'must be a ULID', code: 'invalid_format' },
      { path: 'params.memberId', message: 'Invalid input: expected string, received undefined', code: 'invalid_type' },
    ]);
  });
});
