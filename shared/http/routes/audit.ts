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

/**
 * Routes served by `functions/audit/*`. Part of THE route table,
 * `shared/http/routes.ts`, which assembles every resource's module; a handler imports only its own
 * resource's module, so that its bundle builds only these schemas.
 */
export const auditRoutes = {
  listAudit: {
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
  },

  verifyAudit: {
    operationId: 'verifyAudit',
    method: 'GET',
    path: '/v1/tenants/{tenantId}/audit/verify',
    handler: 'functions/audit/verify-audit.ts',
    summary:
      "Recompute the tenant's audit hash chain (optionally within a date range) and report the first broken entry",
    tags: ['audit'],
    access: { kind: 'permission', permission: 'audit:read' },
    grants: ['main:read', 'main:recordSignIn', 'audit:read'],
    request: { params: tenantPathSchema, query: verifyAuditQuerySchema },
    responses: { 200: { description: 'The verification result', schema: verifyResultSchema } },
  },

  createAuditExport: {
    operationId: 'createAuditExport',
    method: 'POST',
    path: '/v1/tenants/{tenantId}/audit/exports',
    handler: 'functions/audit/create-audit-export.ts',
    summary: 'Export the entries of a filter as CSV to S3, asynchronously; the export is itself audited',
    tags: ['audit'],
    access: { kind: 'permission', permission: 'audit:export' },
    grants: ['main:write'],
    request: { params: tenantPathSchema, body: createAuditExportBodySchema },
    responses: { 202: { description: 'Export accepted; poll its Location', schema: auditExportCreatedSchema } },
  },

  getAuditExport: {
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
  },
} as const satisfies Record<string, RouteDefinition>;
