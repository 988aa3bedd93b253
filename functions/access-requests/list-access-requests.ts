import { httpHandler, json } from '../../shared/http/http-handler';
import * as accessRequestRoutes from '../../shared/http/routes/access-requests';
import { accessRequestView } from '../../shared/http/views';
import { listAccessRequests } from '../../shared/services/access-request-service';

export const handler = httpHandler(accessRequestRoutes.listAccessRequests, async ({ query, caller, deps }) => {
  const page = await listAccessRequests(deps, caller, { ...query, mine: query.mine === 'true' });
  return json(200, { items: page.items.map(accessRequestView), nextCursor: page.nextCursor });
});
