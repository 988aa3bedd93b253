/**
 * The invitee's page, reached from the link in the invitation email (`/accept-invite?token=…`), outside the
 * signed-in frame: what the invitation offers (workspace, inviter, email, roles, bots, expiry), then accept
 * with a new account (display name and password, then signed in at once), accept with an existing account
 * (sign in, then accept with the session), or decline. Once answered, the URL is replaced so that the token
 * is left neither in the address bar nor in the history; the token is never logged nor stored.
 */
import Alert from '@cloudscape-design/components/alert';
import Badge from '@cloudscape-design/components/badge';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Link from '@cloudscape-design/components/link';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import Tabs from '@cloudscape-design/components/tabs';
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiProblem, api, ok } from '../../api/client';
import { workspaceHome } from '../../app/shell';
import { meQueryKey } from '../../app/workspace';
import { signIn, signOut, useSignedInEmail } from '../../auth/session';
import { ProblemAlert } from '../commons/problem-alert';
import {
  type AcceptResult,
  type InvitationPreview,
  useAcceptInvitation,
  useDeclineInvitation,
  useInvitationLookup,
} from './accept-invite-queries';

const PASSWORD_RULES = 'At least 12 characters, with a lower-case and an upper-case letter, a digit and a symbol.';

export const formatInstant = (iso: string) =>
  new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

function Frame({ children }: { readonly children: ReactNode }) {
  return (
    <Box padding={{ vertical: 'xxxl', horizontal: 'l' }}>
      <div style={{ maxWidth: 560, margin: '0 auto' }}>
        <main>
          <SpaceBetween size="l">{children}</SpaceBetween>
        </main>
      </div>
    </Box>
  );
}

function InvitationSummary({ invitation }: { readonly invitation: InvitationPreview }) {
  const items = [
    { label: 'Workspace', value: <span data-testid="invitation-workspace">{invitation.tenantName}</span> },
    {
      label: 'Invited by',
      value: <span data-testid="invitation-inviter">{invitation.invitedBy.email ?? 'A workspace admin'}</span>,
    },
    { label: 'Invited email', value: <span data-testid="invitation-email">{invitation.email}</span> },
    {
      label: 'Roles',
      value: (
        <SpaceBetween direction="horizontal" size="xxs">
          {invitation.roles.map((role) => (
            <Badge key={role.roleId} color={role.roleId === 'owner' ? 'blue' : 'grey'}>
              {role.name}
              {role.expiresAt ? ` (until ${formatInstant(role.expiresAt)})` : ''}
            </Badge>
          ))}
        </SpaceBetween>
      ),
    },
    ...(invitation.botAccess.length > 0
      ? [
          {
            label: 'Bots shared with you',
            value: (
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {invitation.botAccess.map((bot) => (
                  <li key={bot.botId}>
                    {bot.name}: {bot.roles.map((role) => role.name).join(', ')}
                  </li>
                ))}
              </ul>
            ),
          },
        ]
      : []),
    { label: 'Expires', value: formatInstant(invitation.expiresAt) },
    ...(invitation.message ? [{ label: 'Message', value: invitation.message }] : []),
  ];
  return (
    <Container header={<Header variant="h2">Invitation</Header>}>
      <KeyValuePairs columns={2} items={items} />
    </Container>
  );
}

/** The invitation was accepted: `password` is given for a new account, which is then signed in. */
type OnAccepted = (result: AcceptResult, password?: string) => void;

function NewAccountForm({
  invitation,
  token,
  onIdentityExists,
  onAccepted,
}: {
  readonly invitation: InvitationPreview;
  readonly token: string;
  readonly onIdentityExists: (detail: string) => void;
  readonly onAccepted: OnAccepted;
}) {
  const accept = useAcceptInvitation();
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const mismatch = submitted && confirm !== password ? 'The passwords do not match.' : undefined;
  const missing = submitted && !password ? 'Choose a password.' : undefined;

  const submit = async () => {
    setSubmitted(true);
    setError(undefined);
    if (!password || confirm !== password) return;
    setBusy(true);
    try {
      const body = { token, password, ...(displayName.trim() ? { displayName: displayName.trim() } : {}) };
      onAccepted(await accept.mutateAsync(body), password);
    } catch (caught) {
      setBusy(false);
      if (caught instanceof ApiProblem && caught.code === 'identity_exists') onIdentityExists(caught.message);
      else setError(caught);
    }
  };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Form
        actions={
          <Button variant="primary" formAction="submit" loading={busy}>
            Create account and join
          </Button>
        }
      >
        <SpaceBetween size="m">
          <ProblemAlert error={error} header="The invitation was not accepted" />
          <FormField label="Email" description="Your account's email is the invited address.">
            <Input value={invitation.email} readOnly autoComplete="username" />
          </FormField>
          <FormField label="Display name" description="How others in the workspace see you (optional).">
            <Input value={displayName} onChange={({ detail }) => setDisplayName(detail.value)} autoComplete="name" />
          </FormField>
          <FormField label="Password" description={PASSWORD_RULES} errorText={missing}>
            <Input
              type="password"
              value={password}
              onChange={({ detail }) => setPassword(detail.value)}
              autoComplete="new-password"
            />
          </FormField>
          <FormField label="Confirm password" errorText={mismatch}>
            <Input
              type="password"
              value={confirm}
              onChange={({ detail }) => setConfirm(detail.value)}
              autoComplete="new-password"
            />
          </FormField>
        </SpaceBetween>
      </Form>
    </form>
  );
}

