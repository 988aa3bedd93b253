import { createHash } from 'node:crypto';
import { encodeTime } from 'ulidx';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The id of the notification an outbox event gives one recipient: ULID-shaped, its time part the event's
 * time (so ids sort as notifications happened) and its 80 "random" bits the first 80 bits of
 * SHA-256(eventId, recipient). The same event delivered again yields the same id, so writing the
 * notification is a conditional put that succeeds once.
 */
export function notificationIdOf(eventId: string, recipientUserId: string, occurredAt: string): string {
  const digest = createHash('sha256').update(eventId).update('\u0000').update(recipientUserId).digest();
  let bits = 0n;
  for (const byte of digest.subarray(0, 10)) bits = (bits << 8n) | BigInt(byte);
  let suffix = '';
  for (let i = 0; i < 16; i++) {
    suffix = CROCKFORD[Number(bits & 31n)] + suffix;
    bits >>= 5n;
  }
  return `${encodeTime(Date.parse(occurredAt), 10)}${suffix}`;
}
