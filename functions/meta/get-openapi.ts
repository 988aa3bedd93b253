import { httpHandler, json } from '../../shared/http/http-handler';
import { buildOpenApiDocument } from '../../shared/http/openapi';
import { metaRoutes } from '../../shared/http/routes/meta';

// Built once per cold start from the route table: the served document cannot drift from the handlers.
const document = buildOpenApiDocument();

export const handler = httpHandler(metaRoutes.getOpenApi, async () => json(200, document));
