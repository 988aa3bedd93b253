import type {
  AccessRequestRecord,
  GroupRecord,
  InvitationRecord,
  MemberRecord,
  NotificationRecord,
  ResourceRoleAssignment,
  TenantRecord,
} from '../data/records';
import { isPermission } from '../domain/permissions';
import type { RoleDefinition } from '../domain/roles';
import type { BotAccessEntry } from '../services/bot-access-service';
import type { BotWithAccess } from '../services/bot-service';
import type { MemberBot } from '../services/member-bots-service';
import type { MemberWithPermissions } from '../services/member-service';
import type { AccessRequestView } from './schemas/access-requests';
import type { BotAccessEntryView, BotRoleAssignmentView, BotView } from './schemas/bots';
import type { GroupMemberView, GroupView } from './schemas/groups';
import type { InvitationView } from './schemas/invitations';
import type { NotificationView } from './schemas/me';
import type { MemberBotView, MemberView } from './schemas/members';
import type { RoleView } from './schemas/roles';
import type { TenantView } from './schemas/tenants';

/** Records → API resource shapes (SPEC §4). Field names here are the contract. */

export const tenantView = (tenant: TenantRecord): TenantView => ({
  tenantId: tenant.tenantId,
  name: tenant.name,
  seatLimit: tenant.seatLimit,
  seatsUsed: tenant.seatsUsed,
  createdAt: tenant.createdAt,
  version: tenant.version,
});

export const roleView = (role: RoleDefinition): RoleView => ({
  roleId: role.roleId,
  name: role.name,
  description: role.description,
  permissions: [...role.permissions],
  builtIn: role.builtIn,
  version: role.version,
  scope: role.scope,
  ...(role.requires ? { requires: [...role.requires] } : {}),
});

export const memberView = ({ member, effectivePermissions, groups }: MemberWithPermissions): MemberView => ({
  memberId: member.memberId,
  tenantId: member.tenantId,
  email: member.email,
  displayName: member.displayName,
  status: member.status,
  roles: member.roles.map((r) => (r.expiresAt ? { roleId: r.roleId, expiresAt: r.expiresAt } : { roleId: r.roleId })),
  permissions: member.permissions.filter(isPermission),
  effectivePermissions,
  groups: groups.map((g) => ({ groupId: g.groupId, name: g.name })),
  invitedAt: member.invitedAt,
  ...(member.joinedAt ? { joinedAt: member.joinedAt } : {}),
  ...(member.lastLoginAt ? { lastLoginAt: member.lastLoginAt } : {}),
  version: member.version,
});

function botRoleAssignmentView(assignment: ResourceRoleAssignment): BotRoleAssignmentView {
  return {
    roleId: assignment.roleId,
    ...(assignment.environments ? { environments: [...assignment.environments] } : {}),
    ...(assignment.expiresAt ? { expiresAt: assignment.expiresAt } : {}),
  };
}

export const invitationView = (invitation: InvitationRecord, now: Date): InvitationView => ({
  invitationId: invitation.invitationId,
  memberId: invitation.memberId,
  email: invitation.email,
  status: Date.parse(invitation.expiresAt) > now.getTime() ? 'pending' : 'expired',
  roles: invitation.roles.map((r) =>
    r.expiresAt ? { roleId: r.roleId, expiresAt: r.expiresAt } : { roleId: r.roleId },
  ),
  botAccess: (invitation.botAccess ?? []).map((entry) => ({
    botId: entry.botId,
    roles: entry.roles.map(botRoleAssignmentView),
  })),
  invitedBy: invitation.invitedBy.email
    ? { id: invitation.invitedBy.id, email: invitation.invitedBy.email }
    : { id: invitation.invitedBy.id },
  ...(invitation.message ? { message: invitation.message } : {}),
  expiresAt: invitation.expiresAt,
  createdAt: invitation.createdAt,
  version: invitation.version,
});

export const botView = ({ bot, myAccess }: BotWithAccess): BotView => ({
  botId: bot.botId,
  name: bot.name,
  environments: [...bot.environments],
  ownerMemberId: bot.ownerMemberId,
  createdAt: bot.createdAt,
  version: bot.version,
  myAccess: { roles: [...myAccess.roles], permissions: [...myAccess.permissions] },
});

export const botAccessEntryView = (entry: BotAccessEntry): BotAccessEntryView => ({
  principal: { ...entry.principal },
  roles: entry.roles.map(botRoleAssignmentView),
  ...(entry.sources ? { sources: [...entry.sources] } : {}),
});

const memberBotRoleView = (a: MemberBot['roles'][number]) => ({
  roleId: a.roleId,
  ...(a.environments ? { environments: [...a.environments] } : {}),
  ...(a.expiresAt ? { expiresAt: a.expiresAt } : {}),
});

export const memberBotView = ({ bot, roles, groups, permissions }: MemberBot): MemberBotView => ({
  bot: {
    botId: bot.botId,
    name: bot.name,
    environments: [...bot.environments],
    ownerMemberId: bot.ownerMemberId,
  },
  roles: roles.map(memberBotRoleView),
  groups: groups.map((group) => ({
    groupId: group.groupId,
    roles: group.assignments.map((a) => memberBotRoleView(a as MemberBot['roles'][number])),
  })),
  permissions: permissions.map((p) => ({ permission: p.permission, sources: [...p.sources] })),
});

const assignmentView = (assignment: { roleId: string; environments?: readonly string[]; expiresAt?: string }) => ({
  roleId: assignment.roleId,
  ...(assignment.environments ? { environments: [...assignment.environments] } : {}),
  ...(assignment.expiresAt ? { expiresAt: assignment.expiresAt } : {}),
});

export const accessRequestView = (request: AccessRequestRecord): AccessRequestView => ({
  requestId: request.requestId,
  botId: request.botId,
  botName: request.botName,
  requesterId: request.requesterId,
  requesterEmail: request.requesterEmail,
  roles: request.roles.map(assignmentView) as AccessRequestView['roles'],
  reason: request.reason ?? null,
  status: request.status,
  createdAt: request.createdAt,
  expiresAt: request.expiresAt,
  ...(request.decidedAt ? { decidedAt: request.decidedAt } : {}),
  ...(request.decidedBy ? { decidedBy: request.decidedBy } : {}),
  ...(request.approvedRoles
    ? { approvedRoles: request.approvedRoles.map(assignmentView) as AccessRequestView['roles'] }
    : {}),
  ...(request.denialReason ? { denialReason: request.denialReason } : {}),
  version: request.version,
});

export const notificationView = (notification: NotificationRecord): NotificationView => ({
  notificationId: notification.notificationId,
  type: notification.type,
  tenantId: notification.tenantId,
  createdAt: notification.createdAt,
  ...(notification.readAt ? { readAt: notification.readAt } : {}),
  data: { ...notification.data },
});

export const groupView = (group: GroupRecord): GroupView => ({
  groupId: group.groupId,
  name: group.name,
  description: group.description,
  roles: group.roles.map((r) => (r.expiresAt ? { roleId: r.roleId, expiresAt: r.expiresAt } : { roleId: r.roleId })),
  createdAt: group.createdAt,
  updatedAt: group.updatedAt,
  version: group.version,
});

export const groupMemberView = (member: MemberRecord): GroupMemberView => ({
  memberId: member.memberId,
  email: member.email,
  displayName: member.displayName,
  status: member.status,
});
