import { httpHandler, json } from '../../shared/http/http-handler';
import * as memberRoutes from '../../shared/http/routes/members';
import { memberView } from '../../shared/http/views';
import { getMemberDetails } from '../../shared/services/member-service';

export const handler = httpHandler(memberRoutes.getMember, async ({ params, caller, deps }) => {
  const details = await getMemberDetails(deps, caller, params.memberId);
  return json(200, memberView(details), details.member.version);
});
