import { httpHandler, json } from '../../shared/http/http-handler';
import * as invitationRoutes from '../../shared/http/routes/invitations';
import { invitationView } from '../../shared/http/views';
import { resendInvitation } from '../../shared/services/invitation-service';

export const handler = httpHandler(
  invitationRoutes.resendInvitation,
  async ({ params, caller, ifMatch, meta, deps }) => {
    const invitation = await resendInvitation(deps, caller, params.invitationId, ifMatch, meta);
    return json(200, invitationView(invitation, deps.now()), invitation.version);
  },
);
