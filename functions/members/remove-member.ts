import { httpHandler } from '../../shared/http/http-handler';
import { routes } from '../../shared/http/routes';
import { removeMember } from '../../shared/services/member-admin-service';

export const handler = httpHandler(routes.removeMember, async ({ params, caller, ifMatch, meta, deps }) => {
  await removeMember(deps, caller, params.memberId, ifMatch, meta);
  return { status: 204 };
});
