import { httpHandler, json } from '../../shared/http/http-handler';
import { routes } from '../../shared/http/routes';
import { getMe } from '../../shared/services/me-service';

export const handler = httpHandler(routes.getMe, async ({ caller, deps }) => json(200, await getMe(deps, caller)));
