import * as z from 'zod/mini';
import { permissionSchema } from './common';

export const permissionCatalogSchema = /* @__PURE__ */ (() =>
  z
    .object({
      modules: z.array(
        z.object({
          module: z.string(),
          label: z.string(),
          permissions: z.array(
            z.object({
              permission: permissionSchema,
              description: z.string(),
              scope: z.enum(['tenant', 'bot']).check(
                z.meta({
                  description:
                    '`tenant`: granted tenant-wide only; `bot`: may also be granted on one bot (a tenant-wide grant applies to every bot)',
                }),
              ),
              implies: z
                .array(permissionSchema)
                .check(
                  z.meta({ description: 'Every permission this one implies (the closure): holding it holds them' }),
                ),
            }),
          ),
        }),
      ),
    })
    .check(z.meta({ id: 'PermissionCatalog' })))();
