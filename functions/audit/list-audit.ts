import { auditEntryView } from '../../shared/http/audit-views';
import { httpHandler, json } from '../../shared/http/http-handler';
import * as auditRoutes from '../../shared/http/routes/audit';
import { listAudit } from '../../shared/services/audit-trail-service';

export const handler = httpHandler(auditRoutes.listAudit, async ({ query, caller, deps }) => {
  const { limit, cursor, ...filter } = query;
  const page = await listAudit(deps, caller, filter, { limit, cursor });
  return json(200, { items: page.items.map(auditEntryView), nextCursor: page.nextCursor });
});
