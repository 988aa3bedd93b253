/**
 * Access control of one bot (SPEC §7, §9): Users (who holds which bot roles, in which environments, until
 * when; share and remove with collaborators:manage on the bot), Invites (invite new people onto this bot
 * only) and Requests (approve, possibly narrowed, or deny). The API judges every change; its detail shows.
 */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import BreadcrumbGroup from '@cloudscape-design/components/breadcrumb-group';
import Button from '@cloudscape-design/components/button';
import Checkbox from '@cloudscape-design/components/checkbox';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import DatePicker from '@cloudscape-design/components/date-picker';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Modal from '@cloudscape-design/components/modal';
import Multiselect from '@cloudscape-design/components/multiselect';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import Table from '@cloudscape-design/components/table';
import Tabs from '@cloudscape-design/components/tabs';
import Textarea from '@cloudscape-design/components/textarea';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useWorkspace } from '../../app/workspace';
import { endOfDay, formatDate } from '../commons/dates';
import { MemberPicker, type PickedMember } from '../commons/member-picker';
import { ProblemAlert } from '../commons/problem-alert';
import {
  AssignmentBadges,
  accessColumns,
  botRoleNamer,
  describeAssignment,
  EnvironmentBadges,
  MyAccess,
  requestColumns,
} from './bots-config';
import {
  type AccessRequest,
  type Bot,
  type BotAccessEntry,
  type BotEnvironment,
  type BotRole,
  type BotRoleAssignment,
  useApproveRequest,
  useBot,
  useBotAccess,
  useBotInvitations,
  useBotRequests,
  useBotRoles,
  useDenyRequest,
  useInviteToBot,
  useSetBotAccess,
} from './bots-queries';

/** The end of the chosen day (local time) as an instant, or nothing without a date. */
const expiryOf = (date: string): string | undefined => (date ? endOfDay(date) : undefined);

/** Role, environment and expiry fields shared by the Share and Invite forms. */
interface Grant {
  readonly roleIds: string[];
  readonly environments: BotEnvironment[];
  readonly expiry: string;
}

const emptyGrant: Grant = { roleIds: [], environments: [], expiry: '' };

function assignmentsOf(grant: Grant): BotRoleAssignment[] {
  const expiresAt = expiryOf(grant.expiry);
  return grant.roleIds.map((roleId) => ({
    roleId,
    ...(grant.environments.length ? { environments: grant.environments } : {}),
    ...(expiresAt ? { expiresAt } : {}),
  }));
}

function GrantFields({
  bot,
  roles,
  grant,
  onChange,
}: {
  readonly bot: Bot;
  readonly roles: readonly BotRole[];
  readonly grant: Grant;
  readonly onChange: (grant: Grant) => void;
}) {
  const roleOptions = roles.map((role) => ({ value: role.roleId, label: role.name, description: role.description }));
  const environmentOptions = bot.environments.map((environment) => ({ value: environment, label: environment }));
  return (
    <SpaceBetween size="m">
      <FormField label="Bot roles">
        <Multiselect
          selectedOptions={roleOptions.filter((option) => grant.roleIds.includes(option.value))}
          options={roleOptions}
          onChange={({ detail }) =>
            onChange({ ...grant, roleIds: detail.selectedOptions.map((option) => option.value ?? '') })
          }
          placeholder="Choose bot roles"
          deselectAriaLabel={(option) => `Remove ${option.label}`}
        />
      </FormField>
      <FormField
        label="Environments"
        description="Optional: without any, the roles cover every environment of the bot."
      >
        <Multiselect
          selectedOptions={environmentOptions.filter((option) => grant.environments.includes(option.value))}
          options={environmentOptions}
          onChange={({ detail }) =>
            onChange({
              ...grant,
              environments: detail.selectedOptions.map((option) => option.value as BotEnvironment),
            })
          }
          placeholder="All environments"
          deselectAriaLabel={(option) => `Remove ${option.label}`}
        />
      </FormField>
      <FormField label="Expires" description="Optional: the roles stop granting at the end of this day.">
        <DatePicker
          value={grant.expiry}
          onChange={({ detail }) => onChange({ ...grant, expiry: detail.value })}
          placeholder="YYYY/MM/DD"
          openCalendarAriaLabel={(selected) => `Choose an expiry date${selected ? `, selected ${selected}` : ''}`}
          isDateEnabled={(date) => date > new Date()}
        />
      </FormField>
    </SpaceBetween>
  );
}

