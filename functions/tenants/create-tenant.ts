import { httpHandler, json } from '../../shared/http/http-handler';
import { routes } from '../../shared/http/routes';
import { tenantView } from '../../shared/http/views';
import { createTenant } from '../../shared/services/tenant-service';

export const handler = httpHandler(routes.createTenant, async ({ body, caller, meta, deps }) => {
  const { tenant } = await createTenant(deps, caller, body, meta);
  return json(201, tenantView(tenant), tenant.version);
});
