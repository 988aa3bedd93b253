import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { functionBundling, LAMBDA_BUNDLING } from '../infra/constructs/service-function';
import { fromRepoRoot, repoRoot } from '../infra/paths';
import { fallbackRoute, routeList } from '../shared/http/routes';
import { scheduledJobs, streamConsumers } from '../shared/jobs/schedules';
import { type BenchContext, type Figure, figure, median, runNodeChild } from './lib';

/**
 * Figure 1, the cold-start proxy: every function bundled exactly as CDK bundles it (the options are
 * `functionBundling(entry)` of infra/constructs/service-function.ts, `LAMBDA_BUNDLING` plus the entry's
 * build-time constants, mapped to esbuild as aws-lambda-nodejs maps them), then imported by fresh Node
 * processes. The baseline is a bundle, built the same way,
 * that only constructs a DynamoDB document client and imports GetCommand: the least any function of
 * ours loads.
 */

export interface BundleEntry {
  /** Operation id, job or consumer name. */
  readonly name: string;
  /** Entry file relative to the repository root. */
  readonly entry: string;
  /** An API function (route or the 404 fallback): the init target applies to these. */
  readonly api: boolean;
}

export function bundleEntries(): BundleEntry[] {
  return [
    ...routeList.map((route) => ({ name: route.operationId, entry: route.handler, api: true })),
    { name: fallbackRoute.operationId, entry: fallbackRoute.handler, api: true },
    ...streamConsumers.map((consumer) => ({ name: consumer.name, entry: consumer.handler, api: false })),
    ...scheduledJobs.map((job) => ({ name: job.name, entry: job.handler, api: false })),
  ];
}

/**
 * `--quick`'s sample of the functions: the first API function of each handler directory
 * (`functions/<resource>/`, in route order), the 404 fallback and every non-API function, so that a quick
 * run builds and imports one of each kind (about 15 bundles instead of 60+) in seconds.
 */
export function quickSample(entries: readonly BundleEntry[]): BundleEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => {
    if (!e.api || e.entry.split('/').length < 3) return true;
    const directory = e.entry.split('/').slice(0, 2).join('/');
    if (seen.has(directory)) return false;
    seen.add(directory);
    return true;
  });
}

const BASELINE_SOURCE = `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const handler = async () => client.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { PK: 'x', SK: 'x' } }));
`;

/**
 * The bundling CDK uses for `entry` (`LAMBDA_BUNDLING` without one, as for the baseline) as esbuild
 * options, the way aws-lambda-nodejs turns its props into esbuild arguments.
 */
export function esbuildOptions(outfile: string, entry?: string): BuildOptions {
  const b: ReturnType<typeof functionBundling> = entry === undefined ? LAMBDA_BUNDLING : functionBundling(entry);
  return {
    bundle: true,
    platform: 'node',
    target: b.target,
    format: b.format === 'esm' ? 'esm' : 'cjs',
    outfile,
    minify: b.minify,
    // sourceMapMode DEFAULT: `--sourcemap` (a linked index.mjs.map)
    sourcemap: b.sourceMap ? 'linked' : false,
    sourcesContent: b.sourcesContent,
    external: [...b.externalModules],
    mainFields: [...b.mainFields],
    banner: { js: b.banner },
    ...(b.define ? { define: { ...b.define } } : {}),
    tsconfig: fromRepoRoot('tsconfig.json'),
    logLevel: 'warning',
  };
}

export interface BuiltBundle {
  readonly name: string;
  readonly api: boolean;
  readonly file: string;
  readonly bytes: number;
}

/**
 * Builds every function into `outDir/<entry path without .ts>/index.mjs`, and the baseline into
 * `outDir/baseline/index.mjs`. The functions that share their bundling options (all but those with
 * build-time constants, such as getOpenApi) are built by one esbuild call with many entry points (no
 * code splitting): each output is byte-identical to a one-entry build such as CDK runs (checked when
 * this was written), ten times faster than 35 separate builds.
 */
export async function buildBundles(
  outDir: string,
  entries: readonly BundleEntry[] = bundleEntries(),
): Promise<{ baseline: BuiltBundle; bundles: BuiltBundle[] }> {
  const baselineFile = join(outDir, 'baseline', 'index.mjs');
  await build({
    ...esbuildOptions(baselineFile),
    stdin: { contents: BASELINE_SOURCE, resolveDir: repoRoot, sourcefile: 'baseline.ts', loader: 'ts' },
  });
  const groups = new Map<string, { options: BuildOptions; entries: string[] }>();
  for (const { entry } of entries) {
    const { outfile: _single, ...options } = esbuildOptions(baselineFile, entry);
    const key = JSON.stringify(options);
    const group = groups.get(key) ?? { options, entries: [] as string[] };
    group.entries.push(entry);
    groups.set(key, group);
  }
  for (const group of groups.values()) {
    await build({
      ...group.options,
      entryPoints: group.entries.map((entry) => fromRepoRoot(entry)),
      outdir: outDir,
      outbase: repoRoot,
      entryNames: '[dir]/[name]/index',
      outExtension: { '.js': '.mjs' },
    });
  }
  const built = (name: string, api: boolean, file: string): BuiltBundle => ({
    name,
    api,
    file,
    bytes: statSync(file).size,
  });
  return {
    baseline: built('baseline', false, baselineFile),
    bundles: entries.map((e) => built(e.name, e.api, bundleFile(outDir, e.entry))),
  };
}

