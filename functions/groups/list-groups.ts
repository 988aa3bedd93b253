import { httpHandler, json } from '../../shared/http/http-handler';
import * as groupRoutes from '../../shared/http/routes/groups';
import { groupView } from '../../shared/http/views';
import { listGroups } from '../../shared/services/group-service';

export const handler = httpHandler(groupRoutes.listGroups, async ({ query, caller, deps }) => {
  const page = await listGroups(deps, caller, { limit: query.limit, cursor: query.cursor });
  return json(200, { items: page.items.map(groupView), nextCursor: page.nextCursor });
});
