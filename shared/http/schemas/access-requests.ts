import * as z from 'zod/mini';
import { accessRequestStatuses } from '../../data/records';
import { botIdSchema, botRoleAssignmentSchema, environmentsSchema } from './bots';
import {
  intSchema,
  isoDateTimeSchema,
  multiLineTextSchema,
  pageOf,
  paginationQuerySchema,
  roleIdSchema,
  tenantIdSchema,
  ulidSchema,
} from './common';

export const accessRequestStatusSchema = /* @__PURE__ */ (() =>
  z.enum(accessRequestStatuses).check(z.meta({ id: 'AccessRequestStatus' })))();

const requestedRoleFields = /* @__PURE__ */ (() => ({
  roleId: roleIdSchema,
  environments: z.optional(environmentsSchema).check(
    z.meta({
      description:
        "Environments of the bot the role is asked for; without it, all of them. Each must be one of the bot's environments, else 400 `environment_not_on_bot`",
    }),
  ),
}))();

export const requestedBotRoleSchema = /* @__PURE__ */ (() =>
  z.object(requestedRoleFields).check(z.meta({ id: 'RequestedBotRole' })))();

const requestedRolesSchema = /* @__PURE__ */ (() =>
  z.array(z.strictObject(requestedRoleFields)).check(
    z.minLength(1),
    z.maxLength(20),
    z.refine((roles) => new Set(roles.map((a) => a.roleId)).size === roles.length, 'each roleId at most once'),
  ))();

const reasonSchema = /* @__PURE__ */ (() => multiLineTextSchema({ max: 1000 }))();

export const createAccessRequestBodySchema = /* @__PURE__ */ (() =>
  z
    .strictObject({
      botId: botIdSchema,
      roles: requestedRolesSchema.check(
        z.meta({
          description:
            'Bot roles asked for (a tenant role is 400 `role_scope_mismatch`, an unknown one `unknown_role`, Bot Owner `bot_owner_not_requestable`)',
        }),
      ),
      reason: z.optional(reasonSchema).check(z.meta({ description: 'Why, for the approvers (up to 1000 characters)' })),
    })
    .check(z.meta({ id: 'CreateAccessRequestRequest' })))();

export const approveAccessRequestBodySchema = /* @__PURE__ */ (() =>
  z
    .strictObject({
      roles: z.optional(requestedRolesSchema).check(
        z.meta({
          description:
            'Grant only these: each a requested role, over some of its requested environments (else 400 `roles_not_requested`). Default: everything requested',
        }),
      ),
      expiresAt: z
        .optional(isoDateTimeSchema)
        .check(
          z.meta({ description: 'The granted roles stop granting at this instant (in the future); default: no end' }),
        ),
    })
    .check(z.meta({ id: 'ApproveAccessRequestRequest' })))();

export const denyAccessRequestBodySchema = /* @__PURE__ */ (() =>
  z
    .strictObject({
      reason: z.optional(reasonSchema).check(z.meta({ description: 'Told to the requester' })),
    })
    .check(z.meta({ id: 'DenyAccessRequestRequest' })))();

export const accessRequestSchema = /* @__PURE__ */ (() =>
  z
    .object({
      requestId: z.string(),
      botId: z.string(),
      botName: z.string().check(z.meta({ description: "The bot's name when the request was made" })),
      requesterId: z.string().check(z.meta({ description: "The requester's member id" })),
      requesterEmail: z.string(),
      roles: z.array(requestedBotRoleSchema),
      reason: z.nullable(z.string()),
      status: accessRequestStatusSchema,
      createdAt: isoDateTimeSchema,
      expiresAt: isoDateTimeSchema.check(z.meta({ description: 'A pending request expires then (14 days)' })),
      decidedAt: z.optional(isoDateTimeSchema),
      decidedBy: z.optional(
        z
          .string()
          .check(z.meta({ description: 'Member id of who approved, denied or cancelled it; `system` if expired' })),
      ),
      approvedRoles: z.optional(z.array(botRoleAssignmentSchema)),
      denialReason: z.optional(z.string()),
      version: intSchema(),
    })
    .check(z.meta({ id: 'AccessRequest' })))();

export type AccessRequestView = z.infer<typeof accessRequestSchema>;

export const accessRequestPageSchema = /* @__PURE__ */ (() => pageOf(accessRequestSchema, 'AccessRequestPage'))();

export const accessRequestPathSchema = /* @__PURE__ */ (() =>
  z.object({ tenantId: tenantIdSchema, requestId: ulidSchema }))();

export const listAccessRequestsQuerySchema = /* @__PURE__ */ (() =>
  z.extend(paginationQuerySchema, {
    status: z.optional(accessRequestStatusSchema),
    botId: z
      .optional(botIdSchema)
      .check(z.meta({ description: "That bot's requests (collaborators:manage on it); not with mine=true" })),
    mine: z.optional(z.enum(['true', 'false'])).check(z.meta({ description: "true: the caller's own requests" })),
  }))();
