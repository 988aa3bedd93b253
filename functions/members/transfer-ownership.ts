import { httpHandler } from '../../shared/http/http-handler';
import { routes } from '../../shared/http/routes';
import { transferOwnership } from '../../shared/services/member-admin-service';

export const handler = httpHandler(routes.transferOwnership, async ({ body, caller, meta, deps }) => {
  await transferOwnership(deps, caller, body.memberId, meta);
  return { status: 204 };
});
