import { httpHandler } from '../../shared/http/http-handler';
import { routes } from '../../shared/http/routes';
import { revokeInvitation } from '../../shared/services/invitation-service';

export const handler = httpHandler(routes.revokeInvitation, async ({ params, caller, meta, deps }) => {
  await revokeInvitation(deps, caller, params.invitationId, meta);
  return { status: 204 };
});
