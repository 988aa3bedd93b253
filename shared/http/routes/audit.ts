import { EXPORT_SLOT_TTL_SECONDS, MAX_EXPORTS_IN_PROGRESS } from '../../domain/export-limits';
import type { RouteDefinition } from '../route-definition';
import {
  auditExportCreatedSchema,
  auditExportPathSchema,
  auditExportSchema,
  auditPageSchema,
  createAuditExportBodySchema,
  listAuditQuerySchema,
  verifyAuditQuerySchema,
  verifyResultSchema,
} from '../schemas/audit';
import { tenantPathSchema } from '../schemas/tenants';

/*
 * Routes served by `functions/audit/*`. Part of THE route table,
 * `shared/http/routes.ts`, which assembles every resource's module; every route is its own
 * export, and a handler imports the module as a namespace (`memberRoutes.getMember`): esbuild keeps only
 * that route and the schemas it names (their constructions are pure, shared/http/schemas/common.ts), not
 * the module's other routes (docs/PERFORMANCE.md, figure 1).
 */
export const listAudit = {
  operationId: 'listAudit',
  method: 'GET',
  path: '/v1/tenants/{tenantId}/audit',
  handler: 'functions/audit/list-audit.ts',
  summary:
    'Audit entries newest first; filters combine: actor or target, with an action or action prefix (`member.`), within a date range',
  tags: ['audit'],
  access: { kind: 'permission', permission: 'audit:read' },
  grants: ['main:read', 'main:recordSignIn', 'audit:read'],
  request: { params: tenantPathSchema, query: listAuditQuerySchema },
  responses: { 200: { description: 'A page of audit entries', schema: auditPageSchema } },
} as const satisfies RouteDefinition;

export const verifyAudit = {
  operationId: 'verifyAudit',
  method: 'GET',
  path: '/v1/tenants/{tenantId}/audit/verify',
  handler: 'functions/audit/verify-audit.ts',
  summary: "Recompute the tenant's audit hash chain (optionally within a date range) and report the first broken entry",
  tags: ['audit'],
  access: { kind: 'permission', permission: 'audit:read' },
  grants: ['main:read', 'main:recordSignIn', 'audit:read'],
  request: { params: tenantPathSchema, query: verifyAuditQuerySchema },
  responses: { 200: { description: 'The verification result', schema: verifyResultSchema } },
} as const satisfies RouteDefinition;

export const createAuditExport = {
  operationId: 'createAuditExport',
  method: 'POST',
  path: '/v1/tenants/{tenantId}/audit/exports',
  handler: 'functions/audit/create-audit-export.ts',
  summary:
    'Export the entries of a filter as CSV to S3, asynchronously; the export is itself audited. At most ' +
    `${MAX_EXPORTS_IN_PROGRESS} exports per tenant may be in progress at once`,
  tags: ['audit'],
  access: { kind: 'permission', permission: 'audit:export' },
  grants: ['main:write'],
  request: { params: tenantPathSchema, body: createAuditExportBodySchema },
  responses: { 202: { description: 'Export accepted; poll its Location', schema: auditExportCreatedSchema } },
  problems: {
    429: {
      description:
        `\`export_limit_reached\`: the tenant already has ${MAX_EXPORTS_IN_PROGRESS} exports in progress ` +
        "(requested, not yet done or failed; the problem's `limit` member says how many). Nothing was recorded. " +
        'Retry after the `Retry-After` header (seconds), or once one of them is done. An export that never ' +
        `finishes stops counting after ${EXPORT_SLOT_TTL_SECONDS / 60} minutes.`,
    },
  },
} as const satisfies RouteDefinition;

export const getAuditExport = {
  operationId: 'getAuditExport',
  method: 'GET',
  path: '/v1/tenants/{tenantId}/audit/exports/{exportId}',
  handler: 'functions/audit/get-audit-export.ts',
  summary: 'State of an export; once done, a download link valid for 15 minutes',
  tags: ['audit'],
  access: { kind: 'permission', permission: 'audit:export' },
  grants: ['main:read', 'main:recordSignIn', 'exports:read'],
  request: { params: auditExportPathSchema },
  responses: { 200: { description: 'The export', schema: auditExportSchema } },
} as const satisfies RouteDefinition;
