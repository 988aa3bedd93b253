import * as z from 'zod/mini';
import { actionGroupOf } from '../../data/audit-keys';
import { auditActions } from '../../data/outbox';
import { intSchema, isoDateTimeSchema, pageOf, paginationQuerySchema, tenantIdSchema, ulidSchema } from './common';

const actionGroups = /* @__PURE__ */ (() => new Set(auditActions.map(actionGroupOf)))();

/** Actor and target ids as we mint them: Cognito subs, ULIDs, built-in role ids, `system`, `invitee:<id>`. */
const idFilterSchema = /* @__PURE__ */ (() =>
  z.string().check(z.regex(/^[A-Za-z0-9:_.@-]{1,128}$/, 'must be an id')))();

/**
 * An action filter exactly: a known action group and a dot, or a known action. The OpenAPI `pattern` of the
 * field, so that a client (or a fuzzer) following the document sends no unknown action.
 */
const escapeDots = (value: string) => value.replaceAll('.', '\\.');
const actionFilterPattern = /* @__PURE__ */ (() =>
  new RegExp(
    `^(?:${[...[...actionGroups].map((group) => `${group}.`), ...auditActions].map(escapeDots).join('|')})$`,
  ))();

export const auditActionFilterSchema = /* @__PURE__ */ (() =>
  z.string().check(
    z.regex(actionFilterPattern, {
      message: `a full action (e.g. member.invited) or an action prefix ending with a dot: ${[...actionGroups].map((g) => `${g}.`).join(', ')}`,
    }),
    z.refine((value) => value.endsWith('.') || (auditActions as readonly string[]).includes(value), {
      message: 'not a known action',
    }),
    z.meta({
      description:
        'A full action such as `member.invited`, or a prefix ending with a dot such as `member.`; combines with ' +
        'actorId or targetId and from/to',
    }),
  ))();

/** The filter fields shared by `GET /audit` and export requests. */
const filterFields = /* @__PURE__ */ (() => ({
  actorId: z
    .optional(idFilterSchema)
    .check(z.meta({ description: 'Entries by this actor (user id, or `system`); not together with targetId' })),
  targetId: z.optional(idFilterSchema).check(
    z.meta({
      description: 'Entries about this target (member, role, invitation, tenant, export id); not together with actorId',
    }),
  ),
  action: z.optional(auditActionFilterSchema),
  from: z
    .optional(isoDateTimeSchema)
    .check(z.meta({ description: 'Entries that occurred at or after this instant (inclusive; not after `to`)' })),
  to: z
    .optional(isoDateTimeSchema)
    .check(z.meta({ description: 'Entries that occurred at or before this instant (inclusive; not before `from`)' })),
}))();

/**
 * The filters combine (SPEC §4): actorId OR targetId, with an action (full or prefix), within a date range.
 * Each combination is one index (shared/data/audit-keys.ts). actorId AND targetId together would need
 * three more indexes (every entry written three more times) for a question the target's history answers,
 * so that pair is refused rather than served with a filter that reads entries it does not return.
 */
export const AUDIT_FILTER_RULES =
  '`actorId` or `targetId` (not both), optionally combined with `action` (a full action such as ' +
  '`role.updated`, or a prefix ending with a dot such as `role.`) and a date range `from` <= `to` (inclusive ' +
  'ISO date-times). Every combination is served by one index: nothing is read that is not returned.';

const checkFilter = () =>
  z.superRefine((filter: { actorId?: string; targetId?: string; action?: string; from?: string; to?: string }, ctx) => {
    if (filter.actorId !== undefined && filter.targetId !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['targetId'],
        message: 'filter by actorId or targetId, not both; either combines with action and from/to',
      });
    }
    if (filter.from !== undefined && filter.to !== undefined && Date.parse(filter.from) > Date.parse(filter.to)) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    }
  });

export const auditFilterSchema = /* @__PURE__ */ (() =>
  z.strictObject(filterFields).check(checkFilter(), z.meta({ id: 'AuditFilter', description: AUDIT_FILTER_RULES })))();

export const listAuditQuerySchema = /* @__PURE__ */ (() =>
  z.extend(paginationQuerySchema, filterFields).check(checkFilter()))();

