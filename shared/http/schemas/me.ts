import * as z from 'zod';
import { effectivePermissionSchema, memberStatusSchema } from './members';

export const meSchema = z
  .object({
    userId: z.string(),
    email: z.string().nullable(),
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
  .meta({ id: 'Me' });

export type MeView = z.infer<typeof meSchema>;
