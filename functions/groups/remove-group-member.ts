import { httpHandler } from '../../shared/http/http-handler';
import * as groupRoutes from '../../shared/http/routes/groups';
import { removeGroupMember } from '../../shared/services/group-service';

export const handler = httpHandler(groupRoutes.removeGroupMember, async ({ params, caller, meta, deps }) => {
  await removeGroupMember(deps, caller, params.groupId, params.memberId, meta);
  return { status: 204 };
});
