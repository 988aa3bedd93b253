import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A child process of the stack, spawned in its own process group so that stopping it leaves no orphans. */
export interface ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** The last lines the process wrote (stdout and stderr), for error messages. */
  tail(): string;
  /** Resolves when the process has exited (at once if it already has). */
  exited(): Promise<void>;
  /** True once the process has exited. */
  hasExited(): boolean;
  /** SIGTERM to the whole process group, SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL to the whole process group, synchronously: the last resort when this process exits. */
  killNow(): void;
}

export interface SpawnServiceOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Append the output to this file as well (persistent stacks keep logs under `.local/logs/`). */
  readonly logFile?: string;
}

const TAIL_LINES = 40;

export function spawnService(options: SpawnServiceOptions): ServiceProcess {
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env,
    // Own process group: `kill(-pid)` reaches the process and anything it starts.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let file: WriteStream | undefined;
  if (options.logFile) file = createWriteStream(options.logFile, { flags: 'a' });
  const collect = (chunk: Buffer) => {
    file?.write(chunk);
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      lines.push(line);
      if (lines.length > TAIL_LINES) lines.shift();
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  let exited = false;
  // Should this process exit without stop() (process.exit, a crash), take the service's group along.
  const killOnExit = () => signalGroup('SIGKILL');
  process.once('exit', killOnExit);
  const exitPromise = new Promise<void>((resolve) => {
    const done = () => {
      exited = true;
      process.off('exit', killOnExit);
      file?.end();
      resolve();
    };
    child.once('exit', done);
    // 'error' without 'exit' happens when the command cannot be started at all (ENOENT).
    child.once('error', (error) => {
      lines.push(`${options.command}: ${error.message}`);
      if (child.pid === undefined) done();
    });
  });

  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined || exited) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };

  return {
    name: options.name,
    killNow: () => signalGroup('SIGKILL'),
    child,
    tail: () => lines.join('\n'),
    exited: () => exitPromise,
    hasExited: () => exited,
    async stop(graceMs = 3000) {
      if (exited || child.pid === undefined) return;
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      await exitPromise;
      clearTimeout(timer);
      // Children of the process (if any) share its group: make sure none outlives it.
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Nothing left.
      }
    },
  };
}

/**
 * Polls `probe` until it returns true. Fails with `what` in the message after `timeoutMs`, or at once
 * when `service` exits while we wait (with the tail of its output).
 */
export async function waitUntilReady(
  what: string,
  probe: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; service?: ServiceProcess },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (options.service?.hasExited()) {
      throw new Error(`${what} exited during startup:\n${options.service.tail()}`);
    }
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) {
      const tail = options.service ? `\nLast output:\n${options.service.tail()}` : '';
      throw new Error(`${what} did not become ready within ${options.timeoutMs} ms.${tail}`);
    }
    await sleep(options.intervalMs ?? 25);
  }
}

/** True when an HTTP request to `url` gets any response within `timeoutMs`. */
export async function httpResponds(url: string, timeoutMs = 1000): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/** Throws `port N is in use; set VAR` when something listens on 127.0.0.1:port. */
export async function assertPortFree(port: number, envVar: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') {
        reject(new Error(`port ${port} is in use; set ${envVar} to a free port (or stop what is using it)`));
      } else {
        reject(error);
      }
    });
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve()));
  });
}

/** `count` distinct free ports on 127.0.0.1 (held open together while choosing, so they differ). */
export async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => resolve());
      });
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('could not allocate a port');
      ports.push(address.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}
