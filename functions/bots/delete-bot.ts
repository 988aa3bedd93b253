import { httpHandler } from '../../shared/http/http-handler';
import * as botRoutes from '../../shared/http/routes/bots';
import { deleteBot } from '../../shared/services/bot-service';

export const handler = httpHandler(botRoutes.deleteBot, async ({ caller, meta, deps }) => {
  await deleteBot(deps, caller, meta);
  return { status: 204 };
});
