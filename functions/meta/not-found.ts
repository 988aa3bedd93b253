import { NotFound } from '../../shared/domain/errors';
import { httpHandler } from '../../shared/http/http-handler';
import { fallbackRoute } from '../../shared/http/routes/meta';

export const handler = httpHandler(fallbackRoute, async () => {
  throw new NotFound('No route matches this method and path; see /v1/openapi.json. The resource', 'route_not_found');
});
