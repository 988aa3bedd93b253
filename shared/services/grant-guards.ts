import type { DataDeps } from '../data/data-deps';
import { grantedRoleGuard } from '../data/role-repository';
import type { TransactionStep } from '../data/transactions';
import { Conflict } from '../domain/errors';
import type { RoleDefinition } from '../domain/roles';

/**
 * The steps that tie a grant's transaction to the custom roles it was judged on (`grantedRoleGuard`: each
 * still at the version read, its holders revision moved on), one per role; built-in roles never change.
 * Losing means a role changed between the judgement and the commit: judged again, the grant may no longer
 * be allowed, so the step answers `concurrent_change` and the service repeats itself (or the client does).
 */
export function judgedOn(deps: DataDeps, tenantId: string, roles: Iterable<RoleDefinition>) {
  const custom = new Map<string, RoleDefinition>();
  for (const role of roles) if (!role.builtIn) custom.set(role.roleId, role);
  return [...custom.values()].map(
    (role): TransactionStep => ({
      item: grantedRoleGuard(deps, tenantId, role),
      onConditionFailed: () => concurrentChange(`The role ${role.name} changed meanwhile; retry.`),
    }),
  );
}

/**
 * 409 `concurrent_change`: a request lost a race it wins by being repeated (read and judged again);
 * `retryingConcurrentChange` repeats the services that can.
 */
export const concurrentChange = (detail: string) => new Conflict('concurrent_change', detail);

export const isConcurrentChange = (error: unknown) => error instanceof Conflict && error.code === 'concurrent_change';

const ATTEMPTS = 5;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a request's whole read-judge-write again when its transaction lost a race (`concurrent_change`):
 * the next attempt reads what the winner wrote and is judged on it, which is what the user meant. After
 * five attempts the 409 goes to the client. Only for services whose write is one transaction, so that a
 * lost attempt wrote nothing.
 */
export async function retryingConcurrentChange<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!isConcurrentChange(error) || attempt >= ATTEMPTS) throw error;
      await sleep(Math.random() * 10 * 2 ** attempt);
    }
  }
}

/**
 * A transaction cancelled only because another transaction held one of its items (TransactionConflict), no
 * condition having failed: repeating the request, read and judged again, settles it.
 */
export function isTransientConflict(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return false;
  const codes = ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map(
    (reason) => reason.Code ?? 'None',
  );
  return (
    codes.includes('TransactionConflict') && codes.every((code) => code === 'None' || code === 'TransactionConflict')
  );
}
