/** Columns of the Audit log table, the action filter's options, and the before/after view of `changes`. */
import Box from '@cloudscape-design/components/box';
import type { SelectProps } from '@cloudscape-design/components/select';
import type { TableProps } from '@cloudscape-design/components/table';
import type { ReactNode } from 'react';
import type { AuditEntry } from './audit-queries';

/**
 * Every action the log records (SPEC §4, §7, §8, §9), in the order the filter lists them. Keyed by the API's
 * own action type: an action the API adds and this list lacks is a type error here, not a missing option.
 */
const everyAction: Record<AuditEntry['action'], true> = {
  'tenant.created': true,
  'tenant.updated': true,
  'role.created': true,
  'role.updated': true,
  'role.deleted': true,
  'member.invited': true,
  'member.joined': true,
  'member.updated': true,
  'member.roles_changed': true,
  'member.permissions_changed': true,
  'member.suspended': true,
  'member.reactivated': true,
  'member.removed': true,
  'member.ownership_transferred': true,
  'invitation.resent': true,
  'invitation.revoked': true,
  'invitation.declined': true,
  'invitation.expired': true,
  'role_assignment.expired': true,
  'audit.exported': true,
  'bot.registered': true,
  'bot.updated': true,
  'bot.deleted': true,
  'bot.ownership_transferred': true,
  'bot_access.changed': true,
  'access_request.created': true,
  'access_request.approved': true,
  'access_request.denied': true,
  'access_request.cancelled': true,
  'access_request.expired': true,
  'group.created': true,
  'group.updated': true,
  'group.deleted': true,
  'group.member_added': true,
  'group.member_removed': true,
};
export const auditActions = Object.keys(everyAction) as AuditEntry['action'][];

const prefixLabels: Record<string, string> = {
  tenant: 'Workspace',
  role: 'Roles',
  member: 'Members',
  invitation: 'Invitations',
  role_assignment: 'Role assignments',
  audit: 'Audit log',
  bot: 'Bots',
  bot_access: 'Bot access',
  access_request: 'Access requests',
  group: 'Groups',
};

export const anyAction: SelectProps.Option = { value: '', label: 'Any action' };

/** "Any action", then every prefix (`member.`: all member events), then every exact action. */
export function actionOptions(): SelectProps.Options {
  const prefixes = [...new Set(auditActions.map((action) => action.slice(0, action.indexOf('.'))))];
  return [
    anyAction,
    {
      label: 'Action types',
      options: prefixes.map((prefix) => ({
        value: `${prefix}.`,
        label: `${prefix}.*`,
        description: prefixLabels[prefix] ?? prefix,
      })),
    },
    { label: 'Actions', options: auditActions.map((action) => ({ value: action, label: action })) },
  ];
}

export function actionOption(value: string | undefined): SelectProps.Option {
  if (!value) return anyAction;
  return value.endsWith('.') ? { value, label: `${value.slice(0, -1)}.*` } : { value, label: value };
}

export function formatTime(value: string): string {
  return new Date(value).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export const actorLabel = (entry: AuditEntry) =>
  entry.actor.email ?? (entry.actor.id === 'system' ? 'System' : entry.actor.id);

export function columnDefinitions(options: {
  readonly details: (entry: AuditEntry) => ReactNode;
}): TableProps.ColumnDefinition<AuditEntry>[] {
  return [
    { id: 'time', header: 'Time', cell: (entry) => formatTime(entry.occurredAt), isRowHeader: true },
    { id: 'actor', header: 'Actor', cell: actorLabel },
    { id: 'action', header: 'Action', cell: (entry) => <code>{entry.action}</code> },
    {
      id: 'target',
      header: 'Target',
      cell: (entry) => (
        <span>
          <Box variant="span" color="text-body-secondary">
            {entry.target.type}
          </Box>{' '}
          {entry.target.label}
        </span>
      ),
    },
    { id: 'details', header: 'Changes', cell: options.details },
  ];
}

/** One line of the before/after view: a field (a dotted path into the objects) and its two values. */
export interface ChangeRow {
  readonly field: string;
  readonly before: string | undefined;
  readonly after: string | undefined;
  readonly kind: 'added' | 'removed' | 'changed' | 'unchanged';
}

function flatten(value: unknown, path: string, into: Map<string, string>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) flatten(child, path ? `${path}.${key}` : key, into);
    return;
  }
  if (value === undefined) return;
  into.set(path || '(value)', typeof value === 'string' ? value : JSON.stringify(value));
}

/** `changes.before` and `changes.after` side by side, one row per field (nested objects as dotted paths). */
export function changeRows(changes: AuditEntry['changes']): ChangeRow[] {
  const before = new Map<string, string>();
  const after = new Map<string, string>();
  if (changes.before !== null) flatten(changes.before, '', before);
  if (changes.after !== null) flatten(changes.after, '', after);
  const fields = [...new Set([...before.keys(), ...after.keys()])];
  return fields.map((field) => {
    const was = before.get(field);
    const is = after.get(field);
    const kind = was === undefined ? 'added' : is === undefined ? 'removed' : was === is ? 'unchanged' : 'changed';
    return { field, before: was, after: is, kind };
  });
}
