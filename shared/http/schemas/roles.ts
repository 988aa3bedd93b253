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

export const roleSchema = z
  .object({
    roleId: z.string(),
    name: z.string(),
    description: z.string(),
    permissions: z.array(permissionSchema),
    builtIn: z.boolean(),
    version: intSchema(),
  })
  .check(z.meta({ id: 'Role' }));

export const rolePathSchema = z.object({ tenantId: tenantIdSchema, roleId: roleIdSchema });

export const roleListSchema = z.object({ items: z.array(roleSchema) }).check(z.meta({ id: 'RoleList' }));

export type RoleView = z.infer<typeof roleSchema>;

const roleNameSchema = singleLineTextSchema({ max: 60 }).check(
  z.meta({
    description:
      'Unique in the tenant, case-insensitively and among look-alikes (Unicode TR39 skeleton: `Оps` is `Ops`); a name that is or looks like a built-in role name is refused too (409 `role_name_taken`)',
  }),
);
const roleDescriptionSchema = multiLineTextSchema({ max: 500 });
const permissionSetSchema = z.array(permissionSchema).check(
  z.maxLength(100),
  z.refine((permissions) => new Set(permissions).size === permissions.length, 'each permission at most once'),
  z.meta({ override: { uniqueItems: true } }),
);

export const createRoleBodySchema = z
  .strictObject({
    name: roleNameSchema,
    description: z.optional(roleDescriptionSchema),
    permissions: z
      .optional(permissionSetSchema)
      .check(z.meta({ description: "The role's complete permission set; defaults to copyFrom's" })),
    copyFrom: z
      .optional(roleIdSchema)
      .check(z.meta({ description: 'A role (built-in or custom) whose permissions are the starting set' })),
  })
  .check(
    ...atLeastOneOf<{ permissions?: unknown; copyFrom?: unknown }>(
      ['permissions', 'copyFrom'],
      'give permissions, copyFrom, or both',
    ),
    z.meta({ id: 'CreateRoleRequest' }),
  );

export const updateRoleBodySchema = z
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
  );

export const deleteRoleQuerySchema = z.object({
  reassignTo: z.optional(roleIdSchema).check(
    z.meta({
      description:
        "Moves the role's holders to this role in the same operation; it must be a role of this tenant (else 400 `unknown_role`)",
    }),
  ),
});
