import { type IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { RenderedEmail } from '../../email/invitation-email';
import type { Mailer } from '../../email/mailer';
import { renderNotificationEmail } from '../../email/notification-email';
import { notifyingActions, planNotifications, recordNotification } from '../../services/notification-service';
import type { ServiceDeps } from '../../services/service-deps';
import type { OutboxEffect } from '../outbox-consumer';

/** One email of one event to one recipient; `key` (event id + recipient) is its idempotency key. */
interface EmailJob {
  readonly key: string;
  readonly to: string;
  readonly email: RenderedEmail;
}

/**
 * Notifications of outbox events (SPEC §9): a new access request to its bot's approvers, a decision to its
 * requester, an accepted or declined invitation to its inviter. For each recipient, an in-app notification
 * (a conditional put of an id derived from the event and the recipient: written once) and an email, sent at
 * most once per event and recipient (Powertools idempotency keyed `<eventId>#<userId>`, as invitation-mailer
 * does per event). A failure fails the record, which is retried with its batch: what was done is skipped, the
 * rest is done; after the last retry the record goes to the consumer's DLQ and the redrive job.
 */
export function notifier(input: {
  deps: ServiceDeps;
  mailer: Mailer;
  appUrl: string;
  persistenceStore: BasePersistenceLayer;
  /** Keyed on `key` (eventKeyJmesPath); the consumer registers each invocation's Lambda context on it. */
  idempotencyConfig: IdempotencyConfig;
}): OutboxEffect {
  const sendOnce = makeIdempotent(
    async (job: EmailJob) => {
      await input.mailer.send(job.to, job.email);
      return { sentTo: job.to };
    },
    { persistenceStore: input.persistenceStore, config: input.idempotencyConfig },
  );
  return {
    name: 'notifier',
    handles: (event) => notifyingActions.includes(event.action),
    apply: async (event) => {
      const plan = await planNotifications(input.deps, event);
      if (!plan) return;
      const email = renderNotificationEmail(plan, input.appUrl);
      for (const recipient of plan.recipients) {
        await recordNotification(input.deps, plan, recipient);
        await sendOnce({ key: `${event.eventId}#${recipient.userId}`, to: recipient.email, email });
      }
    },
  };
}
