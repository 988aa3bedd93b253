/**
 * One group: the tenant roles it carries (edited as a whole, with the version seen, the API judging
 * escalation) and its members (add by email search, remove with a confirmation).
 */
import Box from '@cloudscape-design/components/box';
import BreadcrumbGroup from '@cloudscape-design/components/breadcrumb-group';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Modal from '@cloudscape-design/components/modal';
import Multiselect from '@cloudscape-design/components/multiselect';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import Table from '@cloudscape-design/components/table';
import { useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useWorkspace } from '../../app/workspace';
import { MemberPicker, type PickedMember } from '../commons/member-picker';
import { ProblemAlert } from '../commons/problem-alert';
import { useRoles } from '../users/users-queries';
import { groupMemberColumns, RoleBadges } from './groups-config';
import {
  type Group,
  type GroupMember,
  useAddGroupMember,
  useGroup,
  useGroupMembers,
  useRemoveGroupMember,
  useSetGroupRoles,
} from './groups-queries';

function EditRolesModal({
  tenantId,
  group,
  onClose,
}: {
  readonly tenantId: string;
  readonly group: Group;
  readonly onClose: () => void;
}) {
  const roles = useRoles(tenantId);
  // A group never carries Owner, and bot roles are given on a bot.
  const offered = (roles.data ?? []).filter((role) => role.scope === 'tenant' && role.roleId !== 'owner');
  const [chosen, setChosen] = useState<string[]>(group.roles.map((assignment) => assignment.roleId));
  const save = useSetGroupRoles(tenantId, group.groupId);
  const submit = () =>
    save.mutate(
      {
        version: group.version,
        // An assignment kept keeps its expiry; a new one has none.
        roles: chosen.map((roleId) => group.roles.find((assignment) => assignment.roleId === roleId) ?? { roleId }),
      },
      { onSuccess: onClose },
    );
  return (
    <Modal
      visible
      onDismiss={onClose}
      header={`Roles of ${group.name}`}
      closeAriaLabel="Close"
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onClose}>
              Cancel
            </Button>
            <Button variant="primary" loading={save.isPending} onClick={submit}>
              Save
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="m">
        <FormField
          label="Tenant roles"
          description="Every member of the group holds these roles, on their next request, for as long as they belong to it."
        >
          <Multiselect
            selectedOptions={offered
              .filter((role) => chosen.includes(role.roleId))
              .map((role) => ({ value: role.roleId, label: role.name }))}
            options={offered.map((role) => ({ value: role.roleId, label: role.name, description: role.description }))}
            onChange={({ detail }) => setChosen(detail.selectedOptions.map((option) => option.value ?? ''))}
            placeholder="Choose roles"
            statusType={roles.isLoading ? 'loading' : 'finished'}
            loadingText="Loading roles"
            deselectAriaLabel={(option) => `Remove ${option.label}`}
          />
        </FormField>
        <ProblemAlert error={roles.error ?? save.error} />
      </SpaceBetween>
    </Modal>
  );
}

function AddMemberModal({
  tenantId,
  group,
  members,
  onClose,
}: {
  readonly tenantId: string;
  readonly group: Group;
  readonly members: readonly GroupMember[];
  readonly onClose: () => void;
}) {
  const [picked, setPicked] = useState<PickedMember | undefined>();
  const add = useAddGroupMember(tenantId, group.groupId);
  return (
    <Modal
      visible
      onDismiss={onClose}
      header={`Add a member to ${group.name}`}
      closeAriaLabel="Close"
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onClose}>
              Cancel
            </Button>
            <Button
              variant="primary"
              disabled={!picked}
              loading={add.isPending}
              onClick={() => picked && add.mutate(picked.memberId, { onSuccess: onClose })}
            >
              Add
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="m">
        <FormField label="Member" description="They hold the group's roles and bot access on their next request.">
          <MemberPicker tenantId={tenantId} onPick={setPicked} exclude={members.map((member) => member.memberId)} />
        </FormField>
        <ProblemAlert error={add.error} />
      </SpaceBetween>
    </Modal>
  );
}

