import type { InvitationDelivery } from '../data/outbox';
import { asSingleLine } from '../domain/text';

export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
/** HTML-escapes text from users (names, emails, messages) for an email's HTML part. */
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);

/** Subject, text and HTML of an invitation email; every value from users is escaped in the HTML part. */
export function renderInvitationEmail(delivery: InvitationDelivery, token: string, appUrl: string): RenderedEmail {
  const link = `${appUrl.replace(/\/$/, '')}/accept-invite?token=${encodeURIComponent(token)}`;
  const inviter = delivery.inviterEmail ?? 'An administrator';
  const expires = new Date(delivery.expiresAt).toUTCString();
  // Names are refused with line breaks or controls at input; one stored before that must still not break the header.
  const subject = asSingleLine(`${inviter} invited you to join ${delivery.tenantName}`);
  const text = [
    `${inviter} invited you to join ${delivery.tenantName}.`,
    ...(delivery.message ? ['', `"${delivery.message}"`] : []),
    '',
    `Accept the invitation: ${link}`,
    '',
    `The link works once and expires on ${expires}. If you did not expect this email, ignore it.`,
  ].join('\n');
  const html = `<!doctype html><html><body>
<p><strong>${escapeHtml(inviter)}</strong> invited you to join <strong>${escapeHtml(delivery.tenantName)}</strong>.</p>
${delivery.message ? `<blockquote>${escapeHtml(delivery.message)}</blockquote>` : ''}
<p><a href="${escapeHtml(link)}">Accept the invitation</a></p>
<p>The link works once and expires on ${escapeHtml(expires)}. If you did not expect this email, ignore it.</p>
</body></html>`;
  return { subject, text, html };
}
