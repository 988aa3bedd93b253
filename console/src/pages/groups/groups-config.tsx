/** Columns of the Groups table and of a group's members. */
import Badge from '@cloudscape-design/components/badge';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import type { TableProps } from '@cloudscape-design/components/table';
import type { ReactNode } from 'react';
import { formatDate } from '../commons/dates';
import type { Group, GroupMember, RoleAssignment } from './groups-queries';

export function RoleBadges({
  roles,
  roleName,
}: {
  readonly roles: readonly RoleAssignment[];
  readonly roleName: (roleId: string) => string;
}) {
  if (!roles.length) return <>—</>;
  return (
    <SpaceBetween direction="horizontal" size="xxs">
      {roles.map((assignment) => (
        <Badge key={assignment.roleId} color="grey">
          {roleName(assignment.roleId)}
          {assignment.expiresAt ? ` (until ${formatDate(assignment.expiresAt)})` : ''}
        </Badge>
      ))}
    </SpaceBetween>
  );
}

export function groupColumns(options: {
  readonly href: (group: Group) => string;
  readonly follow: (href: string) => void;
  readonly roleName: (roleId: string) => string;
}): TableProps.ColumnDefinition<Group>[] {
  return [
    {
      id: 'name',
      header: 'Name',
      isRowHeader: true,
      cell: (group) => (
        <Link
          href={options.href(group)}
          onFollow={(event) => {
            event.preventDefault();
            options.follow(options.href(group));
          }}
        >
          {group.name}
        </Link>
      ),
    },
    { id: 'description', header: 'Description', cell: (group) => group.description || '—' },
    { id: 'roles', header: 'Roles', cell: (group) => <RoleBadges roles={group.roles} roleName={options.roleName} /> },
    { id: 'updated', header: 'Last changed', cell: (group) => formatDate(group.updatedAt) },
  ];
}

export function groupMemberColumns(
  actions: (member: GroupMember) => ReactNode,
): TableProps.ColumnDefinition<GroupMember>[] {
  return [
    { id: 'email', header: 'Email', isRowHeader: true, cell: (member) => member.email },
    { id: 'name', header: 'Name', cell: (member) => member.displayName ?? '—' },
    {
      id: 'status',
      header: 'Status',
      cell: (member) => (
        <StatusIndicator
          type={member.status === 'active' ? 'success' : member.status === 'invited' ? 'pending' : 'stopped'}
        >
          {member.status}
        </StatusIndicator>
      ),
    },
    { id: 'actions', header: 'Actions', cell: actions },
  ];
}
