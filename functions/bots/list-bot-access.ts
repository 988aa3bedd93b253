import { httpHandler, json } from '../../shared/http/http-handler';
import * as botRoutes from '../../shared/http/routes/bots';
import { botAccessEntryView } from '../../shared/http/views';
import { listBotAccess } from '../../shared/services/bot-access-service';

export const handler = httpHandler(botRoutes.listBotAccess, async ({ query, caller, deps }) => {
  const page = await listBotAccess(deps, caller, query);
  return json(200, { items: page.items.map(botAccessEntryView), nextCursor: page.nextCursor });
});
