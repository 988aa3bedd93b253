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
      const answeredBefore = storage.getStore()?.answered ?? 0;
      const result = await next(args).finally(() => {
        const log = storage.getStore();
        if (log) log.answered++;
      });
      const ms = performance.now() - start;
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
