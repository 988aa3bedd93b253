/**
 * Roles: built-in and custom roles, tenant and bot scope, in one table. With roles:manage: Create role,
 * Copy Role (from the selected role) and Delete (custom roles, with reassignment when members hold it).
 * A role's name opens its page (its permissions; editable when custom).
 */
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import SegmentedControl from '@cloudscape-design/components/segmented-control';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useWorkspace } from '../../app/workspace';
import { ProblemAlert } from '../commons/problem-alert';
import { DeleteRoleModal } from './role-delete';
import { RoleFormModal } from './role-form';
import { roleColumns, scopeOptions } from './roles-config';
import { type Role, type RoleScope, useAllRoles } from './roles-queries';

type Dialog = { kind: 'create' } | { kind: 'copy'; role: Role } | { kind: 'delete'; role: Role } | undefined;

export default function RolesPage() {
  const { tenantId, can } = useWorkspace();
  const navigate = useNavigate();
  const roles = useAllRoles(tenantId);
  const [scope, setScope] = useState<'all' | RoleScope>('all');
  const [selected, setSelected] = useState<Role[]>([]);
  const [dialog, setDialog] = useState<Dialog>();
  const manage = can('roles:manage');
  const href = (role: Role) => `/t/${tenantId}/roles/${role.roleId}`;

  if (!can('users:read')) {
    return (
      <ContentLayout header={<Header variant="h1">Roles</Header>}>
        <Box>Your role does not let you see the roles of this workspace.</Box>
      </ContentLayout>
    );
  }

  const items = (roles.data ?? []).filter((role) => scope === 'all' || role.scope === scope);
  const chosen = selected[0];

  return (
    <>
      <Table<Role>
        variant="full-page"
        items={items}
        loading={roles.isLoading}
        loadingText="Loading roles"
        trackBy="roleId"
        selectionType={manage ? 'single' : undefined}
        selectedItems={selected}
        onSelectionChange={({ detail }) => setSelected(detail.selectedItems)}
        ariaLabels={{
          selectionGroupLabel: 'Roles',
          itemSelectionLabel: (_, role) => `Select ${role.name}`,
          allItemsSelectionLabel: () => 'Select all',
        }}
        columnDefinitions={roleColumns({ href, follow: (target) => navigate(target) })}
        header={
          <Header
            variant="awsui-h1-sticky"
            counter={roles.data ? `(${items.length})` : undefined}
            description="Built-in roles are fixed; custom roles carry the permissions you choose. Permissions add up over a member's roles."
            actions={
              manage ? (
                <SpaceBetween direction="horizontal" size="xs">
                  <Button
                    disabled={!chosen || chosen.builtIn}
                    disabledReason={chosen?.builtIn ? 'Built-in roles cannot be deleted.' : 'Select a custom role.'}
                    onClick={() => chosen && setDialog({ kind: 'delete', role: chosen })}
                  >
                    Delete
                  </Button>
                  <Button
                    disabled={!chosen || chosen.roleId === 'owner' || chosen.roleId === 'bot-owner'}
                    disabledReason={chosen ? 'The Owner role cannot be copied.' : 'Select the role to copy.'}
                    onClick={() => chosen && setDialog({ kind: 'copy', role: chosen })}
                  >
                    Copy role
                  </Button>
                  <Button variant="primary" onClick={() => setDialog({ kind: 'create' })}>
                    Create role
                  </Button>
                </SpaceBetween>
              ) : undefined
            }
          >
            Roles
          </Header>
        }
        filter={
          <SegmentedControl
            label="Scope"
            selectedId={scope}
            options={scopeOptions}
            onChange={({ detail }) => {
              setScope(detail.selectedId as 'all' | RoleScope);
              setSelected([]);
            }}
          />
        }
        empty={
          roles.error ? (
            <ProblemAlert error={roles.error} />
          ) : (
            <Box textAlign="center" color="inherit">
              No roles.
            </Box>
          )
        }
      />
      {dialog?.kind === 'create' || dialog?.kind === 'copy' ? (
        <RoleFormModal
          tenantId={tenantId}
          source={dialog.kind === 'copy' ? dialog.role : undefined}
          onDismiss={() => setDialog(undefined)}
          onCreated={(role) => navigate(href(role))}
        />
      ) : null}
      {dialog?.kind === 'delete' ? (
        <DeleteRoleModal
          tenantId={tenantId}
          role={dialog.role}
          roles={roles.data ?? []}
          onDismiss={() => setDialog(undefined)}
          onDeleted={() => {
            setDialog(undefined);
            setSelected([]);
          }}
        />
      ) : null}
    </>
  );
}
