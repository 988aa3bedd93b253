import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Counts the DynamoDB calls made through the module-scope document client (`shared/clients.ts`) by a
 * piece of work, and keeps what each Query answered (ScannedCount, Count). A middleware on the client's
 * stack, installed by the bench only; calls are attributed through AsyncLocalStorage, so the stream
 * consumer running in the same process (same client) never counts towards a request.
 */
export interface DynamoDbCall {
  /** `GetItemCommand`, `QueryCommand`, `TransactWriteItemsCommand`, ... */
  readonly command: string;
  readonly scannedCount?: number;
  readonly count?: number;
  /** Items a BatchGetItem returned, over all its tables. */
  readonly batchItems?: number;
  /** Items a TransactWriteItems wrote or checked. */
  readonly transactItems?: number;
  /** Time from the middleware to the answer (ms). */
  readonly ms: number;
  /** When it was sent and when it answered (`performance.now()`): calls whose intervals overlap ran in parallel. */
  readonly start: number;
  readonly end: number;
  /** The command's input as the code sent it (document form, before marshalling), for `replayOf`. */
  readonly input: unknown;
  /**
   * How many calls of the same work had answered when this one was sent: calls with the same value went out
   * together (one round trip), so the distinct values count the round trips (`roundTrips`).
   */
  readonly answeredBefore: number;
}

export interface CallLog {
  readonly calls: DynamoDbCall[];
  answered: number;
}

/** Round trips of a piece of work: groups of calls sent while none of the earlier ones had answered. */
export const roundTrips = (calls: readonly DynamoDbCall[]): number => new Set(calls.map((c) => c.answeredBefore)).size;

const storage = new AsyncLocalStorage<CallLog>();
let installed = false;

/** Installs the counting middleware (once); import only after the local stack has set the environment. */
export async function installCallCounter(): Promise<void> {
  if (installed) return;
  installed = true;
  const { dynamoDb } = await import('../shared/clients');
  dynamoDb.middlewareStack.add(
    (next, context) => async (args) => {
      const start = performance.now();
      // Copied before sending: the caller may reuse or change its input object afterwards.
      const input = storage.getStore() ? structuredClone(args.input) : undefined;
      const answeredBefore = storage.getStore()?.answered ?? 0;
      const result = await next(args).finally(() => {
        const log = storage.getStore();
        if (log) log.answered++;
      });
      const end = performance.now();
      const ms = end - start;
      const log = storage.getStore();
      if (log) {
        const output = result.output as {
          ScannedCount?: number;
          Count?: number;
          Responses?: Record<string, unknown[]>;
        };
        const responses =
          output.Responses && !Array.isArray(output.Responses) ? Object.values(output.Responses) : undefined;
        const transactItems = (args.input as { TransactItems?: unknown[] }).TransactItems?.length;
        log.calls.push({
          command: context.commandName ?? 'unknown',
          ...(output.ScannedCount !== undefined ? { scannedCount: output.ScannedCount } : {}),
          ...(output.Count !== undefined ? { count: output.Count } : {}),
          ...(responses ? { batchItems: responses.reduce((sum, items) => sum + items.length, 0) } : {}),
          ...(transactItems !== undefined ? { transactItems } : {}),
          ms,
          start,
          end,
          input,
          answeredBefore,
        });
      }
      return result;
    },
    { step: 'initialize', name: 'benchDynamoDbCallCounter' },
  );
}

/** Runs `work` and returns what it returned with the DynamoDB calls it made (in order). */
export async function withCallLog<T>(work: () => Promise<T>): Promise<{ result: T; calls: DynamoDbCall[] }> {
  const log: CallLog = { calls: [], answered: 0 };
  const result = await storage.run(log, work);
  return { result, calls: log.calls };
}

/**
 * The raw round trips of a piece of work: the same commands (same inputs) sent again directly with the same client,
 * in the same order, those that ran in parallel (time intervals overlapping) sent together with Promise.all.
 * Resolves with what the Queries counted, so that a caller can check the replay read what the work read.
 */
export async function replayOf(calls: readonly DynamoDbCall[]): Promise<() => Promise<number[]>> {
  const [{ dynamoDb }, lib] = await Promise.all([import('../shared/clients'), import('@aws-sdk/lib-dynamodb')]);
  const commands = lib as unknown as Record<string, new (input: unknown) => Parameters<typeof dynamoDb.send>[0]>;
  const groups: DynamoDbCall[][] = [];
  let groupEnd = Number.NEGATIVE_INFINITY;
  // The client's command names (GetItemCommand, BatchGetItemCommand) as the document client spells them (GetCommand).
  const documentCommand = (name: string) => name.replace(/Items?Command$/, 'Command');
  for (const c of [...calls].sort((a, b) => a.start - b.start)) {
    if (!commands[documentCommand(c.command)]) throw new Error(`replayOf: no document client command for ${c.command}`);
    if (c.start < groupEnd && groups.length > 0) groups.at(-1)!.push(c);
    else groups.push([c]);
    groupEnd = Math.max(groupEnd, c.end);
  }
  return async () => {
    const counts: number[] = [];
    for (const group of groups) {
      const outputs = await Promise.all(
        group.map(
          (c) => dynamoDb.send(new commands[documentCommand(c.command)]!(c.input)) as Promise<{ Count?: number }>,
        ),
      );
      for (const output of outputs) if (output.Count !== undefined) counts.push(output.Count);
    }
    return counts;
  };
}

/** Round trips as replayed: groups of calls whose time intervals overlap. */
export function overlapGroups(calls: readonly DynamoDbCall[]): number {
  let groups = 0;
  let groupEnd = Number.NEGATIVE_INFINITY;
  for (const c of [...calls].sort((a, b) => a.start - b.start)) {
    if (!(c.start < groupEnd && groups > 0)) groups++;
    groupEnd = Math.max(groupEnd, c.end);
  }
  return groups;
}
