import { buildAbility, canOn } from '../shared/domain/ability';
import type { EffectivePermission } from '../shared/domain/effective-permissions';
import { allPermissions, type Permission } from '../shared/domain/permissions';
import { type BenchContext, type Figure, figure, median } from './lib';

/**
 * Figure 3, authorization CPU: what every request does after reading the caller's membership, from the
 * effective permissions on: the call of shared/services/caller-service.ts (`buildAbility(tenantId,
 * effectivePermissions.map((p) => p.permission))`) and one service check (`canOn`), the CASL part of a request.
 *
 * What "100 rules" is: the effective permissions are the union of the member's roles, their groups' roles and
 * their direct grants, deduplicated to the catalog (computeEffectivePermissions), so however many custom
 * roles and groups a member holds, the ability has at most the catalog's permissions (43 today). Bot grants
 * never enter it: bot-scoped permissions are decided by `decide` (figure 8). 10 rules is a typical member;
 * 100 distinct rules is a member holding every permission of a catalog grown to 100: the catalog's own
 * permissions, then synthetic ones shaped like them (new modules with read / write / manage), in catalog order.
 * The permission checked comes last, the worst place for any lookup that scans.
 * The baseline is the least any check can do: a Set of the same permissions and one lookup.
 */

const TENANT = '01JD2Q3V4W5X6Y7Z8A9B0C1D2E';
const CHECKED: Permission = 'users:read';
const SYNTHETIC_ACTIONS = ['read', 'write', 'manage'] as const;

function effectivePermissions(count: number): EffectivePermission[] {
  const real = allPermissions.filter((p) => p !== CHECKED).slice(0, count - 1);
  const synthetic = Array.from(
    { length: Math.max(0, count - 1 - real.length) },
    (_, i) => `module${Math.floor(i / SYNTHETIC_ACTIONS.length)}:${SYNTHETIC_ACTIONS[i % 3]}` as Permission,
  );
  const permissions = [...real, ...synthetic, CHECKED];
  if (new Set(permissions).size !== count) throw new Error(`${count} distinct permissions expected`);
  return permissions.map((permission) => ({ permission, sources: ['01JD0000000000000000000001'] }));
}

/** CPU time per call of `work` over one batch of `iterations`, in microseconds. */
function batch(work: () => boolean, iterations: number): number {
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i++) work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / iterations;
}

/**
 * Medians over `batches` of the mean CPU time per call, in microseconds, of `work` and `baseline`, their
 * batches alternating so that both see the same load. CPU time rather than wall time: on a shared machine
 * the process is preempted in the middle of batches.
 */
function microseconds(
  work: () => boolean,
  baseline: () => boolean,
  iterations: number,
  batches: number,
): { value: number; baseline: number } {
  for (const run of [work, baseline])
    for (let i = 0; i < iterations; i++) if (!run()) throw new Error('the check must pass');
  const values: number[] = [];
  const baselines: number[] = [];
  for (let b = 0; b < batches; b++) {
    values.push(batch(work, iterations));
    baselines.push(batch(baseline, iterations));
  }
  return { value: median(values), baseline: median(baselines) };
}

export function measureAuthorization(ctx: BenchContext): Figure[] {
  const iterations = ctx.quick ? 2000 : 10_000;
  const batches = ctx.quick ? 7 : 21;
  const figures: Figure[] = [];
  for (const count of [10, 100]) {
    const effective = effectivePermissions(count);
    // Fewer iterations with more rules: each batch of the old per-permission rules took about as long.
    const n = Math.ceil((iterations * 10) / count);
    const { value, baseline } = microseconds(
      () =>
        canOn(
          buildAbility(
            TENANT,
            effective.map((p) => p.permission),
          ),
          CHECKED,
          TENANT,
        ),
      () => new Set<string>(effective.map((p) => p.permission)).has(CHECKED),
      n,
      batches,
    );
    figures.push(
      figure({
        name: `3. ability build + check, ${count} rules`,
        value,
        unit: 'µs CPU',
        baseline,
        target: { on: 'value', max: 20 },
        note: `median of ${batches} batches of ${n}, alternating with the baseline's; baseline: Set of the same permissions + has()`,
      }),
    );
    ctx.log(`ability ${count} rules: ${value.toFixed(2)} µs (Set: ${baseline.toFixed(3)} µs)`);
  }
  return figures;
}
