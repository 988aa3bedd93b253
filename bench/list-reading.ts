import type { Identity } from '../shared/domain/actor';
import type { RouteDefinition } from '../shared/http/route-definition';
import { type DynamoDbCall, overlapGroups, replayOf, withCallLog } from './ddb-calls';
import { call } from './invoke';
import { type Figure, figure, median } from './lib';

/** What reading a cursor-paged list cost: the Queries' ScannedCount and Count summed, and what came back. */
export interface ListReading {
  readonly scanned: number;
  readonly count: number;
  readonly returned: number;
  readonly pages: number;
  /** The last page said there is no more (nextCursor null). */
  readonly ended: boolean;
}

/**
 * Reads a list through its handler, pages of 100, following `nextCursor` to the end (or up to `maxPages`), and
 * sums what its DynamoDB Queries answered.
 */
export async function readList(
  route: RouteDefinition,
  request: { identity: Identity; params: Record<string, string>; query: Record<string, string> },
  maxPages = Number.POSITIVE_INFINITY,
): Promise<ListReading> {
  let scanned = 0;
  let count = 0;
  let returned = 0;
  let pages = 0;
  let cursor: string | undefined;
  do {
    const { result, calls } = await withCallLog(() =>
      call(route, { ...request, query: { ...request.query, limit: '100', ...(cursor ? { cursor } : {}) } }, 200),
    );
    const body = JSON.parse(String(result.body)) as { items: unknown[]; nextCursor: string | null };
    for (const c of calls) {
      if (c.command !== 'QueryCommand') continue;
      scanned += c.scannedCount ?? 0;
      count += c.count ?? 0;
    }
    returned += body.items.length;
    pages++;
    cursor = body.nextCursor ?? undefined;
  } while (cursor && pages < maxPages);
  return { scanned, count, returned, pages, ended: cursor === undefined };
}

/** A request's p50 through its handler against the p50 of its raw round trips, measured alternately. */
export interface LatencyReading {
  readonly handlerP50: number;
  readonly rawP50: number;
  /** Median CPU time of this process per run (ms): what the handler adds to its round trips is CPU here. */
  readonly handlerCpu: number;
  readonly rawCpu: number;
  readonly samples: number;
  /** The DynamoDB calls one handler run made (what the raw side replays). */
  readonly calls: readonly DynamoDbCall[];
  /** Round trips as replayed: groups of calls that ran in parallel. */
  readonly roundTrips: number;
}

/**
 * Times one request (a list's first page) through its handler against its raw round trips: the DynamoDB commands
 * the handler made, captured on a warm run (`withCallLog`), sent again directly with the same client from this
 * process, the ones that overlapped in time together (`replayOf`). Handler and raw runs alternate, and which goes
 * first alternates too, so that background noise lands on both alike. The replay must read what the handler read
 * (same Query counts), or the comparison means nothing.
 */
export async function readLatency(
  route: RouteDefinition,
  request: { identity: Identity; params?: Record<string, string>; query?: Record<string, string> },
  options: { samples: number; warmup: number },
): Promise<LatencyReading> {
  const handler = () => call(route, request, 200);
  for (let i = 0; i < options.warmup; i++) await handler();
  const { calls } = await withCallLog(handler);
  const raw = await replayOf(calls);
  const queryCounts = calls.flatMap((c) => (c.count === undefined ? [] : [c.count]));
  const replayed = await raw();
  if (replayed.join() !== queryCounts.join())
    throw new Error(`${route.operationId}: the replay counted ${replayed.join()}, the handler ${queryCounts.join()}`);
  for (let i = 0; i < options.warmup; i++) await raw();
  const handlerTimes: number[] = [];
  const rawTimes: number[] = [];
  const handlerCpu: number[] = [];
  const rawCpu: number[] = [];
  for (let i = 0; i < options.samples; i++) {
    const runs: [number[], number[], () => Promise<unknown>][] = [
      [handlerTimes, handlerCpu, handler],
      [rawTimes, rawCpu, raw],
    ];
    if (i % 2 === 1) runs.reverse();
    for (const [times, cpu, run] of runs) {
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      await run();
      times.push(performance.now() - start);
      const used = process.cpuUsage(cpuStart);
      cpu.push((used.user + used.system) / 1000);
    }
  }
  return {
    handlerP50: median(handlerTimes),
    rawP50: median(rawTimes),
    handlerCpu: median(handlerCpu),
    rawCpu: median(rawCpu),
    samples: options.samples,
    calls,
    roundTrips: overlapGroups(calls),
  };
}

/** Samples for `readLatency`: enough for a stable p50 in a full run, a smoke test with `--quick`. */
export const latencySamples = (quick: boolean) => (quick ? { samples: 7, warmup: 2 } : { samples: 120, warmup: 10 });

/** The p50 figure of a list: handler vs its raw round trips, target ≤ 1.3. */
export function latencyFigure(name: string, reading: LatencyReading): Figure {
  return figure({
    name: `${name} p50`,
    value: reading.handlerP50,
    unit: 'ms',
    baseline: reading.rawP50,
    target: { on: 'ratio', max: 1.3 },
    note: `first page of 50, ${reading.samples} alternating runs: handler vs its ${reading.calls.length} DynamoDB calls (${reading.calls
      .map((c) => c.command.replace(/Command$/, ''))
      .join(
        ', ',
      )}) replayed directly in ${reading.roundTrips} round trip(s); CPU of this process per run ${reading.handlerCpu.toFixed(1)} vs ${reading.rawCpu.toFixed(1)} ms`,
  });
}

/** One line for the run's log: what the figure's note says, for `--only` runs (which write no results file). */
export const latencyLine = (name: string, r: LatencyReading): string =>
  `${name}: p50 ${r.handlerP50.toFixed(1)} vs raw ${r.rawP50.toFixed(1)} ms (${(r.handlerP50 / r.rawP50).toFixed(2)}), CPU per run ${r.handlerCpu.toFixed(1)} vs ${r.rawCpu.toFixed(1)} ms, ${r.calls.length} calls in ${r.roundTrips} round trip(s)`;
