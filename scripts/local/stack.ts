import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { assertJava17, startDynamoDb } from './dynamodb';
import { createLogger, errorFields, type StackLogger } from './log';
import {
  assertPortFree,
  freePorts,
  httpResponds,
  type ServiceProcess,
  spawnService,
  waitUntilReady,
} from './processes';

/*
 * Nothing from shared/ or functions/ is imported statically here: those modules create SDK clients and
 * read their configuration at module scope, so they are imported only after process.env is set up.
 */

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (scripts/local/ is two levels down). */
export const repoRoot = resolve(here, '..', '..');
export const defaultDataDir = join(repoRoot, '.local');

export const STAGE = 'local';
export const REGION = 'us-east-1';
/** The local stage's tables. */
export const localTableNames = { main: `${STAGE}-Main`, audit: `${STAGE}-Audit` } as const;
/** Account id in ARNs and events. */
export const ACCOUNT_ID = '000000000000';
/** s3rver accepts only this access key; DynamoDB Local (-sharedDb) and cognito-local accept any. */
const ACCESS_KEY = 'S3RVER';

/** Ports of `npm start`, each overridable by its environment variable. */
export const defaultPorts = {
  api: { env: 'API_PORT', port: 3001 },
  dynamodb: { env: 'DYNAMODB_PORT', port: 8000 },
  cognito: { env: 'COGNITO_PORT', port: 9229 },
  ses: { env: 'SES_PORT', port: 8005 },
  s3: { env: 'S3_PORT', port: 4568 },
  console: { env: 'CONSOLE_PORT', port: 3000 },
} as const;
type Service = keyof typeof defaultPorts;

export interface SeedInfo {
  tenantId: string;
  owner: { email: string; password: string };
  platformAdmin: { email: string; password: string };
}

/** `.local/stack.json`, exactly as SPEC §6 describes it. */
export interface StackInfo {
  apiUrl: string;
  region: string;
  cognito: { endpoint: string; userPoolId: string; clientId: string };
  mailbox: { url: string };
  s3: { endpoint: string; bucket: string };
  /** null only while scripts/local/seed.ts does not exist, or with `seed: false`. */
  seed: SeedInfo | null;
  /** The web console (SPEC §11); invitation links (APP_URL) point at it. */
  consoleUrl: string;
}

export interface StartLocalStackOptions {
  /**
   * Where state lives. A directory (default `.local/` in the repository) keeps DynamoDB data, cognito-local's
   * `.cognito/`, S3 objects, stream checkpoints and logs across restarts. `'memory'` runs DynamoDB in memory
   * and everything else in a temporary directory that `stop()` deletes.
   */
  readonly persistence?: 'memory' | { readonly dir: string };
  /** `'fixed'` (default): the ports of `defaultPorts`, each overridable by env. `'auto'`: free ports. */
  readonly ports?: 'fixed' | 'auto';
  /** Seed the demo tenant (default true). */
  readonly seed?: boolean;
  /** Run the scheduled jobs on their local timers (default true); `runJob` works either way. */
  readonly schedules?: boolean;
  /** Drop info logs, request logs included (default false); warnings and errors still print. */
  readonly quiet?: boolean;
  /** Startup timeout per emulator (default 30 s). */
  readonly startupTimeoutMs?: number;
}

export interface LocalStack {
  readonly info: StackInfo;
  /**
   * The environment for anything that should talk to this stack: region, dummy credentials, the
   * `AWS_ENDPOINT_URL_*` of every emulator and the handlers' config variables. `startLocalStack` has also
   * applied it to `process.env`; the test runner passes it to the vitest workers.
   */
  readonly env: Record<string, string>;
  /** Path of the written stack.json. */
  readonly stackFile: string;
  readonly dataDir: string;
  /** Startup time in ms, per phase. */
  readonly timings: Record<string, number>;
  /** Resolves when the stream consumer has processed every record written so far. */
  drain(timeoutMs?: number): Promise<{ processed: number }>;
  /** Runs a scheduled job once (never overlapping its timer runs); `detail` becomes the event's detail. */
  runJob(name: string, detail?: Record<string, unknown>): Promise<unknown>;
  /** Stops everything: API server, poller, timers, emulators (process groups). Idempotent. */
  stop(): Promise<void>;
}

