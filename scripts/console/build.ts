/**
 * Builds the console (console/ -> console/dist) when its sources changed since the last build, and does
 * nothing otherwise: the hash of every source file, the Vite config, index.html and the lockfile is kept in
 * dist/.source-hash. `npm start` and `npm test` call it, so a warm start pays only for hashing (~10 ms).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const consoleRoot = resolve(import.meta.dirname, '..', '..', 'console');
export const consoleDist = join(consoleRoot, 'dist');
const HASH_FILE = join(consoleDist, '.source-hash');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** A hash of everything the build reads. */
export function consoleSourceHash(): string {
  const hash = createHash('sha256');
  const files = [
    ...filesUnder(join(consoleRoot, 'src')),
    join(consoleRoot, 'index.html'),
    join(consoleRoot, 'vite.config.ts'),
    resolve(consoleRoot, '..', 'package-lock.json'),
  ].sort();
  for (const file of files) {
    hash.update(relative(consoleRoot, file));
    hash.update(readFileSync(file));
  }
  return hash.digest('hex');
}

export interface ConsoleBuildResult {
  readonly built: boolean;
  readonly ms: number;
}

/** Builds console/dist unless it was built from the same sources; `force` builds anyway. */
export async function buildConsole(options: { readonly force?: boolean } = {}): Promise<ConsoleBuildResult> {
  const started = performance.now();
  const hash = consoleSourceHash();
  if (!options.force && existsSync(HASH_FILE) && readFileSync(HASH_FILE, 'utf8') === hash) {
    return { built: false, ms: performance.now() - started };
  }
  const { build } = await import('vite');
  await build({ configFile: join(consoleRoot, 'vite.config.ts'), logLevel: 'warn' });
  writeFileSync(HASH_FILE, hash);
  return { built: true, ms: performance.now() - started };
}

const isEntryPoint = process.argv[1] !== undefined && pathToFileURL(resolve(process.argv[1])).href === import.meta.url;
if (isEntryPoint) {
  const result = await buildConsole({ force: process.argv.includes('--force') });
  process.stdout.write(`${result.built ? 'built' : 'up to date'}: ${consoleDist} (${Math.round(result.ms)} ms)\n`);
}
