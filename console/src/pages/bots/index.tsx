/**
 * Bots: the directory every member sees (search by name or id prefix) with the caller's access to each;
 * "Register bot" with bots:create; "Request access" for a bot the caller has no access to, then its
 * pending state; a link to a bot's Access control page when the caller may read its collaborators.
 */
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import Link from '@cloudscape-design/components/link';
import Modal from '@cloudscape-design/components/modal';
import Multiselect from '@cloudscape-design/components/multiselect';
import RadioGroup from '@cloudscape-design/components/radio-group';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import TextFilter from '@cloudscape-design/components/text-filter';
import Textarea from '@cloudscape-design/components/textarea';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useWorkspace } from '../../app/workspace';
import { useCursorPages } from '../commons/cursor-pages';
import { ProblemAlert } from '../commons/problem-alert';
import { botColumns, botRoleNamer } from './bots-config';
import {
  allEnvironments,
  type Bot,
  type BotEnvironment,
  useBotRoles,
  useBots,
  useMyPendingRequests,
  useRegisterBot,
  useRequestAccess,
} from './bots-queries';

const environmentOptions = allEnvironments.map((environment) => ({ value: environment, label: environment }));

function RegisterBotModal({ tenantId, onClose }: { readonly tenantId: string; readonly onClose: () => void }) {
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [botId, setBotId] = useState('');
  const [environments, setEnvironments] = useState<BotEnvironment[]>([...allEnvironments]);
  const register = useRegisterBot(tenantId);
  const submit = () =>
    register.mutate(
      { name: name.trim(), ...(botId.trim() ? { botId: botId.trim() } : {}), environments },
      {
        onSuccess: (bot) => {
          onClose();
          navigate(`/t/${tenantId}/bots/${encodeURIComponent(bot.botId)}`);
        },
      },
    );
  return (
    <Modal
      visible
      onDismiss={onClose}
      header="Register bot"
      closeAriaLabel="Close"
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onClose}>
              Cancel
            </Button>
            <Button
              variant="primary"
              loading={register.isPending}
              disabled={!name.trim() || environments.length === 0}
              onClick={submit}
            >
              Register
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="m">
        <Box>You become its Bot Owner.</Box>
        <FormField label="Name">
          <Input value={name} onChange={({ detail }) => setName(detail.value)} autoFocus />
        </FormField>
        <FormField label="Bot id" description="The id the bot builder knows it by. Optional: one is minted when empty.">
          <Input value={botId} onChange={({ detail }) => setBotId(detail.value)} />
        </FormField>
        <FormField label="Environments">
          <Multiselect
            selectedOptions={environmentOptions.filter((option) => environments.includes(option.value))}
            options={environmentOptions}
            onChange={({ detail }) =>
              setEnvironments(detail.selectedOptions.map((option) => option.value as BotEnvironment))
            }
            placeholder="Choose environments"
            deselectAriaLabel={(option) => `Remove ${option.label}`}
          />
        </FormField>
        <ProblemAlert error={register.error} />
      </SpaceBetween>
    </Modal>
  );
}

function RequestAccessModal({
  tenantId,
  bot,
  onClose,
}: {
  readonly tenantId: string;
  readonly bot: Bot;
  readonly onClose: () => void;
}) {
  const roles = useBotRoles(tenantId);
  const [roleId, setRoleId] = useState('');
  const [reason, setReason] = useState('');
  const request = useRequestAccess(tenantId);
  return (
    <Modal
      visible
      onDismiss={onClose}
      header={`Request access to ${bot.name}`}
      closeAriaLabel="Close"
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onClose}>
              Cancel
            </Button>
            <Button
              variant="primary"
              disabled={!roleId}
              loading={request.isPending}
              onClick={() =>
                request.mutate(
                  { botId: bot.botId, roles: [{ roleId }], ...(reason.trim() ? { reason: reason.trim() } : {}) },
                  { onSuccess: onClose },
                )
              }
            >
              Send request
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="m">
        <Box>The bot's owners and admins are told, and you are told their decision.</Box>
        <FormField label="Bot role">
          <RadioGroup
            value={roleId || null}
            onChange={({ detail }) => setRoleId(detail.value)}
            items={(roles.data ?? []).map((role) => ({
              value: role.roleId,
              label: role.name,
              description: role.description,
            }))}
          />
        </FormField>
        <FormField label="Reason" description="Optional: why you need it, for the approvers.">
          <Textarea value={reason} onChange={({ detail }) => setReason(detail.value)} rows={2} />
        </FormField>
        <ProblemAlert error={roles.error ?? request.error} />
      </SpaceBetween>
    </Modal>
  );
}

