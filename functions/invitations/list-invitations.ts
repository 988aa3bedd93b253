import { httpHandler, json } from '../../shared/http/http-handler';
import * as invitationRoutes from '../../shared/http/routes/invitations';
import { invitationView } from '../../shared/http/views';
import { listInvitations } from '../../shared/services/invitation-service';

export const handler = httpHandler(invitationRoutes.listInvitations, async ({ query, caller, deps }) => {
  const page = await listInvitations(deps, caller, query.status, { limit: query.limit, cursor: query.cursor });
  const now = deps.now();
  return json(200, { items: page.items.map((i) => invitationView(i, now)), nextCursor: page.nextCursor });
});
