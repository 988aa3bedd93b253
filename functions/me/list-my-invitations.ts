import { httpHandler, json } from '../../shared/http/http-handler';
import { routes } from '../../shared/http/routes';
import { listMyInvitations } from '../../shared/services/invitation-service';

export const handler = httpHandler(routes.listMyInvitations, async ({ caller, deps }) =>
  json(200, { items: await listMyInvitations(deps, caller) }),
);
