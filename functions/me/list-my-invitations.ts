import { httpHandler, json } from '../../shared/http/http-handler';
import * as meRoutes from '../../shared/http/routes/me';
import { listMyInvitations } from '../../shared/services/invitation-service';

export const handler = httpHandler(meRoutes.listMyInvitations, async ({ caller, deps }) =>
  json(200, { items: await listMyInvitations(deps, caller) }),
);
