import { httpHandler, json } from '../../shared/http/http-handler';
import * as roleRoutes from '../../shared/http/routes/roles';
import { roleView } from '../../shared/http/views';
import { createRole } from '../../shared/services/role-service';

export const handler = httpHandler(roleRoutes.createRole, async ({ body, caller, meta, deps }) => {
  const role = await createRole(deps, caller, body, meta);
  return json(201, roleView(role), role.version);
});
