import * as z from 'zod';
import { permissionSchema, roleIdSchema, tenantIdSchema } from './common';


export const roleSchema = z
  .object({
    roleId: z.string(),
    name: z.string(),
    description: z.string(),
    permissions: z.array(permissionSchema),
    builtIn: z.boolean(),
    version: z.number().int(),
  })
  .meta({ id: 'Role' });

export const rolePathSchema = z.object({ tenantId: tenantIdSchema, roleId: roleIdSchema });

export const roleListSchema = z.object({ items: z.array(roleSchema) }).meta({ id: 'RoleList' });

export type RoleView = z.infer<typeof roleSchema>;

const roleNameSchema = z.string().trim().min(1).max(60);
const permissionSetSchema = z
  .array(permissionSchema)
  .max(100)
  .refine((permissions) => new Set(permissions).size === permissions.length, 'each permission at most once');

export const createRoleBodySchema = z
  .strictObject({
    name: roleNameSchema,
    description: z.string().trim().max(500).optional(),
    permissions: permissionSetSchema.optional().meta({ description: "The role's complete permission set; defaults to copyFrom's" }),
    copyFrom: roleIdSchema.optional().meta({ description: 'A role (built-in or custom) whose permissions are the starting set' }),
  })
  .refine((body) => body.permissions !== undefined || body.copyFrom !== undefined, { message: 'give permissions, copyFrom, or both' })
  .meta({ id: 'CreateRoleRequest' });

export const updateRoleBodySchema = z
  .strictObject({
    name: roleNameSchema.optional(),
    description: z.string().trim().max(500).optional(),
    permissions: permissionSetSchema.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'give at least one of name, description, permissions' })
  .meta({ id: 'UpdateRoleRequest' });

export const deleteRoleQuerySchema = z.object({
  reassignTo: roleIdSchema.optional().meta({ description: "Moves the role's holders to this role in the same operation" }),
});
