import * as z from 'zod/mini';
import { permissionSchema } from './common';

export const permissionCatalogSchema = z
  .object({
    modules: z.array(
      z.object({
        module: z.string(),
        label: z.string(),
        permissions: z.array(
          z.object({ permission: permissionSchema, description: z.string(), implies: z.array(permissionSchema) }),
        ),
      }),
    ),
  })
  .check(z.meta({ id: 'PermissionCatalog' }));
