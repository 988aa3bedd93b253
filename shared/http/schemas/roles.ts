import * as z from 'zod/mini';
import {
  atLeastOneOf,
  intSchema,
  multiLineTextSchema,
  permissionSchema,
  roleIdSchema,
  singleLineTextSchema,
  tenantIdSchema,
} from './common';

export const roleScopeSchema = /* @__PURE__ */ (() =>
  z.enum(['tenant', 'bot']).check(
    z.meta({
      id: 'RoleScope',
      description:
        '`tenant`: assigned to members, invitations and groups, tenant-wide; `bot`: assigned only on one bot, and holds only bot-scoped permissions',
    }),
  ))();

export const roleSchema = /* @__PURE__ */ (() =>
  z
    .object({
      roleId: z.string(),
      name: z.string(),
      description: z.string(),
      permissions: z.array(permissionSchema),
      builtIn: z.boolean(),
      version: intSchema(),
      scope: roleScopeSchema,
      requires: z
        .optional(z.array(z.string()))
        .check(z.meta({ description: 'Bot roles a holder must also hold on the same bot (bot roles only)' })),
    })
    .check(z.meta({ id: 'Role' })))();

export const rolePathSchema = /* @__PURE__ */ (() => z.object({ tenantId: tenantIdSchema, roleId: roleIdSchema }))();

export const roleListSchema = /* @__PURE__ */ (() =>
  z.object({ items: z.array(roleSchema) }).check(z.meta({ id: 'RoleList' })))();

export const listRolesQuerySchema = /* @__PURE__ */ (() =>
  z.object({
    scope: z
      .optional(roleScopeSchema)
      .check(z.meta({ description: 'Only the roles of this scope; default: tenant and bot roles alike' })),
  }))();

export type RoleView = z.infer<typeof roleSchema>;

const roleNameSchema = /* @__PURE__ */ (() =>
  singleLineTextSchema({ max: 60 }).check(
    z.meta({
      description:
        'Unique in the tenant, case-insensitively and among look-alikes (Unicode TR39 skeleton: `Оps` is `Ops`); a name that is or looks like a built-in role name is refused too (409 `role_name_taken`)',
    }),
  ))();
const roleDescriptionSchema = /* @__PURE__ */ (() => multiLineTextSchema({ max: 500 }))();
const uniqueRoleIds = /* @__PURE__ */ (() =>
  [
    z.refine<string[]>((ids) => new Set(ids).size === ids.length, 'each role at most once'),
    z.meta({ override: { uniqueItems: true } }),
  ] as const)();
const permissionSetSchema = /* @__PURE__ */ (() =>
  z.array(permissionSchema).check(
    z.maxLength(100),
    z.refine((permissions) => new Set(permissions).size === permissions.length, 'each permission at most once'),
    z.meta({ override: { uniqueItems: true } }),
  ))();

export const createRoleBodySchema = /* @__PURE__ */ (() =>
  z
    .strictObject({
      name: roleNameSchema,
      description: z.optional(roleDescriptionSchema),
      permissions: z
        .optional(permissionSetSchema)
        .check(z.meta({ description: "The role's complete permission set; defaults to copyFrom's" })),
      copyFrom: z.optional(roleIdSchema).check(
        z.meta({
          description:
            'A role (built-in or custom) whose permissions are the starting set; it must be of the same scope (else 400 `role_scope_mismatch`)',
        }),
      ),
      scope: z.optional(roleScopeSchema).check(
        z.meta({
          description:
            'Default `tenant`. A `bot` role takes only bot-scoped permissions (see GET /permissions; else 400 `permission_not_bot_scoped`)',
        }),
      ),
      requires: z.optional(z.array(roleIdSchema).check(z.maxLength(10), ...uniqueRoleIds)).check(
        z.meta({
          description:
            'Only with scope `bot`: bot roles (built-in or custom) a holder must also hold on the same bot; a tenant role here is 400 `role_scope_mismatch`, an unknown one 400 `unknown_role`',
        }),
      ),
    })
    .check(
      ...atLeastOneOf<{ permissions?: unknown; copyFrom?: unknown }>(
        ['permissions', 'copyFrom'],
        'give permissions, copyFrom, or both',
      ),
      z.meta({ id: 'CreateRoleRequest' }),
    ))();

export const updateRoleBodySchema = /* @__PURE__ */ (() =>
  z
    .strictObject({
      name: z.optional(roleNameSchema),
      description: z.optional(roleDescriptionSchema),
      permissions: z.optional(permissionSetSchema),
    })
    .check(
      ...atLeastOneOf<{ name?: unknown; description?: unknown; permissions?: unknown }>(
        ['name', 'description', 'permissions'],
        'give at least one of name, description, permissions',
      ),
      z.meta({ id: 'UpdateRoleRequest' }),
    ))();

export const deleteRoleQuerySchema = /* @__PURE__ */ (() =>
  z.object({
    reassignTo: z.optional(roleIdSchema).check(
      z.meta({
        description:
          "Moves the role's holders to this role in the same operation; it must be a role of this tenant (else 400 `unknown_role`) of the same scope (else 400 `role_scope_mismatch`)",
      }),
    ),
  }))();
