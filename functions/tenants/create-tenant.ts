import { httpHandler, json } from '../../shared/http/http-handler';
import * as tenantRoutes from '../../shared/http/routes/tenants';
import { tenantView } from '../../shared/http/views';
import { createTenant } from '../../shared/services/tenant-service';

export const handler = httpHandler(tenantRoutes.createTenant, async ({ body, caller, meta, deps }) => {
  const { tenant } = await createTenant(deps, caller, body, meta);
  return json(201, tenantView(tenant), tenant.version);
});
