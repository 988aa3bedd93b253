import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app';
import { ESM_REQUIRE_BANNER } from '../../infra/constructs/service-function';
import { routeList } from '../../shared/http/routes';
import { scheduledJobs, streamConsumers } from '../../shared/jobs/schedules';
import { cdkJsonContext } from './synth';

/**
 * The one real synth: bundles every function with the local esbuild (no Docker), with cdk-nag
 * registered as a validation plugin exactly as `infra/app.ts` does, so synth fails on any finding.
 */
describe('bundled synth of the dev stage', () => {
  let outdir: string;
  let bundles: { dir: string; code: string }[];

  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'users-and-roles-cdk-'));
    const app = new App({ outdir, context: { ...cdkJsonContext(), stage: 'dev' } });
    buildApp(app); // nag plugin on
    app.synth();
    bundles = readdirSync(outdir)
      .filter((entry) => entry.startsWith('asset.') && existsSync(path.join(outdir, entry, 'index.mjs')))
      .map((dir) => ({ dir, code: readFileSync(path.join(outdir, dir, 'index.mjs'), 'utf8') }));
  }, 180_000);

  afterAll(() => {
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  it('produces one ESM bundle per function', () => {
    expect(bundles).toHaveLength(routeList.length + 1 + streamConsumers.length + scheduledJobs.length);
  });

  it('bundles start with the createRequire banner, are minified, and ship a source map', () => {
    for (const { dir, code } of bundles) {
      expect(code.startsWith(ESM_REQUIRE_BANNER), dir).toBe(true);
      expect(code, dir).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}|export\s+(async\s+)?function\s+handler|as handler/);
      expect(code, dir).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
      expect(existsSync(path.join(outdir, dir, 'index.mjs.map')), dir).toBe(true);
      // The SDK is bundled: no bare imports of @aws-sdk/* left for the runtime to resolve.
      expect(code, dir).not.toMatch(/from\s*["']@aws-sdk\//);
    }
  });

  it('reports no cdk-nag violation in the cloud assembly', () => {
    const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: unknown[];
    };
    expect(report.pluginReports).toEqual([]);
  });
});
