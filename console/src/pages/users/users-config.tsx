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

/** The columns; build them once per change of what the cells show (each keeps the cells it drew). */
export function columnDefinitions(options: {
  readonly roleBadges: (member: Member) => ReactNode;
}): TableProps.ColumnDefinition<Member>[] {
  const columns: TableProps.ColumnDefinition<Member>[] = [
    { id: 'email', header: 'Email', cell: (member) => member.email, isRowHeader: true },
    { id: 'name', header: 'Name', cell: (member) => member.displayName ?? '—' },
    { id: 'roles', header: 'Roles', cell: (member) => options.roleBadges(member) },
    {
      id: 'groups',
      header: 'Groups',
      cell: (member) =>
        member.groups.length ? (
          <SpaceBetween direction="horizontal" size="xxs">
            {member.groups.map((group) => (
              <Badge key={group.groupId}>{group.name}</Badge>
            ))}
          </SpaceBetween>
        ) : (
          '—'
        ),
    },
    {
      id: 'status',
      header: 'Status',
      cell: (member) => <StatusIndicator type={statusLook[member.status] ?? 'info'}>{member.status}</StatusIndicator>,
    },
    { id: 'crm', header: 'CRM access', cell: (member) => (hasCrmAccess(member) ? 'Yes' : 'No') },
    { id: 'lastLogin', header: 'Last login', cell: (member) => formatDate(member.lastLoginAt) },
  ];
  return columns.map((column) => ({ ...column, cell: drawnOnce(column.cell) }));
}
