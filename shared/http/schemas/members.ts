import * as z from 'zod';
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
  roleId: roleIdSchema.optional().meta({ description: 'Only holders of this role' }),
  q: z.string().trim().min(1).max(100).optional().meta({ description: 'Prefix of the email or display name' }),
});

export const memberPageSchema = pageOf(memberSchema, 'MemberPage');

export type MemberView = z.infer<typeof memberSchema>;

export const updateMemberBodySchema = z
  .strictObject({
    roles: z
      .array(z.strictObject({ roleId: roleIdSchema, expiresAt: isoDateTimeSchema.optional() }))
      .max(10)
      .refine((roles) => new Set(roles.map((r) => r.roleId)).size === roles.length, 'each role at most once')
      .optional()
      .meta({ description: 'The complete list of role assignments; `expiresAt` makes one time-bound' }),
    permissions: z
      .array(permissionSchema)
      .max(100)
      .refine((permissions) => new Set(permissions).size === permissions.length, 'each permission at most once')
      .optional()
      .meta({ description: 'The complete list of direct grants' }),
    displayName: z.string().trim().min(1).max(100).nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'give at least one of roles, permissions, displayName' })
  .meta({ id: 'UpdateMemberRequest' });

export const transferOwnershipBodySchema = z.strictObject({ memberId: memberIdSchema }).meta({ id: 'TransferOwnershipRequest' });