function ShareModal({
  tenantId,
  bot,
  roles,
  editing,
  onClose,
}: {
  readonly tenantId: string;
  readonly bot: Bot;
  readonly roles: readonly BotRole[];
  /** An entry of the access list whose roles are changed, or nothing to share with a new member. */
  readonly editing: BotAccessEntry | undefined;
  readonly onClose: () => void;
}) {
  const [picked, setPicked] = useState<PickedMember | undefined>();
  const first = editing?.roles[0];
  const [grant, setGrant] = useState<Grant>(
    editing
      ? {
          roleIds: editing.roles.map((assignment) => assignment.roleId),
          environments: first?.environments ?? [],
          expiry: first?.expiresAt ? first.expiresAt.slice(0, 10) : '',
        }
      : emptyGrant,
  );
  const share = useSetBotAccess(tenantId, bot.botId);
  const principal = editing
    ? { principalType: editing.principal.type, principalId: editing.principal.id }
    : picked
      ? { principalType: 'member' as const, principalId: picked.memberId }
      : undefined;
  return (
    <Modal
      visible
      onDismiss={onClose}
      header={editing ? `Access of ${editing.principal.label} to ${bot.name}` : `Share ${bot.name}`}
      closeAriaLabel="Close"
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onClose}>
              Cancel
            </Button>
            <Button
              variant="primary"
              disabled={!principal || grant.roleIds.length === 0}
              loading={share.isPending}
              onClick={() =>
                principal && share.mutate({ ...principal, roles: assignmentsOf(grant) }, { onSuccess: onClose })
              }
            >
              {editing ? 'Save' : 'Share'}
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="m">
        {editing ? null : (
          <FormField label="Member" description="The roles chosen replace whatever they hold on this bot.">
            <MemberPicker tenantId={tenantId} onPick={setPicked} />
          </FormField>
        )}
        <GrantFields bot={bot} roles={roles} grant={grant} onChange={setGrant} />
        <ProblemAlert error={share.error} />
      </SpaceBetween>
    </Modal>
  );
}

function RemoveAccessModal({
  tenantId,
  bot,
  entry,
  onClose,
}: {
  readonly tenantId: string;
  readonly bot: Bot;
  readonly entry: BotAccessEntry;
  readonly onClose: () => void;
}) {
  const remove = useSetBotAccess(tenantId, bot.botId);
  return (
    <Modal
      visible
      onDismiss={onClose}
      header={`Remove ${entry.principal.label} from ${bot.name}?`}
      closeAriaLabel="Close"
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onClose}>
              Cancel
            </Button>
            <Button
              variant="primary"
              loading={remove.isPending}
              onClick={() =>
                remove.mutate(
                  { principalType: entry.principal.type, principalId: entry.principal.id, roles: [] },
                  { onSuccess: onClose },
                )
              }
            >
              Remove access
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="m">
        <Box>
          {entry.principal.type === 'group'
            ? `Every member of the group ${entry.principal.label} loses the roles the group holds on ${bot.name}, on their next request.`
            : `${entry.principal.label} loses every role they hold on ${bot.name} directly, on their next request. Roles through their groups and their workspace role stay.`}
        </Box>
        <ProblemAlert error={remove.error} />
      </SpaceBetween>
    </Modal>
  );
}

