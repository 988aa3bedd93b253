import { httpHandler, json } from '../../shared/http/http-handler';
import * as invitationRoutes from '../../shared/http/routes/invitations';
import { invitationView } from '../../shared/http/views';
import { inviteMembers } from '../../shared/services/invitation-service';

export const handler = httpHandler(invitationRoutes.createInvitations, async ({ body, caller, meta, deps }) => {
  const outcome = await inviteMembers(deps, caller, body, meta);
  const now = deps.now();
  return json(201, { created: outcome.created.map((i) => invitationView(i, now)), failed: outcome.failed });
});
