import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Imports flow one way (http -> services -> data/domain): each module below imports only from the layers
 * listed for it, never from a layer above (issue 11, item 15).
 * - shared/data and shared/domain, the bottom layers, import only from each other;
 * - shared/grants.ts, the grant vocabulary the route table and shared/jobs share, imports from the bottom only;
 * - shared/jobs/schedules.ts (read by CDK, the local stack and the functions it names) sits below the HTTP
 *   layer: the bottom layers and shared/grants.ts, never shared/http.
 */
const root = resolve(__dirname, '../..');
const BOTTOM = ['shared/data', 'shared/domain'];
const LAYERS: readonly { readonly layer: string; readonly allowed: readonly string[] }[] = [
  { layer: 'shared/data', allowed: BOTTOM },
  { layer: 'shared/domain', allowed: BOTTOM },
  { layer: 'shared/grants.ts', allowed: BOTTOM },
  { layer: 'shared/jobs', allowed: [...BOTTOM, 'shared/grants.ts'] },
];

function tsFilesUnder(path: string): string[] {
  if (!statSync(join(root, path)).isDirectory()) return [path];
  return readdirSync(join(root, path), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? tsFilesUnder(join(path, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(path, entry.name)]
        : [],
  );
}

/** Relative import and export-from specifiers of a file (static and dynamic), as repository paths. */
function localImportsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/g)].map((m) => m[1]!);
  const dynamic = [...text.matchAll(/import\('(\.[^']+)'\)/g)].map((m) => m[1]!);
  return [...specifiers, ...dynamic].map((specifier) => relative(root, resolve(root, dirname(file), specifier)));
}

const within = (target: string, layer: string) =>
  target === layer || `${target}.ts` === layer || target.startsWith(`${layer}/`);

describe('import layering', () => {
  it.each(LAYERS)('$layer imports only from $allowed', ({ layer, allowed }) => {
    const upward = tsFilesUnder(layer).flatMap((file) =>
      localImportsOf(file)
        .filter((target) => !allowed.some((below) => within(target, below)))
        .map((target) => `${file} -> ${target}`),
    );
    expect(upward).toEqual([]);
  });
});
