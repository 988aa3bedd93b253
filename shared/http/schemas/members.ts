import { z } from 'zod';
import {
  isoDateTimeSchema,
  memberIdSchema,
  pageOf,
  paginationQuerySchema,
  permissionSchema,
  roleIdSchema,
  tenantIdSchema,
} from './common';

export const memberStatuses = ['invited', 'active', 'suspended'] as const;
export const memberStatusSchema = z.enum(memberStatuses).meta({ id: 'MemberStatus' });

export const roleAssignmentSchema = z
  .object({ roleId: roleIdSchema, expiresAt: isoDateTimeSchema.optional() })
  .meta({ id: 'RoleAssignment' });

export const effectivePermissionSchema = z
  .object({
    permission: permissionSchema,
    sources: z.array(z.string()).meta({ description: 'Role ids granting it, "direct" or "implied"' }),
  })
  .meta({ id: 'EffectivePermission' });

export const memberSchema = z
  .object({
    memberId: z.string(),
    tenantId: z.string(),
    email: z.string(),
    displayName: z.string().nullable(),
    status: memberStatusSchema,
    roles: z.array(roleAssignmentSchema),
    permissions: z.array(permissionSchema),
    effectivePermissions: z.array(effectivePermissionSchema),
    invitedAt: isoDateTimeSchema,
    joinedAt: isoDateTimeSchema.optional(),
    lastLoginAt: isoDateTimeSchema.optional(),
    version: z.number().int(),
  })
  .meta({ id: 'Member' });

export const memberPathSchema = z.object({ tenantId: tenantIdSchema, memberId: memberIdSchema });

export const listMembersQuerySchema = paginationQuerySchema.extend({
  status: memberStatusSchema.optional(),
});

export const memberPageSchema = pageOf(memberSchema, 'MemberPage');

export type MemberView = z.infer<typeof memberSchema>;
