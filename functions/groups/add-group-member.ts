import { httpHandler, json } from '../../shared/http/http-handler';
import * as groupRoutes from '../../shared/http/routes/groups';
import { groupView } from '../../shared/http/views';
import { addGroupMember } from '../../shared/services/group-service';

export const handler = httpHandler(groupRoutes.addGroupMember, async ({ params, caller, meta, deps }) => {
  const { group } = await addGroupMember(deps, caller, params.groupId, params.memberId, meta);
  return json(200, groupView(group), group.version);
});
