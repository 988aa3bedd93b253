import { httpHandler, json } from '../../shared/http/http-handler';
import * as groupRoutes from '../../shared/http/routes/groups';
import { groupView } from '../../shared/http/views';
import { getGroup } from '../../shared/services/group-service';

export const handler = httpHandler(groupRoutes.getGroup, async ({ params, caller, deps }) => {
  const group = await getGroup(deps, caller, params.groupId);
  return json(200, groupView(group), group.version);
});
