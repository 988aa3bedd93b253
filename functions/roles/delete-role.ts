import { httpHandler } from '../../shared/http/http-handler';
import { routes } from '../../shared/http/routes';
import { deleteRole } from '../../shared/services/role-service';

export const handler = httpHandler(routes.deleteRole, async ({ params, query, caller, ifMatch, meta, deps }) => {
  await deleteRole(deps, caller, params.roleId, query.reassignTo, ifMatch, meta);
  return { status: 204 };
});
