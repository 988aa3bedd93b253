import type { RouteDefinition } from '../route-definition';
import {
  createGroupBodySchema,
  groupMemberPageSchema,
  groupMemberPathSchema,
  groupPageSchema,
  groupPathSchema,
  groupSchema,
  listGroupMembersQuerySchema,
  listGroupsQuerySchema,
  updateGroupBodySchema,
} from '../schemas/groups';
import { tenantPathSchema } from '../schemas/tenants';

const groupNotFound = {
  description:
    '`group_not_found`: no such group in this tenant (a group of another tenant, or one being deleted, is answered the same way)',
};
const groupOrMemberNotFound = {
  description: '`group_not_found` (no such group in this tenant) or `member_not_found` (no such member in this tenant)',
};

/*
 * Routes served by `functions/groups/*` (SPEC §8: groups). Part of THE route table, `shared/http/routes.ts`.
 * A group carries tenant roles to its members (`PATCH roles`); adding a member or giving a group a role is a
 * grant, judged as one (shared/services/group-service.ts).
 */
export const listGroups = {
  operationId: 'listGroups',
  method: 'GET',
  path: '/v1/tenants/{tenantId}/groups',
  handler: 'functions/groups/list-groups.ts',
  summary: 'Groups of the tenant in id order, with the tenant roles each carries (users:read)',
  tags: ['groups'],
  access: { kind: 'permission', permission: 'users:read' },
  grants: ['main:read', 'main:recordSignIn'],
  request: { params: tenantPathSchema, query: listGroupsQuerySchema },
  responses: { 200: { description: 'A page of groups', schema: groupPageSchema } },
} as const satisfies RouteDefinition;

export const getGroup = {
  operationId: 'getGroup',
  method: 'GET',
  path: '/v1/tenants/{tenantId}/groups/{groupId}',
  handler: 'functions/groups/get-group.ts',
  summary: 'One group (users:read)',
  tags: ['groups'],
  access: { kind: 'permission', permission: 'users:read' },
  grants: ['main:read', 'main:recordSignIn'],
  request: { params: groupPathSchema },
  responses: { 200: { description: 'The group', schema: groupSchema } },
  problems: { 404: groupNotFound },
} as const satisfies RouteDefinition;

export const createGroup = {
  operationId: 'createGroup',
  method: 'POST',
  path: '/v1/tenants/{tenantId}/groups',
  handler: 'functions/groups/create-group.ts',
  summary: 'Create a group, with no roles and no members yet (groups:manage)',
  tags: ['groups'],
  access: { kind: 'permission', permission: 'groups:manage' },
  grants: ['main:write'],
  request: { params: tenantPathSchema, body: createGroupBodySchema },
  responses: { 201: { description: 'The group', schema: groupSchema } },
  problems: {
    409: { description: '`group_name_taken`: a group with this name, or one that looks the same, exists' },
  },
} as const satisfies RouteDefinition;

export const updateGroup = {
  operationId: 'updateGroup',
  method: 'PATCH',
  path: '/v1/tenants/{tenantId}/groups/{groupId}',
  handler: 'functions/groups/update-group.ts',
  summary:
    'Rename a group or set the tenant roles it carries (groups:manage; If-Match: version); a role given is given to every member, on their next request',
  description: [
    'Giving a group a role is a grant to each of its members: the caller must hold every permission it gives,',
    'and only the Owner may give (or take away) Admin-level power, judged on what each member holds afterwards',
    'with their own roles and other groups. The Owner role is never carried by a group. Time-bound roles',
    '(`expiresAt`) stop granting at their instant and are removed by the scheduled purge.',
  ].join(' '),
  tags: ['groups'],
  access: { kind: 'permission', permission: 'groups:manage' },
  grants: ['main:write'],
  request: { params: groupPathSchema, body: updateGroupBodySchema },
  responses: { 200: { description: 'The group', schema: groupSchema } },
  problems: {
    400: {
      description:
        '`unknown_role`; `role_scope_mismatch` (a bot role: give it on a bot instead); an `expiresAt` in the past',
    },
    403: {
      description:
        '`escalation_denied` (a permission the caller lacks), `admin_requires_owner` (Admin-level power given or taken away by someone else than the Owner), `owner_not_grantable`',
    },
    404: groupNotFound,
    409: {
      description:
        '`group_name_taken`; `concurrent_change`: a member was added or a role involved edited at the same moment, each time it was judged again; nothing was written, retry',
    },
  },
} as const satisfies RouteDefinition;

