import { httpHandler, json } from '../../shared/http/http-handler';
import * as botRoutes from '../../shared/http/routes/bots';
import { botView } from '../../shared/http/views';
import { registerBot } from '../../shared/services/bot-service';

export const handler = httpHandler(botRoutes.createBot, async ({ body, caller, meta, deps }) => {
  const created = await registerBot(deps, caller, body, meta);
  return json(201, botView(created), created.bot.version);
});
