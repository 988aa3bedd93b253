import { httpHandler, json } from '../../shared/http/http-handler';
import * as groupRoutes from '../../shared/http/routes/groups';
import { groupMemberView } from '../../shared/http/views';
import { listGroupMembers } from '../../shared/services/group-service';

export const handler = httpHandler(groupRoutes.listGroupMembers, async ({ params, query, caller, deps }) => {
  const page = await listGroupMembers(deps, caller, params.groupId, { limit: query.limit, cursor: query.cursor });
  return json(200, { items: page.items.map(groupMemberView), nextCursor: page.nextCursor });
});
