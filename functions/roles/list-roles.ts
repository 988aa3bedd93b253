import { httpHandler, json } from '../../shared/http/http-handler';
import * as roleRoutes from '../../shared/http/routes/roles';
import { roleView } from '../../shared/http/views';
import { listRoles } from '../../shared/services/role-service';

export const handler = httpHandler(roleRoutes.listRoles, async ({ query, caller, deps }) => {
  const roles = await listRoles(deps, caller, query.scope);
  return json(200, { items: roles.map(roleView) });
});