const rangeFields = { from: filterFields.from, to: filterFields.to };
export const verifyAuditQuerySchema = /* @__PURE__ */ (() => z.object(rangeFields).check(checkFilter()))();

export const auditEntrySchema = /* @__PURE__ */ (() =>
  z
    .object({
      id: z.string().check(z.meta({ description: 'The id of the event (unique)' })),
      tenantId: z.string(),
      seq: intSchema().check(z.meta({ description: 'Position in the tenant’s chain: 1, 2, 3, ...' })),
      occurredAt: isoDateTimeSchema,
      actor: z.object({
        id: z.string(),
        email: z.optional(z.string()),
        ip: z.optional(z.string()),
        userAgent: z.optional(z.string()),
      }),
      action: z.enum(auditActions),
      target: z.object({ type: z.string(), id: z.string(), label: z.string() }),
      changes: z.object({ before: z.unknown(), after: z.unknown() }),
      requestId: z.string(),
      prevHash: z.string().check(z.meta({ description: 'hash of the previous entry (64 zeros for the first)' })),
      hash: z
        .string()
        .check(z.meta({ description: 'SHA-256 (hex) of prevHash + the canonical JSON of the entry without hash' })),
    })
    .check(z.meta({ id: 'AuditEntry' })))();

export const auditPageSchema = /* @__PURE__ */ (() => pageOf(auditEntrySchema, 'AuditPage'))();

export const chainBreakSchema = /* @__PURE__ */ (() =>
  z.enum([
    'missing_entry',
    'seq_mismatch',
    'prev_hash_mismatch',
    'hash_mismatch',
    'index_mismatch',
    'head_mismatch',
  ]))();

export const verifyResultSchema = /* @__PURE__ */ (() =>
  z
    .object({
      ok: z.boolean(),
      checked: intSchema().check(z.meta({ description: 'Entries whose hash and link were recomputed' })),
      complete: z
        .boolean()
        .check(
          z.meta({ description: 'false when the range was larger than one request verifies; continue from toSeq' }),
        ),
      fromSeq: z.optional(intSchema()),
      toSeq: z.optional(intSchema()),
      brokenAt: z
        .optional(z.object({ seq: intSchema(), id: z.optional(z.string()), reason: chainBreakSchema }))
        .check(z.meta({ description: 'The first entry that does not verify, and why' })),
    })
    .check(z.meta({ id: 'AuditVerification' })))();

export const createAuditExportBodySchema = /* @__PURE__ */ (() =>
  z.strictObject({ filter: z._default(auditFilterSchema, {}) }).check(z.meta({ id: 'CreateAuditExportRequest' })))();

export const auditExportCreatedSchema = /* @__PURE__ */ (() =>
  z.object({ exportId: z.string() }).check(z.meta({ id: 'AuditExportCreated' })))();

export const auditExportPathSchema = /* @__PURE__ */ (() =>
  z.object({ tenantId: tenantIdSchema, exportId: ulidSchema }))();

export const auditExportStatusSchema = /* @__PURE__ */ (() => z.enum(['pending', 'running', 'done', 'failed']))();

export const auditExportSchema = /* @__PURE__ */ (() =>
  z
    .object({
      exportId: z.string(),
      status: auditExportStatusSchema,
      rowCount: z.nullable(intSchema()),
      downloadUrl: z
        .optional(z.string())
        .check(z.meta({ description: 'Presigned GET of the CSV, valid 15 minutes (status done)' })),
      downloadUrlExpiresAt: z.optional(isoDateTimeSchema),
      filter: auditFilterSchema,
      createdAt: isoDateTimeSchema,
      completedAt: z.optional(isoDateTimeSchema),
      error: z.optional(z.string()).check(z.meta({ description: 'Why the export failed (status failed)' })),
    })
    .check(z.meta({ id: 'AuditExport' })))();

export type AuditFilterInput = z.output<typeof auditFilterSchema>;
export type AuditEntryView = z.infer<typeof auditEntrySchema>;
export type AuditExportResource = z.infer<typeof auditExportSchema>;