function ExistingAccountForm({
  invitation,
  notice,
}: {
  readonly invitation: InvitationPreview;
  readonly notice: string | undefined;
}) {
  const [email, setEmail] = useState(invitation.email);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  // Signing in is all this form does: the signed-in panel then offers to accept with the session.
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const result = await signIn(email.trim(), password);
      if (result.kind !== 'signed-in') {
        throw new Error(
          'Your account needs a new password first: sign in on the sign-in page, then open this link again.',
        );
      }
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Form
        actions={
          <Button variant="primary" formAction="submit" loading={busy}>
            Sign in
          </Button>
        }
      >
        <SpaceBetween size="m">
          {notice ? <Alert type="info">{notice}</Alert> : null}
          <ProblemAlert error={error} header="Sign-in failed" />
          <FormField label="Email">
            <Input
              type="email"
              value={email}
              onChange={({ detail }) => setEmail(detail.value)}
              autoComplete="username"
            />
          </FormField>
          <FormField label="Password">
            <Input
              type="password"
              value={password}
              onChange={({ detail }) => setPassword(detail.value)}
              autoComplete="current-password"
            />
          </FormField>
        </SpaceBetween>
      </Form>
    </form>
  );
}

/** Signed in already (or just now): accept with the session, when it is the invited address. */
function SignedInAccept({
  invitation,
  token,
  email,
  onAccepted,
}: {
  readonly invitation: InvitationPreview;
  readonly token: string;
  readonly email: string;
  readonly onAccepted: OnAccepted;
}) {
  const accept = useAcceptInvitation();
  const queryClient = useQueryClient();
  const matches = email.toLowerCase() === invitation.email.toLowerCase();
  return (
    <SpaceBetween size="m">
      <Box>
        You are signed in as <strong>{email}</strong>.
      </Box>
      {matches ? null : (
        <Alert type="warning" header="Another account">
          This invitation is for {invitation.email}. Sign out, then accept it with that address.
        </Alert>
      )}
      <ProblemAlert error={accept.error} header="The invitation was not accepted" />
      <SpaceBetween direction="horizontal" size="xs">
        {matches ? (
          <Button
            variant="primary"
            loading={accept.isPending}
            onClick={() => accept.mutate({ token }, { onSuccess: (result) => onAccepted(result) })}
          >
            Accept and join {invitation.tenantName}
          </Button>
        ) : null}
        <Button
          onClick={async () => {
            await signOut();
            queryClient.removeQueries({ queryKey: meQueryKey });
            accept.reset();
          }}
        >
          Sign out
        </Button>
      </SpaceBetween>
    </SpaceBetween>
  );
}

function DeclineButton({
  invitation,
  token,
  onDeclined,
}: {
  readonly invitation: InvitationPreview;
  readonly token: string;
  readonly onDeclined: () => void;
}) {
  const decline = useDeclineInvitation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button onClick={() => setOpen(true)}>Decline invitation</Button>
      <Modal
        visible={open}
        onDismiss={() => setOpen(false)}
        closeAriaLabel="Close"
        header={`Decline the invitation to ${invitation.tenantName}?`}
        footer={
          <Box float="right">
            <SpaceBetween direction="horizontal" size="xs">
              <Button variant="link" onClick={() => setOpen(false)}>
                Cancel
              </Button>
              <Button
                variant="primary"
                loading={decline.isPending}
                onClick={() => decline.mutate(token, { onSuccess: onDeclined })}
              >
                Decline
              </Button>
            </SpaceBetween>
          </Box>
        }
      >
        <SpaceBetween size="m">
          <Box>
            The invitation for {invitation.email} is withdrawn and this link stops working. Its seat is freed, and{' '}
            {invitation.invitedBy.email ?? 'the inviter'} is told that you declined. To join later, you need a new
            invitation.
          </Box>
          <ProblemAlert error={decline.error} header="The invitation was not declined" />
        </SpaceBetween>
      </Modal>
    </>
  );
}

