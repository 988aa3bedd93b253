/**
 * One role: its permissions grouped by module. Built-in roles are read-only; a custom role is edited here
 * (name, description, permissions; Save sends a PATCH with If-Match: the version it was read at) and
 * deleted, by callers with roles:manage.
 */
import Badge from '@cloudscape-design/components/badge';
import BreadcrumbGroup from '@cloudscape-design/components/breadcrumb-group';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Flashbar from '@cloudscape-design/components/flashbar';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useWorkspace } from '../../app/workspace';
import { PermissionEditor } from '../commons/permission-editor';
import { usePermissionCatalog } from '../commons/permissions-queries';
import { ProblemAlert } from '../commons/problem-alert';
import { DeleteRoleModal } from './role-delete';
import { type RoleDraft, RoleFields, RoleFormModal } from './role-form';
import { scopeLabel } from './roles-config';
import { type Role, useAllRoles, useRole, useUpdateRole } from './roles-queries';

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((value) => b.includes(value));

function draftOf(role: Role): RoleDraft {
  return { name: role.name, description: role.description, permissions: [...role.permissions] };
}

function CustomRoleEditor({ tenantId, role }: { readonly tenantId: string; readonly role: Role }) {
  const [draft, setDraft] = useState<RoleDraft>(() => draftOf(role));
  const [saved, setSaved] = useState(false);
  const update = useUpdateRole(tenantId, role.roleId);
  const dirty =
    draft.name !== role.name || draft.description !== role.description || !sameSet(draft.permissions, role.permissions);

  const save = () =>
    update.mutate(
      {
        version: role.version,
        changes: {
          ...(draft.name !== role.name ? { name: draft.name.trim() } : {}),
          ...(draft.description !== role.description ? { description: draft.description } : {}),
          ...(!sameSet(draft.permissions, role.permissions) ? { permissions: draft.permissions } : {}),
        },
      },
      {
        onSuccess: (next) => {
          setDraft(draftOf(next));
          setSaved(true);
        },
      },
    );

  return (
    <Container
      header={
        <Header
          variant="h2"
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button
                disabled={!dirty}
                onClick={() => {
                  setDraft(draftOf(role));
                  update.reset();
                }}
              >
                Discard changes
              </Button>
              <Button
                variant="primary"
                disabled={!(dirty && draft.name.trim())}
                loading={update.isPending}
                onClick={save}
              >
                Save
              </Button>
            </SpaceBetween>
          }
        >
          Edit role
        </Header>
      }
    >
      <SpaceBetween size="m">
        {saved && !dirty ? (
          <Flashbar
            items={[
              {
                type: 'success',
                content: `Role ${role.name} saved.`,
                dismissible: true,
                dismissLabel: 'Dismiss',
                onDismiss: () => setSaved(false),
                id: 'saved',
              },
            ]}
          />
        ) : null}
        <ProblemAlert error={update.error} />
        <RoleFields
          tenantId={tenantId}
          draft={draft}
          scope={role.scope}
          onChange={(next) => {
            setDraft(next);
            setSaved(false);
          }}
        />
      </SpaceBetween>
    </Container>
  );
}

function ReadOnlyPermissions({ tenantId, role }: { readonly tenantId: string; readonly role: Role }) {
  const catalog = usePermissionCatalog(tenantId);
  return (
    <Container
      header={
        <Header
          variant="h2"
          description={role.builtIn ? 'Built-in roles cannot be changed. Copy one to start a custom role.' : undefined}
        >
          Permissions
        </Header>
      }
    >
      {catalog.error ? <ProblemAlert error={catalog.error} /> : null}
      {catalog.data ? (
        <PermissionEditor catalog={catalog.data} scope={role.scope} value={role.permissions} readOnly />
      ) : (
        <Spinner />
      )}
    </Container>
  );
}

export default function RoleDetailPage() {
  const { roleId = '' } = useParams();
  const { tenantId, can } = useWorkspace();
  const navigate = useNavigate();
  const role = useRole(tenantId, roleId);
  const roles = useAllRoles(tenantId);
  const [dialog, setDialog] = useState<'copy' | 'delete' | undefined>();
  const manage = can('roles:manage');
  const data = role.data;

  const breadcrumbs = (
    <BreadcrumbGroup
      ariaLabel="Breadcrumbs"
      items={[
        { text: 'Roles', href: `/t/${tenantId}/roles` },
        { text: data?.name ?? roleId, href: `/t/${tenantId}/roles/${roleId}` },
      ]}
      onFollow={(event) => {
        event.preventDefault();
        navigate(event.detail.href);
      }}
    />
  );

  if (role.error) {
    return (
      <ContentLayout breadcrumbs={breadcrumbs} header={<Header variant="h1">Role</Header>}>
        <ProblemAlert error={role.error} />
      </ContentLayout>
    );
  }
  if (!data) return <Spinner size="large" />;

  return (
    <ContentLayout
      breadcrumbs={breadcrumbs}
      header={
        <Header
          variant="h1"
          description={data.description || undefined}
          info={data.builtIn ? <Badge color="blue">Built-in</Badge> : <Badge color="green">Custom</Badge>}
          actions={
            manage ? (
              <SpaceBetween direction="horizontal" size="xs">
                {data.builtIn ? null : <Button onClick={() => setDialog('delete')}>Delete</Button>}
                {data.roleId === 'owner' || data.roleId === 'bot-owner' ? null : (
                  <Button onClick={() => setDialog('copy')}>Copy role</Button>
                )}
              </SpaceBetween>
            ) : undefined
          }
        >
          {data.name} <small>({scopeLabel(data.scope)} role)</small>
        </Header>
      }
    >
      {manage && !data.builtIn ? (
        <CustomRoleEditor key={data.roleId} tenantId={tenantId} role={data} />
      ) : (
        <ReadOnlyPermissions tenantId={tenantId} role={data} />
      )}
      {dialog === 'copy' ? (
        <RoleFormModal
          tenantId={tenantId}
          source={data}
          onDismiss={() => setDialog(undefined)}
          onCreated={(created) => {
            setDialog(undefined);
            navigate(`/t/${tenantId}/roles/${created.roleId}`);
          }}
        />
      ) : null}
      {dialog === 'delete' ? (
        <DeleteRoleModal
          tenantId={tenantId}
          role={data}
          roles={roles.data ?? []}
          onDismiss={() => setDialog(undefined)}
          onDeleted={() => navigate(`/t/${tenantId}/roles`)}
        />
      ) : null}
    </ContentLayout>
  );
}
