import { httpHandler } from '../../shared/http/http-handler';
import * as memberRoutes from '../../shared/http/routes/members';
import { removeMember } from '../../shared/services/member-admin-service';

export const handler = httpHandler(memberRoutes.removeMember, async ({ params, caller, ifMatch, meta, deps }) => {
  await removeMember(deps, caller, params.memberId, ifMatch, meta);
  return { status: 204 };
});
