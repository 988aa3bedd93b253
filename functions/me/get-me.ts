import { httpHandler, json } from '../../shared/http/http-handler';
import * as meRoutes from '../../shared/http/routes/me';
import { getMe } from '../../shared/services/me-service';

export const handler = httpHandler(meRoutes.getMe, async ({ caller, deps }) => json(200, await getMe(deps, caller)));
