/**
 * What names and free text may hold (issue 11, item 5). Names (tenant, role, display names) are one line of
 * text; descriptions and invitation messages may also hold line feeds. Neither holds:
 * - C0 and C1 control characters (NUL, TAB, CR, LF, ESC, DEL, NEL, ...): a CRLF in a tenant name reached
 *   the invitation email's subject raw, and controls corrupt logs, CSV exports and terminals;
 * - bidi controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C), which reorder what a reader sees
 *   ("Trojan Source"), and the line and paragraph separators U+2028, U+2029;
 * - lone surrogates, which are not text: they break UTF-8 encoders (emails, S3 objects, JSON in other
 *   languages).
 * The patterns are written without the `u` flag so that they are also valid OpenAPI `pattern`s.
 */

const CONTROLS = '\\u0000-\\u001F\\u007F-\\u009F';
const BIDI_CONTROLS = '\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069';
const LINE_SEPARATORS = '\\u2028\\u2029';
const SURROGATES = '\\uD800-\\uDFFF';
const SURROGATE_PAIR = '[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]';
const REFUSED = `${CONTROLS}${BIDI_CONTROLS}${LINE_SEPARATORS}`;

/** The whole of a one-line text: no controls, bidi controls or line separators; surrogates only in pairs. */
export const SINGLE_LINE_TEXT = new RegExp(`^(?:[^${REFUSED}${SURROGATES}]|${SURROGATE_PAIR})*$`);
/** The same, line feeds allowed (clients' CRLF is made LF first). */
export const MULTI_LINE_TEXT = new RegExp(`^(?:[^${REFUSED}${SURROGATES}]|${SURROGATE_PAIR}|\\n)*$`);

/** One refused character (a surrogate only when lone), to say which one a value holds. */
const REFUSED_CHARACTER = new RegExp(
  `[${REFUSED}]|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]`,
  'g',
);

const codePoint = (char: string) => `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** The first refused character of `value` as `U+000D`, for error messages; `allowLineFeeds` for free text. */
export function firstRefusedCharacter(value: string, allowLineFeeds: boolean): string | undefined {
  for (const match of value.matchAll(REFUSED_CHARACTER)) {
    if (!(allowLineFeeds && match[0] === '\n')) return codePoint(match[0]);
  }
  return undefined;
}

/**
 * `value` with every refused character (line breaks included) replaced by a space: for places that must
 * stay one line whatever is stored, such as an email subject, when the value predates the input rules.
 */
export function asSingleLine(value: string): string {
  return value.replace(REFUSED_CHARACTER, ' ');
}
