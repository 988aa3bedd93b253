import { gzipSync } from 'node:zlib';
import { Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import {
  type BundlingOptions,
  LogLevel,
  NodejsFunction,
  OutputFormat,
  SourceMapMode,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { buildOpenApiDocument } from '../../shared/http/openapi';
import { fallbackRoute, routeList } from '../../shared/http/routes';
import * as metaRoutes from '../../shared/http/routes/meta';
import { acknowledge } from '../nag';
import { fromRepoRoot } from '../paths';
import type { StageConfig } from '../stage-config';

/**
 * ESM bundles have no `require`; some CommonJS dependencies bundled by esbuild still call it
 * (e.g. for Node built-ins). An aliased import avoids clashing with a bundled `createRequire`.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __topLevelCreateRequire } from 'node:module'; const require = __topLevelCreateRequire(import.meta.url);";

/**
 * How every function is bundled (STYLE 9): one minified ESM file per entry for Node 22, tree-shaken,
 * AWS SDK v3 bundled, source map next to it. Exported so that `npm run bench` builds exactly the
 * bundles CDK deploys (bench/bundles.ts maps these to esbuild options as aws-lambda-nodejs does).
 */
export const LAMBDA_BUNDLING = {
  format: OutputFormat.ESM,
  target: 'node22',
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  minify: true,
  sourceMap: true,
  sourceMapMode: SourceMapMode.DEFAULT, // index.mjs.map next to the bundle, linked by a comment
  sourcesContent: false,
  bundleAwsSDK: true,
  externalModules: [],
} satisfies BundlingOptions;

/**
 * esbuild passes a `define` as one command-line argument, which Linux caps at 128 KiB (MAX_ARG_STRLEN).
 * The OpenAPI document is about 110 KB of JSON, so it travels gzipped and base64-encoded (about 12 KB,
 * unpacked at init in well under a millisecond); should even that outgrow the limit, synth fails here
 * with the way out instead of with E2BIG.
 */
const MAX_DEFINE_BYTES = 120 * 1024;

let openApiDefine: string | undefined;
/** The OpenAPI document as a JS string literal: base64 of the gzipped JSON. */
function openApiDocumentLiteral(): string {
  openApiDefine ??= JSON.stringify(gzipSync(JSON.stringify(buildOpenApiDocument()), { level: 9 }).toString('base64'));
  if (Buffer.byteLength(openApiDefine) > MAX_DEFINE_BYTES) {
    throw new Error(
      `The OpenAPI document (${Buffer.byteLength(openApiDefine)} bytes gzipped, as a literal) no longer fits an esbuild --define argument; ` +
        'ship it as a file next to the bundle instead (commandHooks.afterBundling) and read it at init.',
    );
  }
  return openApiDefine;
}

/** The route table's methods and paths as a JS string literal of their JSON (about 2 KB). */
const routeKeysLiteral = () =>
  JSON.stringify(JSON.stringify(routeList.map((route) => ({ method: route.method, path: route.path }))));

/**
 * Build-time constants (esbuild `define`) by entry file. `getOpenApi` serves the document generated
 * here, at synth, from the route table (STYLE 3): its bundle carries it (gzipped) and neither
 * zod-openapi nor the route schemas. The `$default` fallback carries the table's methods and paths, to
 * answer a known path asked with another method with 405 and `Allow`, without the route modules.
 * Run unbundled (local server, tests), both handlers read the table themselves.
 */
const BUILD_TIME_DEFINES: Readonly<Record<string, () => Record<string, string>>> = {
  [metaRoutes.getOpenApi.handler]: () => ({ __OPENAPI_DOCUMENT_GZIP__: openApiDocumentLiteral() }),
  [fallbackRoute.handler]: () => ({ __ROUTE_KEYS_JSON__: routeKeysLiteral() }),
};

/**
 * The bundling of one entry: `LAMBDA_BUNDLING` plus the entry's build-time constants, if any. The one
 * definition for CDK (`ServiceFunction`) and the bench (bench/bundles.ts).
 */
export function functionBundling(entry: string): typeof LAMBDA_BUNDLING & Pick<BundlingOptions, 'define'> {
  const define = BUILD_TIME_DEFINES[entry]?.();
  return define ? { ...LAMBDA_BUNDLING, define } : LAMBDA_BUNDLING;
}

export interface ServiceFunctionProps {
  /** Entry file relative to the repository root, as written in the route table or job list. */
  readonly entry: string;
  readonly config: StageConfig;
  /** Environment read by `shared/config.ts`; the Powertools and Node variables are added here. */
  readonly environment: Readonly<Record<string, string>>;
  readonly description?: string;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default 10 seconds (API Gateway waits at most 30) */
  readonly timeout?: Duration;
}

/**
 * Our Lambda defaults (STYLE 9): Node 22 on arm64, one ESM bundle per entry (minified, tree-shaken,
 * AWS SDK v3 bundled, source maps), JSON logs into an explicit log group with the stage's retention,
 * and a dedicated role that can write only to that log group. Everything else is granted explicitly
 * through `applyGrants`: no AWS managed policy is attached.
 *
 * The role and the log group are siblings of the function (`<id>Role`, `<id>Logs`) because they
 * must exist before `super()`.
 */
export class ServiceFunction extends NodejsFunction {
  /** The execution role (never undefined, unlike `role`). */
  readonly serviceRole: Role;
  /** The function's log group (typed; `logGroup` on the base class is an `ILogGroup`). */
  readonly serviceLogGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    const { config } = props;
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id} (${config.stage})`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry: fromRepoRoot(props.entry),
      handler: 'handler',
      projectRoot: fromRepoRoot('.'),
      depsLockFilePath: fromRepoRoot('package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      description: props.description,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel[config.logLevel],
      systemLogLevelV2: SystemLogLevel.INFO,
      tracing: config.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: 'users-and-roles',
        POWERTOOLS_METRICS_NAMESPACE: 'UsersAndRoles',
        POWERTOOLS_LOG_LEVEL: config.logLevel,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        ...functionBundling(props.entry),
        tsconfig: fromRepoRoot('tsconfig.json'),
        forceDockerBundling: false,
        // esbuild's size table for every function drowned synth and test output; warnings and errors still show.
        logLevel: LogLevel.WARNING,
      },
    });
    this.serviceRole = role;
    this.serviceLogGroup = logGroup;

    acknowledge(
      this,
      'AwsSolutions-L1',
      'Pinned to nodejs22.x on purpose: bundles target node22 and the project supports Node 20/22 locally; ' +
        'the move to nodejs24.x is a deliberate upgrade, not a side effect of a CDK bump.',
    );
    if (config.tracing) {
      acknowledge(
        role,
        'AwsSolutions-IAM5[Resource::*]',
        'xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions.',
      );
    }
  }
}
