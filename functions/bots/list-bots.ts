import { httpHandler, json } from '../../shared/http/http-handler';
import * as botRoutes from '../../shared/http/routes/bots';
import { botView } from '../../shared/http/views';
import { listBots } from '../../shared/services/bot-service';

export const handler = httpHandler(botRoutes.listBots, async ({ query, caller, deps }) => {
  const page = await listBots(deps, caller, query.q, { limit: query.limit, cursor: query.cursor });
  return json(200, { items: page.items.map(botView), nextCursor: page.nextCursor });
});
