import { z } from 'zod';
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
