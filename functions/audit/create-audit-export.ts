import { httpHandler } from '../../shared/http/http-handler';
import * as auditRoutes from '../../shared/http/routes/audit';
import { requestAuditExport } from '../../shared/services/audit-trail-service';

export const handler = httpHandler(auditRoutes.createAuditExport, async ({ body, caller, meta, deps }) => {
  const record = await requestAuditExport(deps, caller, body.filter, meta);
  return {
    status: 202,
    body: { exportId: record.exportId },
    headers: { location: `/v1/tenants/${record.tenantId}/audit/exports/${record.exportId}` },
  };
});
