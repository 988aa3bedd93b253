/**
 * `npm test [-- <vitest args>]`: starts the local stack in memory on free ports (seeded, schedule timers
 * off: tests run jobs through /__local/jobs/{name}), runs `vitest run` with the stack's environment plus
 * LOCAL_STACK_FILE and LOCAL_STACK_LOG_FILE, then stops the stack and exits with vitest's code.
 *
 * A wrapper rather than vitest globalSetup: measured faster (5 s vs 11-20 s) and it leaves no orphans.
 * When only the `unit` and/or `infra` projects are selected (`--project unit`), no stack is started.
 * LOCAL_STACK_SCHEDULES=1 turns the schedule timers on.
 *
 * Every line the stack writes (its own machinery, and the handlers it runs at DEBUG level) also goes to a
 * log file whose path the tests get as LOCAL_STACK_LOG_FILE (test/e2e/secrets-in-logs.test.ts searches it
 * for secrets); the terminal shows none of its JSON log records (warnings and errors are printed after a
 * failed run), only lines that are not log records; LOG_LEVEL=… shows them all. The file is kept after a
 * failed run, or with LOCAL_STACK_KEEP_LOGS=1.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type LocalStack, startLocalStack } from './local/stack';

const STACKLESS_PROJECTS = new Set(['unit', 'infra']);

function selectedProjects(args: readonly string[]): string[] {
  const projects: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--project' && args[i + 1]) projects.push(args[++i]!);
    else if (arg.startsWith('--project=')) projects.push(arg.slice('--project='.length));
  }
  return projects;
}

/** The level of a JSON log record (lower-cased), or undefined for a line that is not one. */
function recordLevel(line: string): string | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return String((JSON.parse(line) as { level?: unknown }).level ?? '').toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * The stack's warnings and errors, held back while the tests run: many are expected (fault-injection tests
 * make the handlers and the stream consumer fail on purpose), so a green run shows none of them, and a red
 * run prints them after vitest's report. LOG_LEVEL=… shows every record as it is written instead.
 */
const heldRecords: string[] = [];
const HELD_RECORDS_MAX = 500;

/**
 * Tees this process's stdout and stderr into `file`; JSON log records (the stack's machinery and the
 * handlers it runs) stay out of the terminal, warnings and errors held for a failed run.
 */
function captureOutput(file: string): void {
  const isQuietRecord = (line: string): boolean => {
    const level = process.env.LOG_LEVEL ? undefined : recordLevel(line);
    if (level === undefined) return false;
    if (['warn', 'error', 'fatal', 'critical'].includes(level)) {
      heldRecords.push(line);
      if (heldRecords.length > HELD_RECORDS_MAX) heldRecords.shift();
    }
    return true;
  };
  writeFileSync(file, '');
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      appendFileSync(file, text);
      const shown = text
        .split('\n')
        .filter((line) => !isQuietRecord(line))
        .join('\n');
      if (shown.trim() === '') {
        const callback = rest.find((arg): arg is () => void => typeof arg === 'function');
        callback?.();
        return true;
      }
      return write(shown, ...rest);
    }) as typeof stream.write;
  }
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const projects = selectedProjects(args);
  const needsStack = projects.length === 0 || projects.some((project) => !STACKLESS_PROJECTS.has(project));
  // The workers get the caller's environment plus the stack's, not what starting the stack did to ours.
  const baseEnv = { ...process.env };

  let stack: LocalStack | undefined;
  let child: ReturnType<typeof spawn> | undefined;
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = true;
    // vitest shares our process group and gets Ctrl-C itself; a SIGTERM aimed at us is passed on.
    if (child && signal !== 'SIGINT') child.kill(signal);
    if (!child) void stack?.stop().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A handler's stray promise in the stack must not kill the run (and orphan the emulators).
  process.on('unhandledRejection', (reason) => {
    process.stderr.write(
      `npm test: unhandled rejection in the local stack: ${String((reason as Error)?.stack ?? reason)}\n`,
    );
  });

  let env: NodeJS.ProcessEnv = baseEnv;
  let logFile: string | undefined;
  if (needsStack) {
    const started = performance.now();
    logFile = join(tmpdir(), `users-roles-stack-${process.pid}.log`);
    captureOutput(logFile);
    // The handlers in the stack log everything (to the file): what the secrets test searches is complete.
    process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
    try {
      stack = await startLocalStack({
        persistence: 'memory',
        ports: 'auto',
        seed: true,
        quiet: false,
        schedules: process.env.LOCAL_STACK_SCHEDULES === '1',
      });
    } catch (error) {
      process.stderr.write(
        `\nnpm test: the local stack did not start, so no tests ran.\n${(error as Error).message}\n`,
      );
      return 1;
    }
    if (interrupted) {
      await stack.stop();
      return 130;
    }
    process.stdout.write(
      `local stack up in ${((performance.now() - started) / 1000).toFixed(1)} s at ${stack.info.apiUrl}\n`,
    );
    env = { ...baseEnv, ...stack.env, LOCAL_STACK_FILE: stack.stackFile, LOCAL_STACK_LOG_FILE: logFile };
  }

  // The package's exports hide its bin; find it next to its package.json.
  const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
  child = spawn(process.execPath, [vitest, 'run', ...args], { stdio: 'inherit', env });
  const code = await new Promise<number>((resolve) => {
    child!.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 + 2 : 1)));
    child!.once('error', (error) => {
      process.stderr.write(`npm test: could not start vitest: ${error.message}\n`);
      resolve(1);
    });
  });
  await stack?.stop();
  const failed = code !== 0;
  if (failed && heldRecords.length > 0) {
    process.stderr.write(
      `\nnpm test: the local stack's last ${heldRecords.length} warnings and errors (some are expected: fault tests):\n${heldRecords.join('\n')}\n`,
    );
  }
  if (failed && logFile) process.stderr.write(`npm test: everything the local stack logged is in ${logFile}\n`);
  else if (logFile && process.env.LOCAL_STACK_KEEP_LOGS !== '1') rmSync(logFile, { force: true });
  return interrupted && code === 0 ? 130 : code;
}

process.exitCode = await main();
