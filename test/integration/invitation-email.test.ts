import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { type Mailer, sesMailer } from '../../shared/email/mailer';
import { invitationMailer } from '../../shared/outbox/effects/invitation-mailer';
import { lookupInvitation } from '../../shared/services/invitation-service';
import { createTenant } from '../../shared/services/tenant-service';
import { capturing, deps, meta, platformAdmin, uniqueEmail } from '../support/fixtures';
import { mailbox } from '../support/local-stack';

/** A mailer whose first `failures` sends fail the way SES throttling does, then the real one. */
function flaky(real: Mailer, failures: number): Mailer & { attempts: number } {
  const mailer = {
    attempts: 0,
    async send(to: string, email: Parameters<Mailer['send']>[1]) {
      mailer.attempts++;
      if (mailer.attempts <= failures)
        throw Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException' });
      await real.send(to, email);
    },
  };
  return mailer;
}

describe('invitation email through the outbox (SES emulator, DynamoDB Local)', () => {
  it('SES failing twice then succeeding sends exactly one email, and the invitation stays intact', async () => {
    const { deps: d, events } = capturing();
    const ownerEmail = uniqueEmail('flaky');
    const { invitation } = await createTenant(
      d,
      platformAdmin,
      { name: 'Flaky SES', ownerEmail, seatLimit: 3 },
      meta(),
    );
    const event = events.find((e) => e.delivery)!;

    const mailer = flaky(sesMailer('no-reply@example.com'), 2);
    // A separate idempotency scope, so the stack's own consumer (which also sends this event) doesn't interfere.
    const effect = invitationMailer({
      mailer,
      appUrl: 'https://app.example.com',
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: d.tableName,
        keyAttr: 'PK',
        sortKeyAttr: 'SK',
        staticPkValue: `IDEMPOTENCY#test-${ulid()}`,
        expiryAttr: 'ttl',
      }),
      idempotencyConfig: new IdempotencyConfig({ eventKeyJmesPath: 'eventId', expiresAfterSeconds: 3600 }),
    });
    const since = Math.floor(Date.now() / 1000) - 1;
    // Each failure fails the record; Lambda redelivers it; then a later batch redelivers it once more.
    await expect(effect.apply(event)).rejects.toThrow('Maximum sending rate exceeded');
    await expect(effect.apply(event)).rejects.toThrow('Maximum sending rate exceeded');
    await effect.apply(event);
    await effect.apply(event);
    expect(mailer.attempts).toBe(3);

    const sent = (await mailbox({ to: ownerEmail, since })).filter((m) =>
      m.body.text?.includes('https://app.example.com/accept-invite'),
    );
    expect(sent).toHaveLength(1);
    const token = /token=([A-Za-z0-9_-]+)/.exec(sent[0]!.body.text!)![1]!;
    expect((await lookupInvitation(deps(), token)).invitationId).toBe(invitation.invitationId);
  });
});
