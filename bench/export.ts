import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { build } from 'esbuild';
import { ulid } from 'ulidx';
import { fromRepoRoot } from '../infra/paths';
import type { AuditExportRecord } from '../shared/data/audit-export-repository';
import { exportWorker } from '../shared/jobs/schedules';
import type { ServiceDeps } from '../shared/services/service-deps';
import { bundleFile, esbuildOptions } from './bundles';
import { type BenchContext, type Figure, figure, median, runNodeChild } from './lib';
import type { LoadedTenant } from './load-data';

/**
 * Figure 6, audit export: the export worker's Lambda bundle (functions/audit/run-audit-export.ts, built
 * as CDK builds it) run in a fresh Node process on the loaded trail, streaming CSV into the S3 emulator
 * with a multipart upload; its throughput against the baseline, a bundle that reads the same entries
 * with raw Queries and stringifies the same CSV into a sink (no S3), also in a fresh process; and the
 * worker's peak RSS (the whole process, module init included), which bounds the memory it needs.
 *
 * The export record is written as the service writes it, but `failed` first: the local stack's own
 * export worker sees that INSERT and skips it, so only the measured process runs the export. It is then
 * set to `pending` (a MODIFY, which starts no worker) and the measured worker is handed the INSERT
 * record Lambda would have delivered.
 */

const RUNNER = `
const [bundle, eventJson] = process.argv.slice(2);
const { handler } = await import(bundle);
const context = { functionName: 'auditExportWorker', awsRequestId: 'bench', invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:auditExportWorker',
  memoryLimitInMB: '1024', getRemainingTimeInMillis: () => 900000, callbackWaitsForEmptyEventLoop: true };
const start = performance.now();
const result = await handler(JSON.parse(eventJson), context);
const ms = performance.now() - start;
process.stdout.write('\\n' + JSON.stringify({ ms, result, maxRssKb: process.resourceUsage().maxRSS }) + '\\n');
`;

export async function measureExport(
  ctx: BenchContext,
  deps: ServiceDeps,
  tenant: LoadedTenant,
  bundlesDir: string,
  drain: () => Promise<unknown>,
): Promise<Figure[]> {
  const [{ keys }, { getExport }] = await Promise.all([
    import('../shared/data/keys'),
    import('../shared/data/audit-export-repository'),
  ]);
  const worker = bundleFile(bundlesDir, exportWorker.handler);
  if (!existsSync(worker)) throw new Error(`${worker} missing: figure 1 builds it`);
  const baseline = join(ctx.tmpDir, 'export-baseline', 'index.mjs');
  await build({ ...esbuildOptions(baseline), entryPoints: [fromRepoRoot('bench/children/export-baseline.ts')] });
  const runner = join(ctx.tmpDir, 'run-export-worker.mjs');
  writeFileSync(runner, RUNNER);
  const env = {
    ...ctx.env,
    PATH: process.env.PATH ?? '',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    NODE_OPTIONS: '--enable-source-maps',
  };
  // Exactly the loaded entries: the loaded trail lies in the past, the tenant's live entries are now.
  const filter = { from: tenant.audit.first, to: tenant.audit.last };

  const runs = ctx.quick ? 1 : 2;
  const exportRate: number[] = [];
  const baselineRate: number[] = [];
  const rss: number[] = [];
  const baselineRss: number[] = [];
  let rows = 0;
  for (let run = 0; run < runs; run++) {
    const record: AuditExportRecord = {
      tenantId: tenant.tenantId,
      exportId: ulid(),
      status: 'failed',
      filter,
      requestedBy: { id: tenant.owner.identity.userId, email: tenant.owner.identity.email },
      createdAt: new Date().toISOString(),
      attempts: 0,
      version: 1,
    };
    const item = { ...keys.auditExport(record.tenantId, record.exportId), entity: 'auditExport', ...record };
    await deps.db.send(new PutCommand({ TableName: deps.tableName, Item: item }));
    await drain(); // the stack's worker has seen the INSERT (and skipped it) before the record turns pending
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: keys.auditExport(record.tenantId, record.exportId),
        UpdateExpression: 'SET #status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pending': 'pending' },
      }),
    );
    const event = {
      Records: [
        {
          eventID: ulid(),
          eventName: 'INSERT',
          eventVersion: '1.1',
          eventSource: 'aws:dynamodb',
          awsRegion: 'us-east-1',
          eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/local-Main/stream/bench',
          dynamodb: {
            Keys: marshall(keys.auditExport(record.tenantId, record.exportId)),
            NewImage: marshall({ ...item, status: 'pending' }),
            SequenceNumber: '1',
            StreamViewType: 'NEW_AND_OLD_IMAGES',
          },
        },
      ],
    };
    const measured = await runNodeChild<Record<string, unknown>>([runner, worker, JSON.stringify(event)], env);
    const done = await getExport(deps, record.tenantId, record.exportId);
    if (done?.status !== 'done' || done.rowCount === undefined)
      throw new Error(`export ${record.exportId} ended ${done?.status}: ${JSON.stringify(measured)}`);
    rows = done.rowCount;
    exportRate.push(rows / ((measured.ms as number) / 1000));
    rss.push((measured.maxRssKb as number) / 1024);

    const raw = await runNodeChild<Record<string, unknown>>([baseline, tenant.tenantId, filter.from, filter.to], env);
    if (raw.rows !== rows) throw new Error(`baseline read ${String(raw.rows)} rows, the export ${rows}`);
    baselineRate.push(rows / ((raw.ms as number) / 1000));
    baselineRss.push((raw.maxRssKb as number) / 1024);
    ctx.log(
      `export of ${rows} rows: ${((measured.ms as number) / 1000).toFixed(1)} s, peak RSS ${rss.at(-1)!.toFixed(0)} MB; raw Query + CSV ${((raw.ms as number) / 1000).toFixed(1)} s`,
    );
  }
  const note = `${rows} entries, ${runs} run(s) each, fresh processes; baseline: raw Query pages + csv-stringify into a sink`;
  return [
    figure({
      name: '6. export throughput',
      value: median(exportRate),
      unit: 'rows/s',
      baseline: median(baselineRate),
      target: { on: 'ratio', min: 0.7 },
      note,
    }),
    figure({
      name: '6. export peak RSS',
      value: median(rss),
      unit: 'MB',
      baseline: median(baselineRss),
      target: { on: 'value', max: 256 },
      note: 'maxRSS of the worker process (module init included); baseline: the raw Query + CSV process',
    }),
  ];
}
