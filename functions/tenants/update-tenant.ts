import { httpHandler, json } from '../../shared/http/http-handler';
import * as tenantRoutes from '../../shared/http/routes/tenants';
import { tenantView } from '../../shared/http/views';
import { updateTenant } from '../../shared/services/tenant-service';

export const handler = httpHandler(tenantRoutes.updateTenant, async ({ params, body, caller, ifMatch, meta, deps }) => {
  const tenant = await updateTenant(deps, caller, params.tenantId, body, ifMatch, meta);
  return json(200, tenantView(tenant), tenant.version);
});
