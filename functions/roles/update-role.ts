import { httpHandler, json } from '../../shared/http/http-handler';
import * as roleRoutes from '../../shared/http/routes/roles';
import { roleView } from '../../shared/http/views';
import { updateRole } from '../../shared/services/role-service';

export const handler = httpHandler(roleRoutes.updateRole, async ({ params, body, caller, ifMatch, meta, deps }) => {
  const role = await updateRole(deps, caller, params.roleId, body, ifMatch, meta);
  return json(200, roleView(role), role.version);
});
