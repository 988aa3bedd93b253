import { httpHandler, json } from '../../shared/http/http-handler';
import * as roleRoutes from '../../shared/http/routes/roles';
import { roleView } from '../../shared/http/views';
import { getRole } from '../../shared/services/role-service';

export const handler = httpHandler(roleRoutes.getRole, async ({ params, caller, deps }) => {
  const role = await getRole(deps, caller, params.roleId);
  return json(200, roleView(role), role.version);
});
