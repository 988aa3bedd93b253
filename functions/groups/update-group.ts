import { httpHandler, json } from '../../shared/http/http-handler';
import * as groupRoutes from '../../shared/http/routes/groups';
import { groupView } from '../../shared/http/views';
import { updateGroup } from '../../shared/services/group-service';

export const handler = httpHandler(groupRoutes.updateGroup, async ({ params, body, caller, ifMatch, meta, deps }) => {
  const group = await updateGroup(deps, caller, params.groupId, body, ifMatch, meta);
  return json(200, groupView(group), group.version);
});
