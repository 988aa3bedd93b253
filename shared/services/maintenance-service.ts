import type { DataDeps } from '../data/data-deps';
import { getMember, membersPageForMaintenance, rewriteMemberReferences } from '../data/member-repository';
import type { MemberRecord } from '../data/records';
import { transactWrite } from '../data/transactions';
import { Conflict } from '../domain/errors';

/** Attempts per member when it keeps changing while being rewritten. */
const ATTEMPTS = 4;

/**
 * One-off maintenance after a change of the key design (scripts/reindex-members.ts): rewrites every
 * member's reference items as `updateMember` writes them today (status-scoped index keys on role
 * assignments and search terms, search terms in search form, the principal link's role hint).
 *
 * Safe to run while the service serves requests, and to run again: each member is rewritten in one
 * transaction at the version it was read at, and read again if it changed meanwhile (a member removed
 * meanwhile is skipped). Every tenant (a Scan: the whole table is read once), or one (`scope.tenantId`).
 */
export async function reindexMembers(
  deps: DataDeps,
  scope: { tenantId?: string } = {},
): Promise<{ members: number; retried: number }> {
  let members = 0;
  let retried = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await membersPageForMaintenance(deps, scope, startKey);
    for (const scanned of page.members) {
      let member: MemberRecord | undefined = scanned;
      for (let attempt = 1; member; attempt++) {
        try {
          const current: MemberRecord = member;
          await transactWrite(
            deps,
            rewriteMemberReferences(deps, current).map((item, i) =>
              i === 0
                ? {
                    item,
                    onConditionFailed: () =>
                      new Conflict('concurrent_change', `Member ${current.memberId} changed meanwhile.`),
                  }
                : { item },
            ),
          );
          members++;
          break;
        } catch (error) {
          if (!(error instanceof Conflict) || attempt >= ATTEMPTS) throw error;
          retried++;
          member = await getMember(deps, member.tenantId, member.memberId);
        }
      }
    }
    startKey = page.nextKey;
  } while (startKey);
  return { members, retried };
}
