import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app';
import { ESM_REQUIRE_BANNER } from '../../infra/constructs/service-function';
import type { UsersAndRolesStack } from '../../infra/users-and-roles-stack';
import { buildOpenApiDocument } from '../../shared/http/openapi';
import { routeList } from '../../shared/http/routes';
import { scheduledJobs, streamConsumers } from '../../shared/jobs/schedules';
import { httpEvent } from '../support/http-event';
import { cdkJsonContext } from './synth';

/**
 * The one real synth: bundles every function with the local esbuild (no Docker), with cdk-nag
 * registered as a validation plugin exactly as `infra/app.ts` does, so synth fails on any finding.
 */
describe('bundled synth of the dev stage', () => {
  let outdir: string;
  let bundles: { dir: string; code: string }[];
  let stack: UsersAndRolesStack;

  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'users-and-roles-cdk-'));
    const app = new App({ outdir, context: { ...cdkJsonContext(), stage: 'dev' } });
    stack = buildApp(app); // nag plugin on
    app.synth();
    bundles = readdirSync(outdir)
      .filter((entry) => entry.startsWith('asset.') && existsSync(path.join(outdir, entry, 'index.mjs')))
      .map((dir) => ({ dir, code: readFileSync(path.join(outdir, dir, 'index.mjs'), 'utf8') }));
  }, 300_000); // ~65 esbuild bundles plus the console deployment assets; 2-core CI machines under load need it

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

  it("a route's bundle constructs the schemas its route names, not its neighbours' (figure 1)", () => {
    const codeOf = (operationId: string) => {
      const fn = stack.api.routeFunctions.get(operationId)!;
      const { s3Key } = stack.resolve((fn.node.defaultChild as CfnFunction).code) as { s3Key: string };
      return bundles.find((b) => b.dir === `asset.${s3Key.replace(/\.zip$/, '')}`)!.code;
    };
    // getMember validates its path (ULIDs) and names the Member response; the members module's other
    // routes' schemas (PATCH body, transfer body, member bots page) are dropped by esbuild.
    const getMember = codeOf('getMember');
    expect(getMember).toContain('must be a ULID');
    expect(getMember).toContain('"Member"');
    for (const id of ['UpdateMemberRequest', 'TransferOwnershipRequest', 'MemberBot'])
      expect(getMember, id).not.toContain(`"${id}"`);
    // ...and the module's PATCH route keeps its own body.
    expect(codeOf('updateMember')).toContain('"UpdateMemberRequest"');
  });

  it('getOpenApi serves the document generated at synth, and its bundle builds none of it', async () => {
    const fn = stack.api.routeFunctions.get('getOpenApi')!;
    const { s3Key } = stack.resolve((fn.node.defaultChild as CfnFunction).code) as { s3Key: string };
    const dir = `asset.${s3Key.replace(/\.zip$/, '')}`;
    const bundle = bundles.find((b) => b.dir === dir);
    expect(bundle, dir).toBeDefined();
    // No zod-openapi (its error messages) and no route schema (a message of the ULID schema) in the bundle.
    expect(bundle!.code).not.toContain('Failed to unwrap ZodObject');
    expect(bundle!.code).not.toContain('must be a ULID');

    // The bundle as Lambda runs it: a fresh Node process, the function's handler, an API Gateway event.
    const runner = path.join(outdir, 'invoke-get-openapi.mjs');
    writeFileSync(
      runner,
      `const { handler } = await import(process.argv[2]);
const context = { functionName: 'getOpenApi', awsRequestId: 'test', getRemainingTimeInMillis: () => 10_000 };
process.stdout.write(JSON.stringify(await handler(JSON.parse(process.argv[3]), context)));`,
    );
    const event = httpEvent({ method: 'GET', path: '/v1/openapi.json' });
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [runner, path.join(outdir, dir, 'index.mjs'), JSON.stringify(event)],
      {
        env: {
          PATH: process.env.PATH,
          AWS_REGION: 'us-east-1',
          TABLE_NAME: 'Main',
          AUDIT_TABLE_NAME: 'Audit',
          USER_POOL_ID: 'us-east-1_x',
          USER_POOL_CLIENT_ID: 'x',
          POWERTOOLS_LOG_LEVEL: 'ERROR',
        },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const result = JSON.parse(stdout) as { statusCode: number; headers: Record<string, string>; body: string };
    expect(result.statusCode).toBe(200);
    expect(result.headers['content-type']).toBe('application/json');
    expect(JSON.parse(result.body)).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
  });

  it('the $default fallback answers a known path with another method 405 + Allow from the table defined at synth, without the route schemas', async () => {
    const { s3Key } = stack.resolve((stack.api.notFoundFunction.node.defaultChild as CfnFunction).code) as {
      s3Key: string;
    };
    const dir = `asset.${s3Key.replace(/\.zip$/, '')}`;
    const bundle = bundles.find((b) => b.dir === dir);
    expect(bundle, dir).toBeDefined();
    expect(bundle!.code).not.toContain('must be a ULID');
    const runner = path.join(outdir, 'invoke-not-found.mjs');
    writeFileSync(
      runner,
      `const { handler } = await import(process.argv[2]);
const context = { functionName: 'notFound', awsRequestId: 'test', getRemainingTimeInMillis: () => 10_000 };
const results = [];
for (const event of JSON.parse(process.argv[3])) results.push(await handler(event, context));
process.stdout.write(JSON.stringify(results));`,
    );
    const events = [
      httpEvent({ method: 'DELETE', path: '/v1/openapi.json', routeKey: '$default' }),
      httpEvent({ method: 'PUT', path: '/v1/tenants/01JD2Q3V4W5X6Y7Z8A9B0C1D2E/roles/viewer', routeKey: '$default' }),
      httpEvent({ method: 'GET', path: '/v1/nope', routeKey: '$default' }),
    ];
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [runner, path.join(outdir, dir, 'index.mjs'), JSON.stringify(events)],
      {
        env: {
          PATH: process.env.PATH,
          AWS_REGION: 'us-east-1',
          TABLE_NAME: 'Main',
          AUDIT_TABLE_NAME: 'Audit',
          USER_POOL_ID: 'us-east-1_x',
          USER_POOL_CLIENT_ID: 'x',
          POWERTOOLS_LOG_LEVEL: 'ERROR',
        },
      },
    );
    const results = JSON.parse(stdout) as { statusCode: number; headers: Record<string, string>; body: string }[];
    expect(results.map((r) => [r.statusCode, r.headers.allow, JSON.parse(r.body).code])).toEqual([
      [405, 'GET', 'method_not_allowed'],
      [405, 'GET, PATCH, DELETE', 'method_not_allowed'],
      [404, undefined, 'route_not_found'],
    ]);
    expect(results[0]!.headers['content-type']).toBe('application/problem+json');
  });
});
