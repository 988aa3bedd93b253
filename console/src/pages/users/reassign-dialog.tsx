/** Replaces one role of a member by another (PATCH of the member's roles), from the role badge. */
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import FormField from '@cloudscape-design/components/form-field';
import Modal from '@cloudscape-design/components/modal';
import Select, { type SelectProps } from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState } from 'react';
import { ProblemAlert } from '../commons/problem-alert';
import { useUpdateMember } from './member-edit-queries';
import { type Member, useRoles } from './users-queries';

export function ReassignDialog({
  tenantId,
  member,
  roleId,
  onDismiss,
}: {
  readonly tenantId: string;
  readonly member: Member;
  readonly roleId: string;
  readonly onDismiss: () => void;
}) {
  const roles = useRoles(tenantId);
  const update = useUpdateMember(tenantId, member.memberId);
  const [replacement, setReplacement] = useState<SelectProps.Option | null>(null);
  const name = (id: string) => roles.data?.find((role) => role.roleId === id)?.name ?? id;
  const options = (roles.data ?? [])
    .filter((role) => role.scope === 'tenant' && role.roleId !== 'owner')
    .filter((role) => !member.roles.some((held) => held.roleId === role.roleId))
    .map((role) => ({ value: role.roleId, label: role.name, description: role.description }));

  const save = () => {
    const next = replacement?.value;
    if (!next) return;
    update.mutate(
      {
        version: member.version,
        changes: {
          roles: member.roles.map((held) => (held.roleId === roleId ? { ...held, roleId: next } : held)),
        },
      },
      { onSuccess: onDismiss },
    );
  };

  return (
    <Modal
      visible
      onDismiss={onDismiss}
      closeAriaLabel="Close"
      header={`Reassign ${name(roleId)}`}
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onDismiss}>
              Cancel
            </Button>
            <Button variant="primary" disabled={!replacement} loading={update.isPending} onClick={save}>
              Reassign
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="m">
        <Box>
          {member.email} loses the role <b>{name(roleId)}</b> and gets the role you choose instead; their other roles
          and permissions stay, and an end date on the role, if any, carries over.
        </Box>
        <FormField label="New role">
          <Select
            selectedOption={replacement}
            placeholder="Choose a role"
            options={options}
            statusType={roles.isLoading ? 'loading' : 'finished'}
            onChange={({ detail }) => setReplacement(detail.selectedOption)}
          />
        </FormField>
        <ProblemAlert error={update.error} header="The change was refused" />
      </SpaceBetween>
    </Modal>
  );
}
