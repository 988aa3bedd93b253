/**
 * The member edit dialog: display name, tenant roles (each optionally until a date), CRM access and the
 * member's direct permissions (the permission editor). Save sends only what changed in one PATCH with
 * If-Match; the API judges it (no escalation, Admin-level power only from the Owner, nobody changes their
 * own roles) and its refusal is shown in its own words.
 */
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import DatePicker from '@cloudscape-design/components/date-picker';
import FormField from '@cloudscape-design/components/form-field';
import Grid from '@cloudscape-design/components/grid';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import Modal from '@cloudscape-design/components/modal';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import Toggle from '@cloudscape-design/components/toggle';
import { useState } from 'react';
import type { Permission } from '../../app/workspace';
import { endOfDay, localDate, today } from '../commons/dates';
import { PermissionEditor } from '../commons/permission-editor';
import { usePermissionCatalog } from '../commons/permissions-queries';
import { ProblemAlert } from '../commons/problem-alert';
import { type MemberChanges, useMember, useUpdateMember } from './member-edit-queries';
import { type Member, useRoles } from './users-queries';

type Role = NonNullable<ReturnType<typeof useRoles>['data']>[number];

interface RoleRow {
  readonly key: number;
  readonly roleId: string;
  /** `YYYY-MM-DD`, or '' for no expiry. */
  readonly until: string;
  /** The assignment's expiresAt as loaded, kept as it is while its date is unchanged. */
  readonly loadedExpiresAt?: string;
}

function expiresAtOf(row: RoleRow): string | undefined {
  if (!row.until) return undefined;
  if (row.loadedExpiresAt && localDate(row.loadedExpiresAt) === row.until) return row.loadedExpiresAt;
  return endOfDay(row.until);
}

/** What grants a permission besides the member's direct grant, in words ("Also granted by Agent"). */
export function otherSources(member: Member, roleName: (roleId: string) => string): Map<Permission, string> {
  const result = new Map<Permission, string>();
  for (const entry of member.effectivePermissions) {
    const names = entry.sources
      .filter((source) => source !== 'direct')
      .map((source) =>
        source === 'implied' ? 'another permission' : source.startsWith('group:') ? 'a group' : roleName(source),
      );
    if (names.length > 0) result.set(entry.permission, `Also granted by ${[...new Set(names)].join(', ')}`);
  }
  return result;
}

let nextKey = 0;

