/**
 * Deleting a custom role. While members hold it the API refuses (409 `role_in_use` with the count): the
 * dialog then shows the API's detail and asks which role they get instead, and deletes with `?reassignTo=`.
 */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import FormField from '@cloudscape-design/components/form-field';
import Modal from '@cloudscape-design/components/modal';
import Select, { type SelectProps } from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState } from 'react';
import { ApiProblem } from '../../api/client';
import { ProblemAlert } from '../commons/problem-alert';
import { type Role, useDeleteRole } from './roles-queries';

interface InUse {
  readonly count: number;
  readonly detail: string;
}

export function DeleteRoleModal({
  tenantId,
  role,
  roles,
  onDismiss,
  onDeleted,
}: {
  readonly tenantId: string;
  readonly role: Role;
  /** Every role of the tenant: the replacements offered are those of the same scope. */
  readonly roles: readonly Role[];
  readonly onDismiss: () => void;
  readonly onDeleted: () => void;
}) {
  const remove = useDeleteRole(tenantId);
  const [inUse, setInUse] = useState<InUse | undefined>();
  const [replacement, setReplacement] = useState<SelectProps.Option | null>(null);
  const options = roles
    .filter((candidate) => candidate.scope === role.scope && candidate.roleId !== role.roleId)
    .filter((candidate) => candidate.roleId !== 'owner' && candidate.roleId !== 'bot-owner')
    .map((candidate) => ({ value: candidate.roleId, label: candidate.name }));

  const confirm = () =>
    remove.mutate(
      { roleId: role.roleId, ...(inUse && replacement?.value ? { reassignTo: replacement.value } : {}) },
      {
        onSuccess: onDeleted,
        onError: (error) => {
          if (error instanceof ApiProblem && error.code === 'role_in_use') {
            const count = Number(error.problem.count ?? 0);
            setInUse({ count, detail: error.message });
          }
        },
      },
    );
  const refusal = remove.error instanceof ApiProblem && remove.error.code === 'role_in_use' ? undefined : remove.error;

  return (
    <Modal
      visible
      onDismiss={onDismiss}
      closeAriaLabel="Close"
      header={`Delete role ${role.name}`}
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onDismiss}>
              Cancel
            </Button>
            <Button
              variant="primary"
              loading={remove.isPending}
              disabled={Boolean(inUse) && !replacement}
              onClick={confirm}
            >
              {inUse ? 'Reassign and delete' : 'Delete'}
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="m">
        <Box>
          The role <b>{role.name}</b> is deleted for good; members who hold it lose the permissions it gives them unless
          they get another role instead. The deletion is written to the audit log.
        </Box>
        {inUse ? (
          <>
            <Alert type="warning" header={`${inUse.count} member${inUse.count === 1 ? '' : 's'} hold this role`}>
              {inUse.detail}
            </Alert>
            <FormField
              label="Give its members this role instead"
              description="They keep their other roles and permissions."
            >
              <Select
                selectedOption={replacement}
                placeholder="Choose a role"
                options={options}
                onChange={({ detail }) => setReplacement(detail.selectedOption)}
              />
            </FormField>
          </>
        ) : null}
        <ProblemAlert error={refusal} />
      </SpaceBetween>
    </Modal>
  );
}
