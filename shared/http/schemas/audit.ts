import * as z from 'zod';
import { actionGroupOf } from '../../data/audit-keys';
import { auditActions } from '../../data/outbox';
import { isoDateTimeSchema, pageOf, paginationQuerySchema, tenantIdSchema, ulidSchema } from './common';

const actionGroups = new Set(auditActions.map(actionGroupOf));

/** Actor and target ids as we mint them: Cognito subs, ULIDs, built-in role ids, `system`, `invitee:<id>`. */
const idFilterSchema = z.string().regex(/^[A-Za-z0-9:_.@-]{1,128}$/, 'must be an id');

export const auditActionFilterSchema = z
  .string()
  .refine(
    (value) => (value.endsWith('.') ? actionGroups.has(value.slice(0, -1)) : (auditActions as readonly string[]).includes(value)),
    { message: `a full action (e.g. member.invited) or an action prefix ending with a dot: ${[...actionGroups].map((g) => `${g}.`).join(', ')}` },
  )
  .meta({ description: 'A full action such as `member.invited`, or a prefix ending with a dot such as `member.`' });

/** The filter fields shared by `GET /audit` and export requests. */
const filterFields = {
  actorId: idFilterSchema.optional().meta({ description: 'Entries by this actor (user id, or `system`)' }),
  targetId: idFilterSchema.optional().meta({ description: 'Entries about this target (member, role, invitation, tenant, export id)' }),
  action: auditActionFilterSchema.optional(),
  from: isoDateTimeSchema.optional().meta({ description: 'Entries that occurred at or after this instant' }),
  to: isoDateTimeSchema.optional().meta({ description: 'Entries that occurred at or before this instant' }),
};

/**
 * One dimension per query (each is one index: see shared/data/audit-keys.ts) plus an optional date
 * range. Combining actorId, targetId and action would need a filter that reads entries it does not
 * return, so it is refused rather than served slowly.
 */
function checkFilter(filter: { actorId?: string; targetId?: string; action?: string; from?: string; to?: string }, ctx: z.RefinementCtx) {
  const dimensions = (['actorId', 'targetId', 'action'] as const).filter((name) => filter[name] !== undefined);
  if (dimensions.length > 1) {
    ctx.addIssue({
      code: 'custom',
      path: [dimensions[1]!],
      message: `filter by one of actorId, targetId or action at a time (got ${dimensions.join(' and ')}); each may be combined with from/to`,
    });
  }
  if (filter.from !== undefined && filter.to !== undefined && Date.parse(filter.from) > Date.parse(filter.to)) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  }
}

export const auditFilterSchema = z.strictObject(filterFields).superRefine(checkFilter).meta({ id: 'AuditFilter' });

export const listAuditQuerySchema = paginationQuerySchema.extend(filterFields).superRefine(checkFilter);

const rangeFields = { from: filterFields.from, to: filterFields.to };
export const verifyAuditQuerySchema = z.object(rangeFields).superRefine(checkFilter);

export const auditEntrySchema = z
  .object({
    id: z.string().meta({ description: 'The id of the event (unique)' }),
    tenantId: z.string(),
    seq: z.number().int().meta({ description: 'Position in the tenant’s chain: 1, 2, 3, ...' }),
    occurredAt: isoDateTimeSchema,
    actor: z.object({ id: z.string(), email: z.string().optional(), ip: z.string().optional(), userAgent: z.string().optional() }),
    action: z.enum(auditActions),
    target: z.object({ type: z.string(), id: z.string(), label: z.string() }),
    changes: z.object({ before: z.unknown(), after: z.unknown() }),
    requestId: z.string(),
    prevHash: z.string().meta({ description: 'hash of the previous entry (64 zeros for the first)' }),
    hash: z.string().meta({ description: 'SHA-256 (hex) of prevHash + the canonical JSON of the entry without hash' }),
  })
  .meta({ id: 'AuditEntry' });

export const auditPageSchema = pageOf(auditEntrySchema, 'AuditPage');

export const chainBreakSchema = z.enum(['missing_entry', 'seq_mismatch', 'prev_hash_mismatch', 'hash_mismatch', 'index_mismatch', 'head_mismatch']);

export const verifyResultSchema = z
  .object({
    ok: z.boolean(),
    checked: z.number().int().meta({ description: 'Entries whose hash and link were recomputed' }),
    complete: z.boolean().meta({ description: 'false when the range was larger than one request verifies; continue from toSeq' }),
    fromSeq: z.number().int().optional(),
    toSeq: z.number().int().optional(),
    brokenAt: z
      .object({ seq: z.number().int(), id: z.string().optional(), reason: chainBreakSchema })
      .optional()
      .meta({ description: 'The first entry that does not verify, and why' }),
  })
  .meta({ id: 'AuditVerification' });

export const createAuditExportBodySchema = z
  .strictObject({ filter: auditFilterSchema.default({}) })
  .meta({ id: 'CreateAuditExportRequest' });

export const auditExportCreatedSchema = z.object({ exportId: z.string() }).meta({ id: 'AuditExportCreated' });

export const auditExportPathSchema = z.object({ tenantId: tenantIdSchema, exportId: ulidSchema });

export const auditExportStatusSchema = z.enum(['pending', 'running', 'done', 'failed']);

export const auditExportSchema = z
  .object({
    exportId: z.string(),
    status: auditExportStatusSchema,
    rowCount: z.number().int().nullable(),
    downloadUrl: z.string().optional().meta({ description: 'Presigned GET of the CSV, valid 15 minutes (status done)' }),
    downloadUrlExpiresAt: isoDateTimeSchema.optional(),
    filter: auditFilterSchema,
    createdAt: isoDateTimeSchema,
    completedAt: isoDateTimeSchema.optional(),
    error: z.string().optional().meta({ description: 'Why the export failed (status failed)' }),
  })
  .meta({ id: 'AuditExport' });

export type AuditFilterInput = z.output<typeof auditFilterSchema>;
export type AuditEntryView = z.infer<typeof auditEntrySchema>;
export type AuditExportResource = z.infer<typeof auditExportSchema>;
