import { httpHandler } from '../../shared/http/http-handler';
import * as invitationRoutes from '../../shared/http/routes/invitations';
import { declineInvitation } from '../../shared/services/invitation-service';

export const handler = httpHandler(invitationRoutes.declineInvitation, async ({ body, meta, deps }) => {
  await declineInvitation(deps, body.token, meta);
  return { status: 204 };
});
