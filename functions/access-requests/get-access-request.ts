import { httpHandler, json } from '../../shared/http/http-handler';
import * as accessRequestRoutes from '../../shared/http/routes/access-requests';
import { accessRequestView } from '../../shared/http/views';
import { getAccessRequestFor } from '../../shared/services/access-request-service';

export const handler = httpHandler(accessRequestRoutes.getAccessRequest, async ({ params, caller, deps }) =>
  json(200, accessRequestView(await getAccessRequestFor(deps, caller, params.requestId))),
);
