import { catalogView } from '../../shared/domain/permissions';
import { httpHandler, json } from '../../shared/http/http-handler';
import { routes } from '../../shared/http/routes';

const catalog = { modules: catalogView() };

export const handler = httpHandler(routes.listPermissions, async () => json(200, catalog));
