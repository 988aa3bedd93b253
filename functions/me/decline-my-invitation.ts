import { httpHandler } from '../../shared/http/http-handler';
import * as meRoutes from '../../shared/http/routes/me';
import { declineMyInvitation } from '../../shared/services/invitation-service';

export const handler = httpHandler(meRoutes.declineMyInvitation, async ({ params, caller, meta, deps }) => {
  await declineMyInvitation(deps, caller, params, meta);
  return { status: 204 };
});
