import * as z from 'zod/mini';
import { botScopedPermissions, type Permission } from '../../domain/permissions';
import {
  atLeastOneOf,
  botEnvironmentSchema,
  intSchema,
  isoDateTimeSchema,
  memberIdSchema,
  pageOf,
  paginationQuerySchema,
  permissionSchema,
  roleIdSchema,
  singleLineTextSchema,
  tenantIdSchema,
} from './common';

export const memberStatuses = ['invited', 'active', 'suspended'] as const;
export const memberStatusSchema = /* @__PURE__ */ (() =>
  z.enum(memberStatuses).check(z.meta({ id: 'MemberStatus' })))();

export const roleAssignmentSchema = /* @__PURE__ */ (() =>
  z
    .object({ roleId: roleIdSchema, expiresAt: z.optional(isoDateTimeSchema) })
    .check(z.meta({ id: 'RoleAssignment' })))();

/** The rules of a list of role assignments that JSON Schema cannot state, said in the OpenAPI descriptions. */
export const ROLE_ASSIGNMENT_RULES =
  'each roleId at most once and a role of this tenant (else 400 `unknown_role`), a tenant role, never a bot role (else 400 `role_scope_mismatch`); `expiresAt`, which makes an assignment time-bound, must lie in the future';

export const effectivePermissionSchema = /* @__PURE__ */ (() =>
  z
    .object({
      permission: permissionSchema,
      sources: z
        .array(z.string())
        .check(
          z.meta({ description: 'Role ids granting it, "direct", "group:<groupId>" (a group\'s role) or "implied"' }),
        ),
    })
    .check(z.meta({ id: 'EffectivePermission' })))();

export const memberSchema = /* @__PURE__ */ (() =>
  z
    .object({
      memberId: z.string(),
      tenantId: z.string(),
      email: z.string(),
      displayName: z.nullable(z.string()),
      status: memberStatusSchema,
      roles: z.array(roleAssignmentSchema),
      permissions: z.array(permissionSchema),
      effectivePermissions: z.array(effectivePermissionSchema),
      groups: z
        .array(z.object({ groupId: z.string(), name: z.string() }))
        .check(z.meta({ description: 'The groups the member belongs to (SPEC §8)' })),
      invitedAt: isoDateTimeSchema,
      joinedAt: z.optional(isoDateTimeSchema),
      lastLoginAt: z.optional(isoDateTimeSchema),
      version: intSchema(),
    })
    .check(z.meta({ id: 'Member' })))();

export const memberPathSchema = /* @__PURE__ */ (() =>
  z.object({ tenantId: tenantIdSchema, memberId: memberIdSchema }))();

export const listMembersQuerySchema = /* @__PURE__ */ (() =>
  z.extend(paginationQuerySchema, {
    status: z.optional(memberStatusSchema),
    roleId: z.optional(roleIdSchema).check(z.meta({ description: 'Only holders of this role' })),
    q: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))).check(
      z.meta({
        description:
          "Prefix of the email or display name; case-insensitive, and '.', '_', '-' and spaces match each other",
      }),
    ),
  }))();

export const memberPageSchema = /* @__PURE__ */ (() => pageOf(memberSchema, 'MemberPage'))();

export type MemberView = z.infer<typeof memberSchema>;

export const updateMemberBodySchema = /* @__PURE__ */ (() =>
  z
    .strictObject({
      roles: z
        .optional(
          z.array(z.strictObject({ roleId: roleIdSchema, expiresAt: z.optional(isoDateTimeSchema) })).check(
            z.maxLength(10),
            z.refine((roles) => new Set(roles.map((r) => r.roleId)).size === roles.length, 'each role at most once'),
          ),
        )
        .check(
          z.meta({
            description: `The complete list of role assignments; ${ROLE_ASSIGNMENT_RULES}`,
          }),
        ),
      permissions: z
        .optional(
          z.array(permissionSchema).check(
            z.maxLength(100),
            z.refine((permissions) => new Set(permissions).size === permissions.length, 'each permission at most once'),
            z.meta({ override: { uniqueItems: true } }),
          ),
        )
        .check(z.meta({ description: 'The complete list of direct grants' })),
      displayName: z.optional(z.nullable(singleLineTextSchema({ max: 100 }))),
    })
    .check(
      ...atLeastOneOf<{ roles?: unknown; permissions?: unknown; displayName?: unknown }>(
        ['roles', 'permissions', 'displayName'],
        'give at least one of roles, permissions, displayName',
      ),
      z.meta({ id: 'UpdateMemberRequest' }),
    ))();

export const transferOwnershipBodySchema = /* @__PURE__ */ (() =>
  z.strictObject({ memberId: memberIdSchema }).check(z.meta({ id: 'TransferOwnershipRequest' })))();

/** `GET /members/{memberId}/bots` (SPEC §7): the bots where a member holds a permission, or any access. */
export const listMemberBotsQuerySchema = /* @__PURE__ */ (() =>
  z.extend(paginationQuerySchema, {
    permission: z
      .optional(z.enum(botScopedPermissions as readonly Permission[] as [Permission, ...Permission[]]))
      .check(
        z.meta({
          description:
            'A bot-scoped permission: only bots where the member holds it (tenant-wide, or through unexpired roles on the bot, their own or their groups’, without an environment limit). Without it: every bot the member has any access to',
        }),
      ),
  }))();

export const memberBotSchema = /* @__PURE__ */ (() =>
  z
    .object({
      bot: z.object({
        botId: z.string(),
        name: z.string(),
        environments: z.array(botEnvironmentSchema),
        ownerMemberId: z.string(),
      }),
      roles: z
        .array(
          z.object({
            roleId: z.string(),
            environments: z.optional(z.array(botEnvironmentSchema)),
            expiresAt: z.optional(isoDateTimeSchema),
          }),
        )
        .check(
          z.meta({
            description: 'The roles the member holds on the bot (unexpired), with their environment limits and expiry',
          }),
        ),
      groups: z
        .array(
          z.object({
            groupId: z.string(),
            roles: z.array(
              z.object({
                roleId: z.string(),
                environments: z.optional(z.array(botEnvironmentSchema)),
                expiresAt: z.optional(isoDateTimeSchema),
              }),
            ),
          }),
        )
        .check(
          z.meta({
            description:
              "The roles the member's groups hold on the bot (unexpired), by group: the member holds them as long as they belong to the group",
          }),
        ),
      permissions: z
        .array(
          z.object({
            permission: permissionSchema,
            sources: z.array(z.string()).check(
              z.meta({
                description:
                  '"tenant" (held tenant-wide), the ids of the roles held on the bot granting it, "group:<groupId>" (a role a group of the member holds on the bot), or "implied"',
              }),
            ),
          }),
        )
        .check(
          z.meta({
            description:
              "The member's effective permissions on the bot, as a decision naming no environment sees them (roles limited to some environments add nothing here)",
          }),
        ),
    })
    .check(z.meta({ id: 'MemberBot' })))();

export const memberBotPageSchema = /* @__PURE__ */ (() => pageOf(memberBotSchema, 'MemberBotPage'))();

export type MemberBotView = z.infer<typeof memberBotSchema>;
