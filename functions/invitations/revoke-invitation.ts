import { httpHandler } from '../../shared/http/http-handler';
import * as invitationRoutes from '../../shared/http/routes/invitations';
import { revokeInvitation } from '../../shared/services/invitation-service';

export const handler = httpHandler(invitationRoutes.revokeInvitation, async ({ params, caller, meta, deps }) => {
  await revokeInvitation(deps, caller, params.invitationId, meta);
  return { status: 204 };
});