export default function BotsPage() {
  const { tenantId, can } = useWorkspace();
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const pages = useCursorPages();
  const [dialog, setDialog] = useState<'register' | undefined>();
  const [requesting, setRequesting] = useState<Bot | undefined>();
  const bots = useBots(tenantId, q, pages.cursor);
  const roles = useBotRoles(tenantId);
  const pending = useMyPendingRequests(tenantId);
  const pendingBots = new Set((pending.data ?? []).map((request) => request.botId));
  const roleName = botRoleNamer(roles.data);
  const nextCursor = bots.data?.nextCursor ?? undefined;

  const accessHref = (bot: Bot) => `/t/${tenantId}/bots/${encodeURIComponent(bot.botId)}`;
  const mayOpen = (bot: Bot) => bot.myAccess.permissions.includes('collaborators:read');

  return (
    <>
      <Table<Bot>
        variant="full-page"
        items={bots.data?.items ?? []}
        loading={bots.isLoading}
        loadingText="Loading bots"
        trackBy="botId"
        columnDefinitions={botColumns({
          roleName,
          name: (bot) =>
            mayOpen(bot) ? (
              <Link
                href={accessHref(bot)}
                onFollow={(event) => {
                  event.preventDefault();
                  navigate(accessHref(bot));
                }}
              >
                {bot.name}
              </Link>
            ) : (
              bot.name
            ),
          actions: (bot) => {
            // Request access: for a bot the caller holds no role on and may not share themself.
            const mayRequest =
              bot.myAccess.roles.length === 0 && !bot.myAccess.permissions.includes('collaborators:manage');
            return (
              <SpaceBetween direction="horizontal" size="xs">
                {mayOpen(bot) ? (
                  <Button
                    variant="inline-link"
                    ariaLabel={`Access control of ${bot.name}`}
                    onClick={() => navigate(accessHref(bot))}
                  >
                    Access control
                  </Button>
                ) : null}
                {mayRequest && pendingBots.has(bot.botId) ? (
                  <StatusIndicator type="pending">Access requested</StatusIndicator>
                ) : null}
                {mayRequest && !pendingBots.has(bot.botId) ? (
                  <Button
                    variant="inline-link"
                    ariaLabel={`Request access to ${bot.name}`}
                    onClick={() => setRequesting(bot)}
                  >
                    Request access
                  </Button>
                ) : null}
              </SpaceBetween>
            );
          },
        })}
        header={
          <Header
            variant="awsui-h1-sticky"
            description="Every bot of the workspace, with your access to each."
            counter={bots.data ? `(${bots.data.items.length}${nextCursor ? '+' : ''})` : undefined}
            actions={
              can('bots:create') ? (
                <Button variant="primary" onClick={() => setDialog('register')}>
                  Register bot
                </Button>
              ) : undefined
            }
          >
            Bots
          </Header>
        }
        filter={
          <TextFilter
            filteringText={q}
            filteringPlaceholder="Search by name or id"
            filteringAriaLabel="Search bots by name or id"
            filteringClearAriaLabel="Clear search"
            onChange={({ detail }) => {
              setQ(detail.filteringText);
              pages.reset();
            }}
          />
        }
        pagination={pages.pagination(nextCursor)}
        empty={
          bots.error ? (
            <ProblemAlert error={bots.error} />
          ) : (
            <Box textAlign="center" color="inherit">
              {q.trim() ? 'No bot matches.' : 'No bots yet.'}
            </Box>
          )
        }
      />
      {dialog === 'register' ? <RegisterBotModal tenantId={tenantId} onClose={() => setDialog(undefined)} /> : null}
      {requesting ? (
        <RequestAccessModal tenantId={tenantId} bot={requesting} onClose={() => setRequesting(undefined)} />
      ) : null}
    </>
  );
}
