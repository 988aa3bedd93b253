/**
 * The actions of the members table's header, for callers with users:write: Suspend / Reactivate / Remove
 * the selected member (each confirmed with what will happen), Import CSV and Invite people. An action the
 * member's status does not allow, or one on the Owner or on oneself, is disabled with the reason; the API
 * stays the judge and its refusal is shown in the confirmation.
 */
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import ButtonDropdown, { type ButtonDropdownProps } from '@cloudscape-design/components/button-dropdown';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { type ReactNode, Suspense, useState } from 'react';
import { useWorkspace } from '../../app/workspace';
import type { MemberAction } from './invitations-queries';
import { ConfirmAction, CsvImportDialog, InviteDialog } from './lazy-dialogs';
import type { Member } from './users-queries';

interface ActionText {
  readonly label: string;
  readonly title: (member: Member) => string;
  readonly body: (member: Member) => ReactNode;
  readonly confirm: string;
}

export const texts: Record<MemberAction, ActionText> = {
  suspend: {
    label: 'Suspend',
    title: (member) => `Suspend ${member.email}?`,
    body: (member) => (
      <>
        <Box>
          Every request of <strong>{member.email}</strong> in this workspace is refused from now on: they lose all
          access at once, to the workspace and to every bot.
        </Box>
        <Box>
          If this is their only active workspace, their sessions are signed out too. Their roles, groups and history
          stay, and they keep their seat: you can reactivate them later, or remove them.
        </Box>
      </>
    ),
    confirm: 'Suspend',
  },
  reactivate: {
    label: 'Reactivate',
    title: (member) => `Reactivate ${member.email}?`,
    body: (member) => (
      <Box>
        <strong>{member.email}</strong> gets back the access their roles, permissions and groups give, on their next
        request.
      </Box>
    ),
    confirm: 'Reactivate',
  },
  remove: {
    label: 'Remove',
    title: (member) => `Remove ${member.email}?`,
    body: (member) => (
      <>
        <Box>
          <strong>{member.email}</strong> leaves this workspace for good, with every role and bot access they hold.
          Their seat is freed. This cannot be undone.
        </Box>
        <Box>Their history stays in the audit log. They can be invited again later, as a new member.</Box>
      </>
    ),
    confirm: 'Remove for good',
  },
};

/** Why `action` cannot be applied to `member` by the caller (`selfId`), or undefined when it can. */
export function actionBlocker(action: MemberAction, member: Member, selfId: string | undefined): string | undefined {
  if (member.memberId === selfId) return 'You cannot change your own status.';
  if (member.roles.some((assignment) => assignment.roleId === 'owner')) {
    return 'The Owner cannot be suspended or removed; transfer ownership first.';
  }
  if (member.status === 'invited') return 'Not joined yet: revoke the invitation on the Invitations tab instead.';
  if (action === 'suspend' && member.status !== 'active') return 'Only an active member can be suspended.';
  if (action === 'reactivate' && member.status !== 'suspended') return 'Only a suspended member can be reactivated.';
  if (action === 'remove' && member.status !== 'suspended') return 'Suspend the member first; then remove them.';
  return undefined;
}

/** The members table's header actions; nothing for a caller without users:write. */
export function UsersHeaderActions({ selected }: { readonly selected: Member | undefined }) {
  const { tenantId, can, membership } = useWorkspace();
  const [dialog, setDialog] = useState<'invite' | 'import' | MemberAction | undefined>();
  if (!can('users:write')) return null;
  const items: ButtonDropdownProps.Item[] = (['suspend', 'reactivate', 'remove'] as const).map((action) => {
    const blocker = selected ? actionBlocker(action, selected, membership?.memberId) : 'Select a member first.';
    return {
      id: action,
      text: texts[action].label,
      disabled: Boolean(blocker),
      ...(blocker ? { disabledReason: blocker } : {}),
    };
  });
  const close = () => setDialog(undefined);
  return (
    <>
      <SpaceBetween direction="horizontal" size="xs">
        <ButtonDropdown
          items={items}
          disabled={!selected}
          disabledReason="Select a member first."
          onItemClick={({ detail }) => setDialog(detail.id as MemberAction)}
        >
          Actions
        </ButtonDropdown>
        <Button onClick={() => setDialog('import')}>Import CSV</Button>
        <Button variant="primary" onClick={() => setDialog('invite')}>
          Invite people
        </Button>
      </SpaceBetween>
      <Suspense fallback={null}>
        {dialog === 'invite' ? <InviteDialog tenantId={tenantId} onClose={close} /> : null}
        {dialog === 'import' ? <CsvImportDialog tenantId={tenantId} onClose={close} /> : null}
        {selected && (dialog === 'suspend' || dialog === 'reactivate' || dialog === 'remove') ? (
          <ConfirmAction action={dialog} member={selected} onClose={close} />
        ) : null}
      </Suspense>
    </>
  );
}
