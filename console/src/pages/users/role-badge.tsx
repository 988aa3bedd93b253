/**
 * The Roles cell of the Users table: a badge per role. With users:write, a role badge (not Owner, not the
 * caller's own) opens the reassign dialog and an Edit button the member edit dialog. The cell holds no state
 * and reads no query: the table draws 50 of them, so the dialogs live once on the page (index.tsx) and
 * load on first use.
 */
import Badge from '@cloudscape-design/components/badge';
import Button from '@cloudscape-design/components/button';
import SpaceBetween from '@cloudscape-design/components/space-between';
import type { Member } from './users-queries';

export function RoleBadge({ roleId, name }: { readonly roleId: string; readonly name: string }) {
  return <Badge color={roleId === 'owner' ? 'blue' : 'grey'}>{name}</Badge>;
}

export interface MemberRolesCellProps {
  readonly member: Member;
  readonly roleName: (roleId: string) => string;
  /** The caller may change members (users:write). */
  readonly canWrite: boolean;
  /** The caller's own member id: nobody changes their own roles. */
  readonly selfId: string | undefined;
  readonly onReassign: (member: Member, roleId: string) => void;
  readonly onEdit: (member: Member) => void;
}

export function MemberRolesCell({ member, roleName, canWrite, selfId, onReassign, onEdit }: MemberRolesCellProps) {
  const self = selfId === member.memberId;
  return (
    <SpaceBetween direction="horizontal" size="xxs" alignItems="center">
      {member.roles.map((assignment) =>
        canWrite && !self && assignment.roleId !== 'owner' ? (
          <Button
            key={assignment.roleId}
            variant="inline-link"
            ariaLabel={`Reassign role ${roleName(assignment.roleId)} of ${member.email}`}
            onClick={() => onReassign(member, assignment.roleId)}
          >
            <RoleBadge roleId={assignment.roleId} name={roleName(assignment.roleId)} />
          </Button>
        ) : (
          <RoleBadge key={assignment.roleId} roleId={assignment.roleId} name={roleName(assignment.roleId)} />
        ),
      )}
      {canWrite ? (
        <Button
          variant="inline-icon"
          iconName="edit"
          ariaLabel={`Edit ${member.email}`}
          onClick={() => onEdit(member)}
        />
      ) : null}
    </SpaceBetween>
  );
}
