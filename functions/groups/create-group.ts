import { httpHandler, json } from '../../shared/http/http-handler';
import * as groupRoutes from '../../shared/http/routes/groups';
import { groupView } from '../../shared/http/views';
import { createGroup } from '../../shared/services/group-service';

export const handler = httpHandler(groupRoutes.createGroup, async ({ body, caller, meta, deps }) => {
  const group = await createGroup(deps, caller, body, meta);
  return json(201, groupView(group), group.version);
});
