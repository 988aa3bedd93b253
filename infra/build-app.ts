import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { consoleDist, consoleSourceHash } from '../scripts/console/build';
import { fromRepoRoot } from './paths';
import { STAGE_NAME_PATTERN, type StageOverrides, stageConfig } from './stage-config';
import { stackName, UsersAndRolesStack } from './users-and-roles-stack';

export interface BuildOptions {
  /** Register cdk-nag (AwsSolutions) as a validation plugin: synth fails on any unacknowledged finding. @default true */
  readonly nag?: boolean;
  /** Build console/dist first when its sources changed (the stack deploys it). @default true */
  readonly buildConsole?: boolean;
}

/**
 * Adds the stack of the stage named by `-c stage=<name>` to `app` (context overrides: appUrl,
 * consoleCertificateArn, senderEmail, corsOrigins, logLevel), after building the console if its
 * sources changed. Shared by `infra/app.ts` (`cdk synth`/`deploy`) and the infra tests.
 */
export function buildApp(app: App, options: BuildOptions = {}): UsersAndRolesStack {
  const stage: unknown = app.node.tryGetContext('stage');
  if (typeof stage !== 'string' || stage.length === 0) {
    throw new Error('No stage given: pass `-c stage=<name>` (e.g. `npx cdk synth -c stage=dev`).');
  }
  if (!STAGE_NAME_PATTERN.test(stage)) {
    throw new Error(`Invalid stage "${stage}": must match ${STAGE_NAME_PATTERN} (lower case, starts with a letter).`);
  }
  const overrides: StageOverrides = {
    appUrl: stringContext(app, 'appUrl'),
    consoleCertificateArn: stringContext(app, 'consoleCertificateArn'),
    senderEmail: stringContext(app, 'senderEmail'),
    corsOrigins: stringContext(app, 'corsOrigins'),
    logLevel: stringContext(app, 'logLevel'),
  };
  const config = stageConfig(stage, overrides);
  if (options.buildConsole ?? true) ensureConsoleBuilt();

  const stack = new UsersAndRolesStack(app, stackName(stage), {
    config,
    description: `Users & Roles: team and access management (${stage})`,
    // Environment-agnostic unless the CLI knows the account/region: synth never needs AWS access.
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    terminationProtection: config.isProduction,
  });

  if (options.nag ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  }
  return stack;
}

function stringContext(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new Error(`Context ${key} must be a string.`);
  return value;
}

/**
 * Builds console/dist when it was not built from the current sources (scripts/console/build.ts keeps
 * their hash in dist/.source-hash). Synth is synchronous and the build (Vite) is not, so an outdated
 * build runs as a child process; an up-to-date one costs a hash of the sources (milliseconds).
 */
export function ensureConsoleBuilt(): void {
  const hashFile = path.join(consoleDist, '.source-hash');
  if (existsSync(hashFile) && readFileSync(hashFile, 'utf8') === consoleSourceHash()) return;
  execFileSync(process.execPath, ['--import', 'tsx', fromRepoRoot('scripts/console/build.ts')], {
    cwd: fromRepoRoot('.'),
    stdio: ['ignore', process.stderr, 'inherit'], // synth output stays on stdout alone
  });
}
