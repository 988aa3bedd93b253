import { httpHandler, json } from '../../shared/http/http-handler';
import * as botRoutes from '../../shared/http/routes/bots';
import { botView } from '../../shared/http/views';
import { updateBot } from '../../shared/services/bot-service';

export const handler = httpHandler(botRoutes.updateBot, async ({ body, caller, ifMatch, meta, deps }) => {
  const updated = await updateBot(deps, caller, body, ifMatch, meta);
  return json(200, botView(updated), updated.bot.version);
});
