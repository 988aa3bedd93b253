/** Columns and filters of the Roles table. */
import Badge from '@cloudscape-design/components/badge';
import Link from '@cloudscape-design/components/link';
import type { TableProps } from '@cloudscape-design/components/table';
import type { Role, RoleScope } from './roles-queries';

export const scopeOptions: { id: 'all' | RoleScope; text: string }[] = [
  { id: 'all', text: 'All' },
  { id: 'tenant', text: 'Tenant' },
  { id: 'bot', text: 'Bot' },
];

export const scopeLabel = (scope: RoleScope) => (scope === 'bot' ? 'Bot' : 'Tenant');

export function roleColumns(options: {
  readonly href: (role: Role) => string;
  readonly follow: (href: string) => void;
}): TableProps.ColumnDefinition<Role>[] {
  return [
    {
      id: 'name',
      header: 'Name',
      isRowHeader: true,
      cell: (role) => (
        <Link
          href={options.href(role)}
          onFollow={(event) => {
            event.preventDefault();
            options.follow(options.href(role));
          }}
        >
          {role.name}
        </Link>
      ),
    },
    { id: 'scope', header: 'Scope', cell: (role) => scopeLabel(role.scope) },
    {
      id: 'type',
      header: 'Type',
      cell: (role) => (role.builtIn ? <Badge color="blue">Built-in</Badge> : <Badge color="green">Custom</Badge>),
    },
    { id: 'permissions', header: 'Permissions', cell: (role) => role.permissions.length },
    { id: 'description', header: 'Description', cell: (role) => role.description || '—' },
  ];
}
