import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured JSON logger per function instance (module scope, STYLE 7).
 * Never log events, headers, bodies or query strings: tokens travel in `Authorization` and `?token=`.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'users-and-roles' });
