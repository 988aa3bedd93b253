import { spawn } from 'node:child_process';

/**
 * What every figure of `npm run bench` shares: the result shape of bench/results.json, statistics, and
 * a little timing and logging help. Every figure is a ratio against a baseline measured in the same run
 * on the same machine, because the machines here are shared and noisy: absolute numbers drift from run
 * to run, ratios much less.
 */

/** A target on the ratio (most figures) or on the value itself (CPU time, round trips, memory). */
export interface Target {
  readonly on: 'ratio' | 'value';
  /** Met when the measured quantity is at most this. */
  readonly max?: number;
  /** Met when the measured quantity is at least this. */
  readonly min?: number;
}

/** One line of bench/results.json. */
export interface Figure {
  /** `<figure number>. <what>`, e.g. `1. init getMember`. */
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The same quantity for the baseline, measured in the same run; null where the target is absolute. */
  readonly baseline: number | null;
  /** value / baseline (null without a baseline). */
  readonly ratio: number | null;
  /** null for figures reported for information only (e.g. the largest bundle). */
  readonly target: Target | null;
  /** Computed from the measurement and the target; null when there is no target. */
  readonly met: boolean | null;
  /** What the figure is, when the name alone does not say (samples, what the baseline does). */
  readonly note?: string;
}

const round = (value: number, digits = 3): number => {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

/** A figure with its ratio and `met` computed from the numbers, never typed in. */
export function figure(input: {
  name: string;
  value: number;
  unit: string;
  baseline?: number | null;
  target?: Target | null;
  note?: string;
}): Figure {
  const baseline = input.baseline ?? null;
  const ratio = baseline === null || baseline === 0 ? null : input.value / baseline;
  const target = input.target ?? null;
  let met: boolean | null = null;
  if (target) {
    const measured = target.on === 'ratio' ? ratio : input.value;
    met =
      measured !== null &&
      Number.isFinite(measured) &&
      (target.max === undefined || measured <= target.max) &&
      (target.min === undefined || measured >= target.min);
  }
  return {
    name: input.name,
    value: round(input.value),
    unit: input.unit,
    baseline: baseline === null ? null : round(baseline),
    ratio: ratio === null ? null : round(ratio),
    target,
    met,
    ...(input.note ? { note: input.note } : {}),
  };
}

/** A figure's number as the tables print it: integers as they are, others to 3 significant-ish digits. */
export function formatNumber(n: number | null, none: string): string {
  if (n === null) return none;
  if (Number.isInteger(n)) return String(n);
  return n.toFixed(Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2);
}

/** The p-th percentile (0-100) of the samples, nearest-rank on the sorted values. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);

/** What the figures get from the runner. */
export interface BenchContext {
  /** `--quick`: the same measurements with fewer samples (and a smaller data set for figures 4 and 6). */
  readonly quick: boolean;
  /** A scratch directory, deleted at the end of the run. */
  readonly tmpDir: string;
  /** The local stack's environment (endpoints, table names, sealing key): what child processes get. */
  readonly env: Record<string, string>;
  log(message: string): void;
}

/** Milliseconds since `start` (a `performance.now()` value). */
export const since = (start: number): number => performance.now() - start;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Formats a target for the table: `ratio ≤ 1.3`, `value ≥ 0.7`. */
export function describeTarget(target: Target | null): string {
  if (!target) return '-';
  const parts: string[] = [];
  if (target.max !== undefined) parts.push(`≤ ${target.max}`);
  if (target.min !== undefined) parts.push(`≥ ${target.min}`);
  return `${target.on} ${parts.join(' and ')}`;
}

/**
 * Runs `node <args>` in a fresh process and resolves with the JSON object on the last line of its
 * standard output (children print one result line; anything before it is theirs).
 */
export function runNodeChild<T>(args: readonly string[], env: Record<string, string>): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0)
        return reject(
          new Error(`node ${args.join(' ').slice(0, 300)} exited with ${code}: ${stderr.trim().slice(0, 2000)}`),
        );
      try {
        resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as T);
      } catch {
        reject(new Error(`node ${args[0]}: unexpected output ${stdout.slice(-500)}`));
      }
    });
  });
}
