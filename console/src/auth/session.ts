/**
 * The signed-in session. The ID token lives in memory only; the refresh token in sessionStorage (this tab,
 * gone when it closes), so that a reload keeps the admin signed in without a token in localStorage, where any
 * other tab or a later visitor of the same profile could read it. A token close to its expiry is refreshed
 * before a request uses it.
 */
import { useSyncExternalStore } from 'react';
import {
  initiatePasswordAuth,
  refreshTokens,
  respondNewPassword,
  revokeRefreshToken,
  type SignInResult,
  type Tokens,
} from './cognito';

const REFRESH_KEY = 'users-roles.refresh';
/** Refresh when fewer than this many ms remain. */
const REFRESH_MARGIN_MS = 60_000;

interface Session {
  readonly idToken: string;
  readonly email: string;
  readonly expiresAt: number;
}

let current: Session | undefined;
let restoring: Promise<void> | undefined;
const listeners = new Set<() => void>();

function claims(token: string): { email?: string; exp?: number } {
  const payload = token.split('.')[1] ?? '';
  const json = atob(payload.replaceAll('-', '+').replaceAll('_', '/'));
  return JSON.parse(json) as { email?: string; exp?: number };
}

function setTokens(tokens: Tokens | undefined): void {
  if (!tokens) {
    current = undefined;
    sessionStorage.removeItem(REFRESH_KEY);
  } else {
    const { email, exp } = claims(tokens.idToken);
    current = { idToken: tokens.idToken, email: email ?? '', expiresAt: (exp ?? 0) * 1000 };
    if (tokens.refreshToken) sessionStorage.setItem(REFRESH_KEY, tokens.refreshToken);
  }
  for (const listener of listeners) listener();
}

/** Signs in; a `new-password-required` result is answered with `completeNewPassword`. */
export async function signIn(email: string, password: string): Promise<SignInResult> {
  const result = await initiatePasswordAuth(email, password);
  if (result.kind === 'signed-in') setTokens(result.tokens);
  return result;
}

export async function completeNewPassword(email: string, session: string, newPassword: string): Promise<void> {
  const result = await respondNewPassword(email, session, newPassword);
  if (result.kind !== 'signed-in') throw new Error('Cognito asked for another step');
  setTokens(result.tokens);
}

export async function signOut(): Promise<void> {
  const refreshToken = sessionStorage.getItem(REFRESH_KEY);
  setTokens(undefined);
  if (refreshToken) await revokeRefreshToken(refreshToken).catch(() => undefined);
}

/** Restores the session of this tab after a reload, from its refresh token. */
export function restoreSession(): Promise<void> {
  restoring ??= (async () => {
    const refreshToken = sessionStorage.getItem(REFRESH_KEY);
    if (!current && refreshToken) {
      try {
        setTokens(await refreshTokens(refreshToken));
      } catch {
        setTokens(undefined);
      }
    }
  })();
  return restoring;
}

/** The ID token for the next API call, refreshed first when it is about to expire. */
export async function idToken(): Promise<string | undefined> {
  if (current && current.expiresAt - Date.now() < REFRESH_MARGIN_MS) {
    const refreshToken = sessionStorage.getItem(REFRESH_KEY);
    setTokens(refreshToken ? await refreshTokens(refreshToken).catch(() => undefined) : undefined);
  }
  return current?.idToken;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The signed-in user's email, or undefined when signed out; re-renders on sign-in and sign-out. */
export function useSignedInEmail(): string | undefined {
  return useSyncExternalStore(subscribe, () => current?.email);
}
