import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { SESv2Client, type SendEmailCommand } from '@aws-sdk/client-sesv2';
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { ulid } from 'ulidx';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { dynamoDb } from '../../shared/clients';
import { keys } from '../../shared/data/keys';
import type { OutboxEvent } from '../../shared/data/outbox';
import { routeList, routes } from '../../shared/http/routes';
import { seal } from '../../shared/security/sealing';
import { chainOf, outboxEvent, outboxRecord, streamEvent } from '../support/audit';
import { deps, uniqueEmail } from '../support/fixtures';
import { lambdaContext } from '../support/http-event';
import { invoke } from '../support/invoke';
import { drainStream, mailbox } from '../support/local-stack';
import {
  buildWorld,
  expectProblem,
  expectSecurityHeaders,
  sampleCaller,
  sampleFor,
  type World,
} from '../support/route-samples';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
});

/**
 * Faults injected into real clients talking to the emulators (a spy fails chosen calls and passes the
 * others through), SPEC §5: where the API cannot proceed it answers 503 with Retry-After, never a 500;
 * the stream consumer loses nothing and duplicates nothing — no audit entry, no email — whether SES
 * throttles, DynamoDB throttles, or the consumer dies in the middle of a batch and Lambda delivers the
 * batch again. (test/unit/faults.test.ts covers throttling and hangs on every route with mocked clients.)
 */
const sendThrough = dynamoDb.send.bind(dynamoDb);
afterEach(() => {
  vi.restoreAllMocks();
});

/** Fails the first DynamoDB call that `matches` with `error`; everything else goes to DynamoDB Local. */
function failOnce(matches: (command: unknown) => boolean, error: () => Error) {
  const state = { fired: false };
  vi.spyOn(dynamoDb, 'send').mockImplementation(((command: unknown, ...rest: unknown[]) => {
    if (!state.fired && matches(command)) {
      state.fired = true;
      return Promise.reject(error());
    }
    return (sendThrough as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
  }) as never);
  return state;
}

/** A tenant's partition, but for export records (the stack's export worker updates those on its own). */
async function partition(tenantId: string) {
  const page = await deps().db.send(
    new QueryCommand({
      TableName: deps().tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.tenant(tenantId).PK },
      ConsistentRead: true,
    }),
  );
  return (page.Items ?? []).filter((item) => !String(item.SK).startsWith('EXPORT#'));
}

describe('the API under DynamoDB transaction conflicts', () => {
  let world: World;
  beforeAll(async () => {
    world = await buildWorld('Faults');
  });

  // Marking a notification read is one conditional UpdateItem of the caller's own item: no transaction.
  // The world's group is deleted last: the membership samples need it.
  const mutations = routeList
    .filter((route) => route.grants.includes('main:write') && route.operationId !== 'markNotificationRead')
    .sort((a, b) => Number(a.operationId === 'deleteGroup') - Number(b.operationId === 'deleteGroup'));
  it('covers every route that writes', () => expect(mutations.length).toBeGreaterThan(12));

  for (const route of mutations) {
    it(`${route.operationId}: a transaction cancelled by a conflict → 503 with Retry-After, nothing written`, async () => {
      const conflict = () =>
        new TransactionCanceledException({
          message:
            'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]',
          $metadata: {},
          CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
        });
      // What earlier requests set off in the background (an export worker freeing its slot) settles first.
      await drainStream();
      const before = await partition(world.tenantId);
      const injected = failOnce((command) => command instanceof TransactWriteCommand, conflict);
      const result = await invoke(route, { identity: sampleCaller(route, world), ...sampleFor(route, world) });
      vi.restoreAllMocks();
      expect(injected.fired, `${route.operationId}: its sample reaches its transaction`).toBe(true);
      // Inviting retries a conflicting transaction itself (it re-reads the seat counter), and so does
      // requesting an export (a conflict on its slot is a race lost to another request: it takes another slot).
      // Deciding or withdrawing an access request reads it again after a conflict (another decision may have won).
      // Group membership changes and group deletion repeat themselves too: concurrent adds to one member conflict
      // by design (the 50-group limit is a condition on the member's item), and the loser is judged again.
      const retriesConflicts: Record<string, number> = {
        addGroupMember: 200,
        removeGroupMember: 204,
        deleteGroup: 204,
        createInvitations: 201,
        createAuditExport: 202,
        approveAccessRequest: 200,
        denyAccessRequest: 200,
        cancelAccessRequest: 200,
      };
      const retried = retriesConflicts[route.operationId];
      if (retried !== undefined) {
        expect(result.status, JSON.stringify(result.body)).toBe(retried);
        return;
      }
      expectProblem(result, [503], route.operationId);
      expect(result.headers['retry-after']).toBe('1');
      expectSecurityHeaders(result, route.operationId);
      expect(await partition(world.tenantId)).toEqual(before);
    });
  }

  it('accepting with a password while Cognito throttles → 503 with Retry-After; the invitation is still there', async () => {
    vi.spyOn(CognitoIdentityProviderClient.prototype, 'send').mockRejectedValue(
      Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException', $metadata: {} }) as never,
    );
    const token = world.invitations[1]!.token;
    const result = await invoke(routes.acceptInvitation, { body: { token, password: `Pw-${ulid()}-x9!` } });
    vi.restoreAllMocks();
    expectProblem(result, [503], 'accept');
    expect(result.headers['retry-after']).toBe('1');
    expect((await invoke(routes.lookupInvitation, { query: { token } })).status).toBe(200);
  });
});

