/**
 * `npm run reindex-members`: rewrites every member's reference items in the current key design
 * (shared/services/maintenance-service.ts). Needed once by data written before the status-scoped index
 * keys, the search form and the principal link's role hint existed; idempotent, and safe while the
 * service runs.
 *
 * Against a deployed stage: `TABLE_NAME=<the stage's main table> AWS_REGION=<region> npm run reindex-members`
 * with credentials allowed to Scan, read and write that table. Against `npm start`'s stack: run
 * `npm run reindex-members` without TABLE_NAME (it uses the stack's DynamoDB port and table).
 * `-- --tenant <tenantId>` limits it to one tenant.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDataDir, defaultPorts, localTableNames, REGION } from './local/stack';

async function main(): Promise<number> {
  if (!process.env.TABLE_NAME) {
    if (!existsSync(join(defaultDataDir, 'stack.json'))) {
      process.stderr.write(
        'Set TABLE_NAME (and AWS_REGION, credentials) for a deployed stage, or start the local stack with npm start.\n',
      );
      return 2;
    }
    // npm start's DynamoDB Local: its fixed port (or the override it was started with); -sharedDb takes any credentials.
    const port = process.env[defaultPorts.dynamodb.env] ?? String(defaultPorts.dynamodb.port);
    Object.assign(process.env, {
      TABLE_NAME: localTableNames.main,
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${port}`,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    });
  }
  process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1';
  // Imported after the environment is set: the client reads its endpoint when it is created.
  const [{ dynamoDb }, { reindexMembers }] = await Promise.all([
    import('../shared/clients'),
    import('../shared/services/maintenance-service'),
  ]);
  const tenantArg = process.argv.indexOf('--tenant');
  const tenantId = tenantArg > 0 ? process.argv[tenantArg + 1] : undefined;
  const result = await reindexMembers({ db: dynamoDb, tableName: process.env.TABLE_NAME! }, { tenantId });
  process.stdout.write(
    `reindexed ${result.members} member(s) of ${process.env.TABLE_NAME} (${result.retried} re-read after a concurrent change)\n`,
  );
  return 0;
}

process.exitCode = await main();
