/**
 * `npm run reindex-audit`: gives audit entries written before an index existed (the combined-filter
 * indexes: actor or target with an action or action group) the index attributes they lack
 * (shared/data/audit-repository.ts reindexAuditEntries). Until it has run, such entries are missing from
 * combined filters and `/audit/verify` reports them as index_mismatch. It adds only absent index attributes,
 * derived from each entry's hashed content, and never changes the entry itself; idempotent, and safe while
 * the service runs. It is an operator's tool: no function may update the audit table.
 *
 * Against a deployed stage: `AUDIT_TABLE_NAME=<the stage's audit table> AWS_REGION=<region> npm run
 * reindex-audit` with credentials allowed to Scan/Query and UpdateItem that table. Against `npm start`'s
 * stack: `npm run reindex-audit` without AUDIT_TABLE_NAME. `-- --tenant <tenantId>` limits it to one tenant.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDataDir, defaultPorts, localTableNames, REGION } from './local/stack';

async function main(): Promise<number> {
  if (!process.env.AUDIT_TABLE_NAME) {
    if (!existsSync(join(defaultDataDir, 'stack.json'))) {
      process.stderr.write(
        'Set AUDIT_TABLE_NAME (and AWS_REGION, credentials) for a deployed stage, or start the local stack with npm start.\n',
      );
      return 2;
    }
    const port = process.env[defaultPorts.dynamodb.env] ?? String(defaultPorts.dynamodb.port);
    Object.assign(process.env, {
      AUDIT_TABLE_NAME: localTableNames.audit,
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${port}`,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    });
  }
  process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1';
  // Imported after the environment is set: the client reads its endpoint when it is created.
  const [{ dynamoDb }, { reindexAuditEntries }] = await Promise.all([
    import('../shared/clients'),
    import('../shared/data/audit-repository'),
  ]);
  const tenantArg = process.argv.indexOf('--tenant');
  const tenantId = tenantArg > 0 ? process.argv[tenantArg + 1] : undefined;
  const auditTableName = process.env.AUDIT_TABLE_NAME!;
  const result = await reindexAuditEntries({ db: dynamoDb, auditTableName }, tenantId ? { tenantId } : {});
  process.stdout.write(
    `reindexed ${result.updated} audit entr(y/ies) of ${auditTableName} (${result.scanned} items read)\n`,
  );
  return 0;
}

process.exitCode = await main();
