import { httpHandler, json } from '../../shared/http/http-handler';
import * as accessRequestRoutes from '../../shared/http/routes/access-requests';
import { accessRequestView } from '../../shared/http/views';
import { cancelAccessRequest } from '../../shared/services/access-request-service';

export const handler = httpHandler(accessRequestRoutes.cancelAccessRequest, async ({ params, caller, meta, deps }) =>
  json(200, accessRequestView(await cancelAccessRequest(deps, caller, params.requestId, meta))),
);
