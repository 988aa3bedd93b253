/**
 * Groups: the tenant's groups with the tenant roles each carries; with groups:manage, create and delete
 * (the confirmation says that the group's memberships and what it grants end with it).
 */
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import Textarea from '@cloudscape-design/components/textarea';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { useWorkspace } from '../../app/workspace';
import { ProblemAlert } from '../commons/problem-alert';
import { useRoles } from '../users/users-queries';
import { groupColumns } from './groups-config';
import { type Group, useCreateGroup, useDeleteGroup, useGroups } from './groups-queries';

function CreateGroupModal({ tenantId, onClose }: { readonly tenantId: string; readonly onClose: () => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const create = useCreateGroup(tenantId);
  const submit = () =>
    create.mutate(
      { name: name.trim(), ...(description.trim() ? { description: description.trim() } : {}) },
      { onSuccess: onClose },
    );
  return (
    <Modal
      visible
      onDismiss={onClose}
      header="Create group"
      closeAriaLabel="Close"
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onClose}>
              Cancel
            </Button>
            <Button variant="primary" loading={create.isPending} disabled={!name.trim()} onClick={submit}>
              Create
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (name.trim()) submit();
        }}
      >
        <Form>
          <SpaceBetween size="m">
            <FormField label="Name" description="Unique in the workspace.">
              <Input value={name} onChange={({ detail }) => setName(detail.value)} autoFocus />
            </FormField>
            <FormField label="Description" description="Optional.">
              <Textarea value={description} onChange={({ detail }) => setDescription(detail.value)} rows={2} />
            </FormField>
            <ProblemAlert error={create.error} />
          </SpaceBetween>
        </Form>
      </form>
    </Modal>
  );
}

function DeleteGroupModal({
  tenantId,
  group,
  onClose,
}: {
  readonly tenantId: string;
  readonly group: Group;
  readonly onClose: () => void;
}) {
  const remove = useDeleteGroup(tenantId);
  return (
    <Modal
      visible
      onDismiss={onClose}
      header={`Delete group ${group.name}?`}
      closeAriaLabel="Close"
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onClose}>
              Cancel
            </Button>
            <Button
              variant="primary"
              loading={remove.isPending}
              onClick={() => remove.mutate(group.groupId, { onSuccess: onClose })}
            >
              Delete
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="m">
        <Box>
          Every membership of <b>{group.name}</b> ends, and so does everything granted through it: the tenant roles it
          carries and its access to bots. Its members keep their own roles and bot access. This cannot be undone.
        </Box>
        <ProblemAlert error={remove.error} />
      </SpaceBetween>
    </Modal>
  );
}

export default function GroupsPage() {
  const { tenantId, can } = useWorkspace();
  const navigate = useNavigate();
  const groups = useGroups(tenantId);
  const roles = useRoles(tenantId, can('users:read'));
  const [selected, setSelected] = useState<Group[]>([]);
  const [dialog, setDialog] = useState<'create' | 'delete' | undefined>();
  const roleNames = useMemo(() => new Map((roles.data ?? []).map((role) => [role.roleId, role.name])), [roles.data]);
  const manage = can('groups:manage');

  if (!can('users:read')) {
    return (
      <ContentLayout header={<Header variant="h1">Groups</Header>}>
        <Box>Your role does not let you see the groups of this workspace.</Box>
      </ContentLayout>
    );
  }
  const chosen = selected[0];
  return (
    <>
      <Table<Group>
        variant="full-page"
        items={groups.data ?? []}
        loading={groups.isLoading}
        loadingText="Loading groups"
        trackBy="groupId"
        selectionType={manage ? 'single' : undefined}
        selectedItems={selected}
        onSelectionChange={({ detail }) => setSelected(detail.selectedItems)}
        ariaLabels={{
          selectionGroupLabel: 'Groups',
          itemSelectionLabel: (_, group) => `Select ${group.name}`,
          allItemsSelectionLabel: () => 'Select all',
        }}
        columnDefinitions={groupColumns({
          href: (group) => `/t/${tenantId}/groups/${group.groupId}`,
          follow: (href) => navigate(href),
          roleName: (roleId) => roleNames.get(roleId) ?? roleId,
        })}
        header={
          <Header
            variant="awsui-h1-sticky"
            description="Members of a group hold the tenant roles it carries and the bot access shared with it."
            counter={groups.data ? `(${groups.data.length})` : undefined}
            actions={
              manage ? (
                <SpaceBetween direction="horizontal" size="xs">
                  <Button disabled={!chosen} onClick={() => setDialog('delete')}>
                    Delete
                  </Button>
                  <Button variant="primary" onClick={() => setDialog('create')}>
                    Create group
                  </Button>
                </SpaceBetween>
              ) : undefined
            }
          >
            Groups
          </Header>
        }
        empty={
          groups.error ? (
            <ProblemAlert error={groups.error} />
          ) : (
            <Box textAlign="center" color="inherit">
              No groups yet.
            </Box>
          )
        }
      />
      {dialog === 'create' ? <CreateGroupModal tenantId={tenantId} onClose={() => setDialog(undefined)} /> : null}
      {dialog === 'delete' && chosen ? (
        <DeleteGroupModal
          tenantId={tenantId}
          group={chosen}
          onClose={() => {
            setDialog(undefined);
            setSelected([]);
          }}
        />
      ) : null}
    </>
  );
}