function UsersTab({
  tenantId,
  bot,
  roles,
  manage,
}: {
  readonly tenantId: string;
  readonly bot: Bot;
  readonly roles: readonly BotRole[];
  readonly manage: boolean;
}) {
  const access = useBotAccess(tenantId, bot.botId, true);
  const roleName = botRoleNamer(roles);
  const [sharing, setSharing] = useState<{ entry: BotAccessEntry | undefined } | undefined>();
  const [removing, setRemoving] = useState<BotAccessEntry | undefined>();
  // The Bot Owner is set at registration and moved by transfer only: not edited or removed here.
  const isOwner = (entry: BotAccessEntry) => entry.roles.some((assignment) => assignment.roleId === 'bot-owner');
  return (
    <>
      <Table<BotAccessEntry>
        items={access.data ?? []}
        loading={access.isLoading}
        loadingText="Loading who has access"
        trackBy={(entry) => `${entry.principal.type}:${entry.principal.id}`}
        columnDefinitions={accessColumns({
          roleName,
          actions: manage
            ? (entry) =>
                isOwner(entry) ? (
                  '—'
                ) : (
                  <SpaceBetween direction="horizontal" size="xs">
                    <Button
                      variant="inline-link"
                      ariaLabel={`Edit access of ${entry.principal.label}`}
                      onClick={() => setSharing({ entry })}
                    >
                      Edit
                    </Button>
                    <Button
                      variant="inline-link"
                      ariaLabel={`Remove access of ${entry.principal.label}`}
                      onClick={() => setRemoving(entry)}
                    >
                      Remove
                    </Button>
                  </SpaceBetween>
                )
            : undefined,
        })}
        header={
          <Header
            variant="h2"
            counter={access.data ? `(${access.data.length})` : undefined}
            description="Members and groups with roles on this bot. Workspace roles that reach every bot are not listed."
            actions={
              manage ? (
                <Button variant="primary" onClick={() => setSharing({ entry: undefined })}>
                  Share
                </Button>
              ) : undefined
            }
          >
            Users
          </Header>
        }
        empty={
          access.error ? (
            <ProblemAlert error={access.error} />
          ) : (
            <Box textAlign="center" color="inherit">
              Nobody has a role on this bot.
            </Box>
          )
        }
      />
      {sharing ? (
        <ShareModal
          tenantId={tenantId}
          bot={bot}
          roles={roles}
          editing={sharing.entry}
          onClose={() => setSharing(undefined)}
        />
      ) : null}
      {removing ? (
        <RemoveAccessModal tenantId={tenantId} bot={bot} entry={removing} onClose={() => setRemoving(undefined)} />
      ) : null}
    </>
  );
}

