/**
 * "Invite people": comma- or newline-separated addresses, one tenant role (preselected to Member, the
 * least-privileged) with an optional expiry, the link's validity, a personal message, and optional bot
 * access. The result lists each address: invited, or refused with the reason.
 */
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import DatePicker from '@cloudscape-design/components/date-picker';
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import Modal from '@cloudscape-design/components/modal';
import Select, { type SelectProps } from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Textarea from '@cloudscape-design/components/textarea';
import { useState } from 'react';
import { endOfDay } from '../commons/dates';
import { ProblemAlert } from '../commons/problem-alert';
import {
  type CreateInvitationsRequest,
  failureReason,
  type InviteOutcome,
  MAX_EMAILS_PER_REQUEST,
  type Role,
  useCreateInvitations,
  useRolesOfScope,
  useShareableBots,
} from './invitations-queries';

/** The least-privileged tenant role, preselected. */
export const DEFAULT_ROLE_ID = 'member';

/** Addresses separated by commas, semicolons, spaces or new lines. */
export function parseEmails(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((email) => email.trim())
    .filter(Boolean);
}

const today = () => {
  const now = new Date();
  now.setHours(0, 0, 0, 0);
  return now;
};

export const roleOption = (role: Role): SelectProps.Option => ({
  value: role.roleId,
  label: role.name,
  description: role.description,
  tags: role.builtIn ? undefined : ['Custom'],
});

interface BotRow {
  readonly key: number;
  readonly botId: string | undefined;
  readonly roleId: string | undefined;
}