/** Starts the emulators, bootstraps and seeds them, and serves the API on loopback. */
export async function startLocalStack(options: StartLocalStackOptions = {}): Promise<LocalStack> {
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  const mark = (name: string) => (timings[name] = Math.round(performance.now() - t0));
  const log = createLogger('local-stack', { quiet: options.quiet });
  const inMemory = options.persistence === 'memory';
  const dataDir = inMemory
    ? mkdtempSync(join(tmpdir(), 'users-roles-stack-'))
    : resolve(typeof options.persistence === 'object' ? options.persistence.dir : defaultDataDir);
  mkdirSync(dataDir, { recursive: true });
  const logDir = inMemory ? undefined : join(dataDir, 'logs');
  if (logDir) mkdirSync(logDir, { recursive: true });

  const cleanups: (() => Promise<void> | void)[] = [];
  const runCleanups = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log.error('cleanup failed', errorFields(error));
      }
    }
    cleanups.length = 0;
  };
  if (inMemory) cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));

  try {
    // Fail before starting anything when DynamoDB Local cannot run.
    assertJava17();
    if (!inMemory) acquireLock(dataDir, cleanups);
    const ports = await choosePorts(options.ports ?? 'fixed');
    const urls = {
      dynamodb: `http://127.0.0.1:${ports.dynamodb}`,
      cognito: `http://127.0.0.1:${ports.cognito}`,
      ses: `http://127.0.0.1:${ports.ses}`,
      s3: `http://127.0.0.1:${ports.s3}`,
      console: `http://127.0.0.1:${ports.console}`,
    };
    // The console is built (only when its sources changed) while the emulators start.
    const consoleBuild = import('../console/build').then(({ buildConsole }) => buildConsole());
    // Every SES client talks to the emulator through a pass-through that a test can turn into an outage
    // (POST /__local/faults/ses); the mailbox (stack.json) is read from the emulator itself.
    const { startSesFaultProxy } = await import('./ses-fault-proxy');
    const sesProxy = await startSesFaultProxy({
      target: urls.ses,
      log: createLogger('ses-fault-proxy', { quiet: options.quiet }),
    });
    cleanups.push(() => sesProxy.close());

    const env: Record<string, string> = {
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_ACCESS_KEY_ID: ACCESS_KEY,
      AWS_SECRET_ACCESS_KEY: ACCESS_KEY,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_ENDPOINT_URL_DYNAMODB: urls.dynamodb,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: urls.dynamodb,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: urls.cognito,
      AWS_ENDPOINT_URL_SES: sesProxy.url,
      AWS_ENDPOINT_URL_SESV2: sesProxy.url,
      // An IP-literal endpoint makes the S3 client address buckets path-style on its own (see report).
      AWS_ENDPOINT_URL_S3: urls.s3,
      STAGE,
      TABLE_NAME: localTableNames.main,
      AUDIT_TABLE_NAME: localTableNames.audit,
      EXPORT_BUCKET: `${STAGE}-exports`,
      // Invitation and notification links open the local console.
      APP_URL: process.env.APP_URL ?? urls.console,
      SENDER_EMAIL: process.env.SENDER_EMAIL ?? 'no-reply@example.com',
      ...(process.env.MAX_BODY_BYTES ? { MAX_BODY_BYTES: process.env.MAX_BODY_BYTES } : {}),
      // Secrets Manager stands in locally: the key that seals invitation tokens in outbox events.
      OUTBOX_SEALING_KEY: sealingKey(inMemory ? undefined : dataDir),
    };
    applyEnv(env);
    if (options.quiet) process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

    // Emulators, in parallel.
    // Each service also kills its process group if this process exits without stop() (see spawnService).
    const children: ServiceProcess[] = [];
    cleanups.push(() => Promise.all(children.map((child) => child.stop())).then(() => undefined));
    const require = createRequire(import.meta.url);
    const childEnv = { ...process.env, NODE_NO_WARNINGS: '1', AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1' };
    const timeoutMs = options.startupTimeoutMs ?? 30_000;
    const logFile = (name: string) => (logDir ? join(logDir, `${name}.log`) : undefined);

    const dynamoDb = startDynamoDb({
      port: ports.dynamodb,
      dbPath: inMemory ? undefined : join(dataDir, 'dynamodb'),
      cwd: dataDir,
      logFile: logFile('dynamodb'),
      timeoutMs,
    }).then((service) => {
      children.push(service);
      mark('dynamodb');
    });

    const cognito = (async () => {
      // cognito-local keeps its state in `.cognito/` under its working directory: the data dir.
      const service = spawnService({
        name: 'cognito',
        command: process.execPath,
        args: [require.resolve('cognito-local/lib/bin/start.js')],
        cwd: dataDir,
        env: { ...childEnv, HOST: '127.0.0.1', PORT: String(ports.cognito) },
        logFile: logFile('cognito'),
      });
      children.push(service);
      await waitUntilReady('cognito-local', () => httpResponds(`${urls.cognito}/health`), { timeoutMs, service });
      mark('cognito');
    })();

    const ses = (async () => {
      const service = spawnService({
        name: 'ses',
        command: process.execPath,
        args: [require.resolve('aws-ses-v2-local/dist/cli.js'), '--host', '127.0.0.1', '--port', String(ports.ses)],
        cwd: dataDir,
        env: childEnv,
        logFile: logFile('ses'),
      });
      children.push(service);
      await waitUntilReady('aws-ses-v2-local', () => httpResponds(`${urls.ses}/store`), { timeoutMs, service });
      mark('ses');
    })();

    const s3 = (async () => {
      const { default: S3rver } = await import('s3rver');
      const directory = join(dataDir, 's3');
      mkdirSync(directory, { recursive: true });
      const server = new S3rver({ address: '127.0.0.1', port: ports.s3, silent: true, directory });
      await server.run();
      cleanups.push(() => server.close());
      mark('s3');
    })();

    const built = consoleBuild.then((result) => {
      timings.consoleBuildMs = Math.round(result.ms);
      mark('console-build');
    });
    const started = await Promise.allSettled([dynamoDb, cognito, ses, s3, built]);
    const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;

    // Bootstrap from the same definitions CDK uses.
    const [
      { bootstrap },
      { tableDefinitions, mainTable },
      { routeList, fallbackRoute },
      { scheduledJobs, streamConsumers, streamConsumer, matchesStreamFilter },
    ] = await Promise.all([
      import('./bootstrap'),
      import('../../shared/data/table-definitions'),
      import('../../shared/http/routes'),
      import('../../shared/jobs/schedules'),
    ]);
    const resources = await bootstrap({ stage: STAGE, tables: tableDefinitions, bucket: env.EXPORT_BUCKET!, log });
    env.USER_POOL_ID = resources.userPoolId;
    // Functions that verify tokens themselves (accepting an invitation signed in) trust the emulator's issuer.
    env.TOKEN_ISSUER = `${urls.cognito}/${resources.userPoolId}`;
    env.USER_POOL_CLIENT_ID = resources.clientId;
    applyEnv(env);
    mark('bootstrap');

    const [
      { createLambdaRuntime },
      { startStreamPoller },
      { startSchedules },
      { startApiServer },
      { createJwtAuthorizer },
    ] = await Promise.all([
      import('./lambda-runtime'),
      import('./stream-poller'),
      import('./schedules'),
      import('./api-server'),
      import('./jwt-authorizer'),
    ]);
    const runtime = createLambdaRuntime({ root: repoRoot, region: REGION, accountId: ACCOUNT_ID });

    // The consumer runs before seeding, so the seed's outbox events are processed like any others.
    const streamArn = resources.tables[mainTable.id]?.streamArn;
    if (!streamArn) throw new Error(`table ${STAGE}-${mainTable.id} has no stream`);
    // One poller per stream consumer, each with its event source filter (shared/jobs/schedules.ts).
    const pollers = streamConsumers.map((consumer) => {
      const poller = startStreamPoller({
        streamArn,
        table: { name: `${STAGE}-${mainTable.id}`, partitionKey: mainTable.partitionKey, sortKey: mainTable.sortKey },
        region: REGION,
        handlerFile: consumer.handler,
        functionName: consumer.name,
        filter: (record) => matchesStreamFilter(consumer.filter, record),
        batchSize: consumer.batchSize,
        maxRetries: consumer.maxRetries,
        timeoutMs: consumer.timeoutSeconds * 1000,
        runtime,
        // The outbox consumer keeps the file name it always had, so persistent stacks resume where they were.
        checkpointFile: inMemory
          ? undefined
          : join(
              dataDir,
              consumer.name === streamConsumer.name
                ? 'stream-checkpoints.json'
                : `stream-checkpoints-${consumer.name}.json`,
            ),
        log: createLogger(consumer.name === streamConsumer.name ? 'stream-poller' : `stream-poller:${consumer.name}`, {
          quiet: options.quiet,
        }),
      });
      cleanups.push(() => poller.stop());
      return poller;
    });
    /** Every consumer has settled every record written before the call. */
    const drain = async (ms?: number) => {
      const results = await Promise.all(pollers.map((poller) => poller.drain(ms)));
      return { processed: results.reduce((sum, result) => sum + result.processed, 0) };
    };

    const schedules = startSchedules({
      jobs: scheduledJobs,
      runtime,
      region: REGION,
      accountId: ACCOUNT_ID,
      stage: STAGE,
      timers: options.schedules ?? true,
      log: createLogger('schedules', { quiet: options.quiet }),
    });
    cleanups.push(() => schedules.stop());

    const stackFile = join(dataDir, 'stack.json');
    const previous = readPreviousSeed(stackFile);
    const seed = options.seed === false ? null : await runSeed(previous, log);
    mark('seed');

    const issuer = `${urls.cognito}/${resources.userPoolId}`;
    const api = await startApiServer({
      host: '127.0.0.1',
      port: ports.api,
      routes: routeList,
      fallback: fallbackRoute,
      runtime,
      authorizer: createJwtAuthorizer({
        issuer,
        jwksUri: `${issuer}/.well-known/jwks.json`,
        audience: [resources.clientId],
      }),
      region: REGION,
      accountId: ACCOUNT_ID,
      cors: { allowOrigins: [new URL(env.APP_URL!).origin] },
      internal: {
        drain,
        runJob: (name, detail) => schedules.runOnce(name, detail),
        sesFault: (fault) => sesProxy.setFault(fault),
      },
      log: createLogger('api', { quiet: options.quiet }),
      logRequests: !options.quiet,
    });
    cleanups.push(() => api.close());
    mark('api');

    const { startConsoleServer } = await import('./console-server');
    const { consoleDist } = await import('../console/build');
    const consoleServer = await startConsoleServer({
      host: '127.0.0.1',
      port: ports.console,
      distDir: consoleDist,
      config: {
        apiUrl: api.url,
        region: REGION,
        cognito: { endpoint: urls.cognito, userPoolId: resources.userPoolId, clientId: resources.clientId },
      },
      log: createLogger('console', { quiet: options.quiet }),
    });
    cleanups.push(() => consoleServer.close());
    mark('console');

    const info: StackInfo = {
      apiUrl: api.url,
      region: REGION,
      cognito: { endpoint: urls.cognito, userPoolId: resources.userPoolId, clientId: resources.clientId },
      mailbox: { url: `${urls.ses}/store` },
      s3: { endpoint: urls.s3, bucket: resources.bucket },
      seed,
      consoleUrl: consoleServer.url,
    };
    writeFileSync(stackFile, `${JSON.stringify(info, null, 2)}\n`);
    mark('total');
    log.info('local stack ready', { apiUrl: api.url, dataDir: inMemory ? 'memory' : dataDir, timings });

    let stopping: Promise<void> | undefined;
    return {
      info,
      env: { ...env },
      stackFile,
      dataDir,
      timings,
      drain,
      runJob: (name, detail) => schedules.runOnce(name, detail),
      stop: () => (stopping ??= runCleanups()),
    };
  } catch (error) {
    await runCleanups();
    throw error;
  }
}

