import { httpHandler, json } from '../../shared/http/http-handler';
import { routes } from '../../shared/http/routes';
import { tenantView } from '../../shared/http/views';
import { getTenantSummary } from '../../shared/services/tenant-service';

export const handler = httpHandler(routes.getTenant, async ({ caller, deps }) => {
  const tenant = await getTenantSummary(deps, caller.tenantId);
  return json(200, tenantView(tenant), tenant.version);
});
