import { httpHandler, json } from '../../shared/http/http-handler';
import { routes } from '../../shared/http/routes';
import { roleView } from '../../shared/http/views';
import { getRole } from '../../shared/services/role-service';

export const handler = httpHandler(routes.getRole, async ({ params, caller, deps }) => {
  const role = await getRole(deps, caller, params.roleId);
  return json(200, roleView(role), role.version);
});
