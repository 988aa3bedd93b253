import { httpHandler, json } from '../../shared/http/http-handler';
import * as accessRequestRoutes from '../../shared/http/routes/access-requests';
import { accessRequestView } from '../../shared/http/views';
import { createAccessRequest } from '../../shared/services/access-request-service';

export const handler = httpHandler(accessRequestRoutes.createAccessRequest, async ({ body, caller, meta, deps }) =>
  json(201, accessRequestView(await createAccessRequest(deps, caller, body, meta))),
);
