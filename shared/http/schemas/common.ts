import * as z from 'zod/mini';
// Types only: the `z.meta({ id, ... })` options zod-openapi adds to zod.
import type {} from 'zod-openapi';
import '../../zod-locale';
import { botEnvironments } from '../../data/records';
import { allPermissions, type Permission } from '../../domain/permissions';
import { botBuiltInRoleIds, builtInRoleIds, tenantBuiltInRoleIds } from '../../domain/roles';
import { firstRefusedCharacter, MULTI_LINE_TEXT, SINGLE_LINE_TEXT } from '../../domain/text';

/*
 * Schemas are written with zod/mini, zod's functional API (`z.optional(s)`, `s.check(z.maxLength(10))`,
 * `s.check(z.meta({ ... }))` for OpenAPI metadata): it loads in a fraction of zod classic's time at every
 * cold start (docs/PERFORMANCE.md, figure 1). Same validation, messages and OpenAPI document.
 *
 * Every schema built at module scope is an arrow function called at once and marked with esbuild's
 * `@__PURE__` comment: esbuild then drops the ones a bundle never names, so a function constructs only
 * the schemas of its own route, not its neighbours' (docs/PERFORMANCE.md, figure 1). Without the wrapper esbuild must keep every
 * `z.*` call (it cannot know zod's calls are pure across files), whatever imports the module. A new
 * module-scope schema in shared/http/schemas/ takes the same wrapper.
 */

