import { type IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { OutboxEvent } from '../../data/outbox';
import { present } from '../../domain/present';
import { renderInvitationEmail } from '../../email/invitation-email';
import type { Mailer } from '../../email/mailer';
import { unseal } from '../../security/sealing';
import type { OutboxEffect } from '../outbox-consumer';

/**
 * Sends the invitation email of an outbox event that carries one. Exactly once per event: Powertools
 * idempotency records the event id (in the main table) before the send and completes it after, so a
 * redelivered batch skips emails already sent, and a failed send is retried with the batch. An SES
 * failure is never swallowed: the record fails, Lambda retries it, and after the last retry it goes to
 * the stream consumer's DLQ.
 */
export function invitationMailer(input: {
  mailer: Mailer;
  appUrl: string;
  persistenceStore: BasePersistenceLayer;
  /** The consumer registers each invocation's Lambda context on it, so an in-progress record of a crashed
   * invocation expires with that invocation instead of blocking retries. */
  idempotencyConfig: IdempotencyConfig;
}): OutboxEffect {
  const sendOnce = makeIdempotent(
    async (event: OutboxEvent) => {
      const delivery = present(event.delivery, `delivery of outbox event ${event.eventId}`);
      const token = await unseal(delivery.sealedToken, event.eventId);
      await input.mailer.send(delivery.to, renderInvitationEmail(delivery, token, input.appUrl));
      return { sentTo: delivery.to };
    },
    { persistenceStore: input.persistenceStore, config: input.idempotencyConfig },
  );
  return {
    name: 'invitation-mailer',
    handles: (event) => event.delivery?.kind === 'invitation',
    apply: async (event) => {
      await sendOnce(event);
    },
  };
}