function EditForm({
  tenantId,
  member,
  roles,
  onDismiss,
}: {
  readonly tenantId: string;
  readonly member: Member;
  readonly roles: readonly Role[];
  readonly onDismiss: () => void;
}) {
  const catalog = usePermissionCatalog(tenantId);
  const update = useUpdateMember(tenantId, member.memberId);
  const roleName = (roleId: string) => roles.find((role) => role.roleId === roleId)?.name ?? roleId;
  const [displayName, setDisplayName] = useState(member.displayName ?? '');
  const [rows, setRows] = useState<RoleRow[]>(() =>
    member.roles.map((assignment) => ({
      key: nextKey++,
      roleId: assignment.roleId,
      until: assignment.expiresAt ? localDate(assignment.expiresAt) : '',
      loadedExpiresAt: assignment.expiresAt,
    })),
  );
  const [permissions, setPermissions] = useState<Permission[]>(() => [...member.permissions]);
  const elsewhere = otherSources(member, roleName);

  const assignable = roles.filter((role) => role.scope === 'tenant' && role.roleId !== 'owner');
  const optionsFor = (row: RoleRow) =>
    assignable
      .filter((role) => role.roleId === row.roleId || !rows.some((other) => other.roleId === role.roleId))
      .map((role) => ({ value: role.roleId, label: role.name, description: role.description }));
  const setRow = (key: number, change: Partial<RoleRow>) =>
    setRows(rows.map((row) => (row.key === key ? { ...row, ...change } : row)));

  const assignments = rows
    .filter((row) => row.roleId)
    .map((row) => {
      const expiresAt = expiresAtOf(row);
      return { roleId: row.roleId, ...(expiresAt ? { expiresAt } : {}) };
    });
  const sameRoles =
    assignments.length === member.roles.length &&
    assignments.every((assignment) =>
      member.roles.some((held) => held.roleId === assignment.roleId && held.expiresAt === assignment.expiresAt),
    );
  const samePermissions =
    permissions.length === member.permissions.length && permissions.every((p) => member.permissions.includes(p));
  const changes: MemberChanges = {
    ...(displayName.trim() !== (member.displayName ?? '') ? { displayName: displayName.trim() || null } : {}),
    ...(sameRoles ? {} : { roles: assignments }),
    ...(samePermissions ? {} : { permissions }),
  };
  const dirty = Object.keys(changes).length > 0;

  const crmDirect = permissions.includes('crm:access');
  const crmElsewhere = elsewhere.get('crm:access');
  const addable = assignable.find((role) => !rows.some((row) => row.roleId === role.roleId));

  return (
    <Modal
      visible
      size="max"
      onDismiss={onDismiss}
      closeAriaLabel="Close"
      header={`Edit ${member.email}`}
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onDismiss}>
              Cancel
            </Button>
            <Button
              variant="primary"
              disabled={!dirty}
              loading={update.isPending}
              onClick={() => update.mutate({ version: member.version, changes }, { onSuccess: onDismiss })}
            >
              Save
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="l">
        <ProblemAlert error={update.error} header="The change was refused" />
        <FormField label="Display name">
          <Input value={displayName} onChange={({ detail }) => setDisplayName(detail.value)} />
        </FormField>
        <Container
          header={
            <Header
              variant="h2"
              description="Permissions add up over every role. A role with an end date stops granting after that day."
              actions={
                <Button
                  iconName="add-plus"
                  disabled={!addable}
                  onClick={() => addable && setRows([...rows, { key: nextKey++, roleId: addable.roleId, until: '' }])}
                >
                  Add role
                </Button>
              }
            >
              Roles
            </Header>
          }
        >
          <SpaceBetween size="s">
            {rows.length === 0 ? <Box color="text-body-secondary">No roles.</Box> : null}
            {rows.map((row, index) =>
              row.roleId === 'owner' ? (
                <Box key={row.key}>
                  <b>Owner</b> — changes hands only by ownership transfer.
                </Box>
              ) : (
                <Grid key={row.key} gridDefinition={[{ colspan: 5 }, { colspan: 4 }, { colspan: 3 }]}>
                  <FormField label={`Role ${index + 1}`}>
                    <Select
                      selectedOption={{ value: row.roleId, label: roleName(row.roleId) }}
                      options={optionsFor(row)}
                      onChange={({ detail }) => setRow(row.key, { roleId: detail.selectedOption.value ?? row.roleId })}
                    />
                  </FormField>
                  <FormField label={`Role ${index + 1} until (optional)`}>
                    <DatePicker
                      value={row.until}
                      format="iso"
                      placeholder="YYYY-MM-DD"
                      expandToViewport
                      isDateEnabled={(date) => localDate(date.toISOString()) >= today()}
                      i18nStrings={{
                        openCalendarAriaLabel: (selected) =>
                          selected ? `Change the end date, ${selected}` : 'Choose an end date',
                        nextMonthAriaLabel: 'Next month',
                        previousMonthAriaLabel: 'Previous month',
                        todayAriaLabel: 'Today',
                      }}
                      onChange={({ detail }) => setRow(row.key, { until: detail.value })}
                    />
                  </FormField>
                  <Box padding={{ top: 'xl' }}>
                    <Button
                      iconName="remove"
                      ariaLabel={`Remove role ${roleName(row.roleId)}`}
                      onClick={() => setRows(rows.filter((other) => other.key !== row.key))}
                    >
                      Remove
                    </Button>
                  </Box>
                </Grid>
              ),
            )}
          </SpaceBetween>
        </Container>
        <Container header={<Header variant="h2">CRM access</Header>}>
          <Toggle
            ariaLabel="CRM access"
            checked={crmDirect}
            onChange={({ detail }) =>
              setPermissions(
                detail.checked
                  ? [...permissions, 'crm:access']
                  : permissions.filter((permission) => permission !== 'crm:access'),
              )
            }
            description={
              crmElsewhere && !crmDirect
                ? `${crmElsewhere}: the member has CRM access anyway.`
                : 'Grants crm:access directly, whatever the roles.'
            }
          >
            CRM access
          </Toggle>
        </Container>
        <Container
          header={
            <Header variant="h2" description="Granted to this member directly, in addition to their roles.">
              Direct permissions
            </Header>
          }
        >
          {catalog.error ? <ProblemAlert error={catalog.error} /> : null}
          {catalog.data ? (
            <PermissionEditor
              catalog={catalog.data}
              value={permissions}
              onChange={setPermissions}
              grantedElsewhere={elsewhere}
            />
          ) : (
            <Spinner />
          )}
        </Container>
      </SpaceBetween>
    </Modal>
  );
}

/** Loads the member afresh (its current version) and the roles, then shows the edit form. */
export function MemberEditDialog({
  tenantId,
  memberId,
  onDismiss,
}: {
  readonly tenantId: string;
  readonly memberId: string;
  readonly onDismiss: () => void;
}) {
  const member = useMember(tenantId, memberId);
  const roles = useRoles(tenantId);
  if (member.data && roles.data) {
    return <EditForm tenantId={tenantId} member={member.data} roles={roles.data} onDismiss={onDismiss} />;
  }
  return (
    <Modal visible onDismiss={onDismiss} closeAriaLabel="Close" header="Edit member">
      {member.error || roles.error ? <ProblemAlert error={member.error ?? roles.error} /> : <Spinner />}
    </Modal>
  );
}
