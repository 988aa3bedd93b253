import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Imports flow one way (http -> services -> data/domain): the bottom layers, shared/data and shared/domain,
 * import nothing from the layers above them (shared/audit, services, http, outbox, jobs, ...).
 */

const root = resolve(__dirname, '../..');
const BOTTOM = ['shared/data', 'shared/domain'];

function tsFilesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? tsFilesUnder(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** Relative import and export-from specifiers of a file, resolved to repository paths. */
function localImportsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/g)].map((m) => m[1]!);
  const dynamic = [...text.matchAll(/import\('(\.[^']+)'\)/g)].map((m) => m[1]!);
  return [...specifiers, ...dynamic].map((specifier) => relative(root, resolve(root, dirname(file), specifier)));
}

describe('import layering', () => {
  it.each(BOTTOM)('%s imports only from shared/data and shared/domain', (layer) => {
    const upward = tsFilesUnder(layer).flatMap((file) =>
      localImportsOf(file)
        .filter((target) => !BOTTOM.some((bottom) => target === bottom || target.startsWith(`${bottom}/`)))
        .map((target) => `${file} -> ${target}`),
    );
    expect(upward).toEqual([]);
  });
});
