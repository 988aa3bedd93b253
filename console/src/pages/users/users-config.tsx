/** Columns of the Users table. */
import Badge from '@cloudscape-design/components/badge';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';
import type { TableProps } from '@cloudscape-design/components/table';
import type { ReactNode } from 'react';
import { formatDate } from '../commons/dates';
import type { Member, MemberStatus } from './users-queries';

export const statusOptions: { value: MemberStatus; label: string }[] = [
  { value: 'active', label: 'Active' },
  { value: 'invited', label: 'Invited' },
  { value: 'suspended', label: 'Suspended' },
];

const statusLook: Record<string, StatusIndicatorProps.Type> = {
  active: 'success',
  invited: 'pending',
  suspended: 'stopped',
};

export function hasCrmAccess(member: Member): boolean {
  return member.effectivePermissions.some((entry) => entry.permission === 'crm:access');
}

/**
 * A cell drawn once per member object: the same element is returned while the member is unchanged, so React
 * skips its subtree when the Table draws its rows again (it does once after mounting, when it has measured
 * itself). A refetch that changes a member gives a new object (TanStack Query keeps unchanged ones), hence a
 * new cell.
 */
function drawnOnce(cell: (member: Member) => ReactNode): (member: Member) => ReactNode {
  const drawn = new WeakMap<Member, ReactNode>();
  return (member) => {
    if (!drawn.has(member)) drawn.set(member, cell(member));
    return drawn.get(member);
  };
}

// The columns that show the member alone: one cache of cells for the whole session (a WeakMap, so the cells
// of members no longer in the query cache go with them).
const emailColumn = { id: 'email', header: 'Email', cell: drawnOnce((member) => member.email), isRowHeader: true };
const nameColumn = { id: 'name', header: 'Name', cell: drawnOnce((member) => member.displayName ?? '—') };
const memberColumns: TableProps.ColumnDefinition<Member>[] = [
  {
    id: 'groups',
    header: 'Groups',
    cell: drawnOnce((member) =>
      member.groups.length ? (
        <SpaceBetween direction="horizontal" size="xxs">
          {member.groups.map((group) => (
            <Badge key={group.groupId}>{group.name}</Badge>
          ))}
        </SpaceBetween>
      ) : (
        '—'
      ),
    ),
  },
  {
    id: 'status',
    header: 'Status',
    cell: drawnOnce((member) => (
      <StatusIndicator type={statusLook[member.status] ?? 'info'}>{member.status}</StatusIndicator>
    )),
  },
  { id: 'crm', header: 'CRM access', cell: drawnOnce((member) => (hasCrmAccess(member) ? 'Yes' : 'No')) },
  { id: 'lastLogin', header: 'Last login', cell: drawnOnce((member) => formatDate(member.lastLoginAt)) },
];

/**
 * The columns; build them once per change of what the Roles cells show (role names, the caller's rights):
 * the Roles column then draws its cells again, the others keep theirs.
 */
export function columnDefinitions(options: {
  readonly roleBadges: (member: Member) => ReactNode;
}): TableProps.ColumnDefinition<Member>[] {
  return [
    emailColumn,
    nameColumn,
    { id: 'roles', header: 'Roles', cell: drawnOnce(options.roleBadges) },
    ...memberColumns,
  ];
}
