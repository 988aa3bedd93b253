import { httpHandler, json } from '../../shared/http/http-handler';
import * as botRoutes from '../../shared/http/routes/bots';
import { botView } from '../../shared/http/views';
import { botWithAccess } from '../../shared/services/bot-service';

export const handler = httpHandler(botRoutes.getBot, ({ caller }) =>
  Promise.resolve(json(200, botView(botWithAccess(caller)), caller.bot.version)),
);