function InvitesTab({
  tenantId,
  bot,
  roles,
  canListInvitations,
}: {
  readonly tenantId: string;
  readonly bot: Bot;
  readonly roles: readonly BotRole[];
  readonly canListInvitations: boolean;
}) {
  const [emails, setEmails] = useState('');
  const [grant, setGrant] = useState<Grant>(emptyGrant);
  const invite = useInviteToBot(tenantId, bot.botId);
  const invitations = useBotInvitations(tenantId, bot.botId, canListInvitations);
  const roleName = botRoleNamer(roles);
  const submit = () =>
    invite.mutate(
      { emails, roles: assignmentsOf(grant) },
      {
        onSuccess: (result) => {
          if (result.created.length) {
            setEmails(result.failed.map((failure) => failure.email).join(', '));
          }
        },
      },
    );
  return (
    <SpaceBetween size="l">
      <Container
        header={
          <Header
            variant="h2"
            description={`New people join the workspace as Members who see only what is shared with them, with these roles on ${bot.name}.`}
          >
            Invite onto this bot
          </Header>
        }
      >
        <form
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          <Form
            actions={
              <Button
                variant="primary"
                formAction="submit"
                loading={invite.isPending}
                disabled={!emails.trim() || grant.roleIds.length === 0}
              >
                Send invitations
              </Button>
            }
          >
            <SpaceBetween size="m">
              <FormField label="Emails" description="One or more addresses, separated by commas.">
                <Input value={emails} onChange={({ detail }) => setEmails(detail.value)} type="text" />
              </FormField>
              <GrantFields bot={bot} roles={roles} grant={grant} onChange={setGrant} />
              <ProblemAlert error={invite.error} />
              {invite.data ? (
                <Alert
                  type={invite.data.failed.length ? 'warning' : 'success'}
                  header={`${invite.data.created.length} invited`}
                >
                  {invite.data.created.map((invitation) => invitation.email).join(', ')}
                  {invite.data.failed.length ? (
                    <ul>
                      {invite.data.failed.map((failure) => (
                        <li key={failure.email}>
                          {failure.email}: {failure.code.replaceAll('_', ' ')}
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </Alert>
              ) : null}
            </SpaceBetween>
          </Form>
        </form>
      </Container>
      {canListInvitations ? (
        <Table
          items={invitations.data ?? []}
          loading={invitations.isLoading}
          loadingText="Loading invitations"
          trackBy="invitationId"
          columnDefinitions={[
            { id: 'email', header: 'Email', isRowHeader: true, cell: (invitation) => invitation.email },
            {
              id: 'roles',
              header: 'Roles on this bot',
              cell: (invitation) => (
                <AssignmentBadges
                  roles={invitation.botAccess.find((entry) => entry.botId === bot.botId)?.roles ?? []}
                  roleName={roleName}
                />
              ),
            },
            { id: 'inviter', header: 'Invited by', cell: (invitation) => invitation.invitedBy.email ?? '—' },
            { id: 'expires', header: 'Expires', cell: (invitation) => formatDate(invitation.expiresAt) },
          ]}
          header={
            <Header variant="h2" counter={invitations.data ? `(${invitations.data.length})` : undefined}>
              Pending invitations to this bot
            </Header>
          }
          empty={
            invitations.error ? (
              <ProblemAlert error={invitations.error} />
            ) : (
              <Box textAlign="center" color="inherit">
                No pending invitation shares this bot.
              </Box>
            )
          }
        />
      ) : null}
    </SpaceBetween>
  );
}

function ApproveModal({
  tenantId,
  bot,
  request,
  roleName,
  onClose,
}: {
  readonly tenantId: string;
  readonly bot: Bot;
  readonly request: AccessRequest;
  readonly roleName: (roleId: string) => string;
  readonly onClose: () => void;
}) {
  const [granted, setGranted] = useState<string[]>(request.roles.map((role) => role.roleId));
  const [expiry, setExpiry] = useState('');
  const approve = useApproveRequest(tenantId, bot.botId);
  const submit = () => {
    const expiresAt = expiryOf(expiry);
    const narrowed = granted.length < request.roles.length;
    approve.mutate(
      {
        requestId: request.requestId,
        body: {
          ...(narrowed ? { roles: request.roles.filter((role) => granted.includes(role.roleId)) } : {}),
          ...(expiresAt ? { expiresAt } : {}),
        },
      },
      { onSuccess: onClose },
    );
  };
  return (
    <Modal
      visible
      onDismiss={onClose}
      header={`Approve ${request.requesterEmail}'s request`}
      closeAriaLabel="Close"
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onClose}>
              Cancel
            </Button>
            <Button variant="primary" disabled={granted.length === 0} loading={approve.isPending} onClick={submit}>
              Approve
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="m">
        <Box>
          The roles granted join what {request.requesterEmail} holds on {bot.name}; they are told.
        </Box>
        <FormField label="Roles to grant" description="Untick a role to grant less than was asked for.">
          <SpaceBetween size="xxs">
            {request.roles.map((role) => (
              <Checkbox
                key={role.roleId}
                checked={granted.includes(role.roleId)}
                onChange={({ detail }) =>
                  setGranted(
                    detail.checked ? [...granted, role.roleId] : granted.filter((roleId) => roleId !== role.roleId),
                  )
                }
              >
                {describeAssignment(role, roleName)}
              </Checkbox>
            ))}
          </SpaceBetween>
        </FormField>
        <FormField label="Expires" description="Optional: the roles stop granting at the end of this day.">
          <DatePicker
            value={expiry}
            onChange={({ detail }) => setExpiry(detail.value)}
            placeholder="YYYY/MM/DD"
            openCalendarAriaLabel={(selected) => `Choose an expiry date${selected ? `, selected ${selected}` : ''}`}
            isDateEnabled={(date) => date > new Date()}
          />
        </FormField>
        {request.reason ? <Box>Their reason: {request.reason}</Box> : null}
        <ProblemAlert error={approve.error} />
      </SpaceBetween>
    </Modal>
  );
}

function DenyModal({
  tenantId,
  request,
  onClose,
}: {
  readonly tenantId: string;
  readonly request: AccessRequest;
  readonly onClose: () => void;
}) {
  const [reason, setReason] = useState('');
  const deny = useDenyRequest(tenantId);
  return (
    <Modal
      visible
      onDismiss={onClose}
      header={`Deny ${request.requesterEmail}'s request`}
      closeAriaLabel="Close"
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onClose}>
              Cancel
            </Button>
            <Button
              variant="primary"
              loading={deny.isPending}
              onClick={() =>
                deny.mutate({ requestId: request.requestId, reason: reason.trim() }, { onSuccess: onClose })
              }
            >
              Deny
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="m">
        <Box>{request.requesterEmail} is told that the request was denied, with your reason.</Box>
        <FormField label="Reason" description="Optional.">
          <Textarea value={reason} onChange={({ detail }) => setReason(detail.value)} rows={2} />
        </FormField>
        <ProblemAlert error={deny.error} />
      </SpaceBetween>
    </Modal>
  );
}

function RequestsTab({
  tenantId,
  bot,
  roles,
}: {
  readonly tenantId: string;
  readonly bot: Bot;
  readonly roles: readonly BotRole[];
}) {
  const requests = useBotRequests(tenantId, bot.botId, true);
  const roleName = botRoleNamer(roles);
  const [deciding, setDeciding] = useState<{ request: AccessRequest; decision: 'approve' | 'deny' } | undefined>();
  return (
    <>
      <Table<AccessRequest>
        items={requests.data ?? []}
        loading={requests.isLoading}
        loadingText="Loading access requests"
        trackBy="requestId"
        columnDefinitions={requestColumns({
          roleName,
          actions: (request) => (
            <SpaceBetween direction="horizontal" size="xs">
              <Button
                variant="inline-link"
                ariaLabel={`Approve the request of ${request.requesterEmail}`}
                onClick={() => setDeciding({ request, decision: 'approve' })}
              >
                Approve
              </Button>
              <Button
                variant="inline-link"
                ariaLabel={`Deny the request of ${request.requesterEmail}`}
                onClick={() => setDeciding({ request, decision: 'deny' })}
              >
                Deny
              </Button>
            </SpaceBetween>
          ),
        })}
        header={
          <Header
            variant="h2"
            counter={requests.data ? `(${requests.data.length})` : undefined}
            description="Pending requests for roles on this bot; a request expires after 14 days."
          >
            Requests
          </Header>
        }
        empty={
          requests.error ? (
            <ProblemAlert error={requests.error} />
          ) : (
            <Box textAlign="center" color="inherit">
              No pending requests.
            </Box>
          )
        }
      />
      {deciding?.decision === 'approve' ? (
        <ApproveModal
          tenantId={tenantId}
          bot={bot}
          request={deciding.request}
          roleName={roleName}
          onClose={() => setDeciding(undefined)}
        />
      ) : null}
      {deciding?.decision === 'deny' ? (
        <DenyModal tenantId={tenantId} request={deciding.request} onClose={() => setDeciding(undefined)} />
      ) : null}
    </>
  );
}

export default function BotAccessPage() {
  const { tenantId, can } = useWorkspace();
  const { botId = '' } = useParams();
  const navigate = useNavigate();
  const bot = useBot(tenantId, botId);
  const roles = useBotRoles(tenantId);
  const [tab, setTab] = useState('users');

  if (bot.error) return <ProblemAlert error={bot.error} />;
  if (!bot.data) return <Spinner size="large" />;
  const current = bot.data;
  const held = current.myAccess.permissions;
  const manage = held.includes('collaborators:manage');
  const roleList = roles.data ?? [];
  const roleName = botRoleNamer(roleList);
  const botsHref = `/t/${tenantId}/bots`;

  const tabs = [
    {
      id: 'users',
      label: 'Users',
      content: held.includes('collaborators:read') ? (
        <UsersTab tenantId={tenantId} bot={current} roles={roleList} manage={manage} />
      ) : (
        <Box>You may not see who has access to this bot.</Box>
      ),
    },
    ...(manage && can('users:write')
      ? [
          {
            id: 'invites',
            label: 'Invites',
            content: (
              <InvitesTab tenantId={tenantId} bot={current} roles={roleList} canListInvitations={can('users:read')} />
            ),
          },
        ]
      : []),
    ...(manage
      ? [
          {
            id: 'requests',
            label: 'Requests',
            content: <RequestsTab tenantId={tenantId} bot={current} roles={roleList} />,
          },
        ]
      : []),
  ];

  return (
    <ContentLayout
      breadcrumbs={
        <BreadcrumbGroup
          ariaLabel="Breadcrumbs"
          items={[
            { text: 'Bots', href: botsHref },
            { text: current.name, href: `${botsHref}/${encodeURIComponent(current.botId)}` },
          ]}
          onFollow={(event) => {
            event.preventDefault();
            navigate(event.detail.href);
          }}
        />
      }
      header={<Header variant="h1">Access control: {current.name}</Header>}
    >
      <SpaceBetween size="l">
        <Container>
          <KeyValuePairs
            columns={3}
            items={[
              { label: 'Bot id', value: <Box variant="code">{current.botId}</Box> },
              { label: 'Environments', value: <EnvironmentBadges environments={current.environments} /> },
              { label: 'Your access', value: <MyAccess bot={current} roleName={roleName} /> },
            ]}
          />
        </Container>
        <Tabs
          activeTabId={tab}
          onChange={({ detail }) => setTab(detail.activeTabId)}
          tabs={tabs}
          ariaLabel="Access control"
        />
      </SpaceBetween>
    </ContentLayout>
  );
}
