import type { NotificationType } from '../data/records';
import { asSingleLine } from '../domain/text';
import { escapeHtml, type RenderedEmail } from './invitation-email';

/** What a notification email is made from: its type, the tenant and the notification's data. */
export interface NotificationEmailInput {
  readonly type: NotificationType;
  readonly tenantId: string;
  readonly tenantName: string;
  readonly data: Readonly<Record<string, unknown>>;
}

const text = (value: unknown, fallback = '') => (typeof value === 'string' && value.length > 0 ? value : fallback);

const rolesOf = (value: unknown): string =>
  Array.isArray(value)
    ? value
        .map((assignment: { roleId?: unknown; environments?: unknown }) => {
          const environments = Array.isArray(assignment.environments) ? ` (${assignment.environments.join(', ')})` : '';
          return `${String(assignment.roleId)}${environments}`;
        })
        .join(', ')
    : '';

/** The console page a notification links to (APP_URL + a path of ids, each URL-encoded). */
export function notificationLink(input: NotificationEmailInput, appUrl: string): string {
  const base = `${appUrl.replace(/\/$/, '')}/tenants/${encodeURIComponent(input.tenantId)}`;
  switch (input.type) {
    case 'access_request.created':
    case 'access_request.approved':
    case 'access_request.denied':
      return `${base}/access-requests/${encodeURIComponent(text(input.data.requestId))}`;
    case 'invitation.accepted':
      return `${base}/members/${encodeURIComponent(text(input.data.memberId))}`;
    case 'invitation.declined':
      return `${base}/invitations`;
  }
}

/**
 * Subject, text and HTML of a notification email. It names the tenant, the bot and the person; every value
 * from users (names, emails, reasons) is HTML-escaped in the HTML part, and the subject is kept to one line.
 */
export function renderNotificationEmail(input: NotificationEmailInput, appUrl: string): RenderedEmail {
  const { data } = input;
  const tenant = input.tenantName;
  const bot = text(data.botName, text(data.botId));
  const link = notificationLink(input, appUrl);
  let subject: string;
  let lines: string[];
  let action: string;
  switch (input.type) {
    case 'access_request.created': {
      const who = text(data.requesterEmail, 'A member');
      subject = `${who} requests access to ${bot} in ${tenant}`;
      lines = [
        `${who} requests access to the bot ${bot} in ${tenant}.`,
        `Roles: ${rolesOf(data.roles)}`,
        ...(text(data.reason) ? [`Reason: "${text(data.reason)}"`] : []),
      ];
      action = 'Review the request';
      break;
    }
    case 'access_request.approved':
      subject = `Your access to ${bot} in ${tenant} was approved`;
      lines = [`Your access request for the bot ${bot} in ${tenant} was approved.`, `Roles: ${rolesOf(data.roles)}`];
      action = 'See the request';
      break;
    case 'access_request.denied':
      subject = `Your access request for ${bot} in ${tenant} was denied`;
      lines = [
        `Your access request for the bot ${bot} in ${tenant} was denied.`,
        ...(text(data.denialReason) ? [`Reason: "${text(data.denialReason)}"`] : []),
      ];
      action = 'See the request';
      break;
    case 'invitation.accepted':
      subject = `${text(data.email, 'Your invitee')} accepted your invitation to ${tenant}`;
      lines = [`${text(data.email, 'Your invitee')} accepted your invitation and joined ${tenant}.`];
      action = 'See the member';
      break;
    case 'invitation.declined':
      subject = `${text(data.email, 'Your invitee')} declined your invitation to ${tenant}`;
      lines = [`${text(data.email, 'Your invitee')} declined your invitation to ${tenant}.`];
      action = 'See the invitations';
      break;
  }
  const html = `<!doctype html><html><body>
${lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n')}
<p><a href="${escapeHtml(link)}">${escapeHtml(action)}</a></p>
</body></html>`;
  return { subject: asSingleLine(subject), text: [...lines, '', `${action}: ${link}`].join('\n'), html };
}
