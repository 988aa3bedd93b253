import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../shared/data/cursor';
import type { DomainError } from '../../shared/domain/errors';
import { parseGroupsClaim } from '../../shared/http/middleware/authentication';
import { parseIfMatch } from '../../shared/http/middleware/validation';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as DomainError).code;
  }
  return 'no error';
};

describe('cursors', () => {
  const key = { PK: 'TENANT#A', SK: 'MEMBER#01' };
  const cursor = encodeCursor('members|A|status=*', key)!;

  it('round-trips within the same list', () => {
    expect(decodeCursor(cursor, 'members|A|status=*', { PK: 'TENANT#A', SK: undefined })).toEqual(key);
  });

  it('is rejected for another tenant or filter', () => {
    expect(codeOf(() => decodeCursor(cursor, 'members|B|status=*', { PK: 'TENANT#B', SK: undefined }))).toBe(
      'invalid_cursor',
    );
    expect(codeOf(() => decodeCursor(cursor, 'members|A|status=active', { PK: 'TENANT#A', SK: undefined }))).toBe(
      'invalid_cursor',
    );
  });

  it('is rejected when tampered with', () => {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    decoded.k.PK = 'TENANT#B';
    const forged = Buffer.from(JSON.stringify(decoded)).toString('base64url');
    expect(codeOf(() => decodeCursor(forged, 'members|A|status=*', { PK: 'TENANT#A', SK: undefined }))).toBe(
      'invalid_cursor',
    );
    expect(codeOf(() => decodeCursor('not-a-cursor', 'members|A|status=*', { PK: 'TENANT#A', SK: undefined }))).toBe(
      'invalid_cursor',
    );
    expect(codeOf(() => decodeCursor('bnVsbA', 'members|A|status=*', { PK: 'TENANT#A', SK: undefined }))).toBe(
      'invalid_cursor',
    );
  });

  it('is null at the end of a list', () => {
    expect(encodeCursor('x', undefined)).toBeNull();
  });
});

describe('If-Match', () => {
  it('accepts quoted, bare and weak versions', () => {
    expect(parseIfMatch('"3"')).toBe(3);
    expect(parseIfMatch('3')).toBe(3);
    expect(parseIfMatch('W/"12"')).toBe(12);
    expect(parseIfMatch(undefined)).toBeUndefined();
  });
  it('rejects anything else with 400 invalid_if_match', () => {
    expect(codeOf(() => parseIfMatch('"abc"'))).toBe('invalid_if_match');
    expect(codeOf(() => parseIfMatch('1, 2'))).toBe('invalid_if_match');
  });
});

describe('cognito:groups claim', () => {
  it('reads the API Gateway string form and arrays', () => {
    expect(parseGroupsClaim('[platform-admin other]')).toEqual(['platform-admin', 'other']);
    expect(parseGroupsClaim('[platform-admin]')).toEqual(['platform-admin']);
    expect(parseGroupsClaim(['a', 'b'])).toEqual(['a', 'b']);
    expect(parseGroupsClaim(undefined)).toEqual([]);
  });
});
