import { httpHandler, json } from '../../shared/http/http-handler';
import * as memberRoutes from '../../shared/http/routes/members';
import { memberBotView } from '../../shared/http/views';
import { listMemberBots } from '../../shared/services/member-bots-service';

export const handler = httpHandler(memberRoutes.listMemberBots, async ({ params, query, caller, deps }) => {
  const page = await listMemberBots(
    deps,
    caller,
    params.memberId,
    { permission: query.permission },
    { limit: query.limit, cursor: query.cursor },
  );
  return json(200, { items: page.items.map(memberBotView), nextCursor: page.nextCursor });
});