export function InviteDialog({ tenantId, onClose }: { readonly tenantId: string; readonly onClose: () => void }) {
  const tenantRoles = useRolesOfScope(tenantId, 'tenant');
  const botRoles = useRolesOfScope(tenantId, 'bot');
  const bots = useShareableBots(tenantId);
  const invite = useCreateInvitations(tenantId);

  const [emailsText, setEmailsText] = useState('');
  const [roleId, setRoleId] = useState(DEFAULT_ROLE_ID);
  const [roleExpiry, setRoleExpiry] = useState('');
  const [days, setDays] = useState('7');
  const [message, setMessage] = useState('');
  const [botRows, setBotRows] = useState<BotRow[]>([]);
  const [nextKey, setNextKey] = useState(1);
  const [submitted, setSubmitted] = useState(false);
  const [outcome, setOutcome] = useState<InviteOutcome | undefined>();

  const emails = parseEmails(emailsText);
  const daysNumber = Number(days);
  const emailsError = !submitted
    ? undefined
    : emails.length === 0
      ? 'Enter at least one email address.'
      : emails.length > MAX_EMAILS_PER_REQUEST
        ? `At most ${MAX_EMAILS_PER_REQUEST} addresses at once; use Import CSV for more.`
        : undefined;
  const daysError =
    Number.isInteger(daysNumber) && daysNumber >= 1 && daysNumber <= 30 ? undefined : 'A whole number from 1 to 30.';
  const botRowsError =
    submitted && botRows.some((row) => !(row.botId && row.roleId)) ? 'Choose a bot and a role on each row.' : undefined;

  const roleOptions = (tenantRoles.data ?? []).filter((role) => role.roleId !== 'owner').map(roleOption);
  const botRoleOptions = (botRoles.data ?? []).filter((role) => role.roleId !== 'bot-owner').map(roleOption);
  const botOptions = (bots.data ?? []).map((bot) => ({ value: bot.botId, label: bot.name, description: bot.botId }));

  const submit = () => {
    setSubmitted(true);
    if (emails.length === 0 || emails.length > MAX_EMAILS_PER_REQUEST || daysError) return;
    if (botRows.some((row) => !(row.botId && row.roleId))) return;
    const body: CreateInvitationsRequest = {
      emails,
      roles: [{ roleId, ...(roleExpiry ? { expiresAt: endOfDay(roleExpiry) } : {}) }],
      expiresInDays: daysNumber,
      ...(message.trim() ? { message: message.trim() } : {}),
      ...(botRows.length
        ? { botAccess: botRows.map((row) => ({ botId: row.botId ?? '', roles: [{ roleId: row.roleId ?? '' }] })) }
        : {}),
    };
    setOutcome(undefined);
    invite.mutate(body, {
      onSuccess: (result) => {
        setOutcome(result);
        // What was invited is done; what was refused stays in the box to fix and send again.
        if (result.created.length > 0) setEmailsText(result.failed.map((failure) => failure.email).join(', '));
        setSubmitted(false);
      },
    });
  };

  const updateRow = (key: number, change: Partial<BotRow>) =>
    setBotRows((rows) => rows.map((row) => (row.key === key ? { ...row, ...change } : row)));

  return (
    <Modal
      visible
      size="large"
      onDismiss={onClose}
      closeAriaLabel="Close the invite dialog"
      header="Invite people"
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onClose}>
              {outcome ? 'Close' : 'Cancel'}
            </Button>
            <Button variant="primary" loading={invite.isPending} onClick={submit}>
              Send invitations
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="l">
        {outcome ? <InviteResults outcome={outcome} /> : null}
        <ProblemAlert error={invite.error} header="The invitations were not sent" />
        <FormField
          label="Email addresses"
          description="Separate addresses with commas or new lines. Each gets an email with a single-use link."
          constraintText={`Up to ${MAX_EMAILS_PER_REQUEST} addresses.`}
          errorText={emailsError}
        >
          <Textarea
            value={emailsText}
            onChange={({ detail }) => setEmailsText(detail.value)}
            placeholder="ana@example.com, bob@example.com"
            rows={3}
          />
        </FormField>
        <SpaceBetween direction="horizontal" size="l">
          <FormField label="Role" description="What they may do in this workspace.">
            <Select
              selectedOption={roleOptions.find((option) => option.value === roleId) ?? { value: roleId, label: roleId }}
              options={roleOptions}
              statusType={tenantRoles.isLoading ? 'loading' : 'finished'}
              loadingText="Loading roles"
              onChange={({ detail }) => setRoleId(detail.selectedOption.value ?? DEFAULT_ROLE_ID)}
            />
          </FormField>
          <FormField label="Role expires on (optional)" description="The role stops granting at the end of that day.">
            <DatePicker
              value={roleExpiry}
              onChange={({ detail }) => setRoleExpiry(detail.value)}
              placeholder="YYYY/MM/DD"
              isDateEnabled={(date) => date > today()}
              openCalendarAriaLabel={(selected) => `Choose the role's expiry date${selected ? `, ${selected}` : ''}`}
            />
          </FormField>
          <FormField label="Link valid for (days)" errorText={daysError}>
            <Input type="number" inputMode="numeric" value={days} onChange={({ detail }) => setDays(detail.value)} />
          </FormField>
        </SpaceBetween>
        <FormField label="Message (optional)" description="A personal note included in the email.">
          <Textarea value={message} onChange={({ detail }) => setMessage(detail.value)} rows={2} />
        </FormField>
        <FormField
          label="Bot access (optional)"
          description="Bots to share with them, each with a bot role, granted when they accept."
          errorText={botRowsError}
        >
          <SpaceBetween size="xs">
            {botRows.map((row, index) => (
              <SpaceBetween key={row.key} direction="horizontal" size="xs">
                <Select
                  ariaLabel={`Bot ${index + 1}`}
                  placeholder="Choose a bot"
                  selectedOption={botOptions.find((option) => option.value === row.botId) ?? null}
                  options={botOptions}
                  onChange={({ detail }) => updateRow(row.key, { botId: detail.selectedOption.value })}
                />
                <Select
                  ariaLabel={`Role on bot ${index + 1}`}
                  placeholder="Choose a bot role"
                  selectedOption={botRoleOptions.find((option) => option.value === row.roleId) ?? null}
                  options={botRoleOptions}
                  onChange={({ detail }) => updateRow(row.key, { roleId: detail.selectedOption.value })}
                />
                <Button
                  iconName="remove"
                  variant="icon"
                  ariaLabel={`Remove bot ${index + 1}`}
                  onClick={() => setBotRows((rows) => rows.filter((candidate) => candidate.key !== row.key))}
                />
              </SpaceBetween>
            ))}
            <Button
              iconName="add-plus"
              disabled={botOptions.length === 0}
              disabledReason={bots.isLoading ? 'Loading bots' : 'There is no bot you may share.'}
              onClick={() => {
                setBotRows((rows) => [...rows, { key: nextKey, botId: undefined, roleId: undefined }]);
                setNextKey(nextKey + 1);
              }}
            >
              Add bot
            </Button>
          </SpaceBetween>
        </FormField>
      </SpaceBetween>
    </Modal>
  );
}

/** Each address of the last request: invited, or not with the reason. */
export function InviteResults({ outcome }: { readonly outcome: InviteOutcome }) {
  return (
    <SpaceBetween size="xs">
      {outcome.problem ? <ProblemAlert error={outcome.problem} header="Nobody was invited" /> : null}
      <ul aria-label="Invitation results" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {outcome.created.map((invitation) => (
          <li key={invitation.invitationId}>
            <StatusIndicator type="success">{invitation.email}: invited</StatusIndicator>
          </li>
        ))}
        {outcome.failed.map((failure) => (
          <li key={failure.email}>
            <StatusIndicator type="error">
              {failure.email}: not invited ({failureReason(failure.code)})
            </StatusIndicator>
          </li>
        ))}
      </ul>
    </SpaceBetween>
  );
}
