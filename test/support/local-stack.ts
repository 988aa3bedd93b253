import { readFileSync } from 'node:fs';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { StackInfo } from '../../scripts/local/stack';

/**
 * Helpers for integration and e2e tests that talk to the running local stack as a client would.
 * `npm test` starts the stack and sets LOCAL_STACK_FILE to its stack.json (SPEC §6); to run tests against
 * a stack started with `npm start`, set LOCAL_STACK_FILE=.local/stack.json yourself.
 * The helpers take endpoints from stack.json, not from the AWS_* environment.
 */

let cached: { file: string; info: StackInfo } | undefined;

export function stackFile(): string {
  const file = process.env.LOCAL_STACK_FILE;
  if (!file) {
    throw new Error(
      'LOCAL_STACK_FILE is not set: run the tests with `npm test`, or point it at .local/stack.json of `npm start`',
    );
  }
  return file;
}

/** The stack.json of the stack under test. */
export function stackInfo(): StackInfo {
  const file = stackFile();
  if (cached?.file !== file) cached = { file, info: JSON.parse(readFileSync(file, 'utf8')) as StackInfo };
  return cached.info;
}

/** The seeded demo tenant and its credentials (fails when the stack was started without seeding). */
export function seed(): NonNullable<StackInfo['seed']> {
  const { seed } = stackInfo();
  if (!seed) throw new Error('the local stack was not seeded');
  return seed;
}

let cognitoClient: { endpoint: string; client: CognitoIdentityProviderClient } | undefined;

