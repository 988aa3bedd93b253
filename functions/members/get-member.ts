import { httpHandler, json } from '../../shared/http/http-handler';
import { routes } from '../../shared/http/routes';
import { memberView } from '../../shared/http/views';
import { getMemberDetails } from '../../shared/services/member-service';

export const handler = httpHandler(routes.getMember, async ({ params, caller, deps }) => {
  const details = await getMemberDetails(deps, caller, params.memberId);
  return json(200, memberView(details), details.member.version);
});
