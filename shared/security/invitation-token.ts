import { createHash, randomBytes } from 'node:crypto';

/** 32 bytes (256 bits) from the CSPRNG: twice the 128 bits SPEC §3 asks for. */
const TOKEN_BYTES = 32;

/** SHA-256 of a token, base64url: the only form in which a token is stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** A new invitation token (base64url, 43 characters, for the link) and its hash (for the database). */
export function newInvitationToken(): { token: string; tokenHash: string } {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  return { token, tokenHash: hashToken(token) };
}

/** Cheap shape check before any database read: a token is exactly 43 base64url characters. */
export function looksLikeToken(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}
