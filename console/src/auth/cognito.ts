/**
 * The three Cognito user-pool calls the console needs, over Cognito's public JSON API (the same one the SDK
 * calls): sign in with USER_PASSWORD_AUTH, answer NEW_PASSWORD_REQUIRED, refresh. They need no AWS
 * credentials, and a fetch of a few lines keeps the sign-in view small (the SDK's Cognito client or Amplify
 * would add well over 100 KB to the bundle the sign-in view loads; see docs/PERFORMANCE.md). Works against
 * cognito-local and the deployed user pool alike: only the endpoint differs.
 */
import { config } from '../config';

export interface Tokens {
  readonly idToken: string;
  readonly refreshToken?: string;
}

export type SignInResult =
  | { readonly kind: 'signed-in'; readonly tokens: Tokens }
  | { readonly kind: 'new-password-required'; readonly session: string };

export class CognitoError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

interface AuthResponse {
  AuthenticationResult?: { IdToken: string; RefreshToken?: string };
  ChallengeName?: string;
  Session?: string;
}

async function call<T>(action: string, body: unknown): Promise<T> {
  const response = await fetch(config().cognito.endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `AWSCognitoIdentityProviderService.${action}`,
    },
    body: JSON.stringify(body),
  });
  const payload = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const type =
      String(payload.__type ?? payload.code ?? 'CognitoError')
        .split('#')
        .pop() ?? 'CognitoError';
    throw new CognitoError(
      type,
      String(payload.message ?? payload.Message ?? `Sign-in failed (HTTP ${response.status})`),
    );
  }
  return payload as T;
}

function toResult(response: AuthResponse): SignInResult {
  if (response.AuthenticationResult) {
    const { IdToken, RefreshToken } = response.AuthenticationResult;
    return { kind: 'signed-in', tokens: { idToken: IdToken, ...(RefreshToken ? { refreshToken: RefreshToken } : {}) } };
  }
  if (response.ChallengeName === 'NEW_PASSWORD_REQUIRED' && response.Session) {
    return { kind: 'new-password-required', session: response.Session };
  }
  throw new CognitoError(
    'UnsupportedChallenge',
    `This sign-in needs ${response.ChallengeName ?? 'a step'} the console does not support`,
  );
}

export async function initiatePasswordAuth(email: string, password: string): Promise<SignInResult> {
  return toResult(
    await call<AuthResponse>('InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: config().cognito.clientId,
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );
}

export async function respondNewPassword(email: string, session: string, newPassword: string): Promise<SignInResult> {
  return toResult(
    await call<AuthResponse>('RespondToAuthChallenge', {
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      ClientId: config().cognito.clientId,
      Session: session,
      ChallengeResponses: { USERNAME: email, NEW_PASSWORD: newPassword },
    }),
  );
}

export async function refreshTokens(refreshToken: string): Promise<Tokens> {
  const result = toResult(
    await call<AuthResponse>('InitiateAuth', {
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      ClientId: config().cognito.clientId,
      AuthParameters: { REFRESH_TOKEN: refreshToken },
    }),
  );
  if (result.kind !== 'signed-in') throw new CognitoError('RefreshFailed', 'The session could not be refreshed');
  return { idToken: result.tokens.idToken, refreshToken };
}

export async function revokeRefreshToken(refreshToken: string): Promise<void> {
  await call('RevokeToken', { Token: refreshToken, ClientId: config().cognito.clientId });
}
