import { httpHandler, json } from '../../shared/http/http-handler';
import * as authorizationRoutes from '../../shared/http/routes/authorization';
import { authorize } from '../../shared/services/authorization-service';

export const handler = httpHandler(authorizationRoutes.authorize, async ({ body, caller, deps }) =>
  json(200, await authorize(deps, caller, body)),
);
