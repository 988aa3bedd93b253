import { httpHandler } from '../../shared/http/http-handler';
import * as memberRoutes from '../../shared/http/routes/members';
import { transferOwnership } from '../../shared/services/member-admin-service';

export const handler = httpHandler(memberRoutes.transferOwnership, async ({ body, caller, meta, deps }) => {
  await transferOwnership(deps, caller, body.memberId, meta);
  return { status: 204 };
});
