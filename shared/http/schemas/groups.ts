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

export const groupIdSchema = /* @__PURE__ */ (() => ulidSchema.check(z.meta({ description: 'Group id (ULID)' })))();

export const groupSchema = /* @__PURE__ */ (() =>
  z
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
    .check(z.meta({ id: 'Group' })))();

export const groupPageSchema = /* @__PURE__ */ (() => pageOf(groupSchema, 'GroupPage'))();

export const groupPathSchema = /* @__PURE__ */ (() => z.object({ tenantId: tenantIdSchema, groupId: groupIdSchema }))();
export const groupMemberPathSchema = /* @__PURE__ */ (() =>
  z.object({
    tenantId: tenantIdSchema,
    groupId: groupIdSchema,
    memberId: memberIdSchema,
  }))();

export const listGroupsQuerySchema = paginationQuerySchema;
export const listGroupMembersQuerySchema = paginationQuerySchema;

const groupNameSchema = /* @__PURE__ */ (() =>
  singleLineTextSchema({ max: 60 }).check(
    z.meta({
      description:
        'Unique among the tenant’s groups, case-insensitively and among look-alikes (Unicode TR39 skeleton: `Оps` is `Ops`; else 409 `group_name_taken`)',
    }),
  ))();
const groupDescriptionSchema = /* @__PURE__ */ (() => multiLineTextSchema({ max: 500 }))();

export const createGroupBodySchema = /* @__PURE__ */ (() =>
  z
    .strictObject({ name: groupNameSchema, description: z.optional(groupDescriptionSchema) })
    .check(z.meta({ id: 'CreateGroupRequest' })))();

export const updateGroupBodySchema = /* @__PURE__ */ (() =>
  z
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
    ))();

export const groupMemberSchema = /* @__PURE__ */ (() =>
  z
    .object({
      memberId: z.string(),
      email: z.string(),
      displayName: z.nullable(z.string()),
      status: memberStatusSchema,
    })
    .check(z.meta({ id: 'GroupMember' })))();

export const groupMemberPageSchema = /* @__PURE__ */ (() => pageOf(groupMemberSchema, 'GroupMemberPage'))();

export type GroupView = z.infer<typeof groupSchema>;
export type GroupMemberView = z.infer<typeof groupMemberSchema>;
