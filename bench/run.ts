/**
 * `npm run bench [-- --quick] [-- --only=1,2] [-- --seed=N]`: measures the service against its physical limits, each
 * figure as a ratio against a baseline measured in the same run on this machine (docs/PERFORMANCE.md
 * says what each one means). Prints a table and writes bench/results.json (a full run) or
 * bench/results.quick.json (`--quick`: the same measurements with fewer samples and a smaller data set).
 *
 * Figure 1 builds and imports bundles in child processes before anything else runs; then the local
 * stack starts in memory (the real emulators, as `npm test` uses them), figures 3 and 8 run (they need no
 * data set), the data set is loaded, and the other figures run one after another, the stream drained
 * between them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../infra/paths';
import { type LocalStack, startLocalStack } from '../scripts/local/stack';
import { measureAuthorization } from './authorization';
import { loadBots, measureBots } from './bots';
import { measureBulkInvite } from './bulk-invite';
import { buildBundles, measureBundles } from './bundles';
import { measureConsole } from './console';
import { installCallCounter } from './ddb-calls';
import { measureDecisions } from './decisions';
import { measureExport } from './export';
import { measureGroupsAndRequests } from './groups-requests';
import { measureLag } from './lag';
import { type BenchContext, describeTarget, type Figure, formatNumber } from './lib';
import { loadTenant } from './load-data';
import { measureQueries } from './queries';
import { performanceDoc, type RunInfo, renderReport, withReport } from './report';
import { measureRequests } from './requests';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.find((arg) => arg.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',').map(Number)) : undefined;
const wanted = (n: number) => !only || only.has(n);
// The data set's seed (default 42): every figure must run to the end whatever it is (test/integration/bench-data.test.ts).
const seedArg = args.find((arg) => arg.startsWith('--seed='));
const seed = seedArg ? Number(seedArg.slice('--seed='.length)) : 42;
if (!Number.isInteger(seed)) throw new Error(`--seed takes an integer, not ${seedArg}`);

const started = performance.now();
const loadAverageAtStart = loadavg().map((l) => Math.round(l * 10) / 10);
const git = (...gitArgs: string[]) => execFileSync('git', gitArgs, { cwd: repoRoot, encoding: 'utf8' }).trim();
// The commit measured; `dirty` when the working tree differs from it (results of such a run say so).
const commit = git('rev-parse', 'HEAD');
const dirty =
  git('status', '--porcelain', '--untracked-files=no', '--', '.', ':!bench/results.json', ':!docs/PERFORMANCE.md') !==
  '';
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s`;
const log = (message: string) => process.stdout.write(`[bench ${elapsed()}] ${message}\n`);

function table(figures: readonly Figure[]): string {
  const fmt = (n: number | null) => formatNumber(n, '-');
  const rows = figures.map((f) => [
    f.name,
    `${fmt(f.value)} ${f.unit}`,
    f.baseline === null ? '-' : `${fmt(f.baseline)} ${f.unit}`,
    fmt(f.ratio),
    describeTarget(f.target),
    f.met === null ? '' : f.met ? 'met' : 'NOT MET',
  ]);
  const header = ['figure', 'value', 'baseline', 'ratio', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

async function main(): Promise<number> {
  const tmpDir = mkdtempSync(join(tmpdir(), 'users-roles-bench-'));
  const figures: Figure[] = [];
  let stack: LocalStack | undefined;
  let stackStarting: Promise<LocalStack> | undefined;
  const onSignal = () => {
    void stack?.stop().finally(() => process.exit(130));
    if (!stack) process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const context = (env: Record<string, string>): BenchContext => ({ quick, tmpDir, env, log });
  try {
    log(
      `${quick ? 'quick' : 'full'} run (seed ${seed}) on Node ${process.version}, ${cpus().length} cores, load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    const bundlesDir = join(tmpDir, 'bundles');
    const needsStack = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11].some(wanted);
    const startStack = () =>
      startLocalStack({ persistence: 'memory', ports: 'auto', seed: false, quiet: true, schedules: false });
    // --quick starts the stack while figure 1 builds its bundles (never while it imports them); a full run
    // starts it afterwards, so that nothing but the imports runs from the build to the last import.
    if (quick && needsStack && wanted(1)) {
      stackStarting = startStack();
      stackStarting.catch(() => undefined);
    }
    if (wanted(1)) figures.push(...(await measureBundles(context({}), () => stackStarting ?? Promise.resolve())));
    else if (wanted(6)) await buildBundles(bundlesDir);

    if (needsStack) {
      stack = await (stackStarting ?? startStack());
      log(`local stack up (${stack.timings.total} ms)`);
      const drain = () => stack!.drain(120_000);
      await installCallCounter();
      const { defaultServiceDeps } = await import('../shared/services/service-deps');
      const deps = defaultServiceDeps();
      const ctx = context(stack.env);

      if (wanted(3)) figures.push(...measureAuthorization(ctx));
      if (wanted(8)) figures.push(...(await measureDecisions(ctx, deps)));
      const needsData = [2, 4, 6, 7, 9, 10, 11].some(wanted);
      const tenant = needsData
        ? await loadTenant(deps, {
            members: quick ? 300 : 10_000,
            auditEntries: quick ? 3000 : 100_000,
            seed,
            drain,
            log,
          })
        : undefined;
      if (tenant) await drain();
      if (tenant && wanted(2)) figures.push(...(await measureRequests(ctx, deps, tenant)));
      if (tenant && wanted(4)) figures.push(...(await measureQueries(ctx, tenant)));
      if (wanted(5)) {
        await drain();
        figures.push(...(await measureLag(ctx, deps, drain)));
      }
      if (tenant && wanted(6)) {
        await drain();
        figures.push(...(await measureExport(ctx, deps, tenant, bundlesDir, drain)));
      }
      if (tenant && wanted(7)) figures.push(...(await measureBulkInvite(ctx, tenant, drain)));
      if (tenant && wanted(9)) {
        const bots = await loadBots(deps, tenant, {
          bots: quick ? 100 : 1000,
          sharesPerBot: 10,
          crowd: quick ? 150 : 1000,
          seed,
        });
        figures.push(...(await measureBots(ctx, tenant, bots)));
      }
      if (tenant && wanted(10)) figures.push(...(await measureGroupsAndRequests(ctx, deps, tenant, drain)));
      if (tenant && wanted(11)) figures.push(...(await measureConsole(ctx, stack.info, tenant)));
    }
  } finally {
    // A stack still starting when figure 1 failed is stopped too.
    stack ??= await stackStarting?.catch(() => undefined);
    await stack?.stop();
    rmSync(tmpDir, { recursive: true, force: true });
  }

  process.stdout.write(`\n${table(figures)}\n\n`);
  const targeted = figures.filter((f) => f.met !== null);
  const missed = targeted.filter((f) => !f.met);
  log(
    `${targeted.length - missed.length} of ${targeted.length} targets met${missed.length ? `; not met: ${missed.map((f) => f.name).join(', ')}` : ''}`,
  );
  if (!only) {
    const file = join(repoRoot, 'bench', quick ? 'results.quick.json' : 'results.json');
    const run: RunInfo = {
      mode: quick ? 'quick' : 'full',
      date: new Date().toISOString(),
      durationSeconds: Math.round((performance.now() - started) / 1000),
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      commit,
      dirty,
      loadAverageAtStart,
      loadAverageAtEnd: loadavg().map((l) => Math.round(l * 10) / 10),
    };
    writeFileSync(file, `${JSON.stringify({ run, figures }, null, 2)}\n`);
    log(`wrote ${file}`);
    if (!quick) {
      // The document's tables are generated from the run, never retyped (Biome then aligns the tables).
      writeFileSync(performanceDoc, withReport(readFileSync(performanceDoc, 'utf8'), renderReport(run, figures)));
      execFileSync(join(repoRoot, 'node_modules', '.bin', 'biome'), ['format', '--write', performanceDoc], {
        stdio: 'ignore',
      });
      log(`updated ${performanceDoc}`);
    }
  }
  return 0;
}

process.on('unhandledRejection', (reason) => {
  process.stderr.write(`bench: unhandled rejection: ${String((reason as Error)?.stack ?? reason)}\n`);
});
process.exitCode = await main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  return 1;
});
