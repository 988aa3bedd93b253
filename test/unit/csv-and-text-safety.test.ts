import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { neutraliseFormulas } from '../../shared/audit/csv-export';
import { builtInRoleNameLike, roleNameKey } from '../../shared/domain/role-names';
import { SINGLE_LINE_TEXT } from '../../shared/domain/text';
import { renderInvitationEmail } from '../../shared/email/invitation-email';
import { parseRequestPart } from '../../shared/http/middleware/validation';
import { createRoleBodySchema } from '../../shared/http/schemas/roles';

/**
 * Issue 11, items 4 and 5: CSV cells that no spreadsheet runs as formulas, whatever separator it splits
 * on; names and free text without control, bidi or lone-surrogate characters; role names not confusable
 * with built-in ones.
 */

/** A piece that a spreadsheet would read as a formula (spaces before the trigger may be trimmed). */
const FORMULA_START = /^ *[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const TRIGGERS = ['=', '+', '-', '@', '\t', '\r', '\n', ' ', ',', ';', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20', "'"];
/** Strings made mostly of triggers, separators and spaces, with some ordinary text between them. */
const hostile = fc
  .array(fc.oneof(fc.constantFrom(...TRIGGERS), fc.string({ maxLength: 3 })), { maxLength: 20 })
  .map((parts) => parts.join(''));

describe('neutraliseFormulas', () => {
  it('leaves no piece split on comma, semicolon, tab or a line break that starts a formula', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const safe = neutraliseFormulas(value);
        for (const separator of [',', ';', '\t', '\r', '\n']) {
          for (const piece of safe.split(separator)) expect(piece).not.toMatch(FORMULA_START);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('only inserts quotes: removing the inserted ones gives the original back', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const safe = neutraliseFormulas(value);
        expect(safe.length).toBeGreaterThanOrEqual(value.length);
        // Quotes are inserted right before a trigger; the rest is the original, in order.
        let i = 0;
        for (const char of safe) if (char === value[i]) i++;
        expect(i).toBe(value.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('quotes each piece that starts a formula, and nothing else', () => {
    expect(neutraliseFormulas('x;=HYPERLINK("http://evil")')).toBe('x;\'=HYPERLINK("http://evil")');
    expect(neutraliseFormulas('=1+2')).toBe("'=1+2");
    expect(neutraliseFormulas('a, -1')).toBe("a, '-1");
    expect(neutraliseFormulas('b,\uFF1D1')).toBe("b,'\uFF1D1");
    expect(neutraliseFormulas('\t=1')).toBe("'\t'=1");
    expect(neutraliseFormulas('2021-03-01T00:00:00Z')).toBe('2021-03-01T00:00:00Z');
    expect(neutraliseFormulas('plain, with "quotes"')).toBe('plain, with "quotes"');
    expect(neutraliseFormulas('{"before":null,"after":{"name":"x;=1"}}')).toBe(
      '{"before":null,"after":{"name":"x;\'=1"}}',
    );
  });
});

describe('names and free text', () => {
  it('names the field and the refused character', () => {
    const result = createRoleBodySchema.safeParse({ name: 'Ops\u202Eteam', permissions: [] });
    expect(result.success).toBe(false);
    expect(() => parseRequestPart(createRoleBodySchema, { name: 'Ops\r\nteam', permissions: [] }, 'body')).toThrow(
      /body\.name: must be one line of text without control or bidi characters \(found U\+000D\)/,
    );
    expect(() =>
      parseRequestPart(createRoleBodySchema, { name: 'Ops', description: 'a\nb\u0000', permissions: [] }, 'body'),
    ).toThrow(/body\.description: .*\(found U\+0000\)/);
    expect(() => parseRequestPart(createRoleBodySchema, { name: 'Ops\uDC00', permissions: [] }, 'body')).toThrow(
      /\(found U\+DC00\)/,
    );
  });

  it('keeps an email subject on one line whatever the stored tenant name', () => {
    const email = renderInvitationEmail(
      {
        kind: 'invitation',
        to: 'a@example.com',
        tenantName: 'Acme\r\nBcc: victim@example.com\u202E',
        inviterEmail: 'owner@example.com',
        sealedToken: 'sealed',
        expiresAt: '2030-01-01T00:00:00Z',
      },
      'token',
      'https://app.example.com',
    );
    expect(email.subject).toMatch(SINGLE_LINE_TEXT);
    expect(email.subject).toBe('owner@example.com invited you to join Acme  Bcc: victim@example.com ');
  });
});

describe('role names that look the same (TR39 skeleton)', () => {
  it('finds the built-in name a custom name imitates, in any case', async () => {
    for (const name of [
      'Owner',
      'owner',
      '\u041Ewner',
      'ADMIN',
      'ADMlN',
      'Adrnin',
      '\u0430dmin',
      'V\u0456ewer',
      ' Agent ',
    ]) {
      expect(await builtInRoleNameLike(name), name).toBeDefined();
    }
    expect(await builtInRoleNameLike('\u041Ewner')).toBe('Owner');
    for (const name of ['Owners', 'Admin team', 'Reviewer', 'Helpdesk', 'Équipe']) {
      expect(await builtInRoleNameLike(name), name).toBeUndefined();
    }
  });

  it('gives names that look the same one key, case-insensitively', async () => {
    expect(await roleNameKey('Ops')).toBe(await roleNameKey('\u041Eps'));
    expect(await roleNameKey('Ops')).toBe(await roleNameKey('0PS'));
    expect(await roleNameKey('Ad\u200Bmin')).toBe(await roleNameKey('admin'));
    expect(await roleNameKey('Ops')).not.toBe(await roleNameKey('Ups'));
  });
});
