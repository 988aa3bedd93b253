import type { HttpMethod } from './route-definition';

/**
 * API Gateway's route selection over the route table's path templates: used by the local API server to
 * pick a route, and by the `$default` function (functions/meta/not-found.ts) to tell a path the table
 * does not know (404) from a known path asked with another method (405 with `Allow`). Only methods and
 * path templates: no schemas, so the fallback's bundle stays small.
 */

/** What matching needs of a route: its method and path template. */
export interface RouteKey {
  readonly method: HttpMethod;
  readonly path: string;
}

type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string } | { kind: 'greedy'; name: string };

export interface CompiledRoute<R extends RouteKey = RouteKey> {
  readonly route: R;
  readonly routeKey: string;
  readonly segments: readonly Segment[];
}

export function compileRoutes<R extends RouteKey>(routes: readonly R[]): CompiledRoute<R>[] {
  return routes.map((route) => ({
    route,
    routeKey: `${route.method} ${route.path}`,
    segments: route.path
      .split('/')
      .slice(1)
      .map((part): Segment => {
        const greedy = /^\{(.+)\+\}$/.exec(part);
        if (greedy?.[1]) return { kind: 'greedy', name: greedy[1] };
        const param = /^\{(.+)\}$/.exec(part);
        if (param?.[1]) return { kind: 'param', name: param[1] };
        return { kind: 'literal', value: part };
      }),
  }));
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** The path parameters and specificity rank of `rawPath` under one template, or undefined if it does not match. */
function matchTemplate(
  segments: readonly Segment[],
  parts: readonly string[],
): { pathParameters: Record<string, string>; rank: number[] } | undefined {
  const pathParameters: Record<string, string> = {};
  const rank: number[] = [];
  for (const [i, segment] of segments.entries()) {
    const part = parts[i];
    if (segment.kind === 'greedy') {
      const rest = parts.slice(i).join('/');
      if (rest === '') return undefined;
      pathParameters[segment.name] = safeDecode(rest) ?? '';
      rank.push(0);
      return { pathParameters, rank };
    }
    if (part === undefined || part === '') return undefined;
    if (segment.kind === 'literal') {
      if (part !== segment.value) return undefined;
      rank.push(2);
    } else {
      const decoded = safeDecode(part);
      if (decoded === undefined) return undefined;
      pathParameters[segment.name] = decoded;
      rank.push(1);
    }
  }
  return parts.length === segments.length ? { pathParameters, rank } : undefined;
}

function compareRank(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? -1) - (b[i] ?? -1);
    if (diff !== 0) return diff;
  }
  return 0;
}

/**
 * API Gateway's route selection: a route matches when every literal segment is equal and every `{param}`
 * covers exactly one non-empty segment (`{proxy+}` the rest); the most specific match wins (at the first
 * segment where two matches differ, a literal beats a parameter, which beats a greedy parameter).
 */
export function matchRoute<R extends RouteKey>(
  compiled: readonly CompiledRoute<R>[],
  method: string,
  rawPath: string,
): { compiled: CompiledRoute<R>; pathParameters: Record<string, string> } | undefined {
  const parts = rawPath.split('/').slice(1);
  let best: { compiled: CompiledRoute<R>; pathParameters: Record<string, string>; rank: number[] } | undefined;
  for (const candidate of compiled) {
    if (candidate.route.method !== method) continue;
    const match = matchTemplate(candidate.segments, parts);
    if (match && (!best || compareRank(match.rank, best.rank) > 0)) best = { compiled: candidate, ...match };
  }
  return best && { compiled: best.compiled, pathParameters: best.pathParameters };
}

const METHOD_ORDER: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * The methods the route table serves on `rawPath` (for `Allow`), in a fixed order; empty when no template
 * matches it, i.e. the path itself is unknown.
 */
export function allowedMethods(compiled: readonly CompiledRoute[], rawPath: string): HttpMethod[] {
  const parts = rawPath.split('/').slice(1);
  const methods = new Set(
    compiled.filter((c) => matchTemplate(c.segments, parts) !== undefined).map((c) => c.route.method),
  );
  return METHOD_ORDER.filter((method) => methods.has(method));
}
