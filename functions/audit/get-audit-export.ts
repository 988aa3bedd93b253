import { presignGet } from '../../shared/audit/export-link';
import { config } from '../../shared/config';
import { auditExportView } from '../../shared/http/audit-views';
import { httpHandler, json } from '../../shared/http/http-handler';
import * as auditRoutes from '../../shared/http/routes/audit';
import { getAuditExport } from '../../shared/services/audit-trail-service';

export const handler = httpHandler(auditRoutes.getAuditExport, async ({ params, caller, deps }) => {
  const bucket = config().EXPORT_BUCKET;
  if (!bucket) throw new Error('EXPORT_BUCKET is not configured');
  const view = await getAuditExport(deps, { bucket, presignGet }, caller, params.exportId);
  return json(200, auditExportView(view));
});
