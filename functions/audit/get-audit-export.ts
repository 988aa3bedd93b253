import { config } from '../../shared/config';
import { s3 } from '../../shared/audit/csv-export';
import { httpHandler, json } from '../../shared/http/http-handler';
import { auditRoutes } from '../../shared/http/routes/audit';
import { auditExportView } from '../../shared/http/audit-views';
import { getAuditExport } from '../../shared/services/audit-service';

export const handler = httpHandler(auditRoutes.getAuditExport, async ({ params, caller, deps }) => {
  const bucket = config().EXPORT_BUCKET;
  if (!bucket) throw new Error('EXPORT_BUCKET is not configured');
  const view = await getAuditExport(deps, { s3, bucket }, caller, params.exportId);
  return json(200, auditExportView(view));
});
