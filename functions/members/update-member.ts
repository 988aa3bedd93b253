import { httpHandler, json } from '../../shared/http/http-handler';
import * as memberRoutes from '../../shared/http/routes/members';
import { memberView } from '../../shared/http/views';
import { updateMemberAccess } from '../../shared/services/member-admin-service';

export const handler = httpHandler(memberRoutes.updateMember, async ({ params, body, caller, ifMatch, meta, deps }) => {
  const details = await updateMemberAccess(deps, caller, params.memberId, body, ifMatch, meta);
  return json(200, memberView(details), details.member.version);
});
