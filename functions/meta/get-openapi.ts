import { gunzipSync } from 'node:zlib';
import { httpHandler, json } from '../../shared/http/http-handler';
import * as metaRoutes from '../../shared/http/routes/meta';

/**
 * The OpenAPI document, generated at build time (STYLE 3): the function's bundling defines it as the
 * base64 of its gzipped JSON (`functionBundling` in infra/constructs/service-function.ts, at synth, from
 * the route table), and esbuild drops the branch below that builds it, with zod-openapi and every
 * route's schemas.
 * Run unbundled (local server, tests), it is built from the route table at import.
 */
declare const __OPENAPI_DOCUMENT_GZIP__: string | undefined;

const document: unknown =
  typeof __OPENAPI_DOCUMENT_GZIP__ === 'string'
    ? JSON.parse(gunzipSync(Buffer.from(__OPENAPI_DOCUMENT_GZIP__, 'base64')).toString('utf8'))
    : (await import('../../shared/http/openapi')).buildOpenApiDocument();

export const handler = httpHandler(metaRoutes.getOpenApi, async () => json(200, document));
