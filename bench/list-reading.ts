import type { Identity } from '../shared/domain/actor';
import type { RouteDefinition } from '../shared/http/route-definition';
import { withCallLog } from './ddb-calls';
import { call } from './invoke';

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