/** Where `buildBundles` puts the bundle of an entry file. */
export const bundleFile = (outDir: string, entry: string) => join(outDir, entry.replace(/\.ts$/, ''), 'index.mjs');

/** The environment a function gets from its construct, with dummy values: nothing is called at init. */
export function functionEnvironment(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // Nothing listens here: an init that touched the network would fail loudly rather than be timed.
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    STAGE: 'bench',
    TABLE_NAME: 'bench-Main',
    AUDIT_TABLE_NAME: 'bench-Audit',
    USER_POOL_ID: 'us-east-1_bench',
    USER_POOL_CLIENT_ID: 'bench',
    EXPORT_BUCKET: 'bench-exports',
    APP_URL: 'https://app.example.org',
    SENDER_EMAIL: 'no-reply@example.org',
    OUTBOX_SEALING_KEY: 'bench',
    POWERTOOLS_SERVICE_NAME: 'users-and-roles',
    POWERTOOLS_METRICS_NAMESPACE: 'UsersAndRoles',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    // As the construct sets it: source maps are loaded with the bundle, which is part of its init.
    NODE_OPTIONS: '--enable-source-maps',
  };
}

const IMPORTER = `
const file = process.argv[2];
const cpu0 = process.cpuUsage();
const start = performance.now();
const module = await import(file);
const wallMs = performance.now() - start;
const cpu = process.cpuUsage(cpu0);
if (typeof module.handler !== 'function') throw new Error(file + ' has no handler export');
process.stdout.write(JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, wallMs }));
`;

export interface InitSample {
  /** CPU time of the import, every thread of the process (user + system). */
  readonly cpuMs: number;
  readonly wallMs: number;
}

/** Imports `file` in a fresh `node` process; resolves with what the import took there. */
export function initTime(importer: string, file: string, env: Record<string, string>): Promise<InitSample> {
  return runNodeChild<InitSample>([importer, file], env);
}

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/**
 * `beforeImports` runs between the build and the first import: `--quick` starts the local stack during the
 * build and waits for it there, so that its start (a JVM, CPU-heavy) never overlaps a measured import.
 */
export async function measureBundles(ctx: BenchContext, beforeImports?: () => Promise<unknown>): Promise<Figure[]> {
  const outDir = join(ctx.tmpDir, 'bundles');
  mkdirSync(outDir, { recursive: true });
  const started = performance.now();
  const { baseline, bundles } = await buildBundles(outDir, ctx.quick ? quickSample(bundleEntries()) : bundleEntries());
  ctx.log(`built ${bundles.length} bundles + baseline in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await beforeImports?.();

  const importer = join(ctx.tmpDir, 'import-bundle.mjs');
  writeFileSync(importer, IMPORTER);
  const env = functionEnvironment();
  const rounds = ctx.quick ? 2 : 21;
  const all = [baseline, ...bundles];
  const samples = new Map<string, InitSample[]>(all.map((b) => [b.name, []]));
  // Round-robin in a fresh random order each round: background noise lands on every bundle alike. The
  // baseline goes three times per round: every ratio depends on its median.
  for (let round = 0; round < rounds; round++) {
    for (const bundle of shuffled([baseline, baseline, ...all]))
      samples.get(bundle.name)!.push(await initTime(importer, bundle.file, env));
  }
  const cpu = (name: string) => median(samples.get(name)!.map((s) => s.cpuMs));
  const wall = (name: string) => median(samples.get(name)!.map((s) => s.wallMs));
  const baselineInit = cpu(baseline.name);
  ctx.log(
    `module init: ${rounds} fresh processes per bundle (${rounds * 3} for the baseline); baseline median ${baselineInit.toFixed(1)} ms CPU (${wall(baseline.name).toFixed(1)} ms wall)`,
  );

  const figures: Figure[] = [];
  const largest = bundles.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  for (const bundle of bundles) {
    figures.push(
      figure({
        name: `1. init ${bundle.name}`,
        value: cpu(bundle.name),
        unit: 'ms CPU',
        baseline: baselineInit,
        target: bundle.api ? { on: 'ratio', max: 1.3 } : null,
        note: `median CPU time of the import in ${rounds} fresh node processes (NODE_OPTIONS=--enable-source-maps, as deployed); wall ${wall(bundle.name).toFixed(0)} ms vs ${wall(baseline.name).toFixed(0)} ms`,
      }),
    );
  }
  for (const bundle of bundles) {
    figures.push(
      figure({
        name: `1. size ${bundle.name}`,
        value: bundle.bytes / 1024,
        unit: 'KiB',
        baseline: baseline.bytes / 1024,
        note: 'minified index.mjs',
      }),
    );
  }
  figures.push(
    figure({
      name: `1. largest bundle (${largest.name})`,
      value: largest.bytes / 1024,
      unit: 'KiB',
      baseline: baseline.bytes / 1024,
      note: 'minified index.mjs',
    }),
  );
  return figures;
}
