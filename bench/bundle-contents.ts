/**
 * What a function's bundle is made of: `npx tsx bench/bundle-contents.ts functions/members/get-member.ts`
 * builds it as CDK does (bench/bundles.ts) and prints the minified bytes each package (or folder of
 * ours) contributes, largest first. The tool behind the bundle findings in docs/PERFORMANCE.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { fromRepoRoot } from '../infra/paths';
import { esbuildOptions } from './bundles';

const entry = process.argv[2];
if (!entry) {
  process.stderr.write('usage: npx tsx bench/bundle-contents.ts <entry file, e.g. functions/members/get-member.ts>\n');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'bundle-contents-'));
try {
  const result = await build({
    ...esbuildOptions(join(dir, 'index.mjs'), entry),
    entryPoints: [fromRepoRoot(entry)],
    metafile: true,
  });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint)!;
  const byPackage = new Map<string, number>();
  for (const [file, info] of Object.entries(output.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    const key = match ? match[1]! : file.split('/').slice(0, 2).join('/');
    byPackage.set(key, (byPackage.get(key) ?? 0) + info.bytesInOutput);
  }
  const rows = [...byPackage].sort((a, b) => b[1] - a[1]);
  process.stdout.write(`${entry}: ${(output.bytes / 1024).toFixed(0)} KiB minified\n`);
  for (const [name, bytes] of rows)
    if (bytes >= 512) process.stdout.write(`${(bytes / 1024).toFixed(1).padStart(8)} KiB  ${name}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
