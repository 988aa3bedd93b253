import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * shared/jobs/schedules.ts is read by CDK (infra), the local stack and the functions it names: it sits below
 * the HTTP layer, so it takes the grant vocabulary from shared/grants.ts (which routes use too), never from
 * shared/http. Imports flow one way: http -> services -> data/domain.
 */

const root = resolve(__dirname, '../..');
const ALLOWED = ['shared/data', 'shared/domain', 'shared/grants.ts'];

function tsFilesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? tsFilesUnder(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** Relative import and export-from specifiers of a file, resolved to repository paths (extension added). */
function localImportsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/g)].map((m) => m[1]!);
  return specifiers.map((specifier) => `${relative(root, resolve(root, dirname(file), specifier))}.ts`);
}

const allowed = (target: string) =>
  ALLOWED.some((layer) => target === layer || target.startsWith(`${layer}/`) || `${target}` === `${layer}.ts`);

describe('schedules layering', () => {
  it('shared/jobs imports only from shared/data, shared/domain and shared/grants.ts (never from shared/http)', () => {
    const upward = tsFilesUnder('shared/jobs').flatMap((file) =>
      localImportsOf(file)
        .filter((target) => !allowed(target))
        .map((target) => `${file} -> ${target}`),
    );
    expect(upward).toEqual([]);
  });

  it('the grant vocabulary lives in shared/grants.ts, which imports nothing from the layers above it', () => {
    const upward = localImportsOf('shared/grants.ts').filter(
      (target) => !['shared/data', 'shared/domain'].some((layer) => target.startsWith(`${layer}/`)),
    );
    expect(upward).toEqual([]);
  });
});
