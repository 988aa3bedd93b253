import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { RenderedEmail } from './invitation-email';

export interface Mailer {
  send(to: string, email: RenderedEmail): Promise<void>;
}

/**
 * SES v2. Requests time out after 10 s so a stuck call fails the record (and is retried) instead of
 * hanging the batch; the SES emulator, for one, never answers actions it does not know.
 */
export function sesMailer(
  from: string,
  client = new SESv2Client({
    requestHandler: new NodeHttpHandler({ requestTimeout: 10_000, connectionTimeout: 3_000 }),
  }),
): Mailer {
  return {
    async send(to, email) {
      await client.send(
        new SendEmailCommand({
          FromEmailAddress: from,
          Destination: { ToAddresses: [to] },
          Content: {
            Simple: {
              Subject: { Data: email.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
            },
          },
        }),
      );
    },
  };
}
