import { describe, expect, it } from 'vitest';
import { safeNext } from '../../console/src/app/safe-next';

describe("the console's return path after sign-in", () => {
  it.each(['/t/01ABC/users', '/me', '/t/x/users/invitations?status=pending'])(
    'follows a path of the site: %s',
    (path) => {
      expect(safeNext(path)).toBe(path);
    },
  );

  it.each([
    'https://evil.example/',
    '//evil.example/path',
    '/\\evil.example',
    'javascript:alert(1)',
    '',
    null,
    undefined,
    '/ok\n//evil',
  ])('goes home instead of following %s', (next) => {
    expect(safeNext(next)).toBe('/');
  });
});
