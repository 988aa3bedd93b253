import { catalogView } from '../../shared/domain/permissions';
import { httpHandler, json } from '../../shared/http/http-handler';
import * as roleRoutes from '../../shared/http/routes/roles';

const catalog = { modules: catalogView() };

export const handler = httpHandler(roleRoutes.listPermissions, async () => json(200, catalog));
