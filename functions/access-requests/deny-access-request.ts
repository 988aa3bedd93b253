import { httpHandler, json } from '../../shared/http/http-handler';
import * as accessRequestRoutes from '../../shared/http/routes/access-requests';
import { accessRequestView } from '../../shared/http/views';
import { denyAccessRequest } from '../../shared/services/access-request-service';

export const handler = httpHandler(
  accessRequestRoutes.denyAccessRequest,
  async ({ params, body, caller, meta, deps }) =>
    json(200, accessRequestView(await denyAccessRequest(deps, caller, params.requestId, body, meta))),
);