export const deleteGroup = {
  operationId: 'deleteGroup',
  method: 'DELETE',
  path: '/v1/tenants/{tenantId}/groups/{groupId}',
  handler: 'functions/groups/delete-group.ts',
  summary:
    'Delete a group: its memberships and grants go with it, with one audit event (groups:manage); repeating an interrupted delete finishes it',
  tags: ['groups'],
  access: { kind: 'permission', permission: 'groups:manage' },
  grants: ['main:write'],
  request: { params: groupPathSchema },
  responses: { 204: { description: 'Deleted' } },
  problems: {
    403: { description: '`admin_requires_owner`: a member would lose Admin-level power; only the Owner may' },
    404: groupNotFound,
    409: { description: '`concurrent_change`: the group or a member changed meanwhile; repeat the DELETE' },
  },
} as const satisfies RouteDefinition;

export const listGroupMembers = {
  operationId: 'listGroupMembers',
  method: 'GET',
  path: '/v1/tenants/{tenantId}/groups/{groupId}/members',
  handler: 'functions/groups/list-group-members.ts',
  summary: "A group's members in member id order (users:read), cursor-paginated",
  tags: ['groups'],
  access: { kind: 'permission', permission: 'users:read' },
  grants: ['main:read', 'main:recordSignIn'],
  request: { params: groupPathSchema, query: listGroupMembersQuerySchema },
  responses: { 200: { description: "A page of the group's members", schema: groupMemberPageSchema } },
  problems: { 404: groupNotFound },
} as const satisfies RouteDefinition;

export const addGroupMember = {
  operationId: 'addGroupMember',
  method: 'PUT',
  path: '/v1/tenants/{tenantId}/groups/{groupId}/members/{memberId}',
  handler: 'functions/groups/add-group-member.ts',
  summary:
    'Add a member to a group (groups:manage): a grant of every role the group carries, on their next request; adding a member twice changes nothing',
  tags: ['groups'],
  access: { kind: 'permission', permission: 'groups:manage' },
  grants: ['main:write'],
  request: { params: groupMemberPathSchema },
  responses: { 200: { description: 'The group', schema: groupSchema } },
  problems: {
    403: {
      description:
        '`escalation_denied` (the group carries a permission the caller lacks), `admin_requires_owner` (the member would reach Admin-level power), `self_change_forbidden`',
    },
    404: groupOrMemberNotFound,
    409: {
      description:
        '`group_limit_reached` (the member belongs to 50 groups already, with `limit`); `invalid_state` (the member has not joined yet); `concurrent_change`',
    },
  },
} as const satisfies RouteDefinition;

export const removeGroupMember = {
  operationId: 'removeGroupMember',
  method: 'DELETE',
  path: '/v1/tenants/{tenantId}/groups/{groupId}/members/{memberId}',
  handler: 'functions/groups/remove-group-member.ts',
  summary:
    'Remove a member from a group (groups:manage); what the group carried stops on their next request. A member not in the group: nothing changes',
  tags: ['groups'],
  access: { kind: 'permission', permission: 'groups:manage' },
  grants: ['main:write'],
  request: { params: groupMemberPathSchema },
  responses: { 204: { description: 'Removed' } },
  problems: {
    403: { description: '`admin_requires_owner` (the member would lose Admin-level power), `self_change_forbidden`' },
    404: groupOrMemberNotFound,
  },
} as const satisfies RouteDefinition;
