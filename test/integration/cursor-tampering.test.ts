import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeCursor } from '../../shared/data/cursor';
import type { RouteDefinition } from '../../shared/http/route-definition';
import { routeList } from '../../shared/http/routes';
import { anyString } from '../support/fuzz';
import { invoke } from '../support/invoke';
import { drainStream } from '../support/local-stack';
import { buildWorld, expectProblem, sampleFor, type World } from '../support/route-samples';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
});

/** The scope the last list request passed to decodeCursor: lets this file forge cursors the way an insider could. */
const lastScope = vi.hoisted(() => ({ value: '' }));
vi.mock('../../shared/data/cursor', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../shared/data/cursor')>();
  return {
    ...original,
    decodeCursor: (cursor: string | undefined, scope: string, expected: Record<string, string | undefined>) => {
      lastScope.value = scope;
      return original.decodeCursor(cursor, scope, expected);
    },
  };
});

/**
 * Cursor tampering (SPEC §4, ASVS V8.2.3) on every list route of the route table (those whose query has
 * `cursor`), in-process against DynamoDB Local, with real cursors of a tenant's lists (or, for `/v1/me` lists,
 * of a person's: "another tenant" below reads "another person" there):
 * 1. any edit of the opaque text is 400 invalid_cursor;
 * 2. a cursor forged with full knowledge of the format (digest recomputed over the tenant's own scope,
 *    captured from the code) must stay inside the tenant's list: another tenant's partition, missing or
 *    extra attributes and keys outside the list's range are 400 invalid_cursor; anything else may page
 *    the same list. Never a 5xx, never an item of another tenant.
 */
let world: World;
let other: World;
const listRoutes = routeList.filter((route) => route.request?.query?.shape.cursor !== undefined);
const seed = process.env.FUZZ_SEED === undefined ? Date.now() : Number(process.env.FUZZ_SEED);
const decode = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8');

beforeAll(async () => {
  [world, other] = await Promise.all([buildWorld('Cursor'), buildWorld('Cursor other')]);
  await drainStream(); // audit entries for the audit list
});

const page = (route: RouteDefinition, cursor?: string) =>
  invoke(route, {
    identity: world.owner.identity,
    // The list's own path (a bot's access list names the world's bot).
    params: sampleFor(route, world).params ?? {},
    query: { limit: '1', ...(cursor ? { cursor } : {}) },
  });

/** Whose list a route's cursor belongs to: the tenant's, or for the caller's own lists (/v1/me) the person's. */
const ownerOfList = (route: RouteDefinition, w: World) =>
  route.path.startsWith('/v1/tenants/{tenantId}') ? w.tenantId : w.owner.identity.userId;

async function realCursor(route: RouteDefinition): Promise<string> {
  const first = await page(route);
  expect(first.status, JSON.stringify(first.body)).toBe(200);
  expect(first.body.nextCursor, `${route.operationId} needs a second page`).toEqual(expect.any(String));
  return first.body.nextCursor as string;
}

describe('cursor tampering', () => {
  it('there are list routes', () => expect(listRoutes.length).toBeGreaterThanOrEqual(3));

  for (const route of listRoutes) {
    it(`${route.operationId}: any edit of the text → 400 invalid_cursor`, async () => {
      const cursor = await realCursor(route);
      expect((await page(route, cursor)).status).toBe(200);
      const edits = fc.oneof(
        fc
          .tuple(
            fc.nat({ max: cursor.length - 1 }),
            fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=.~%'),
          )
          .map(([i, c]) => cursor.slice(0, i) + c + cursor.slice(i + 1)),
        fc.nat({ max: cursor.length - 1 }).map((n) => cursor.slice(0, n)),
        anyString.map((extra) => cursor + extra),
        anyString,
        fc.base64String({ minLength: 4, maxLength: 400 }),
      );
      await fc.assert(
        fc.asyncProperty(edits, async (edited) => {
          fc.pre(edited.length > 0 && edited.length <= 2048 && edited !== cursor);
          const result = await page(route, edited);
          expectProblem(result, [400], `${route.operationId} ${edited}`);
          expect(['invalid_cursor', 'validation_failed']).toContain(result.body.code);
        }),
        { numRuns: 60, seed },
      );
    });

    it(`${route.operationId}: a forged key stays in the tenant's own list, never a 5xx`, async () => {
      const cursor = await realCursor(route);
      const scopeOfRoute = lastScope.value;
      const [mine, theirs] = [ownerOfList(route, world), ownerOfList(route, other)];
      expect(scopeOfRoute).toContain(mine);
      const { k } = JSON.parse(decode(cursor)) as { k: Record<string, string> };
      // Sanity: re-encoding the real key with the captured scope gives a cursor the route accepts.
      expect((await page(route, encodeCursor(scopeOfRoute, k)!)).status, `${route.operationId}: scope capture`).toBe(
        200,
      );
      const names = Object.keys(k);
      const forged = fc.oneof(
        fc.constantFrom(...names.filter((n) => k[n]!.includes(mine))).map((name) => ({
          key: { ...k, [name]: k[name]!.replace(mine, theirs) },
          refused: true,
        })),
        fc
          .tuple(
            fc.constantFrom(...names),
            fc.oneof(
              anyString,
              fc.constantFrom(
                '',
                '0',
                '~',
                '\uffff',
                'MEMBER#',
                'SEARCH#',
                'ROLEASSIGN#',
                'INVITATION#',
                'AUDIT#',
                '1970-01-01T00:00:00.000Z#x',
                '9999-12-31T00:00:00.000Z#x',
              ),
            ),
          )
          .map(([name, value]) => ({ key: { ...k, [name]: value }, refused: false })),
        fc
          .constantFrom(...names)
          .map((name) => ({ key: Object.fromEntries(Object.entries(k).filter(([n]) => n !== name)), refused: true })),
        fc
          .tuple(fc.constantFrom(...names), fc.oneof(fc.integer(), fc.constant(null), fc.constant({ S: 'x' })))
          .map(([name, value]) => ({ key: { ...k, [name]: value }, refused: true })),
        fc
          .dictionary(
            anyString.filter((n) => !names.includes(n)),
            anyString,
            { minKeys: 1, maxKeys: 2 },
          )
          .map((extra) => ({ key: { ...k, ...extra }, refused: true })),
      );
      await fc.assert(
        fc.asyncProperty(forged, async ({ key, refused }) => {
          const result = await page(route, encodeCursor(scopeOfRoute, key)!);
          const label = `${route.operationId} ${JSON.stringify(key)}`;
          expect(result.status, `${label} → ${JSON.stringify(result.body)}`).toBeLessThan(500);
          if (refused || result.status !== 200) {
            expectProblem(result, [400], label);
            // validation_failed: the forged cursor grew past the 2048 characters a cursor may have.
            expect(['invalid_cursor', 'validation_failed'], label).toContain(result.body.code);
          } else {
            const text = JSON.stringify(result.body);
            expect(text.includes(other.tenantId), `${label} showed another tenant`).toBe(false);
            expect(text.includes(theirs), `${label} showed another person's list`).toBe(false);
          }
        }),
        { numRuns: 80, seed },
      );
    });
  }
});
