import { httpHandler } from '../../shared/http/http-handler';
import { routes } from '../../shared/http/routes';
import { declineInvitation } from '../../shared/services/invitation-service';

export const handler = httpHandler(routes.declineInvitation, async ({ body, meta, deps }) => {
  await declineInvitation(deps, body.token, meta);
  return { status: 204 };
});
