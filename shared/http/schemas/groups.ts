import * as z from 'zod/mini';
import {
  atLeastOneOf,
  intSchema,
  isoDateTimeSchema,
  memberIdSchema,
  multiLineTextSchema,
  pageOf,
  paginationQuerySchema,
  roleIdSchema,
  singleLineTextSchema,
  tenantIdSchema,
  ulidSchema,
} from './common';
import { memberStatusSchema, ROLE_ASSIGNMENT_RULES, roleAssignmentSchema } from './members';

export const groupIdSchema = ulidSchema.check(z.meta({ description: 'Group id (ULID)' }));

export const groupSchema = z
  .object({
    groupId: z.string(),
    name: z.string(),
    description: z.string(),
    roles: z
      .array(roleAssignmentSchema)
      .check(z.meta({ description: 'The tenant roles the group carries to each of its members' })),
    createdAt: isoDateTimeSchema,
    updatedAt: isoDateTimeSchema,
    version: intSchema(),
  })
  .check(z.meta({ id: 'Group' }));

export const groupPageSchema = pageOf(groupSchema, 'GroupPage');

export const groupPathSchema = z.object({ tenantId: tenantIdSchema, groupId: groupIdSchema });
export const groupMemberPathSchema = z.object({
  tenantId: tenantIdSchema,
  groupId: groupIdSchema,
  memberId: memberIdSchema,
});

export const listGroupsQuerySchema = paginationQuerySchema;
export const listGroupMembersQuerySchema = paginationQuerySchema;

const groupNameSchema = singleLineTextSchema({ max: 60 }).check(
  z.meta({
    description:
      'Unique among the tenant’s groups, case-insensitively and among look-alikes (Unicode TR39 skeleton: `Оps` is `Ops`; else 409 `group_name_taken`)',
  }),
);
const groupDescriptionSchema = multiLineTextSchema({ max: 500 });

export const createGroupBodySchema = z
  .strictObject({ name: groupNameSchema, description: z.optional(groupDescriptionSchema) })
  .check(z.meta({ id: 'CreateGroupRequest' }));

export const updateGroupBodySchema = z
  .strictObject({
    name: z.optional(groupNameSchema),
    description: z.optional(groupDescriptionSchema),
    roles: z
      .optional(
        z.array(z.strictObject({ roleId: roleIdSchema, expiresAt: z.optional(isoDateTimeSchema) })).check(
          z.maxLength(10),
          z.refine((roles) => new Set(roles.map((r) => r.roleId)).size === roles.length, 'each role at most once'),
        ),
      )
      .check(
        z.meta({
          description: `The complete list of tenant roles the group carries; ${ROLE_ASSIGNMENT_RULES}; never \`owner\``,
        }),
      ),
  })
  .check(
    ...atLeastOneOf<{ name?: unknown; description?: unknown; roles?: unknown }>(
      ['name', 'description', 'roles'],
      'give at least one of name, description, roles',
    ),
    z.meta({ id: 'UpdateGroupRequest' }),
  );

export const groupMemberSchema = z
  .object({
    memberId: z.string(),
    email: z.string(),
    displayName: z.nullable(z.string()),
    status: memberStatusSchema,
  })
  .check(z.meta({ id: 'GroupMember' }));

export const groupMemberPageSchema = pageOf(groupMemberSchema, 'GroupMemberPage');

export type GroupView = z.infer<typeof groupSchema>;
export type GroupMemberView = z.infer<typeof groupMemberSchema>;
