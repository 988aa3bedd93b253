import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * Authenticated encryption (AES-256-GCM) for the one secret that must travel through the outbox: the
 * invitation token the mailer puts in the link. The database and the stream only ever see the sealed
 * form; the invitation itself stores only the token's SHA-256.
 *
 * The key is the SHA-256 of a per-stage secret: from Secrets Manager in AWS (`OUTBOX_SEALING_SECRET_ARN`,
 * read once per cold start), or `OUTBOX_SEALING_KEY` locally, where the stack generates one.
 */
const VERSION = 'v1';

let keyPromise: Promise<Buffer> | undefined;

async function loadKey(): Promise<Buffer> {
  const local = process.env.OUTBOX_SEALING_KEY;
  if (local) return createHash('sha256').update(local).digest();
  const secretArn = process.env.OUTBOX_SEALING_SECRET_ARN;
  if (!secretArn) throw new Error('neither OUTBOX_SEALING_KEY nor OUTBOX_SEALING_SECRET_ARN is set');
  const secret = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretArn }));
  if (!secret.SecretString) throw new Error('the outbox sealing secret is empty');
  return createHash('sha256').update(secret.SecretString).digest();
}

function sealingKey(): Promise<Buffer> {
  keyPromise ??= loadKey().catch((error) => {
    keyPromise = undefined; // retry on the next call rather than caching a failure
    throw error;
  });
  return keyPromise;
}

/** `v1.<iv>.<ciphertext>.<tag>`, base64url parts; `context` (e.g. the event id) is bound as associated data. */
export async function seal(plaintext: string, context: string): Promise<string> {
  const key = await sealingKey();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv, ciphertext, cipher.getAuthTag()]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

export async function unseal(sealed: string, context: string): Promise<string> {
  const [version, iv, ciphertext, tag] = sealed.split('.');
  if (version !== VERSION || !iv || !ciphertext || !tag) throw new Error('not a sealed value');
  const decipher = createDecipheriv('aes-256-gcm', await sealingKey(), Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}

export function resetSealingKeyForTests(): void {
  keyPromise = undefined;
}
