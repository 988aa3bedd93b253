/**
 * Users: the members table (search, status filter, pages from the API's cursors), the seat indicator, and
 * the Invitations sub-tab. Actions follow the caller's permissions.
 */
import Box from '@cloudscape-design/components/box';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import Table from '@cloudscape-design/components/table';
import Tabs from '@cloudscape-design/components/tabs';
import TextFilter from '@cloudscape-design/components/text-filter';
import { Suspense, useCallback, useMemo, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { useWorkspace } from '../../app/workspace';
import { useCursorPages } from '../commons/cursor-pages';
import { ProblemAlert } from '../commons/problem-alert';
import { InvitationsTab, MemberEditDialog, ReassignDialog } from './lazy-dialogs';
import { UsersHeaderActions } from './member-actions';
import { MemberRolesCell } from './role-badge';
import { columnDefinitions, statusOptions } from './users-config';
import { type Member, type MemberStatus, useMembers, useRoles, useTenant } from './users-queries';

const allStatuses = { value: '', label: 'Any status' };

export function SeatIndicator({ tenantId }: { readonly tenantId: string }) {
  const { data } = useTenant(tenantId);
  if (!data) return null;
  return (
    <Box variant="span" color={data.seatsUsed >= data.seatLimit ? 'text-status-warning' : 'text-body-secondary'}>
      <span data-testid="seat-indicator">
        {data.seatsUsed} of {data.seatLimit} seats
      </span>
    </Box>
  );
}

function MembersTab() {
  const workspace = useWorkspace();
  const { tenantId } = workspace;
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<MemberStatus | undefined>();
  const [selected, setSelected] = useState<Member[]>([]);
  const pages = useCursorPages({ onPageChange: () => setSelected([]) });
  const filter = { q, status, cursor: pages.cursor };
  const members = useMembers(tenantId, filter);
  const roles = useRoles(tenantId);
  const roleNames = useMemo(() => new Map((roles.data ?? []).map((role) => [role.roleId, role.name])), [roles.data]);
  const roleName = useCallback((roleId: string) => roleNames.get(roleId) ?? roleId, [roleNames]);

  const nextCursor = members.data?.nextCursor ?? undefined;
  // One dialog for the whole table (the row cells hold no state).
  const [dialog, setDialog] = useState<
    { kind: 'reassign'; member: Member; roleId: string } | { kind: 'edit'; member: Member } | undefined
  >();
  const closeDialog = () => setDialog(undefined);
  const canWrite = workspace.can('users:write');
  const selfId = workspace.membership?.memberId;
  // The same columns (and cells) from render to render: the Table draws every row again whenever its own
  // state changes (it measures itself once mounted), and a cell it was given before is not drawn again.
  const columns = useMemo(
    () =>
      columnDefinitions({
        roleBadges: (member) => (
          <MemberRolesCell
            member={member}
            roleName={roleName}
            canWrite={canWrite}
            selfId={selfId}
            onReassign={(target, roleId) => setDialog({ kind: 'reassign', member: target, roleId })}
            onEdit={(target) => setDialog({ kind: 'edit', member: target })}
          />
        ),
      }),
    [roleName, canWrite, selfId],
  );
  // The selected member as the last read has them (an action changes their status).
  const selectedMember = members.data?.items.find((member) => member.memberId === selected[0]?.memberId);

  return (
    <>
      <Table<Member>
        variant="full-page"
        items={members.data?.items ?? []}
        loading={members.isLoading}
        loadingText="Loading members"
        trackBy="memberId"
        selectionType={workspace.can('users:write') ? 'single' : undefined}
        selectedItems={selected}
        onSelectionChange={({ detail }) => setSelected(detail.selectedItems)}
        ariaLabels={{
          selectionGroupLabel: 'Members',
          itemSelectionLabel: (_, member) => `Select ${member.email}`,
          allItemsSelectionLabel: () => 'Select all',
        }}
        columnDefinitions={columns}
        header={
          <Header
            variant="awsui-h1-sticky"
            description={<SeatIndicator tenantId={tenantId} />}
            counter={members.data ? `(${members.data.items.length}${nextCursor ? '+' : ''})` : undefined}
            actions={<UsersHeaderActions selected={selectedMember} />}
          >
            Users
          </Header>
        }
        filter={
          <SpaceBetween direction="horizontal" size="s">
            <TextFilter
              filteringText={q}
              filteringPlaceholder="Search by email or name"
              filteringAriaLabel="Search members by email or name"
              filteringClearAriaLabel="Clear the search"
              onChange={({ detail }) => {
                setQ(detail.filteringText);
                pages.reset();
              }}
            />
            <Select
              ariaLabel="Filter by status"
              selectedOption={statusOptions.find((option) => option.value === status) ?? allStatuses}
              options={[allStatuses, ...statusOptions]}
              onChange={({ detail }) => {
                setStatus((detail.selectedOption.value || undefined) as MemberStatus | undefined);
                pages.reset();
              }}
            />
          </SpaceBetween>
        }
        pagination={pages.pagination(nextCursor)}
        empty={
          members.error ? (
            <ProblemAlert error={members.error} />
          ) : (
            <Box textAlign="center" color="inherit">
              No members match.
            </Box>
          )
        }
      />
      <Suspense fallback={null}>
        {dialog?.kind === 'reassign' ? (
          <ReassignDialog tenantId={tenantId} member={dialog.member} roleId={dialog.roleId} onDismiss={closeDialog} />
        ) : null}
        {dialog?.kind === 'edit' ? (
          <MemberEditDialog tenantId={tenantId} memberId={dialog.member.memberId} onDismiss={closeDialog} />
        ) : null}
      </Suspense>
    </>
  );
}

export function UsersPage() {
  const navigate = useNavigate();
  const location = useLocation();
  const { tenantId, can, membership } = useWorkspace();
  const invitations = location.pathname.endsWith('/invitations');
  if (!membership) return <Spinner size="large" />;
  if (!can('users:read')) {
    return (
      <ContentLayout header={<Header variant="h1">Users</Header>}>
        <Box>Your role does not let you see the members of this workspace.</Box>
      </ContentLayout>
    );
  }
  return (
    <Tabs
      activeTabId={invitations ? 'invitations' : 'members'}
      onChange={({ detail }) =>
        navigate(detail.activeTabId === 'invitations' ? `/t/${tenantId}/users/invitations` : `/t/${tenantId}/users`)
      }
      tabs={[
        { id: 'members', label: 'Users', content: <MembersTab /> },
        {
          id: 'invitations',
          label: 'Invitations',
          content: (
            <Suspense fallback={<Spinner size="large" />}>
              <InvitationsTab />
            </Suspense>
          ),
        },
      ]}
      ariaLabel="Users and invitations"
    />
  );
}