function RemoveMemberModal({
  tenantId,
  group,
  member,
  onClose,
}: {
  readonly tenantId: string;
  readonly group: Group;
  readonly member: GroupMember;
  readonly onClose: () => void;
}) {
  const remove = useRemoveGroupMember(tenantId, group.groupId);
  return (
    <Modal
      visible
      onDismiss={onClose}
      header={`Remove ${member.email} from ${group.name}?`}
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
              onClick={() => remove.mutate(member.memberId, { onSuccess: onClose })}
            >
              Remove
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="m">
        <Box>
          {member.email} stops holding what {group.name} carries (its tenant roles and its bot access) on their next
          request. Their own roles stay.
        </Box>
        <ProblemAlert error={remove.error} />
      </SpaceBetween>
    </Modal>
  );
}

export default function GroupDetailPage() {
  const { tenantId, can } = useWorkspace();
  const { groupId = '' } = useParams();
  const navigate = useNavigate();
  const group = useGroup(tenantId, groupId);
  const members = useGroupMembers(tenantId, groupId);
  const roles = useRoles(tenantId, can('users:read'));
  const roleNames = useMemo(() => new Map((roles.data ?? []).map((role) => [role.roleId, role.name])), [roles.data]);
  const [dialog, setDialog] = useState<'roles' | 'add' | undefined>();
  const [removing, setRemoving] = useState<GroupMember | undefined>();
  const manage = can('groups:manage');

  if (group.error) return <ProblemAlert error={group.error} />;
  if (!group.data) return <Spinner size="large" />;
  const current = group.data;
  const groupsHref = `/t/${tenantId}/groups`;

  return (
    <ContentLayout
      breadcrumbs={
        <BreadcrumbGroup
          ariaLabel="Breadcrumbs"
          items={[
            { text: 'Groups', href: groupsHref },
            { text: current.name, href: `${groupsHref}/${groupId}` },
          ]}
          onFollow={(event) => {
            event.preventDefault();
            navigate(event.detail.href);
          }}
        />
      }
      header={
        <Header variant="h1" description={current.description || undefined}>
          {current.name}
        </Header>
      }
    >
      <SpaceBetween size="l">
        <Container
          header={
            <Header
              variant="h2"
              description="Tenant roles every member of the group holds."
              actions={manage ? <Button onClick={() => setDialog('roles')}>Edit roles</Button> : undefined}
            >
              Roles
            </Header>
          }
        >
          <div data-testid="group-roles">
            <RoleBadges roles={current.roles} roleName={(roleId) => roleNames.get(roleId) ?? roleId} />
          </div>
        </Container>
        <Table<GroupMember>
          items={members.data ?? []}
          loading={members.isLoading}
          loadingText="Loading members"
          trackBy="memberId"
          columnDefinitions={groupMemberColumns((member) =>
            manage ? (
              <Button variant="inline-link" ariaLabel={`Remove ${member.email}`} onClick={() => setRemoving(member)}>
                Remove
              </Button>
            ) : (
              '—'
            ),
          )}
          header={
            <Header
              variant="h2"
              counter={members.data ? `(${members.data.length})` : undefined}
              actions={
                manage ? (
                  <Button variant="primary" onClick={() => setDialog('add')}>
                    Add member
                  </Button>
                ) : undefined
              }
            >
              Members
            </Header>
          }
          empty={
            members.error ? (
              <ProblemAlert error={members.error} />
            ) : (
              <Box textAlign="center" color="inherit">
                No members yet.
              </Box>
            )
          }
        />
      </SpaceBetween>
      {dialog === 'roles' ? (
        <EditRolesModal tenantId={tenantId} group={current} onClose={() => setDialog(undefined)} />
      ) : null}
      {dialog === 'add' ? (
        <AddMemberModal
          tenantId={tenantId}
          group={current}
          members={members.data ?? []}
          onClose={() => setDialog(undefined)}
        />
      ) : null}
      {removing ? (
        <RemoveMemberModal
          tenantId={tenantId}
          group={current}
          member={removing}
          onClose={() => setRemoving(undefined)}
        />
      ) : null}
    </ContentLayout>
  );
}
