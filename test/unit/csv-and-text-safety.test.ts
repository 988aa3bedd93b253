import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { neutraliseFormulas } from '../../shared/audit/csv-export';

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
