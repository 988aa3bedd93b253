import { httpHandler } from '../../shared/http/http-handler';
import * as roleRoutes from '../../shared/http/routes/roles';
import { deleteRole } from '../../shared/services/role-service';

export const handler = httpHandler(roleRoutes.deleteRole, async ({ params, query, caller, ifMatch, meta, deps }) => {
  await deleteRole(deps, caller, params.roleId, query.reassignTo, ifMatch, meta);
  return { status: 204 };
});
