import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: route-table handler paths and the lock file are relative to it. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Absolute path of a file given relative to the repository root (as in the route table). */
export function fromRepoRoot(relativePath: string): string {
  return path.join(repoRoot, relativePath);
}