/** ULIDs: 26 Crockford base32 characters. Every id we mint is one (ulidx). */
export const ulidSchema = /* @__PURE__ */ (() =>
  z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID')))();

export const tenantIdSchema = /* @__PURE__ */ (() =>
  ulidSchema.check(z.meta({ description: 'Tenant id (ULID)', example: '01JD2Q3V4W5X6Y7Z8A9B0C1D2E' })))();
export const memberIdSchema = /* @__PURE__ */ (() => ulidSchema.check(z.meta({ description: 'Member id (ULID)' })))();
export const roleIdSchema = /* @__PURE__ */ (() =>
  z.union([z.enum(builtInRoleIds), ulidSchema]).check(
    z.meta({
      description: `A built-in role id (tenant roles: ${tenantBuiltInRoleIds.join(', ')}; bot roles: ${botBuiltInRoleIds.join(', ')}) or a custom role ULID`,
    }),
  ))();

export const permissionSchema = /* @__PURE__ */ (() =>
  z
    .enum(allPermissions as readonly Permission[] as [Permission, ...Permission[]])
    .check(z.meta({ id: 'Permission' })))();

/*
 * Bot ids and environments: here rather than in bots.ts because routes of other resources name bots too
 * (a member's bots, authorization checks), and a handler's bundle should build only its own resource's schemas.
 */
/** Bot ids are chosen by the bot builder or minted here (a ULID): a safe id that never holds a key separator. */
export const BOT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export const botIdSchema = /* @__PURE__ */ (() =>
  z
    .string()
    .check(
      z.regex(BOT_ID_PATTERN, 'must be 1-64 letters, digits, _ or -, starting with a letter or digit'),
      z.meta({ description: 'Bot id: 1-64 letters, digits, `_` or `-`, starting with a letter or digit' }),
    ))();

export const botEnvironmentSchema = /* @__PURE__ */ (() =>
  z.enum(botEnvironments).check(z.meta({ id: 'BotEnvironment' })))();

/** The address pattern `z.email()` checks, without its anchors: also the OpenAPI `pattern` of email fields. */
export const EMAIL_PATTERN = /* @__PURE__ */ (() => z.regexes.email.source.replace(/^\^|\$$/g, ''))();

/** What the OpenAPI document says of an email field (JSON Schema sees the input side of a pipe, not `z.email()`). */
export const emailOpenApi = { format: 'email', pattern: `^${EMAIL_PATTERN}$` } as const;

export const emailSchema = /* @__PURE__ */ (() =>
  z
    .pipe(z.string().check(z.trim(), z.toLowerCase(), z.maxLength(254)), z.email())
    .check(z.meta({ description: 'Email address; compared case-insensitively', override: emailOpenApi })))();

/**
 * "At least one of these fields" on a request body: the refinement the handler validates with, and the same
 * rule in the OpenAPI document, which cannot see a refinement: `minProperties: 1` and an `anyOf` of
 * `required`. Spread into the body's `.check(...)`.
 */
export function atLeastOneOf<T extends object>(fields: readonly (keyof T & string)[], message: string) {
  return [
    z.refine<T>((body) => fields.some((field) => body[field] !== undefined), { message }),
    z.meta({ override: { minProperties: 1, anyOf: fields.map((field) => ({ required: [field] })) } }),
  ] as const;
}

export const isoDateTimeSchema = /* @__PURE__ */ (() => z.iso.datetime({ offset: true }))();

/**
 * Names (tenant, role, display names): one line of text, trimmed, `min`-`max` characters, with no control
 * characters (CR, LF, TAB, NUL, ...), bidi controls or lone surrogates (shared/domain/text.ts says why).
 * Checked before trimming, so a refused character is refused wherever it stands. The pattern is also the
 * field's OpenAPI `pattern`; the message names the first refused character.
 */
export function singleLineTextSchema(bounds: { min?: number; max: number }) {
  const min = bounds.min ?? 1;
  return z.string().check(
    z.regex(SINGLE_LINE_TEXT, {
      error: (issue) =>
        `must be one line of text without control or bidi characters (found ${firstRefusedCharacter(String(issue.input), false)})`,
    }),
    // A blank name is empty once trimmed; said as a pattern too, so that the OpenAPI document refuses it.
    ...(min > 0 ? [z.regex(/\S/, 'must not be blank')] : []),
    z.trim(),
    z.minLength(min),
    // In characters (code points), as the document's maxLength counts them, not in UTF-16 units.
    z.refine((value: string) => [...value].length <= bounds.max, `at most ${bounds.max} characters`),
    z.meta({ override: { maxLength: bounds.max } }),
  );
}

/**
 * Descriptions and messages: like `singleLineTextSchema` but line feeds are kept (a CRLF becomes LF first;
 * a lone CR is refused), and it may be empty.
 */
export function multiLineTextSchema(bounds: { max: number }) {
  return z.string().check(
    z.overwrite((value: string) => value.replace(/\r\n/g, '\n')),
    z.regex(MULTI_LINE_TEXT, {
      error: (issue) =>
        `must be text without control or bidi characters other than line feeds (found ${firstRefusedCharacter(String(issue.input), true)})`,
    }),
    z.trim(),
    z.maxLength(bounds.max),
  );
}

/** An integer (zod classic's `z.number().int()`). */
export const intSchema = () => z.number().check(z.int());

export const paginationQuerySchema = /* @__PURE__ */ (() =>
  z.object({
    limit: z
      ._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 50)
      .check(z.meta({ description: '1-100, default 50' })),
    cursor: z
      .optional(z.string().check(z.minLength(1), z.maxLength(2048)))
      .check(z.meta({ description: 'Opaque cursor from a previous page' })),
  }))();

export const problemSchema = /* @__PURE__ */ (() =>
  z
    .looseObject({
      type: z.string(),
      title: z.string(),
      status: intSchema(),
      detail: z.string(),
      code: z.string().check(z.meta({ description: 'Stable machine-readable error code' })),
      instance: z.optional(z.string()),
      errors: z.optional(z.array(z.object({ path: z.string(), message: z.string(), code: z.optional(z.string()) }))),
    })
    .check(z.meta({ id: 'Problem', description: 'RFC 9457 problem details' })))();

export function pageOf<T extends z.ZodMiniType>(item: T, id: string) {
  return z.object({ items: z.array(item), nextCursor: z.nullable(z.string()) }).check(z.meta({ id }));
}
