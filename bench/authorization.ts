import { buildAbility, canOn } from '../shared/domain/ability';
import { allPermissions, type Permission } from '../shared/domain/permissions';
import { type BenchContext, type Figure, figure, median } from './lib';

/**
 * Figure 3, authorization CPU: what every request does after reading the caller's membership, building
 * the CASL ability from the effective permissions and checking one permission on a subject of the tenant
 * (`buildAbility` + `canOn`, shared/domain/ability.ts). Rules = permissions; 100 rules need more than
 * the catalog has, so the extra ones are synthetic `moduleN:action` strings (CASL does not care).
 * The baseline is the least any check can do: a Set of the same permissions and one lookup.
 */

const TENANT = '01JD2Q3V4W5X6Y7Z8A9B0C1D2E';

function rules(count: number): Permission[] {
  const real = allPermissions.filter((p) => p !== 'users:read').slice(0, count - 1);
  const synthetic = Array.from(
    { length: Math.max(0, count - 1 - real.length) },
    (_, i) => `module${i}:action${i % 5}` as Permission,
  );
  // The permission checked comes last: CASL looks rules up by subject type, so its place matters little.
  return [...real, ...synthetic, 'users:read'];
}

/**
 * Median over `batches` of the mean CPU time per call of `work`, in microseconds. CPU time rather than
 * wall time: on a shared machine the process is preempted in the middle of batches.
 */
function microseconds(work: () => boolean, iterations: number, batches: number): number {
  for (let i = 0; i < iterations; i++) if (!work()) throw new Error('the check must pass');
  const perCall: number[] = [];
  for (let b = 0; b < batches; b++) {
    const start = process.cpuUsage();
    for (let i = 0; i < iterations; i++) work();
    const used = process.cpuUsage(start);
    perCall.push((used.user + used.system) / iterations);
  }
  return median(perCall);
}

export function measureAuthorization(ctx: BenchContext): Figure[] {
  const iterations = ctx.quick ? 2000 : 10_000;
  const batches = ctx.quick ? 7 : 21;
  const figures: Figure[] = [];
  for (const count of [10, 100]) {
    const permissions = rules(count);
    // Fewer iterations with more rules: each batch takes about as long.
    const n = Math.ceil((iterations * 10) / count);
    const casl = microseconds(() => canOn(buildAbility(TENANT, permissions), 'users:read', TENANT), n, batches);
    const set = microseconds(() => new Set<string>(permissions).has('users:read'), n, batches);
    figures.push(
      figure({
        name: `3. ability build + check, ${count} rules`,
        value: casl,
        unit: 'µs CPU',
        baseline: set,
        target: count === 10 ? { on: 'value', max: 20 } : null,
        note: `median of ${batches} batches of ${n}; baseline: Set of the same permissions + has()`,
      }),
    );
    ctx.log(`ability ${count} rules: ${casl.toFixed(2)} µs (Set: ${set.toFixed(3)} µs)`);
  }
  return figures;
}
