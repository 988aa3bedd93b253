/**
 * Measures the audit export pipeline (DynamoDB pages → csv-stringify → lib-storage multipart upload)
 * against the local emulators: time and peak memory for exports of growing size, and the audit lag
 * (mutation committed → audit entry written by the stream consumer).
 *
 *   npx tsx bench/audit-export.ts [rows...]        (default: 10000 50000)
 *
 * The stack runs in this process; each export runs in a child process so that its memory is measured
 * alone (the in-process S3 emulator would otherwise count the uploaded bytes). Besides exports read
 * from DynamoDB Local, the CSV + multipart upload part alone is measured with generated entries
 * (100k and 500k rows), where DynamoDB Local would be the bottleneck and its memory the limit.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);

async function exportInChild(env: NodeJS.ProcessEnv, args: string[]): Promise<Record<string, number>> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', self, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`export child exited with ${code}`);
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number>;
}

/** Generated entries, one at a time (nothing is kept). */
async function* generated(count: number) {
  const { chainEntry } = await import('../shared/audit/chain');
  const { ulid } = await import('ulidx');
  let head: { seq: number; hash: string } | undefined;
  for (let i = 0; i < count; i++) {
    const id = ulid();
    const entry = chainEntry(
      {
        id,
        tenantId: 'bench',
        occurredAt: new Date(Date.UTC(2022, 0, 1) + i * 1000).toISOString(),
        actor: { id: 'sub-bench', email: 'bench@example.com', ip: '198.51.100.1', userAgent: 'bench' },
        action: 'member.roles_changed',
        target: { type: 'member', id, label: `=label ${i}` },
        changes: { before: { roles: [{ roleId: 'viewer' }] }, after: { roles: [{ roleId: 'agent' }] } },
        requestId: `req-${id}`,
      },
      head,
    );
    head = { seq: entry.seq, hash: entry.hash };
    yield entry;
  }
}

/** Child: one export (the tenant's whole trail, or `synthetic:<rows>` generated entries), sampling memory every 5 ms. */
async function runExport(source: string): Promise<void> {
  const [{ s3, uploadAuditCsv, auditEntriesOf }, { defaultServiceDeps }] = await Promise.all([
    import('../shared/audit/csv-export'),
    import('../shared/services/service-deps'),
  ]);
  const deps = defaultServiceDeps();
  const entries = source.startsWith('synthetic:')
    ? generated(Number(source.slice('synthetic:'.length)))
    : auditEntriesOf({ db: deps.db, auditTableName: deps.auditTableName }, source, {});
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  let peakExternal = base.external + base.arrayBuffers;
  const timer = setInterval(() => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
    peakExternal = Math.max(peakExternal, now.external + now.arrayBuffers);
  }, 5);
  const started = performance.now();
  const { rowCount } = await uploadAuditCsv({ s3, bucket: process.env.EXPORT_BUCKET! }, entries, {
    objectKey: `bench/${source}.csv`,
    downloadName: 'bench.csv',
  });
  const ms = performance.now() - started;
  clearInterval(timer);
  const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
  process.stdout.write(
    `${JSON.stringify({
      rows: rowCount,
      ms: Math.round(ms),
      rowsPerSecond: Math.round(rowCount / (ms / 1000)),
      baseRssMb: mb(base.rss),
      peakRssDeltaMb: mb(peakRss - base.rss),
      peakHeapDeltaMb: mb(peakHeap - base.heapUsed),
      peakBuffersDeltaMb: mb(peakExternal - base.external - base.arrayBuffers),
    })}\n`,
  );
  deps.db.destroy();
  s3.destroy();
}

async function main(): Promise<void> {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  const { startLocalStack } = await import('../scripts/local/stack');
  const stack = await startLocalStack({
    persistence: 'memory',
    ports: 'auto',
    seed: false,
    quiet: true,
    schedules: false,
  });
  try {
    const [{ ulid }, { bulkAppend, content }, { createTenant }, { defaultServiceDeps }, { getChainHead }] =
      await Promise.all([
        import('ulidx'),
        import('../test/support/audit'),
        import('../shared/services/tenant-service'),
        import('../shared/services/service-deps'),
        import('../shared/data/audit-repository'),
      ]);
    const deps = defaultServiceDeps();

    // Audit lag: from the committed transaction to the entry, through the real local poller and consumer.
    const lags: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      const { tenant } = await createTenant(
        deps,
        { userId: 'bench', email: 'bench@example.com', groups: ['platform-admin'] },
        { name: `Bench ${i}`, ownerEmail: `owner-${ulid().toLowerCase()}@example.com`, seatLimit: 3 },
        { requestId: `bench-${i}` },
      );
      const committed = performance.now();
      while (!(await getChainHead({ db: deps.db, auditTableName: deps.auditTableName }, tenant.tenantId))) {
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      lags.push(performance.now() - committed);
      void started;
    }
    lags.sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        bench: 'audit lag (ms, commit → entry)',
        p50: Math.round(lags[10]!),
        p95: Math.round(lags[18]!),
        max: Math.round(lags[19]!),
      }),
    );

    for (const rows of sizes.length > 0 ? sizes : [10_000, 50_000]) {
      const tenantId = ulid();
      const loadStarted = performance.now();
      const start = Date.parse('2022-01-01T00:00:00Z');
      for (let offset = 0; offset < rows; offset += 10_000) {
        const chunk = Array.from({ length: Math.min(10_000, rows - offset) }, (_, i) =>
          content(tenantId, {
            occurredAt: new Date(start + (offset + i) * 1000).toISOString(),
            target: { type: 'member', id: ulid(), label: `=label ${offset + i}` },
          }),
        );
        await bulkAppend(tenantId, chunk, 16);
      }
      const loadMs = Math.round(performance.now() - loadStarted);
      const result = await exportInChild({ ...process.env, ...stack.env }, ['export', tenantId]);
      console.log(JSON.stringify({ bench: 'audit export from DynamoDB Local', loadMs, ...result }));
    }
    for (const rows of [100_000, 500_000]) {
      const result = await exportInChild({ ...process.env, ...stack.env }, ['export', `synthetic:${rows}`]);
      console.log(JSON.stringify({ bench: 'CSV + multipart upload of generated entries', ...result }));
    }
  } finally {
    await stack.stop();
  }
}

if (process.argv[2] === 'export') await runExport(process.argv[3]!);
else await main();
