import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { DeleteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  type AttributeValue,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ResourceNotFoundException,
  type Shard,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent, AttributeValue as LambdaAttributeValue } from 'aws-lambda';
import type { LambdaRuntime } from './lambda-runtime';
import { errorFields, type StackLogger } from './log';

/**
 * The local stand-in for Lambda's DynamoDB Streams event source mapping.
 *
 * - Follows every shard of the stream (DescribeStream, also picking up new child shards; a child starts
 *   only after its parent is finished, so per-key order holds).
 * - Shards never seen start at TRIM_HORIZON; the last processed sequence number of each shard is
 *   checkpointed (to a file for a persistent stack, in memory otherwise) and a restart resumes after it.
 * - Records are converted to the Lambda `DynamoDBStreamEvent` shape (eventSourceARN, awsRegion,
 *   ApproximateCreationDateTime in epoch seconds, attribute values as JSON with binaries in base64) and the
 *   handler gets batches of at most `batchSize` records of one shard.
 * - Failures follow Lambda with ReportBatchItemFailures: a throw fails the whole batch; a response
 *   `{batchItemFailures: [{itemIdentifier: <SequenceNumber>}]}` checkpoints before the lowest failed record
 *   and retries from it (an identifier that is empty or not in the batch fails the whole batch). The same
 *   record failing `maxRetries` more times sends the rest of the batch to the "on-failure destination",
 *   which locally is an error log line, and processing moves on.
 * - `drain()` writes a marker item into the table and waits until the poller has settled everything
 *   before it in the stream, twice (the second round covers what the consumer wrote meanwhile). Markers
 *   (partition key `__local#drain`) are never handed to the consumer and are deleted afterwards.
 *   A marker rather than "wait for a quiet moment": concurrent tests keep writing, and DynamoDB Local's
 *   ApproximateCreationDateTime is rounded to the minute, so neither silence nor timestamps tell when the
 *   records of "now" have been processed.
 */
export interface StreamPollerOptions {
  readonly streamArn: string;
  /** The table of the stream: drain markers are written to it. */
  readonly table: { readonly name: string; readonly partitionKey: string; readonly sortKey: string };
  readonly region: string;
  readonly handlerFile: string;
  readonly functionName: string;
  /**
   * The event source mapping's filter: records it rejects are never handed to the consumer (they are
   * settled as if processed), as Lambda drops them before invoking. Default: every record.
   */
  readonly filter?: (record: DynamoDBRecord) => boolean;
  readonly batchSize: number;
  readonly maxRetries: number;
  readonly runtime: LambdaRuntime;
  /** JSON file for checkpoints; omit to keep them in memory. */
  readonly checkpointFile?: string;
  /**
   * Sleep between polls when nothing arrived (default 50 ms). It is most of the stream → audit lag:
   * `npm run bench` (figure 5) measured p50 125 → 50 ms and p99 234 → 146 ms going from 150 to 50 ms,
   * for about 3% of a core more while idle. Lambda polls a shard about four times a second: AWS lags more.
   */
  readonly idleMs?: number;
  /** Function timeout of the consumer. */
  readonly timeoutMs?: number;
  readonly log: StackLogger;
}

export interface StreamPoller {
  /**
   * Resolves once every record written before the call has been handed to the consumer and settled
   * (succeeded, or given up on after its retries), including records the consumer itself wrote meanwhile.
   */
  drain(timeoutMs?: number): Promise<{ processed: number }>;
  stop(): Promise<void>;
}

/** Partition key value of drain markers. */
export const DRAIN_MARKER_PK = '__local#drain';
const DESCRIBE_EVERY_MS = 1000;
const MAX_BACKOFF_MS = 2000;

interface ShardState {
  readonly shardId: string;
  readonly parentShardId?: string;
  iterator?: string;
  /** Fetched, not yet settled records, oldest first. */
  buffer: _Record[];
  /** GetRecords returned no next iterator: the shard is closed and fully read. */
  closed: boolean;
  /** Closed and every record settled. */
  finished: boolean;
  /** Last settled sequence number (the checkpoint). */
  checkpoint?: string;
  failingHead?: string;
  attempts: number;
  retryAt: number;
}

type Checkpoints = Record<string, { sequenceNumber?: string; finished?: boolean }>;

