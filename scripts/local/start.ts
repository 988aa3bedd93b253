/**
 * `npm start`: the whole service on this machine, state kept under `.local/` (wipe it with `npm run reset`).
 * Ports: API_PORT (3001), DYNAMODB_PORT (8000), COGNITO_PORT (9229), SES_PORT (8005), S3_PORT (4568).
 */
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultDataDir, type LocalStack, type StackInfo, startLocalStack } from './stack';

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A line to paste into bash: sign in at cognito-local, then call GET /v1/me with the ID token. */
export function curlLine(info: StackInfo, credentials: { email: string; password: string }): string {
  const initiateAuth = JSON.stringify({
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: info.cognito.clientId,
    AuthParameters: { USERNAME: credentials.email, PASSWORD: credentials.password },
  });
  const extract = `let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).AuthenticationResult.IdToken))`;
  return [
    `TOKEN=$(curl -s ${info.cognito.endpoint}/`,
    `-H 'Content-Type: application/x-amz-json-1.1'`,
    `-H 'X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth'`,
    `-d ${shellQuote(initiateAuth)}`,
    `| node -e ${shellQuote(extract)})`,
    `&& curl -s ${info.apiUrl}/v1/me -H "Authorization: Bearer $TOKEN"; echo`,
  ].join(' ');
}

function banner(info: StackInfo, stackFile: string, startupMs: number): string {
  const lines = [
    '',
    `Users & Roles local stack is up (${(startupMs / 1000).toFixed(1)} s).`,
    '',
    `  Console          ${info.consoleUrl}`,
    `  API              ${info.apiUrl}   (OpenAPI: ${info.apiUrl}/v1/openapi.json)`,
    `  Mailbox (SES)    ${info.mailbox.url}`,
    `  Cognito          ${info.cognito.endpoint}   pool ${info.cognito.userPoolId}, client ${info.cognito.clientId}`,
    `  S3               ${info.s3.endpoint}   bucket ${info.s3.bucket}`,
    `  Stack file       ${relative(process.cwd(), stackFile) || stackFile}`,
  ];
  if (info.seed) {
    lines.push(
      '',
      `  Demo tenant      ${info.seed.tenantId}`,
      `  Owner            ${info.seed.owner.email} / ${info.seed.owner.password}`,
      `  Platform admin   ${info.seed.platformAdmin.email} / ${info.seed.platformAdmin.password}`,
      '',
      `Open ${info.consoleUrl} and sign in as the owner, or call GET /v1/me from a shell:`,
      '',
      curlLine(info, info.seed.owner),
    );
  } else {
    lines.push('', '  (not seeded: scripts/local/seed.ts is missing)');
  }
  lines.push(
    '',
    'Run one scheduled job now: npm run job:purge. Stop with Ctrl-C; wipe all local data with npm run reset.',
    '',
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  let stack: LocalStack | undefined;
  let stoppingSince: number | undefined;

  const stopAndExit = (code: number) => {
    (stack ? stack.stop() : Promise.resolve())
      .then(() => process.exit(code))
      .catch((error: unknown) => {
        process.stderr.write(`stop failed: ${(error as Error).message}\n`);
        process.exit(1);
      });
  };
  // Registered before starting, so that Ctrl-C during startup also stops what has started so far.
  const shutdown = (signal: string) => {
    if (stoppingSince !== undefined) {
      // npm and tsx relay the terminal's Ctrl-C, so one keypress can arrive twice: only a later one forces.
      if (Date.now() - stoppingSince < 1000) return;
      process.stderr.write('Forced exit.\n');
      process.exit(130); // each emulator's exit hook still kills its process group
    }
    stoppingSince = Date.now();
    process.stdout.write(`\n${signal}: stopping the local stack...\n`);
    // While starting, startLocalStack is still running: stop once it has returned (see below).
    if (stack) stopAndExit(0);
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGHUP', () => shutdown('SIGHUP'));
  // A handler's stray promise must not take the whole stack down.
  process.on('unhandledRejection', (reason) => {
    process.stderr.write(
      `${JSON.stringify({ level: 'error', msg: 'unhandled rejection', error: String((reason as Error)?.stack ?? reason) })}\n`,
    );
  });

  try {
    stack = await startLocalStack({ persistence: { dir: defaultDataDir }, ports: 'fixed', seed: true });
  } catch (error) {
    process.stderr.write(`\nThe local stack did not start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  if (stoppingSince !== undefined) {
    stopAndExit(130);
    return;
  }
  process.stdout.write(`${banner(stack.info, stack.stackFile, performance.now() - started)}\n`);
}

const isEntryPoint = process.argv[1] !== undefined && pathToFileURL(resolve(process.argv[1])).href === import.meta.url;
if (isEntryPoint) await main();
