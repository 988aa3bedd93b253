import { httpHandler, json } from '../../shared/http/http-handler';
import * as meRoutes from '../../shared/http/routes/me';
import { acceptMyInvitation } from '../../shared/services/invitation-service';

export const handler = httpHandler(meRoutes.acceptMyInvitation, async ({ params, caller, meta, deps }) =>
  json(200, await acceptMyInvitation(deps, caller, params, meta)),
);
