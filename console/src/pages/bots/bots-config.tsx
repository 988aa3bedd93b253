/** Columns and small pieces of the Bots screens. */
import Badge from '@cloudscape-design/components/badge';
import Box from '@cloudscape-design/components/box';
import SpaceBetween from '@cloudscape-design/components/space-between';
import type { TableProps } from '@cloudscape-design/components/table';
import type { ReactNode } from 'react';
import { formatDate } from '../commons/dates';
import {
  type AccessRequest,
  type Bot,
  type BotAccessEntry,
  type BotEnvironment,
  type BotRole,
  builtInBotRoles,
} from './bots-queries';

const builtInNames = new Map<string, string>([
  ['bot-owner', 'Bot Owner'],
  ...builtInBotRoles.map((role): [string, string] => [role.roleId, role.name]),
]);

/** A bot role's name from the roles known (the tenant's custom ones among them), else a built-in's, else its id. */
export function botRoleNamer(roles: readonly BotRole[] | undefined): (roleId: string) => string {
  const names = new Map(builtInNames);
  for (const role of roles ?? []) names.set(role.roleId, role.name);
  return (roleId) => names.get(roleId) ?? roleId;
}

export function EnvironmentBadges({ environments }: { readonly environments: readonly BotEnvironment[] }) {
  return (
    <SpaceBetween direction="horizontal" size="xxs">
      {environments.map((environment) => (
        <Badge key={environment}>{environment}</Badge>
      ))}
    </SpaceBetween>
  );
}

/** One bot role assignment as text: "Developer (staging, production; until 1 Jan 2027)". */
export function describeAssignment(
  assignment: { roleId: string; environments?: readonly string[]; expiresAt?: string },
  roleName: (roleId: string) => string,
): string {
  const limits = [
    ...(assignment.environments?.length ? [assignment.environments.join(', ')] : []),
    ...(assignment.expiresAt ? [`until ${formatDate(assignment.expiresAt)}`] : []),
  ];
  return `${roleName(assignment.roleId)}${limits.length ? ` (${limits.join('; ')})` : ''}`;
}

export function AssignmentBadges({
  roles,
  roleName,
}: {
  readonly roles: readonly { roleId: string; environments?: readonly string[]; expiresAt?: string }[];
  readonly roleName: (roleId: string) => string;
}) {
  if (!roles.length) return <>—</>;
  return (
    <SpaceBetween direction="horizontal" size="xxs">
      {roles.map((assignment) => (
        <Badge key={assignment.roleId} color={assignment.roleId === 'bot-owner' ? 'blue' : 'grey'}>
          {describeAssignment(assignment, roleName)}
        </Badge>
      ))}
    </SpaceBetween>
  );
}

/** What the caller holds on a bot, in words. */
export function MyAccess({ bot, roleName }: { readonly bot: Bot; readonly roleName: (roleId: string) => string }) {
  if (bot.myAccess.roles.length) {
    return (
      <SpaceBetween direction="horizontal" size="xxs">
        {bot.myAccess.roles.map((roleId) => (
          <Badge key={roleId} color={roleId === 'bot-owner' ? 'blue' : 'grey'}>
            {roleName(roleId)}
          </Badge>
        ))}
      </SpaceBetween>
    );
  }
  if (bot.myAccess.permissions.length) return <Box variant="span">Through your workspace role</Box>;
  return (
    <Box variant="span" color="text-status-inactive">
      No access
    </Box>
  );
}

export function botColumns(options: {
  readonly name: (bot: Bot) => ReactNode;
  readonly roleName: (roleId: string) => string;
  readonly actions: (bot: Bot) => ReactNode;
}): TableProps.ColumnDefinition<Bot>[] {
  return [
    { id: 'name', header: 'Name', isRowHeader: true, cell: options.name },
    { id: 'botId', header: 'Bot id', cell: (bot) => <Box variant="code">{bot.botId}</Box> },
    {
      id: 'environments',
      header: 'Environments',
      cell: (bot) => <EnvironmentBadges environments={bot.environments} />,
    },
    { id: 'myAccess', header: 'My access', cell: (bot) => <MyAccess bot={bot} roleName={options.roleName} /> },
    { id: 'actions', header: 'Actions', cell: options.actions },
  ];
}

export function accessColumns(options: {
  readonly roleName: (roleId: string) => string;
  readonly actions: ((entry: BotAccessEntry) => ReactNode) | undefined;
}): TableProps.ColumnDefinition<BotAccessEntry>[] {
  return [
    { id: 'principal', header: 'Member or group', isRowHeader: true, cell: (entry) => entry.principal.label },
    {
      id: 'type',
      header: 'Type',
      cell: (entry) => (entry.principal.type === 'group' ? <Badge color="green">Group</Badge> : 'Member'),
    },
    {
      id: 'roles',
      header: 'Bot roles (environments; expiry)',
      cell: (entry) => <AssignmentBadges roles={entry.roles} roleName={options.roleName} />,
    },
    ...(options.actions ? [{ id: 'actions', header: 'Actions', cell: options.actions }] : []),
  ];
}

export function requestColumns(options: {
  readonly roleName: (roleId: string) => string;
  readonly actions: (request: AccessRequest) => ReactNode;
}): TableProps.ColumnDefinition<AccessRequest>[] {
  return [
    { id: 'requester', header: 'Requester', isRowHeader: true, cell: (request) => request.requesterEmail },
    {
      id: 'roles',
      header: 'Roles asked for',
      cell: (request) => <AssignmentBadges roles={request.roles} roleName={options.roleName} />,
    },
    { id: 'reason', header: 'Reason', cell: (request) => request.reason || '—' },
    { id: 'created', header: 'Asked', cell: (request) => formatDate(request.createdAt) },
    { id: 'expires', header: 'Expires', cell: (request) => formatDate(request.expiresAt) },
    { id: 'actions', header: 'Actions', cell: options.actions },
  ];
}
