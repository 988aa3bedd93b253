import { httpHandler, json } from '../../shared/http/http-handler';
import { routes } from '../../shared/http/routes';
import { lookupInvitation } from '../../shared/services/invitation-service';

export const handler = httpHandler(routes.lookupInvitation, async ({ query, deps }) =>
  json(200, await lookupInvitation(deps, query.token)),
);