/** A random per-stack secret, kept in the data dir so that sealed outbox events survive restarts. */
function sealingKey(dataDir: string | undefined): string {
  if (!dataDir) return randomBytes(32).toString('base64url');
  const file = join(dataDir, 'outbox-sealing-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = randomBytes(32).toString('base64url');
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}

function applyEnv(env: Record<string, string>): void {
  // Credentials of the developer's shell must not leak into the emulator clients.
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS;
  Object.assign(process.env, env);
}

async function choosePorts(mode: 'fixed' | 'auto'): Promise<Record<Service, number>> {
  const services = Object.keys(defaultPorts) as Service[];
  if (mode === 'auto') {
    const free = await freePorts(services.length);
    return Object.fromEntries(services.map((service, i) => [service, free[i]!])) as Record<Service, number>;
  }
  const ports = {} as Record<Service, number>;
  for (const service of services) {
    const { env, port } = defaultPorts[service];
    const raw = process.env[env];
    const value = raw ? Number(raw) : port;
    if (!Number.isInteger(value) || value <= 0 || value > 65535) throw new Error(`${env}=${raw} is not a valid port`);
    ports[service] = value;
  }
  const taken = new Set<number>();
  for (const service of services) {
    const { env } = defaultPorts[service];
    if (taken.has(ports[service])) throw new Error(`port ${ports[service]} is configured twice; set ${env}`);
    taken.add(ports[service]);
    await assertPortFree(ports[service], env);
  }
  return ports;
}

/** One stack per data directory: a pid file, refused while its process lives. */
function acquireLock(dataDir: string, cleanups: (() => void)[]): void {
  const lockFile = join(dataDir, 'stack.pid');
  const running = runningStackPid(dataDir);
  if (running !== undefined) {
    throw new Error(`a local stack (pid ${running}) is already running with data in ${dataDir}; stop it first`);
  }
  writeFileSync(lockFile, String(process.pid));
  cleanups.push(() => {
    if (runningStackPid(dataDir) === process.pid) rmSync(lockFile, { force: true });
  });
}

/** The pid of the live stack using `dataDir`, if any. */
export function runningStackPid(dataDir: string): number | undefined {
  const lockFile = join(dataDir, 'stack.pid');
  if (!existsSync(lockFile)) return undefined;
  const pid = Number(readFileSync(lockFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

function readPreviousSeed(stackFile: string): SeedInfo | undefined {
  if (!existsSync(stackFile)) return undefined;
  try {
    return (JSON.parse(readFileSync(stackFile, 'utf8')) as Partial<StackInfo>).seed ?? undefined;
  } catch {
    return undefined;
  }
}

/** Calls the lead's scripts/local/seed.ts (`seedDemoTenant(previous)`), after the environment is set. */
async function runSeed(previous: SeedInfo | undefined, log: StackLogger): Promise<SeedInfo | null> {
  const seedFile = join(here, 'seed.ts');
  if (!existsSync(seedFile)) {
    log.warn('scripts/local/seed.ts does not exist yet: the demo tenant is not seeded');
    return null;
  }
  const module = (await import(pathToFileURL(seedFile).href)) as {
    seedDemoTenant?: (previous?: SeedInfo) => Promise<SeedInfo>;
  };
  if (typeof module.seedDemoTenant !== 'function')
    throw new Error('scripts/local/seed.ts does not export seedDemoTenant');
  return module.seedDemoTenant(previous);
}
