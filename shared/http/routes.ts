import type { RouteDefinition } from './route-definition';
import * as accessRequestRoutes from './routes/access-requests';
import * as auditRoutes from './routes/audit';
import * as authorizationRoutes from './routes/authorization';
import * as botRoutes from './routes/bots';
import * as groupRoutes from './routes/groups';
import * as invitationRoutes from './routes/invitations';
import * as meRoutes from './routes/me';
import * as memberRoutes from './routes/members';
import * as metaRoutes from './routes/meta';
import * as roleRoutes from './routes/roles';
import * as tenantRoutes from './routes/tenants';

export const fallbackRoute = metaRoutes.fallbackRoute;

/**
 * THE route table. CDK creates one Lambda and one API Gateway route per entry, the local server
 * serves exactly these, the OpenAPI document is generated from them, and the route-matrix tests
 * (isolation, authentication, authorization, fuzzing) iterate over them.
 *
 * Each entry is defined in its resource's module, `routes/<resource>.ts`, named after the handlers'
 * directory `functions/<resource>/`: each route is its own export, imported
 * by its handler through the module namespace (`memberRoutes.getMember`), so that its bundle constructs only
 * the schemas that route names. To find a route's code: its `handler` is the
 * Lambda entry file.
 */
export const routes = {
  getOpenApi: metaRoutes.getOpenApi,
  getMe: meRoutes.getMe,
  createTenant: tenantRoutes.createTenant,
  updateTenant: tenantRoutes.updateTenant,
  getTenant: tenantRoutes.getTenant,
  listPermissions: roleRoutes.listPermissions,
  listRoles: roleRoutes.listRoles,
  getRole: roleRoutes.getRole,
  listMembers: memberRoutes.listMembers,
  getMember: memberRoutes.getMember,
  createRole: roleRoutes.createRole,
  updateRole: roleRoutes.updateRole,
  deleteRole: roleRoutes.deleteRole,
  updateMember: memberRoutes.updateMember,
  suspendMember: memberRoutes.suspendMember,
  reactivateMember: memberRoutes.reactivateMember,
  removeMember: memberRoutes.removeMember,
  transferOwnership: memberRoutes.transferOwnership,
  createInvitations: invitationRoutes.createInvitations,
  listInvitations: invitationRoutes.listInvitations,
  resendInvitation: invitationRoutes.resendInvitation,
  revokeInvitation: invitationRoutes.revokeInvitation,
  lookupInvitation: invitationRoutes.lookupInvitation,
  acceptInvitation: invitationRoutes.acceptInvitation,
  declineInvitation: invitationRoutes.declineInvitation,
  listMyInvitations: meRoutes.listMyInvitations,
  acceptMyInvitation: meRoutes.acceptMyInvitation,
  declineMyInvitation: meRoutes.declineMyInvitation,
  listAudit: auditRoutes.listAudit,
  verifyAudit: auditRoutes.verifyAudit,
  createAuditExport: auditRoutes.createAuditExport,
  getAuditExport: auditRoutes.getAuditExport,
  createBot: botRoutes.createBot,
  listBots: botRoutes.listBots,
  getBot: botRoutes.getBot,
  updateBot: botRoutes.updateBot,
  deleteBot: botRoutes.deleteBot,
  transferBotOwnership: botRoutes.transferBotOwnership,
  listBotAccess: botRoutes.listBotAccess,
  setBotAccess: botRoutes.setBotAccess,
  listMemberBots: memberRoutes.listMemberBots,
  authorize: authorizationRoutes.authorize,
  createAccessRequest: accessRequestRoutes.createAccessRequest,
  listAccessRequests: accessRequestRoutes.listAccessRequests,
  getAccessRequest: accessRequestRoutes.getAccessRequest,
  approveAccessRequest: accessRequestRoutes.approveAccessRequest,
  denyAccessRequest: accessRequestRoutes.denyAccessRequest,
  cancelAccessRequest: accessRequestRoutes.cancelAccessRequest,
  listMyNotifications: meRoutes.listMyNotifications,
  markNotificationRead: meRoutes.markNotificationRead,
  listGroups: groupRoutes.listGroups,
  getGroup: groupRoutes.getGroup,
  createGroup: groupRoutes.createGroup,
  updateGroup: groupRoutes.updateGroup,
  deleteGroup: groupRoutes.deleteGroup,
  listGroupMembers: groupRoutes.listGroupMembers,
  addGroupMember: groupRoutes.addGroupMember,
  removeGroupMember: groupRoutes.removeGroupMember,
} as const satisfies Record<string, RouteDefinition>;

export type RouteName = keyof typeof routes;

export const routeList: readonly RouteDefinition[] = Object.values(routes);
