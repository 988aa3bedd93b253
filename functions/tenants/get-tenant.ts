import { httpHandler, json } from '../../shared/http/http-handler';
import * as tenantRoutes from '../../shared/http/routes/tenants';
import { tenantView } from '../../shared/http/views';
import { getTenantSummary } from '../../shared/services/tenant-service';

export const handler = httpHandler(tenantRoutes.getTenant, async ({ caller, deps }) => {
  const tenant = await getTenantSummary(deps, caller.tenantId);
  return json(200, tenantView(tenant), tenant.version);
});