export function startStreamPoller(options: StreamPollerOptions): StreamPoller {
  const client = new DynamoDBStreamsClient({});
  const idleMs = options.idleMs ?? 50;
  const shards = new Map<string, ShardState>();
  const saved = loadCheckpoints(options);
  let stopped = false;
  let processed = 0;
  let lastDescribe = 0;
  let wake: (() => void) | undefined;
  /** Drain markers written and not yet passed, by their sort key. */
  const markers = new Map<string, () => void>();
  const isMarker = (record: _Record) => record.dynamodb?.Keys?.[options.table.partitionKey]?.S === DRAIN_MARKER_PK;

  const saveCheckpoints = () => {
    const data: Checkpoints = {};
    for (const shard of shards.values()) {
      if (shard.checkpoint || shard.finished)
        data[shard.shardId] = { sequenceNumber: shard.checkpoint, finished: shard.finished };
    }
    Object.assign(saved, data);
    if (!options.checkpointFile) return;
    const tmp = `${options.checkpointFile}.tmp`;
    writeFileSync(tmp, JSON.stringify({ streamArn: options.streamArn, shards: saved }, null, 2));
    renameSync(tmp, options.checkpointFile);
  };

  const describe = async () => {
    const found: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const page = await client.send(
        new DescribeStreamCommand({ StreamArn: options.streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
      );
      found.push(...(page.StreamDescription?.Shards ?? []));
      exclusiveStartShardId = page.StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
    for (const shard of found) {
      if (!shard.ShardId || shards.has(shard.ShardId)) continue;
      const checkpoint = saved[shard.ShardId];
      shards.set(shard.ShardId, {
        shardId: shard.ShardId,
        parentShardId: shard.ParentShardId,
        buffer: [],
        closed: checkpoint?.finished ?? false,
        finished: checkpoint?.finished ?? false,
        checkpoint: checkpoint?.sequenceNumber,
        attempts: 0,
        retryAt: 0,
      });
    }
    lastDescribe = Date.now();
  };

  const ready = (shard: ShardState) => {
    if (shard.finished) return false;
    if (!shard.parentShardId) return true;
    const parent = shards.get(shard.parentShardId);
    return !parent || parent.finished;
  };

  const acquireIterator = async (shard: ShardState) => {
    shard.buffer = [];
    const request = (type: 'TRIM_HORIZON' | 'AFTER_SEQUENCE_NUMBER') =>
      client.send(
        new GetShardIteratorCommand({
          StreamArn: options.streamArn,
          ShardId: shard.shardId,
          ShardIteratorType: type,
          SequenceNumber: type === 'AFTER_SEQUENCE_NUMBER' ? shard.checkpoint : undefined,
        }),
      );
    try {
      shard.iterator = (await request(shard.checkpoint ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON')).ShardIterator;
    } catch (error) {
      if (!(error instanceof TrimmedDataAccessException && shard.checkpoint)) throw error;
      options.log.warn('checkpoint is older than the stream retention; resuming at TRIM_HORIZON', {
        shardId: shard.shardId,
      });
      shard.iterator = (await request('TRIM_HORIZON')).ShardIterator;
    }
    if (!shard.iterator) shard.closed = true;
  };

  /** Reads what the shard has; returns the number of new records. */
  const fetch = async (shard: ShardState): Promise<number> => {
    if (shard.closed) return 0;
    if (!shard.iterator) await acquireIterator(shard);
    if (!shard.iterator) return 0;
    try {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: 1000 }));
      const records = page.Records ?? [];
      shard.buffer.push(...records);
      shard.iterator = page.NextShardIterator;
      if (!shard.iterator) shard.closed = true;
      return records.length;
    } catch (error) {
      if (error instanceof ExpiredIteratorException) {
        shard.iterator = undefined;
        return 0;
      }
      throw error;
    }
  };

  const settle = (shard: ShardState, count: number) => {
    const settled = shard.buffer.splice(0, count);
    const last = settled[settled.length - 1];
    if (last?.dynamodb?.SequenceNumber) shard.checkpoint = last.dynamodb.SequenceNumber;
    processed += settled.filter((record) => !isMarker(record)).length;
  };

  /** Settles the markers at the head of the buffer (everything before them is settled) and frees their waiters. */
  const passMarkers = (shard: ShardState): boolean => {
    let passed = false;
    while (shard.buffer[0] && isMarker(shard.buffer[0])) {
      const marker = shard.buffer[0];
      settle(shard, 1);
      passed = true;
      if (marker.eventName === 'INSERT') {
        const id = marker.dynamodb?.Keys?.[options.table.sortKey]?.S;
        const resolve = id === undefined ? undefined : markers.get(id);
        if (id !== undefined && resolve) {
          markers.delete(id);
          resolve();
        }
      }
    }
    return passed;
  };

  /** Invokes the consumer with batches until the buffer is empty or a retry has to wait. */
  const processShard = async (shard: ShardState): Promise<number> => {
    let handled = 0;
    while (shard.buffer.length > 0 && !stopped) {
      if (passMarkers(shard)) {
        saveCheckpoints();
        continue;
      }
      if (Date.now() < shard.retryAt) break;
      // A batch stops before the next marker, so that the marker is passed as soon as its turn comes.
      const nextMarker = shard.buffer.findIndex(isMarker);
      const batch = shard.buffer.slice(0, Math.min(options.batchSize, nextMarker === -1 ? Infinity : nextMarker));
      const lambdaRecords = batch.map((record) => toLambdaRecord(record, options));
      // Indexes in `batch` of the records that pass the filter; the others are settled without an invocation.
      const selected = lambdaRecords.flatMap((record, index) =>
        !options.filter || options.filter(record) ? [index] : [],
      );
      if (selected.length === 0) {
        settle(shard, batch.length);
        saveCheckpoints();
        continue;
      }
      const event: DynamoDBStreamEvent = { Records: selected.map((index) => lambdaRecords[index]!) };
      let failedFrom: number | undefined;
      try {
        const result = await options.runtime.invoke(
          options.handlerFile,
          options.functionName,
          event,
          options.timeoutMs ?? 60_000,
        );
        const failedAt = firstFailure(
          result,
          selected.map((index) => batch[index]!),
        );
        failedFrom = failedAt === undefined ? undefined : selected[failedAt];
      } catch (error) {
        options.log.error('stream consumer failed', {
          shardId: shard.shardId,
          records: selected.length,
          ...errorFields(error),
        });
        failedFrom = selected[0];
      }
      handled += batch.length;
      if (failedFrom === undefined) {
        settle(shard, batch.length);
        shard.failingHead = undefined;
        shard.attempts = 0;
        shard.retryAt = 0;
        saveCheckpoints();
        continue;
      }
      // Records before the first failure succeeded: checkpoint them, retry from the failure.
      settle(shard, failedFrom);
      const head = shard.buffer[0]?.dynamodb?.SequenceNumber;
      shard.attempts = head === shard.failingHead ? shard.attempts + 1 : 1;
      shard.failingHead = head;
      if (shard.attempts > options.maxRetries) {
        const dropped = batch.slice(failedFrom);
        options.log.error('stream batch sent to the on-failure destination (DLQ) after exhausting retries', {
          shardId: shard.shardId,
          streamArn: options.streamArn,
          records: dropped.length,
          startSequenceNumber: dropped[0]?.dynamodb?.SequenceNumber,
          endSequenceNumber: dropped[dropped.length - 1]?.dynamodb?.SequenceNumber,
          attempts: shard.attempts,
        });
        settle(shard, dropped.length);
        shard.failingHead = undefined;
        shard.attempts = 0;
        shard.retryAt = 0;
      } else {
        shard.retryAt = Date.now() + Math.min(100 * 2 ** (shard.attempts - 1), MAX_BACKOFF_MS);
      }
      saveCheckpoints();
    }
    if (shard.closed && shard.buffer.length === 0 && !shard.finished) {
      shard.finished = true;
      saveCheckpoints();
    }
    return handled;
  };

  const cycle = async (): Promise<{ activity: number }> => {
    if (Date.now() - lastDescribe > DESCRIBE_EVERY_MS) await describe();
    let activity = 0;
    for (const shard of shards.values()) {
      if (!ready(shard)) continue;
      if (shard.buffer.length < options.batchSize) activity += await fetch(shard);
      activity += await processShard(shard);
    }
    return { activity };
  };

  const loop = (async () => {
    while (!stopped) {
      let napMs = idleMs;
      try {
        const { activity } = await cycle();
        if (activity > 0) continue;
      } catch (error) {
        if (error instanceof ResourceNotFoundException) {
          options.log.error('stream not found; is the table gone?', { streamArn: options.streamArn });
        } else {
          options.log.error('stream poller error', errorFields(error));
        }
        for (const shard of shards.values()) shard.iterator = undefined;
        napMs = 1000;
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        // Shorter naps while a drain waits for its marker.
        const timer = setTimeout(resolve, markers.size > 0 ? Math.min(napMs, 10) : napMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  })();

  const dynamodb = new DynamoDBClient({});
  const markerKey = (id: string) => ({
    [options.table.partitionKey]: { S: DRAIN_MARKER_PK },
    [options.table.sortKey]: { S: id },
  });

  /** Writes a marker and resolves once the poller has settled it (and so everything before it). */
  const passMarker = async (deadline: number): Promise<string> => {
    const id = randomUUID();
    const passed = new Promise<void>((resolve) => markers.set(id, resolve));
    await dynamodb.send(new PutItemCommand({ TableName: options.table.name, Item: markerKey(id) }));
    wake?.();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        passed,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`stream not drained within the time limit`)),
            Math.max(0, deadline - Date.now()),
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
      markers.delete(id);
    }
    return id;
  };

  return {
    async drain(timeoutMs = 30_000) {
      if (stopped) throw new Error('the stream poller is stopped');
      const deadline = Date.now() + timeoutMs;
      const before = processed;
      const ids: string[] = [];
      try {
        // Round two covers records the consumer wrote while round one was processed.
        for (let round = 0; round < 2; round++) ids.push(await passMarker(deadline));
      } finally {
        await Promise.all(
          ids.map((id) =>
            dynamodb
              .send(new DeleteItemCommand({ TableName: options.table.name, Key: markerKey(id) }))
              .catch(() => undefined),
          ),
        );
      }
      return { processed: processed - before };
    },
    async stop() {
      stopped = true;
      wake?.();
      // A consumer invocation in flight is allowed to finish (bounded, so that stop never hangs).
      await Promise.race([loop, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      client.destroy();
      dynamodb.destroy();
    },
  };
}

function loadCheckpoints(options: StreamPollerOptions): Checkpoints {
  if (!(options.checkpointFile && existsSync(options.checkpointFile))) return {};
  try {
    const data = JSON.parse(readFileSync(options.checkpointFile, 'utf8')) as {
      streamArn?: string;
      shards?: Checkpoints;
    };
    // A new table has a new stream: old checkpoints mean nothing for it.
    return data.streamArn === options.streamArn ? (data.shards ?? {}) : {};
  } catch {
    options.log.warn('unreadable stream checkpoint file ignored', { file: options.checkpointFile });
    return {};
  }
}

/**
 * Index of the first failed record of `batch` per the handler's response, or undefined when all succeeded.
 * Like Lambda, an identifier that is missing, empty or not in the batch fails the whole batch.
 */
export function firstFailure(result: unknown, batch: readonly _Record[]): number | undefined {
  if (result === null || typeof result !== 'object' || !('batchItemFailures' in result)) return undefined;
  const failures = (result as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return undefined;
  if (!Array.isArray(failures)) return 0;
  if (failures.length === 0) return undefined;
  let first = Number.POSITIVE_INFINITY;
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '') return 0;
    const index = batch.findIndex((record) => record.dynamodb?.SequenceNumber === id);
    if (index === -1) return 0;
    first = Math.min(first, index);
  }
  return first;
}

export function toLambdaRecord(record: _Record, options: { streamArn: string; region: string }): DynamoDBRecord {
  const data = record.dynamodb ?? {};
  const created = data.ApproximateCreationDateTime;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: options.region,
    dynamodb: {
      ApproximateCreationDateTime: created ? Math.floor(new Date(created).getTime() / 1000) : undefined,
      Keys: data.Keys ? toJsonMap(data.Keys) : undefined,
      NewImage: data.NewImage ? toJsonMap(data.NewImage) : undefined,
      OldImage: data.OldImage ? toJsonMap(data.OldImage) : undefined,
      SequenceNumber: data.SequenceNumber,
      SizeBytes: data.SizeBytes,
      StreamViewType: data.StreamViewType,
    },
    eventSourceARN: options.streamArn,
    ...(record.userIdentity
      ? { userIdentity: { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId } }
      : {}),
  };
}

function toJsonMap(map: Record<string, AttributeValue>): Record<string, LambdaAttributeValue> {
  return Object.fromEntries(Object.entries(map).map(([name, value]) => [name, toJsonValue(value)]));
}

/** SDK attribute values to the JSON Lambda delivers: binaries as base64 strings, everything else as is. */
function toJsonValue(value: AttributeValue): LambdaAttributeValue {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.M !== undefined) return { M: toJsonMap(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toJsonValue) };
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  // The streams client deserializes an empty map ({"M":{}} on the wire) as {}: the one value with no member.
  if (Object.keys(value).length === 0) return { M: {} };
  return {} as LambdaAttributeValue;
}