export default function AcceptInvitePage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  // Read once: the URL loses the token after the invitation is answered.
  const [token] = useState(() => params.get('token') ?? '');
  const lookup = useInvitationLookup(token);
  const email = useSignedInEmail();
  const [tab, setTab] = useState<'new' | 'existing'>('new');
  const [notice, setNotice] = useState<string>();
  const [declined, setDeclined] = useState(false);
  const [joined, setJoined] = useState<AcceptResult>();
  const queryClient = useQueryClient();

  // Accepted: leave no token in the URL nor the history, sign a new account in, and open the workspace.
  const onAccepted: OnAccepted = (result, password) => {
    setJoined(result);
    navigate('/accept-invite', { replace: true });
    void (async () => {
      try {
        if (password && lookup.data) {
          const signedIn = await signIn(lookup.data.email, password);
          if (signedIn.kind !== 'signed-in') throw new Error('Sign in to continue.');
        }
        queryClient.clear();
        const me = await queryClient.fetchQuery({ queryKey: meQueryKey, queryFn: () => ok(api().GET('/v1/me')) });
        navigate(workspaceHome(me, result.tenantId), { replace: true });
      } catch {
        // Joined, but the automatic sign-in did not work: the sign-in page takes it from here.
        navigate('/sign-in', { replace: true });
      }
    })();
  };

  if (joined) {
    return (
      <Frame>
        <Header variant="h1">Welcome to {joined.tenantName}</Header>
        <Box>
          <Spinner /> You joined {joined.tenantName}. Opening your workspace…
        </Box>
      </Frame>
    );
  }

  if (declined) {
    return (
      <Frame>
        <Header variant="h1">Invitation declined</Header>
        <Alert type="success" header="You declined the invitation">
          You declined the invitation to {lookup.data?.tenantName}. The link no longer works.
        </Alert>
      </Frame>
    );
  }
  if (!token) {
    return (
      <Frame>
        <Header variant="h1">Accept invitation</Header>
        <Alert type="error" header="No invitation in this link">
          Open the link from your invitation email as it is.
        </Alert>
        <Link href="/sign-in">Go to sign-in</Link>
      </Frame>
    );
  }
  if (lookup.error) {
    return (
      <Frame>
        <Header variant="h1">Accept invitation</Header>
        <ProblemAlert error={lookup.error} header="This invitation link cannot be used" />
        <Box>
          Ask the person who invited you for a new invitation, or <Link href="/sign-in">sign in</Link> if you already
          joined.
        </Box>
      </Frame>
    );
  }
  const invitation = lookup.data;
  if (!invitation) {
    return (
      <Frame>
        <Spinner size="large" />
      </Frame>
    );
  }

  return (
    <Frame>
      <Header variant="h1" description={`You are invited to join ${invitation.tenantName} on Users & Roles.`}>
        Join {invitation.tenantName}
      </Header>
      <InvitationSummary invitation={invitation} />
      <Container
        header={
          <Header
            variant="h2"
            actions={
              <DeclineButton
                invitation={invitation}
                token={token}
                onDeclined={() => {
                  setDeclined(true);
                  navigate('/accept-invite', { replace: true });
                }}
              />
            }
          >
            Accept
          </Header>
        }
      >
        {email ? (
          <SignedInAccept invitation={invitation} token={token} email={email} onAccepted={onAccepted} />
        ) : (
          <Tabs
            activeTabId={tab}
            onChange={({ detail }) => setTab(detail.activeTabId === 'existing' ? 'existing' : 'new')}
            tabs={[
              {
                id: 'new',
                label: 'Create an account',
                content: (
                  <NewAccountForm
                    invitation={invitation}
                    token={token}
                    onAccepted={onAccepted}
                    onIdentityExists={(detail) => {
                      setNotice(detail);
                      setTab('existing');
                    }}
                  />
                ),
              },
              {
                id: 'existing',
                label: 'I already have an account',
                content: <ExistingAccountForm invitation={invitation} notice={notice} />,
              },
            ]}
          />
        )}
      </Container>
    </Frame>
  );
}
