/**
 * `npm run reindex-members`: rewrites every member's reference items in the current key design
 * (shared/services/maintenance-service.ts). Needed once by data written before the status-scoped index
 * keys, the search form and the principal link's role hint existed; idempotent, and safe while the
 * service runs.
 *
 * Against a deployed stage: `TABLE_NAME=<the stage's main table> AWS_REGION=<region> npm run reindex-members`
 * with credentials allowed to Scan, read and write that table. Against `npm start`'s stack: run
 * `npm run reindex-members` without TABLE_NAME; it reads the endpoint and table from `.local/`.
 * `-- --tenant <tenantId>` limits it to one tenant.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDataDir, type StackInfo } from './local/stack';

async function main(): Promise<number> {
  if (!process.env.TABLE_NAME) {
    const stackFile = process.env.LOCAL_STACK_FILE ?? join(defaultDataDir, 'stack.json');
    if (!existsSync(stackFile)) {
      process.stderr.write('Set TABLE_NAME (and AWS_REGION, credentials) for a deployed stage, or start the local stack with npm start.\n');
      return 2;
    }
    const { region, dynamodb } = JSON.parse(readFileSync(stackFile, 'utf8')) as StackInfo;
    // DynamoDB Local (-sharedDb) takes any credentials.
    Object.assign(process.env, {
      TABLE_NAME: dynamodb.tableName,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    });
  }
  process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1';
  // Imported after the environment is set: the client reads its endpoint when it is created.
  const [{ dynamoDb }, { reindexMembers }] = await Promise.all([import('../shared/clients'), import('../shared/services/maintenance-service')]);
  const tenantArg = process.argv.indexOf('--tenant');
  const tenantId = tenantArg > 0 ? process.argv[tenantArg + 1] : undefined;
  const result = await reindexMembers({ db: dynamoDb, tableName: process.env.TABLE_NAME! }, { tenantId });
  process.stdout.write(`reindexed ${result.members} member(s) of ${process.env.TABLE_NAME} (${result.retried} re-read after a concurrent change)\n`);
  return 0;
}

process.exitCode = await main();