describe('the stream consumer under faults: nothing lost, nothing duplicated', () => {
  /** Invitation events of one tenant (audit-only: the stack's own consumer never sees them), each with an email. */
  async function invitationEvents(count: number): Promise<{ tenantId: string; events: OutboxEvent[] }> {
    const tenantId = ulid();
    const events = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const event = outboxEvent(tenantId, {
          action: 'member.invited',
          requestId: `fault-${i}`,
          changes: { before: null, after: { status: 'invited' } },
        });
        return {
          ...event,
          delivery: {
            kind: 'invitation' as const,
            to: uniqueEmail(`fault-${i}`),
            tenantName: 'Faults Inc',
            inviterEmail: 'owner@example.com',
            sealedToken: await seal('t'.repeat(43), event.eventId),
            expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
          },
        };
      }),
    );
    return { tenantId, events };
  }

  /**
   * Lambda's event source mapping with ReportBatchItemFailures: deliver the batch; on failures, deliver
   * again from the first failed record; until nothing fails.
   */
  async function deliverLikeLambda(
    records: DynamoDBRecord[],
    context: () => Context = () => lambdaContext('streamConsumer'),
  ) {
    const { handler } = await import('../../functions/stream-consumer');
    let batch = records;
    for (let round = 1; batch.length > 0; round++) {
      expect(round, 'delivered within 10 rounds').toBeLessThanOrEqual(10);
      let batchItemFailures: DynamoDBBatchResponse['batchItemFailures'];
      try {
        ({ batchItemFailures } = (await handler(streamEvent(batch), context())) as DynamoDBBatchResponse);
      } catch {
        continue; // every record failed (Powertools throws FullBatchFailureError): the whole batch again
      }
      if (batchItemFailures.length === 0) return round;
      const first = Math.min(
        ...batchItemFailures.map((f) => batch.findIndex((r) => r.dynamodb!.SequenceNumber === f.itemIdentifier)),
      );
      batch = batch.slice(first);
    }
    return 0;
  }

  async function expectExactlyOnce(tenantId: string, events: OutboxEvent[], since: number) {
    const chain = await chainOf(tenantId);
    expect(chain.map((entry) => entry.id)).toEqual(events.map((event) => event.eventId));
    expect(chain.map((entry) => entry.seq)).toEqual(events.map((_, i) => i + 1));
    for (const event of events)
      expect(await mailbox({ to: event.delivery!.to, since }), event.delivery!.to).toHaveLength(1);
  }

  it('SES throttling: the records fail and are delivered again; every email and every entry exactly once', async () => {
    const { tenantId, events } = await invitationEvents(5);
    const since = Date.now() / 1000 - 1;
    const realSend = SESv2Client.prototype.send;
    let attempts = 0;
    vi.spyOn(SESv2Client.prototype, 'send').mockImplementation(function (
      this: SESv2Client,
      command: unknown,
      ...rest: unknown[]
    ) {
      attempts++;
      if (attempts === 2 || attempts === 3)
        return Promise.reject(
          Object.assign(new Error('Maximum sending rate exceeded.'), {
            name: 'TooManyRequestsException',
            $metadata: {},
          }),
        );
      return (realSend as (...args: unknown[]) => Promise<unknown>).call(this, command, ...rest);
    } as never);
    const rounds = await deliverLikeLambda(events.map(outboxRecord));
    expect(rounds).toBe(3);
    expect(attempts).toBe(events.length + 2);
    await expectExactlyOnce(tenantId, events, since);
  });

  it('DynamoDB throttling while appending to the audit chain: the record fails and is delivered again; every entry once', async () => {
    const { tenantId, events } = await invitationEvents(4);
    const since = Date.now() / 1000 - 1;
    const auditTable = deps().auditTableName;
    const injected = failOnce(
      (command) =>
        command instanceof TransactWriteCommand &&
        (command.input.TransactItems ?? []).some(
          (item) => item.Put?.TableName === auditTable && item.Put.Item?.id === events[2]!.eventId,
        ),
      () =>
        Object.assign(new Error('Throughput exceeded'), {
          name: 'ProvisionedThroughputExceededException',
          $metadata: {},
        }),
    );
    const rounds = await deliverLikeLambda(events.map(outboxRecord));
    expect(injected.fired).toBe(true);
    expect(rounds).toBeGreaterThan(1);
    await expectExactlyOnce(tenantId, events, since);
  });

  it('the consumer dies in the middle of a batch (an SES call that never returns, then the timeout); the whole batch comes again: every entry and email exactly once', async () => {
    const { tenantId, events } = await invitationEvents(5);
    const since = Date.now() / 1000 - 1;
    const realSend = SESv2Client.prototype.send;
    const sentTo: string[] = [];
    let hangFor: string | undefined = events[3]!.delivery!.to;
    vi.spyOn(SESv2Client.prototype, 'send').mockImplementation(function (
      this: SESv2Client,
      command: unknown,
      ...rest: unknown[]
    ) {
      const to = (command as SendEmailCommand).input.Destination!.ToAddresses![0]!;
      sentTo.push(to);
      if (to === hangFor) return new Promise(() => undefined); // the invocation dies waiting for it
      return (realSend as (...args: unknown[]) => Promise<unknown>).call(this, command, ...rest);
    } as never);
    const records = events.map(outboxRecord);
    const { handler } = await import('../../functions/stream-consumer');

    // First invocation, with one second to live: three records done, the fourth stuck, then killed.
    const dying = { ...lambdaContext('streamConsumer'), getRemainingTimeInMillis: () => 1_000 };
    const outcome = await Promise.race([
      handler(streamEvent(records), dying).then(() => 'returned'),
      new Promise((r) => setTimeout(() => r('killed'), 1_500)),
    ]);
    expect(outcome).toBe('killed');
    expect((await chainOf(tenantId)).map((e) => e.id)).toEqual(events.slice(0, 4).map((e) => e.eventId));
    hangFor = undefined;

    // Lambda delivers the same batch again after the timeout (the dead invocation's in-progress mark on
    // the fourth email expired with it).
    expect(await deliverLikeLambda(records)).toBe(1);
    await expectExactlyOnce(tenantId, events, since);
    expect(sentTo.filter((to) => to === events[3]!.delivery!.to)).toHaveLength(2); // the lost attempt and the real one
    for (const event of [...events.slice(0, 3), events[4]!])
      expect(
        sentTo.filter((to) => to === event.delivery!.to),
        event.delivery!.to,
      ).toHaveLength(1);
  });
});
