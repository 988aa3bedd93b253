import * as z from 'zod/mini';
import { effectivePermissionSchema, memberStatusSchema } from './members';

export const meSchema = z
  .object({
    userId: z.string(),
    email: z.nullable(z.string()),
    platformAdmin: z.boolean(),
    memberships: z.array(
      z.object({
        tenantId: z.string(),
        tenantName: z.string(),
        memberId: z.string(),
        status: memberStatusSchema,
        effectivePermissions: z.array(effectivePermissionSchema),
      }),
    ),
  })
  .check(z.meta({ id: 'Me' }));

export type MeView = z.infer<typeof meSchema>;
