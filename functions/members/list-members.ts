import { httpHandler, json } from '../../shared/http/http-handler';
import * as memberRoutes from '../../shared/http/routes/members';
import { memberView } from '../../shared/http/views';
import { listMembers } from '../../shared/services/member-service';

export const handler = httpHandler(memberRoutes.listMembers, async ({ query, caller, deps }) => {
  const page = await listMembers(
    deps,
    caller,
    { status: query.status, roleId: query.roleId, q: query.q },
    { limit: query.limit, cursor: query.cursor },
  );
  return json(200, { items: page.items.map(memberView), nextCursor: page.nextCursor });
});
