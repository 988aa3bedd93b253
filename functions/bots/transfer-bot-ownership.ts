import { httpHandler, json } from '../../shared/http/http-handler';
import * as botRoutes from '../../shared/http/routes/bots';
import { botView } from '../../shared/http/views';
import { transferBotOwnership } from '../../shared/services/bot-service';

export const handler = httpHandler(botRoutes.transferBotOwnership, async ({ body, caller, meta, deps }) => {
  const transferred = await transferBotOwnership(deps, caller, body.memberId, meta);
  return json(200, botView(transferred), transferred.bot.version);
});
