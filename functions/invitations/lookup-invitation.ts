import { httpHandler, json } from '../../shared/http/http-handler';
import * as invitationRoutes from '../../shared/http/routes/invitations';
import { lookupInvitation } from '../../shared/services/invitation-service';

export const handler = httpHandler(invitationRoutes.lookupInvitation, async ({ query, deps }) =>
  json(200, await lookupInvitation(deps, query.token)),
);
