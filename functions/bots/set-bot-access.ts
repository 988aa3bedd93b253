import { httpHandler, json } from '../../shared/http/http-handler';
import * as botRoutes from '../../shared/http/routes/bots';
import { botAccessEntryView } from '../../shared/http/views';
import { setBotAccess } from '../../shared/services/bot-access-service';

export const handler = httpHandler(botRoutes.setBotAccess, async ({ params, body, caller, meta, deps }) => {
  const principal = { type: params.principalType, id: params.principalId };
  return json(200, botAccessEntryView(await setBotAccess(deps, caller, principal, body.roles, meta)));
});
