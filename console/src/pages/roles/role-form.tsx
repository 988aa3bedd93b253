/**
 * Creating a role, from scratch or as a copy of another (Copy Role: same scope, its permissions as the
 * starting set, `copyFrom`), and the fields a custom role's page edits (name, description, permissions).
 */
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import Modal from '@cloudscape-design/components/modal';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import Textarea from '@cloudscape-design/components/textarea';
import { useState } from 'react';
import type { Permission } from '../../app/workspace';
import { modulesOfScope, PermissionEditor } from '../commons/permission-editor';
import { usePermissionCatalog } from '../commons/permissions-queries';
import { ProblemAlert } from '../commons/problem-alert';
import { scopeLabel } from './roles-config';
import { type Role, type RoleScope, useCreateRole } from './roles-queries';

export interface RoleDraft {
  readonly name: string;
  readonly description: string;
  readonly permissions: Permission[];
}

/** Name, description and the permission editor of a role. */
export function RoleFields({
  tenantId,
  draft,
  scope,
  onChange,
}: {
  readonly tenantId: string;
  readonly draft: RoleDraft;
  readonly scope: RoleScope;
  readonly onChange: (draft: RoleDraft) => void;
}) {
  const catalog = usePermissionCatalog(tenantId);
  return (
    <SpaceBetween size="m">
      <FormField label="Name" constraintText="Unique in the workspace; not the name of a built-in role.">
        <Input value={draft.name} onChange={({ detail }) => onChange({ ...draft, name: detail.value })} />
      </FormField>
      <FormField label="Description" stretch>
        <Textarea
          value={draft.description}
          rows={2}
          onChange={({ detail }) => onChange({ ...draft, description: detail.value })}
        />
      </FormField>
      {/* Not a FormField: its label would become part of every toggle's name. */}
      <SpaceBetween size="s">
        <Header variant="h3" description="Switching a permission on also grants what it implies.">
          Permissions
        </Header>
        {catalog.error ? <ProblemAlert error={catalog.error} /> : null}
        {catalog.data ? (
          <PermissionEditor
            catalog={catalog.data}
            scope={scope}
            value={draft.permissions}
            onChange={(permissions) => onChange({ ...draft, permissions })}
          />
        ) : (
          <Spinner />
        )}
      </SpaceBetween>
    </SpaceBetween>
  );
}

const scopeSelectOptions = (['tenant', 'bot'] as const).map((scope) => ({ value: scope, label: scopeLabel(scope) }));

/** The Create role dialog; with `source`, Copy Role: prefilled from it, same scope, `copyFrom` sent. */
export function RoleFormModal({
  tenantId,
  source,
  onDismiss,
  onCreated,
}: {
  readonly tenantId: string;
  readonly source?: Role;
  readonly onDismiss: () => void;
  readonly onCreated: (role: Role) => void;
}) {
  const [scope, setScope] = useState<RoleScope>(source?.scope ?? 'tenant');
  const [draft, setDraft] = useState<RoleDraft>({
    name: source ? `Copy of ${source.name}` : '',
    description: source?.description ?? '',
    permissions: source ? [...source.permissions] : [],
  });
  const catalog = usePermissionCatalog(tenantId);
  const create = useCreateRole(tenantId);

  const changeScope = (next: RoleScope) => {
    setScope(next);
    if (next === 'bot' && catalog.data) {
      const allowed = new Set(
        modulesOfScope(catalog.data, 'bot').flatMap((module) => module.permissions.map((entry) => entry.permission)),
      );
      setDraft({ ...draft, permissions: draft.permissions.filter((permission) => allowed.has(permission)) });
    }
  };

  const submit = () =>
    create.mutate(
      { ...draft, scope, ...(source ? { copyFrom: source.roleId } : {}) },
      { onSuccess: (role) => onCreated(role) },
    );

  return (
    <Modal
      visible
      size="max"
      onDismiss={onDismiss}
      closeAriaLabel="Close"
      header={source ? `Copy role ${source.name}` : 'Create role'}
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onDismiss}>
              Cancel
            </Button>
            <Button variant="primary" loading={create.isPending} disabled={!draft.name.trim()} onClick={submit}>
              Create role
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (draft.name.trim()) submit();
        }}
      >
        <SpaceBetween size="m">
          <ProblemAlert error={create.error} />
          <FormField
            label="Scope"
            description={
              source
                ? 'A copy has the scope of its source.'
                : 'Tenant roles are given to members and groups; bot roles on one bot.'
            }
          >
            <Select
              selectedOption={scopeSelectOptions.find((option) => option.value === scope) ?? null}
              options={scopeSelectOptions}
              disabled={Boolean(source)}
              onChange={({ detail }) => changeScope(detail.selectedOption.value as RoleScope)}
            />
          </FormField>
          <RoleFields tenantId={tenantId} draft={draft} scope={scope} onChange={setDraft} />
        </SpaceBetween>
      </form>
    </Modal>
  );
}
