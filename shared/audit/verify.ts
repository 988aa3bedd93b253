import { auditKeys } from '../data/audit-keys';
import {
  type AuditDataDeps,
  entryOfItem,
  getChainHead,
  readChainItems,
  seqBoundsOfTimeRange,
  seqOfKey,
} from '../data/audit-repository';
import { type ChainBreak, entryHash, GENESIS_HASH } from './chain';

/** Entries one verify request recomputes at most (~5 s of reads in AWS); beyond, `complete: false`. */
export const MAX_VERIFY_ENTRIES = 100_000;

export interface VerifyResult {
  readonly ok: boolean;
  /** Entries whose position, link, hash and index keys were checked and found right. */
  readonly checked: number;
  /** false when the window held more than `limit` entries: the result covers fromSeq..toSeq only. */
  readonly complete: boolean;
  readonly fromSeq?: number;
  readonly toSeq?: number;
  readonly brokenAt?: { readonly seq: number; readonly id?: string; readonly reason: ChainBreak };
}

/** What is wrong with the item found at `expectedSeq`, if anything. `expectedPrevHash` undefined: do not check the link. */
function checkItem(
  item: Record<string, unknown>,
  tenantId: string,
  expectedSeq: number,
  expectedPrevHash: string | undefined,
): ChainBreak | undefined {
  if (seqOfKey(item.SK) !== expectedSeq) return 'missing_entry';
  const entry = entryOfItem(item);
  if (entry.seq !== expectedSeq || entry.tenantId !== tenantId || item.PK !== auditKeys.tenantPartition(tenantId))
    return 'seq_mismatch';
  if (expectedPrevHash !== undefined && entry.prevHash !== expectedPrevHash) return 'prev_hash_mismatch';
  let recomputed: string;
  try {
    recomputed = entryHash(entry);
  } catch {
    return 'hash_mismatch'; // a value no writer produces (e.g. a DynamoDB set) was put in
  }
  if (recomputed !== entry.hash) return 'hash_mismatch';
  const expectedIndexes = auditKeys.entryIndexes(entry);
  for (const [name, value] of Object.entries(expectedIndexes)) {
    if (item[name] !== value) return 'index_mismatch';
  }
  return undefined;
}

/**
 * Recomputes a tenant's chain (SPEC §4 `/audit/verify`), from the base table with consistent reads.
 *
 * Without a range: every entry from seq 1, and the chain head (read first) must name an entry of the
 * walk by seq and hash, so removing the newest entries is detected too; entries appended during the walk
 * are checked like the others. With `from`/`to`: the run of the chain from the first entry that
 * occurred at or after `from` to the last that occurred at or before `to` (time index), plus the link of
 * its first entry to the one before it, whose own hash is checked as well. Entries are checked in seq
 * order for: no gap, right seq and tenant, `prevHash` = previous entry's hash, `hash` recomputed, and
 * index keys derived from the content. The first failure is reported as `brokenAt`.
 */
export async function verifyAuditChain(
  deps: AuditDataDeps,
  tenantId: string,
  range: { from?: string; to?: string },
  limit = MAX_VERIFY_ENTRIES,
): Promise<VerifyResult> {
  let fromSeq = 1;
  let toSeq: number | undefined;
  if (range.from !== undefined || range.to !== undefined) {
    const bounds = await seqBoundsOfTimeRange(deps, tenantId, range);
    if (!bounds) return { ok: true, checked: 0, complete: true };
    if (range.from !== undefined) fromSeq = bounds.first;
    if (range.to !== undefined) toSeq = bounds.last;
  }
  let checked = 0;
  const broken = (seq: number, reason: ChainBreak, id?: string): VerifyResult => ({
    ok: false,
    checked,
    complete: true,
    fromSeq,
    ...(toSeq !== undefined ? { toSeq } : {}),
    brokenAt: { seq, ...(id ? { id } : {}), reason },
  });

  let previousHash = GENESIS_HASH;
  if (fromSeq > 1) {
    let anchor: Record<string, unknown> | undefined;
    for await (const item of readChainItems(deps, tenantId, fromSeq - 1, fromSeq - 1)) anchor = item;
    if (!anchor) return broken(fromSeq - 1, 'missing_entry');
    const problem = checkItem(anchor, tenantId, fromSeq - 1, undefined);
    if (problem) return broken(fromSeq - 1, problem, entryOfItem(anchor).id);
    previousHash = entryOfItem(anchor).hash;
  }

  // Read before the walk: entries appended meanwhile come after it, and every entry up to it exists.
  const head = toSeq === undefined ? await getChainHead(deps, tenantId) : undefined;
  let hashAtHead: string | undefined;
  let expected = fromSeq;
  for await (const item of readChainItems(deps, tenantId, fromSeq, toSeq)) {
    const problem = checkItem(item, tenantId, expected, previousHash);
    if (problem) return broken(expected, problem, problem === 'missing_entry' ? undefined : entryOfItem(item).id);
    previousHash = item.hash as string;
    if (expected === head?.seq) hashAtHead = previousHash;
    checked++;
    expected++;
    if (checked >= limit && (toSeq === undefined || expected <= toSeq)) {
      return { ok: true, checked, complete: false, fromSeq, toSeq: expected - 1 };
    }
  }
  const lastSeq = expected - 1;
  if (toSeq !== undefined) {
    if (lastSeq < toSeq) return broken(expected, 'missing_entry');
  } else if (!head) {
    if (checked > 0) return broken(lastSeq, 'head_mismatch');
  } else if (head.seq > lastSeq) {
    return broken(expected, 'missing_entry'); // the newest entries are gone
  } else if (head.seq >= fromSeq && head.hash !== hashAtHead) {
    return broken(head.seq, 'head_mismatch');
  }
  return { ok: true, checked, complete: true, ...(checked > 0 ? { fromSeq, toSeq: lastSeq } : {}) };
}
