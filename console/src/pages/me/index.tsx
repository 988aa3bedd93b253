/**
 * The caller's own page: invitations waiting for them in other workspaces, and their notifications (newest
 * first, unread ones emphasized, "Load more", mark as read, which the bell's count follows).
 *
 * An invitation is accepted or declined with the token of its link, which only the invitation email
 * carries (the API gives no token here, and accepts by token only): the list says so.
 */
import Badge from '@cloudscape-design/components/badge';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import { useNavigate } from 'react-router';
import { ProblemAlert } from '../commons/problem-alert';
import {
  type MyInvitation,
  type Notification,
  useMarkNotificationRead,
  useMyInvitations,
  useNotifications,
} from './me-queries';

const formatInstant = (iso: string) =>
  new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

/** Only a path of this site: a link from data must not send the caller elsewhere. */
export function sameOriginPath(value: unknown): string | undefined {
  const path = text(value);
  return path?.startsWith('/') && !path.startsWith('//') && !path.includes('\\') ? path : undefined;
}

/** What a notification says, from its type and data. */
export function describe(notification: Notification): string {
  const { data } = notification;
  const bot = text(data.botName) ?? text(data.botId) ?? 'a bot';
  switch (notification.type) {
    case 'access_request.created':
      return `${text(data.requesterEmail) ?? 'A member'} asked for access to ${bot}${text(data.reason) ? `: “${text(data.reason)}”` : ''}`;
    case 'access_request.approved':
      return `Your access request for ${bot} was approved`;
    case 'access_request.denied':
      return `Your access request for ${bot} was denied${text(data.reason) ? `: “${text(data.reason)}”` : ''}`;
    case 'invitation.accepted':
      return `${text(data.email) ?? 'Someone'} accepted your invitation`;
    case 'invitation.declined':
      return `${text(data.email) ?? 'Someone'} declined your invitation`;
    default:
      return notification.type;
  }
}

/** Where a notification leads: its own `link` when it carries a same-origin path, else the screen it is about. */
export function linkOf(notification: Notification): string | undefined {
  const own = sameOriginPath(notification.data.link);
  if (own) return own;
  const base = `/t/${encodeURIComponent(notification.tenantId)}`;
  const botId = text(notification.data.botId);
  switch (notification.type) {
    case 'access_request.created':
    case 'access_request.approved':
      return botId ? `${base}/bots/${encodeURIComponent(botId)}` : `${base}/bots`;
    case 'access_request.denied':
      return `${base}/bots`;
    case 'invitation.accepted':
    case 'invitation.declined':
      return `${base}/users`;
    default:
      return undefined;
  }
}

function MyInvitations() {
  const invitations = useMyInvitations();
  return (
    <Table<MyInvitation>
      items={invitations.data ?? []}
      loading={invitations.isLoading}
      loadingText="Loading invitations"
      trackBy="invitationId"
      ariaLabels={{ tableLabel: 'My invitations' }}
      wrapLines
      header={
        <Header
          variant="h2"
          counter={invitations.data ? `(${invitations.data.length})` : undefined}
          description="Invitations to your email address waiting for your answer, in every workspace. To accept or decline one, open the link in its email: the link carries the invitation's one-time token."
        >
          My invitations
        </Header>
      }
      empty={<Box color="text-body-secondary">No invitations are waiting for you.</Box>}
      columnDefinitions={[
        { id: 'workspace', header: 'Workspace', cell: (item) => item.tenantName },
        { id: 'inviter', header: 'Invited by', cell: (item) => item.invitedBy.email ?? '-' },
        {
          id: 'roles',
          header: 'Roles',
          cell: (item) => (
            <SpaceBetween direction="horizontal" size="xxs">
              {item.roles.map((role) => (
                <Badge key={role.roleId}>{role.name}</Badge>
              ))}
            </SpaceBetween>
          ),
        },
        {
          id: 'bots',
          header: 'Bots',
          cell: (item) => (item.botAccess.length ? item.botAccess.map((bot) => bot.name).join(', ') : '-'),
        },
        { id: 'expires', header: 'Expires', cell: (item) => formatInstant(item.expiresAt) },
        {
          id: 'answer',
          header: 'Accept or decline',
          cell: (item) => `Open the link in the invitation email sent to ${item.email}`,
        },
      ]}
      footer={invitations.error ? <ProblemAlert error={invitations.error} /> : undefined}
    />
  );
}

function Notifications() {
  const navigate = useNavigate();
  const notifications = useNotifications();
  const markRead = useMarkNotificationRead();
  const items = notifications.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Table<Notification>
      items={items}
      loading={notifications.isLoading}
      loadingText="Loading notifications"
      trackBy="notificationId"
      ariaLabels={{ tableLabel: 'Notifications' }}
      wrapLines
      header={
        <Header variant="h2" description="Newest first. Unread notifications are in bold.">
          Notifications
        </Header>
      }
      empty={<Box color="text-body-secondary">You have no notifications.</Box>}
      columnDefinitions={[
        {
          id: 'what',
          header: 'Notification',
          minWidth: 320,
          cell: (item) => {
            const said = describe(item);
            const href = linkOf(item);
            const content = href ? (
              <Link
                href={href}
                onFollow={(event) => {
                  event.preventDefault();
                  navigate(href);
                }}
              >
                {said}
              </Link>
            ) : (
              said
            );
            return item.readAt ? content : <strong data-testid="unread-notification">{content}</strong>;
          },
        },
        { id: 'workspace', header: 'Workspace', cell: (item) => text(item.data.tenantName) ?? '-' },
        { id: 'received', header: 'Received', cell: (item) => formatInstant(item.createdAt) },
        {
          id: 'status',
          header: 'Status',
          minWidth: 110,
          cell: (item) =>
            item.readAt ? (
              <StatusIndicator type="success">Read</StatusIndicator>
            ) : (
              <StatusIndicator type="info">Unread</StatusIndicator>
            ),
        },
        {
          id: 'actions',
          header: 'Actions',
          minWidth: 140,
          cell: (item) =>
            item.readAt ? null : (
              <Button
                variant="inline-link"
                ariaLabel={`Mark as read: ${describe(item)}`}
                loading={markRead.isPending && markRead.variables === item.notificationId}
                onClick={() => markRead.mutate(item.notificationId)}
              >
                Mark as read
              </Button>
            ),
        },
      ]}
      footer={
        notifications.error || markRead.error || notifications.hasNextPage ? (
          <SpaceBetween size="s">
            <ProblemAlert error={notifications.error} />
            <ProblemAlert error={markRead.error} header="The notification was not marked as read" />
            {notifications.hasNextPage ? (
              <Box textAlign="center">
                <Button loading={notifications.isFetchingNextPage} onClick={() => void notifications.fetchNextPage()}>
                  Load more
                </Button>
              </Box>
            ) : null}
          </SpaceBetween>
        ) : undefined
      }
    />
  );
}

export default function MePage() {
  return (
    <ContentLayout
      header={
        <Header variant="h1" description="Invitations waiting for you and what happened that concerns you.">
          My invitations and notifications
        </Header>
      }
    >
      <SpaceBetween size="l">
        <MyInvitations />
        <Notifications />
      </SpaceBetween>
    </ContentLayout>
  );
}
