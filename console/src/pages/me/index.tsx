/**
 * The caller's own page: invitations waiting for them in other workspaces, and their notifications (newest
 * first, unread ones emphasized, "Load more", mark as read, which the bell's count follows).
 *
 * An invitation is accepted or declined here by its id, with the caller's session (the API checks that it
 * is addressed to their verified email, as it does for the emailed link); declining asks first, saying
 * what happens. Accepting refreshes the caller's memberships, so the workspace switcher shows the new one.
 */
import Alert from '@cloudscape-design/components/alert';
import Badge from '@cloudscape-design/components/badge';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { workspaceHome } from '../../app/shell';
import { useMe } from '../../app/workspace';
import { ProblemAlert } from '../commons/problem-alert';
import {
  type MyInvitation,
  type Notification,
  useAcceptMyInvitation,
  useDeclineMyInvitation,
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

/** What the caller last did here: joined a workspace (with a way into it) or declined an invitation. */
type Answer = { readonly kind: 'accepted' | 'declined'; readonly tenantId: string; readonly tenantName: string };

function AnswerAlert({ answer, onDismiss }: { readonly answer: Answer; readonly onDismiss: () => void }) {
  const navigate = useNavigate();
  const { data: me } = useMe();
  if (answer.kind === 'declined') {
    return (
      <Alert
        type="info"
        dismissible
        onDismiss={onDismiss}
        i18nStrings={{ infoIconAriaLabel: 'Info', dismissAriaLabel: 'Dismiss' }}
      >
        You declined the invitation to {answer.tenantName}.
      </Alert>
    );
  }
  const joined = me?.memberships.some((m) => m.tenantId === answer.tenantId && m.status === 'active');
  const href = workspaceHome(me, answer.tenantId);
  return (
    <Alert
      type="success"
      dismissible
      onDismiss={onDismiss}
      i18nStrings={{ successIconAriaLabel: 'Success', dismissAriaLabel: 'Dismiss' }}
      action={
        joined ? (
          <Button onClick={() => navigate(href)} ariaLabel={`Open ${answer.tenantName}`}>
            Open workspace
          </Button>
        ) : undefined
      }
    >
      You joined {answer.tenantName}. It is in your workspace switcher.
    </Alert>
  );
}

function DeclineModal({
  invitation,
  pending,
  error,
  onCancel,
  onConfirm,
}: {
  readonly invitation: MyInvitation;
  readonly pending: boolean;
  readonly error: unknown;
  readonly onCancel: () => void;
  readonly onConfirm: () => void;
}) {
  return (
    <Modal
      visible
      onDismiss={onCancel}
      closeAriaLabel="Close"
      header={`Decline the invitation to ${invitation.tenantName}?`}
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onCancel}>
              Cancel
            </Button>
            <Button variant="primary" loading={pending} onClick={onConfirm}>
              Decline
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="m">
        <Box>
          The invitation for {invitation.email} is withdrawn, and the link in its email stops working. Its seat is
          freed, and {invitation.invitedBy.email ?? 'the inviter'} is told that you declined. To join{' '}
          {invitation.tenantName} later, you need a new invitation.
        </Box>
        <ProblemAlert error={error} header="The invitation was not declined" />
      </SpaceBetween>
    </Modal>
  );
}

function MyInvitations() {
  const invitations = useMyInvitations();
  const accept = useAcceptMyInvitation();
  const decline = useDeclineMyInvitation();
  const [declining, setDeclining] = useState<MyInvitation>();
  const [answer, setAnswer] = useState<Answer>();
  const busy = accept.isPending || decline.isPending;
  return (
    <SpaceBetween size="s">
      {answer ? <AnswerAlert answer={answer} onDismiss={() => setAnswer(undefined)} /> : null}
      <ProblemAlert error={accept.error} header="The invitation was not accepted" />
      {declining ? (
        <DeclineModal
          invitation={declining}
          pending={decline.isPending}
          error={decline.error}
          onCancel={() => {
            setDeclining(undefined);
            decline.reset();
          }}
          onConfirm={() =>
            decline.mutate(declining, {
              onSuccess: () => {
                setAnswer({ kind: 'declined', tenantId: declining.tenantId, tenantName: declining.tenantName });
                setDeclining(undefined);
              },
            })
          }
        />
      ) : null}
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
            description="Invitations to your email address waiting for your answer, in every workspace. Accepting one makes you a member of that workspace with the roles shown."
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
            minWidth: 190,
            cell: (item) => (
              <SpaceBetween direction="horizontal" size="xs">
                <Button
                  ariaLabel={`Accept the invitation to ${item.tenantName}`}
                  disabled={busy && accept.variables?.invitationId !== item.invitationId}
                  loading={accept.isPending && accept.variables?.invitationId === item.invitationId}
                  onClick={() => {
                    setAnswer(undefined);
                    accept.mutate(item, {
                      onSuccess: (result) =>
                        setAnswer({ kind: 'accepted', tenantId: result.tenantId, tenantName: result.tenantName }),
                    });
                  }}
                >
                  Accept
                </Button>
                <Button
                  ariaLabel={`Decline the invitation to ${item.tenantName}`}
                  disabled={busy}
                  onClick={() => {
                    setAnswer(undefined);
                    decline.reset();
                    setDeclining(item);
                  }}
                >
                  Decline
                </Button>
              </SpaceBetween>
            ),
          },
        ]}
        footer={invitations.error ? <ProblemAlert error={invitations.error} /> : undefined}
      />
    </SpaceBetween>
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
