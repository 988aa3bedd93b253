import { httpHandler } from '../../shared/http/http-handler';
import * as groupRoutes from '../../shared/http/routes/groups';
import { deleteGroup } from '../../shared/services/group-service';

export const handler = httpHandler(groupRoutes.deleteGroup, async ({ params, caller, ifMatch, meta, deps }) => {
  await deleteGroup(deps, caller, params.groupId, ifMatch, meta);
  return { status: 204 };
});
