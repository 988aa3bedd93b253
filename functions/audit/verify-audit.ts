import { httpHandler, json } from '../../shared/http/http-handler';
import { routes } from '../../shared/http/routes';
import { verifyAudit } from '../../shared/services/audit-trail-service';

export const handler = httpHandler(routes.verifyAudit, async ({ query, caller, deps }) => {
  return json(200, await verifyAudit(deps, caller, query));
});
