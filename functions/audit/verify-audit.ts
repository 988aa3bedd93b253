import { httpHandler, json } from '../../shared/http/http-handler';
import * as auditRoutes from '../../shared/http/routes/audit';
import { verifyAudit } from '../../shared/services/audit-trail-service';

export const handler = httpHandler(auditRoutes.verifyAudit, async ({ query, caller, deps }) => {
  return json(200, await verifyAudit(deps, caller, query));
});
