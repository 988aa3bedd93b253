import { httpHandler, json } from '../../shared/http/http-handler';
import * as memberRoutes from '../../shared/http/routes/members';
import { memberView } from '../../shared/http/views';
import { identityDirectory } from '../../shared/identity/identity-directory';
import { suspendMember } from '../../shared/services/member-admin-service';
import { getMemberDetails } from '../../shared/services/member-service';

export const handler = httpHandler(memberRoutes.suspendMember, async ({ params, caller, ifMatch, meta, deps }) => {
  await suspendMember(deps, identityDirectory(), caller, params.memberId, ifMatch, meta);
  const details = await getMemberDetails(deps, caller, params.memberId);
  return json(200, memberView(details), details.member.version);
});
