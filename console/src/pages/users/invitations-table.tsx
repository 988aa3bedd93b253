/**
 * The Invitations sub-tab: pending and expired (not yet purged) invitations with their roles, inviter and
 * expiry; Resend (a new link, the old one dead, the expiry reset) and Revoke (the link dies, the seat is
 * freed) for callers with users:write.
 */
import Alert from '@cloudscape-design/components/alert';
import Badge from '@cloudscape-design/components/badge';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import Modal from '@cloudscape-design/components/modal';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import { useMemo, useState } from 'react';
import { useWorkspace } from '../../app/workspace';
import { useCursorPages } from '../commons/cursor-pages';
import { formatDate } from '../commons/dates';
import { ProblemAlert } from '../commons/problem-alert';
import {
  type Invitation,
  type InvitationStatus,
  useInvitations,
  useResendInvitation,
  useRevokeInvitation,
} from './invitations-queries';
import { useRoles } from './users-queries';

const statusOptions = [
  { value: '', label: 'Pending and expired' },
  { value: 'pending', label: 'Pending' },
  { value: 'expired', label: 'Expired' },
];

export function InvitationsTab() {
  const { tenantId, can } = useWorkspace();
  const writable = can('users:write');
  const [status, setStatus] = useState<InvitationStatus | undefined>();
  const [selected, setSelected] = useState<Invitation[]>([]);
  const pages = useCursorPages({ onPageChange: () => setSelected([]) });
  const [confirmRevoke, setConfirmRevoke] = useState<Invitation | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const invitations = useInvitations(tenantId, { status, cursor: pages.cursor });
  const roles = useRoles(tenantId);
  const resend = useResendInvitation(tenantId);
  const revoke = useRevokeInvitation(tenantId);
  const roleNames = useMemo(() => new Map((roles.data ?? []).map((role) => [role.roleId, role.name])), [roles.data]);
  const items = invitations.data?.items ?? [];
  const nextCursor = invitations.data?.nextCursor ?? undefined;
  // The selection as it is now (a resend changes the expiry).
  const current = items.find((invitation) => invitation.invitationId === selected[0]?.invitationId);

  return (
    <SpaceBetween size="m">
      {notice ? (
        <Alert type="success" dismissible dismissAriaLabel="Dismiss" onDismiss={() => setNotice(undefined)}>
          {notice}
        </Alert>
      ) : null}
      <ProblemAlert error={resend.error} header="The invitation was not resent" />
      <ProblemAlert error={revoke.error && !confirmRevoke ? revoke.error : undefined} header="Not revoked" />
      <Table<Invitation>
        variant="full-page"
        items={items}
        loading={invitations.isLoading}
        loadingText="Loading invitations"
        trackBy="invitationId"
        selectionType={writable ? 'single' : undefined}
        selectedItems={current ? [current] : []}
        onSelectionChange={({ detail }) => setSelected(detail.selectedItems)}
        ariaLabels={{
          selectionGroupLabel: 'Invitations',
          itemSelectionLabel: (_, invitation) => `Select the invitation to ${invitation.email}`,
          allItemsSelectionLabel: () => 'Select all',
        }}
        columnDefinitions={[
          { id: 'email', header: 'Email', cell: (invitation) => invitation.email, isRowHeader: true },
          {
            id: 'roles',
            header: 'Roles',
            cell: (invitation) => (
              <SpaceBetween direction="horizontal" size="xxs">
                {invitation.roles.map((assignment) => (
                  <Badge key={assignment.roleId}>{roleNames.get(assignment.roleId) ?? assignment.roleId}</Badge>
                ))}
                {invitation.botAccess.length ? (
                  <Badge color="blue">
                    {invitation.botAccess.length === 1 ? '1 bot' : `${invitation.botAccess.length} bots`}
                  </Badge>
                ) : null}
              </SpaceBetween>
            ),
          },
          {
            id: 'status',
            header: 'Status',
            cell: (invitation) => (
              <StatusIndicator type={invitation.status === 'pending' ? 'pending' : 'stopped'}>
                {invitation.status}
              </StatusIndicator>
            ),
          },
          {
            id: 'inviter',
            header: 'Invited by',
            cell: (invitation) => invitation.invitedBy.email ?? invitation.invitedBy.id,
          },
          { id: 'expires', header: 'Expires', cell: (invitation) => formatDate(invitation.expiresAt) },
          { id: 'created', header: 'Sent', cell: (invitation) => formatDate(invitation.createdAt) },
        ]}
        header={
          <Header
            variant="awsui-h1-sticky"
            counter={invitations.data ? `(${items.length}${nextCursor ? '+' : ''})` : undefined}
            description="People invited who have not answered yet. Each pending invitation holds a seat."
            actions={
              writable ? (
                <SpaceBetween direction="horizontal" size="xs">
                  <Button
                    disabled={!current}
                    disabledReason="Select an invitation first."
                    loading={resend.isPending}
                    onClick={() => {
                      if (!current) return;
                      setNotice(undefined);
                      resend.mutate(current.invitationId, {
                        onSuccess: (invitation) =>
                          setNotice(
                            `A new link was sent to ${invitation.email}; the previous link no longer works. It expires ${formatDate(invitation.expiresAt)}.`,
                          ),
                      });
                    }}
                  >
                    Resend
                  </Button>
                  <Button
                    disabled={!current}
                    disabledReason="Select an invitation first."
                    onClick={() => {
                      revoke.reset();
                      setConfirmRevoke(current);
                    }}
                  >
                    Revoke
                  </Button>
                </SpaceBetween>
              ) : undefined
            }
          >
            Invitations
          </Header>
        }
        filter={
          <SpaceBetween direction="horizontal" size="s">
            <Select
              ariaLabel="Filter invitations by status"
              selectedOption={statusOptions.find((option) => option.value === (status ?? '')) ?? null}
              options={statusOptions}
              onChange={({ detail }) => {
                setStatus((detail.selectedOption.value || undefined) as InvitationStatus | undefined);
                pages.reset();
              }}
            />
          </SpaceBetween>
        }
        pagination={pages.pagination(nextCursor)}
        empty={
          invitations.error ? (
            <ProblemAlert error={invitations.error} />
          ) : (
            <Box textAlign="center" color="inherit">
              No invitations.
            </Box>
          )
        }
      />
      {confirmRevoke ? (
        <Modal
          visible
          onDismiss={() => setConfirmRevoke(undefined)}
          closeAriaLabel="Close"
          header="Revoke the invitation?"
          footer={
            <Box float="right">
              <SpaceBetween direction="horizontal" size="xs">
                <Button variant="link" onClick={() => setConfirmRevoke(undefined)}>
                  Cancel
                </Button>
                <Button
                  variant="primary"
                  loading={revoke.isPending}
                  onClick={() =>
                    revoke.mutate(confirmRevoke.invitationId, {
                      onSuccess: () => {
                        setNotice(`The invitation to ${confirmRevoke.email} was revoked; its seat is free.`);
                        setConfirmRevoke(undefined);
                        setSelected([]);
                      },
                    })
                  }
                >
                  Revoke invitation
                </Button>
              </SpaceBetween>
            </Box>
          }
        >
          <SpaceBetween size="m">
            <Box>
              The link sent to <strong>{confirmRevoke.email}</strong> stops working at once and the seat it holds is
              freed. They can be invited again later.
            </Box>
            <ProblemAlert error={revoke.error} header="Not revoked" />
          </SpaceBetween>
        </Modal>
      ) : null}
    </SpaceBetween>
  );
}