function cognito(): CognitoIdentityProviderClient {
  const info = stackInfo();
  if (cognitoClient?.endpoint !== info.cognito.endpoint) {
    cognitoClient = {
      endpoint: info.cognito.endpoint,
      client: new CognitoIdentityProviderClient({
        endpoint: info.cognito.endpoint,
        region: info.region,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    };
  }
  return cognitoClient.client;
}

export interface Tokens {
  readonly idToken: string;
  readonly accessToken: string;
  readonly refreshToken: string;
}

/** InitiateAuth USER_PASSWORD_AUTH against cognito-local, exactly as a client app does (no SDK, no credentials). */
export async function signIn(email: string, password: string): Promise<Tokens> {
  const info = stackInfo();
  const response = await fetch(`${info.cognito.endpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth',
    },
    body: JSON.stringify({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: info.cognito.clientId,
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  });
  const body = (await response.json()) as {
    AuthenticationResult?: { IdToken?: string; AccessToken?: string; RefreshToken?: string };
    __type?: string;
    message?: string;
  };
  const result = body.AuthenticationResult;
  if (!(response.ok && result?.IdToken && result.AccessToken && result.RefreshToken)) {
    throw new Error(`sign-in of ${email} failed: ${response.status} ${body.__type ?? ''} ${body.message ?? ''}`.trim());
  }
  return { idToken: result.IdToken, accessToken: result.AccessToken, refreshToken: result.RefreshToken };
}

/**
 * A confirmed Cognito identity with a permanent password and a verified email (AdminCreateUser with the
 * welcome message suppressed, AdminSetUserPassword, AdminAddUserToGroup per group). Returns its `sub`.
 */
export async function createIdentity(
  email: string,
  password: string,
  options: { groups?: readonly string[] } = {},
): Promise<{ userId: string; email: string }> {
  const { userPoolId } = stackInfo().cognito;
  const client = cognito();
  const created = await client.send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: email,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'email_verified', Value: 'true' },
      ],
    }),
  );
  await client.send(
    new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: email, Password: password, Permanent: true }),
  );
  for (const group of options.groups ?? []) {
    await client.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: email, GroupName: group }));
  }
  const userId = created.User?.Attributes?.find((attribute) => attribute.Name === 'sub')?.Value;
  if (!userId) throw new Error(`cognito-local returned no sub for ${email}`);
  return { userId, email };
}

export interface ApiResponse<T = unknown> {
  readonly status: number;
  /** Lower-case header names. */
  readonly headers: Record<string, string>;
  /** Parsed JSON for JSON and problem+json responses, the text otherwise, undefined when empty. */
  readonly body: T;
}

/** A request to the local API, like any HTTP client: `token` becomes `Authorization: Bearer <token>`. */
export async function api<T = any>(
  path: string,
  options: {
    method?: string;
    token?: string;
    /** Objects are sent as JSON; strings and buffers as they are. */
    body?: unknown;
    headers?: Record<string, string>;
  } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | Uint8Array | undefined;
  if (typeof options.body === 'string' || options.body instanceof Uint8Array) {
    body = options.body;
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${stackInfo().apiUrl}${path}`, { method: options.method ?? 'GET', headers, body });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  const parsed = text === '' ? undefined : /[/+]json\b/.test(contentType) ? (JSON.parse(text) as unknown) : text;
  return { status: response.status, headers: Object.fromEntries(response.headers), body: parsed as T };
}

/** An email as the SES emulator stores it. */
export interface MailboxEmail {
  readonly messageId: string;
  readonly from: string;
  readonly replyTo: string[];
  readonly destination: { to: string[]; cc: string[]; bcc: string[] };
  readonly subject: string;
  readonly body: { html?: string; text?: string };
  /** Epoch seconds. */
  readonly at: number;
}

/** Emails sent through SES so far, optionally only those to `to` (case-insensitive) and/or since `since` (epoch s). */
export async function mailbox(filter: { to?: string; since?: number } = {}): Promise<MailboxEmail[]> {
  const url = new URL(stackInfo().mailbox.url);
  if (filter.since !== undefined) url.searchParams.set('since', String(Math.floor(filter.since)));
  const response = await fetch(url);
  if (!response.ok) throw new Error(`mailbox answered ${response.status}`);
  const { emails } = (await response.json()) as { emails: MailboxEmail[] };
  if (!filter.to) return emails;
  const to = filter.to.toLowerCase();
  return emails.filter((email) =>
    [...email.destination.to, ...email.destination.cc, ...email.destination.bcc].some((address) =>
      address.toLowerCase().includes(to),
    ),
  );
}

/**
 * Waits until the stream consumer of the stack has processed every record written to the main table so
 * far (and whatever it wrote itself meanwhile), through the local-only `POST /__local/drain`. Use it
 * instead of sleeping before asserting audit entries or emails.
 */
export async function drainStream(): Promise<{ processed: number }> {
  const response = await fetch(`${stackInfo().apiUrl}/__local/drain`, { method: 'POST' });
  const body = (await response.json()) as { processed?: number; message?: string };
  if (!response.ok) throw new Error(`drain failed: ${response.status} ${body.message ?? ''}`);
  return { processed: body.processed ?? 0 };
}

/**
 * Runs a scheduled job (e.g. `purge`) once in the stack, through the local-only `POST /__local/jobs/{name}`;
 * `detail` becomes the scheduled event's detail (EventBridge sends `{}`).
 */
export async function runJob(name: string, detail?: Record<string, unknown>): Promise<unknown> {
  const response = await fetch(`${stackInfo().apiUrl}/__local/jobs/${encodeURIComponent(name)}`, {
    method: 'POST',
    ...(detail ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(detail) } : {}),
  });
  const body = (await response.json()) as { result?: unknown; message?: string };
  if (!response.ok) throw new Error(`job ${name} failed: ${response.status} ${body.message ?? ''}`);
  return body.result;
}

/**
 * Takes the stack's SES down (`down: true`) or brings it back, for emails to recipients whose address contains
 * `recipientsContaining` (keep it unique to the test: other test files share the stack), through the local-only
 * `POST /__local/faults/ses`. While down, SendEmail answers 503, as in an SES outage.
 */
export async function sesFault(fault: { down: boolean; recipientsContaining: string }): Promise<void> {
  const response = await fetch(`${stackInfo().apiUrl}/__local/faults/ses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
  if (!response.ok) throw new Error(`SES fault not set: ${response.status} ${await response.text()}`);
}
