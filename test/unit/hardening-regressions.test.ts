import { createSign, generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../shared/data/cursor';
import { listInvitations } from '../../shared/data/invitation-repository';
import { keys } from '../../shared/data/keys';
import { DomainError } from '../../shared/domain/errors';
import { problemResponse } from '../../shared/http/problem';
import { createJwtVerifier } from '../../shared/identity/jwt-verifier';

/**
 * Regression tests for what the issue-6 hardening suites found (docs/SECURITY.md lists them), where the
 * emulators cannot show the fault: each one failed before its fix.
 */
const codeOf = async (fn: () => unknown) => {
  try {
    await fn();
  } catch (error) {
    return error instanceof DomainError ? error.code : `unexpected ${String(error)}`;
  }
  return 'no error';
};

describe('cursors are tamper-evident', () => {
  const scope = 'members|A|status=*|role=*|q=*';
  const key = { PK: 'TENANT#A', SK: 'MEMBER#01J0000000000000000000000A' };
  const expected = { PK: 'TENANT#A', SK: undefined };
  const cursor = encodeCursor(scope, key)!;
  const reencode = (change: (decoded: { s: string; k: Record<string, unknown> }) => void) => {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    change(decoded);
    return Buffer.from(JSON.stringify(decoded)).toString('base64url');
  };

  it('an edited key within the own partition is refused (the digest covers the key, not only the list)', async () => {
    // Before: only the list was digested, so this cursor was accepted and started the list elsewhere.
    const edited = reencode((c) => (c.k.SK = 'MEMBER#01J0000000000000000000000Z'));
    expect(await codeOf(() => decodeCursor(edited, scope, expected))).toBe('invalid_cursor');
  });

  it('a cursor with characters appended is refused, though the decoder would skip them', async () => {
    for (const edited of [`${cursor}驧`, `${cursor} `, `${cursor}=`, `${cursor}.`]) {
      expect(Buffer.from(edited, 'base64url').toString(), 'the same bytes').toBe(
        Buffer.from(cursor, 'base64url').toString(),
      );
      expect(await codeOf(() => decodeCursor(edited, scope, expected)), JSON.stringify(edited)).toBe('invalid_cursor');
    }
  });

  it('a cursor whose JSON gained whitespace is refused, though JSON.parse would ignore it', async () => {
    const json = Buffer.from(cursor, 'base64url').toString();
    for (const text of [`${json}\r`, ` ${json}`, json.replace(':', ': ')]) {
      expect(
        await codeOf(() => decodeCursor(Buffer.from(text).toString('base64url'), scope, expected)),
        JSON.stringify(text),
      ).toBe('invalid_cursor');
    }
  });

  it('a key object of another shape is refused', async () => {
    expect(
      await codeOf(() =>
        decodeCursor(
          reencode((c) => (c.k = [] as never)),
          scope,
          expected,
        ),
      ),
    ).toBe('invalid_cursor');
    expect(
      await codeOf(() =>
        decodeCursor(
          reencode((c) => (c.s = '')),
          scope,
          expected,
        ),
      ),
    ).toBe('invalid_cursor');
  });

  it('still round-trips', () => {
    expect(decodeCursor(cursor, scope, expected)).toEqual(key);
  });
});

describe('invitation list cursors stay inside the query range', () => {
  const dynamo = mockClient(DynamoDBDocumentClient);
  afterEach(() => dynamo.reset());
  const deps = { db: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), tableName: 'unit-Main' };
  const now = new Date('2026-06-01T00:00:00.000Z');
  const { GSI1PK } = keys.invitationsOfTenant('T');
  const cursorAt = (status: 'pending' | 'expired', gsi1sk: string) =>
    encodeCursor(`invitations|T|status=${status}`, { GSI1PK, GSI1SK: gsi1sk, ...keys.invitation('T', 'I') })!;

  it('a pending-list cursor at or before now is refused before DynamoDB sees it (it would answer ValidationException)', async () => {
    dynamo.on(QueryCommand).rejects(
      Object.assign(new Error('The provided starting key is outside query boundaries'), {
        name: 'ValidationException',
      }),
    );
    const stale = cursorAt('pending', '2026-05-01T00:00:00.000Z#I');
    expect(await codeOf(() => listInvitations(deps, 'T', 'pending', now, { limit: 10, cursor: stale }))).toBe(
      'invalid_cursor',
    );
    const expiredSide = cursorAt('expired', '2026-07-01T00:00:00.000Z#I');
    expect(await codeOf(() => listInvitations(deps, 'T', 'expired', now, { limit: 10, cursor: expiredSide }))).toBe(
      'invalid_cursor',
    );
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('a cursor inside the range is used as the start key', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    await listInvitations(deps, 'T', 'pending', now, {
      limit: 10,
      cursor: cursorAt('pending', '2026-07-01T00:00:00.000Z#I'),
    });
    expect(dynamo.commandCalls(QueryCommand)[0]!.args[0].input.ExclusiveStartKey).toMatchObject({
      GSI1SK: '2026-07-01T00:00:00.000Z#I',
    });
  });
});

describe('JWT verifier: concurrent first calls', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let fetches = 0;
  let server: http.Server;
  let issuer: string;
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      fetches++;
      // A slow JWKS endpoint: every concurrent first call arrives while the fetch is in flight.
      setTimeout(() => {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] }),
        );
      }, 50);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pool`;
  });
  afterAll(() => server.close());

  it('all succeed with one JWKS fetch (before: all but the first were refused as invalid)', async () => {
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${b64({ alg: 'RS256', kid: 'k1' })}.${b64({ sub: 's', iss: issuer, aud: 'client', token_use: 'id', exp: Math.floor(Date.now() / 1000) + 600, iat: Math.floor(Date.now() / 1000) })}`;
    const token = `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`;
    const verify = createJwtVerifier({ issuer, audience: ['client'] });
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => verify(token)));
    expect(outcomes.map((o) => o.status)).toEqual(Array(10).fill('fulfilled'));
    expect(fetches).toBe(1);
  });
});

describe('AWS push-back is a 503 with Retry-After, never a 500', () => {
  const cancelled = (codes: string[]) =>
    Object.assign(new Error('Transaction cancelled'), {
      name: 'TransactionCanceledException',
      CancellationReasons: codes.map((Code) => ({ Code })),
    });

  it('a transaction cancelled by a conflict or throttling (before: 500 internal_error)', () => {
    for (const codes of [
      ['TransactionConflict'],
      ['None', 'TransactionConflict', 'None'],
      ['ThrottlingError'],
      ['None', 'ProvisionedThroughputExceeded'],
    ]) {
      const response = problemResponse(cancelled(codes));
      expect(response.statusCode, codes.join()).toBe(503);
      expect(response.headers?.['retry-after']).toBe('1');
    }
  });

  it('a transaction cancelled by a failed condition nobody translated stays an internal error', () => {
    expect(problemResponse(cancelled(['ConditionalCheckFailed', 'TransactionConflict'])).statusCode).toBe(500);
    expect(problemResponse(cancelled(['None'])).statusCode).toBe(500);
  });

  it('Cognito throttling while accepting an invitation (before: 500 internal_error)', () => {
    const response = problemResponse(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['retry-after']).toBe('1');
  });
});
