/**
 * The value, or an internal error naming what was missing: for values the code's own logic guarantees
 * (a key just looked up in a map it filled, a regex group the pattern always captures) where TypeScript
 * cannot see it. A checked replacement for the non-null assertion `!`, which fails later and further away.
 */
export function present<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new Error(`internal: ${what} is missing`);
  return value;
}
