import * as z from 'zod/mini';
import { botEnvironments } from '../../data/records';
import {
  atLeastOneOf,
  botEnvironmentSchema,
  botIdSchema,
  intSchema,
  isoDateTimeSchema,
  memberIdSchema,
  pageOf,
  paginationQuerySchema,
  permissionSchema,
  roleIdSchema,
  singleLineTextSchema,
  tenantIdSchema,
  ulidSchema,
} from './common';

export { BOT_ID_PATTERN, botEnvironmentSchema, botIdSchema } from './common';

/** A bot role's environments: at least one, each at most once (bots and access requests alike). */
export const environmentsSchema = /* @__PURE__ */ (() =>
  z.array(botEnvironmentSchema).check(
    z.minLength(1),
    z.maxLength(botEnvironments.length),
    z.refine((environments) => new Set(environments).size === environments.length, 'each environment at most once'),
    z.meta({ override: { uniqueItems: true } }),
  ))();

export const botAccessSchema = /* @__PURE__ */ (() =>
  z
    .object({
      roles: z.array(z.string()).check(z.meta({ description: 'Roles the caller holds on the bot (unexpired)' })),
      permissions: z.array(permissionSchema).check(
        z.meta({
          description:
            "The caller's effective permissions on the bot: bot-scoped permissions held tenant-wide, those of their roles on the bot, and what these imply",
        }),
      ),
    })
    .check(z.meta({ id: 'BotAccess' })))();

export const botSchema = /* @__PURE__ */ (() =>
  z
    .object({
      botId: z.string(),
      name: z.string(),
      environments: z.array(botEnvironmentSchema),
      ownerMemberId: z.string(),
      createdAt: isoDateTimeSchema,
      version: intSchema(),
      myAccess: botAccessSchema,
    })
    .check(z.meta({ id: 'Bot' })))();

export type BotView = z.infer<typeof botSchema>;

export const botPageSchema = /* @__PURE__ */ (() => pageOf(botSchema, 'BotPage'))();

export const botPathSchema = /* @__PURE__ */ (() => z.object({ tenantId: tenantIdSchema, botId: botIdSchema }))();

export const listBotsQuerySchema = /* @__PURE__ */ (() =>
  z.extend(paginationQuerySchema, {
    q: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))).check(
      z.meta({
        description: "Prefix of the bot's name or id; case-insensitive, and '.', '_', '-' and spaces match each other",
      }),
    ),
  }))();

export const createBotBodySchema = /* @__PURE__ */ (() =>
  z
    .strictObject({
      name: singleLineTextSchema({ max: 100 }),
      botId: z.optional(botIdSchema).check(
        z.meta({
          description:
            'The id the bot builder knows the bot by; a ULID is minted when absent. Unique per tenant, else 409 `bot_exists`',
        }),
      ),
      environments: z
        .optional(environmentsSchema)
        .check(z.meta({ description: 'A subset of sandbox, staging, production; all three when absent' })),
    })
    .check(z.meta({ id: 'CreateBotRequest' })))();

export const updateBotBodySchema = /* @__PURE__ */ (() =>
  z
    .strictObject({
      name: z.optional(singleLineTextSchema({ max: 100 })),
      environments: z.optional(environmentsSchema),
    })
    .check(
      ...atLeastOneOf<{ name?: unknown; environments?: unknown }>(
        ['name', 'environments'],
        'give at least one of name, environments',
      ),
      z.meta({ id: 'UpdateBotRequest' }),
    ))();

export const transferBotOwnershipBodySchema = /* @__PURE__ */ (() =>
  z.strictObject({ memberId: memberIdSchema }).check(z.meta({ id: 'TransferBotOwnershipRequest' })))();

const botRoleAssignmentFields = /* @__PURE__ */ (() => ({
  roleId: roleIdSchema,
  environments: z.optional(environmentsSchema).check(
    z.meta({
      description:
        "Environments of the bot the role is limited to; without it the role covers all of them (and decisions naming none). Each must be one of the bot's environments, else 400 `environment_not_on_bot`",
    }),
  ),
  expiresAt: z
    .optional(isoDateTimeSchema)
    .check(
      z.meta({ description: 'The instant the role stops granting; must lie in the future when given or changed' }),
    ),
}))();

export const botRoleAssignmentSchema = /* @__PURE__ */ (() =>
  z.object(botRoleAssignmentFields).check(z.meta({ id: 'BotRoleAssignment' })))();

export type BotRoleAssignmentView = z.infer<typeof botRoleAssignmentSchema>;

export const principalTypes = ['member', 'group'] as const;

export const botAccessEntrySchema = /* @__PURE__ */ (() =>
  z
    .object({
      principal: z.object({
        type: z.enum(principalTypes),
        id: z.string(),
        label: z.string().check(z.meta({ description: "A member's display name or email; a group's name" })),
      }),
      roles: z.array(botRoleAssignmentSchema),
      sources: z.optional(z.array(z.string())).check(
        z.meta({
          description:
            'Only with `?permission=`: where the principal holds it from: `tenant` (granted tenant-wide; members only), a role id, `implied`',
        }),
      ),
    })
    .check(z.meta({ id: 'BotAccessEntry' })))();

export type BotAccessEntryView = z.infer<typeof botAccessEntrySchema>;

export const botAccessPageSchema = /* @__PURE__ */ (() => pageOf(botAccessEntrySchema, 'BotAccessPage'))();

export const listBotAccessQuerySchema = /* @__PURE__ */ (() =>
  z.extend(paginationQuerySchema, {
    permission: z.optional(permissionSchema).check(
      z.meta({
        description:
          'Only principals who hold this permission on the bot now (no environment named; suspended members hold nothing), each with its sources',
      }),
    ),
  }))();

export const botAccessPathSchema = /* @__PURE__ */ (() =>
  z.object({
    tenantId: tenantIdSchema,
    botId: botIdSchema,
    principalType: z.enum(principalTypes),
    principalId: ulidSchema.check(z.meta({ description: 'Member id or group id (ULID)' })),
  }))();

/**
 * One role assignment on a bot as a request gives it (`PUT /bots/{botId}/access`, an invitation's `botAccess`):
 * the one input schema for both, so the two grant paths take exactly the same assignments.
 */
export const botRoleAssignmentInputSchema = /* @__PURE__ */ (() =>
  z.strictObject(botRoleAssignmentFields).check(z.meta({ id: 'BotRoleAssignmentInput' })))();

export const setBotAccessBodySchema = /* @__PURE__ */ (() =>
  z
    .strictObject({
      roles: z.array(botRoleAssignmentInputSchema).check(
        z.maxLength(20),
        z.refine((roles) => new Set(roles.map((a) => a.roleId)).size === roles.length, 'each roleId at most once'),
        z.meta({
          description:
            'The roles the principal is to hold on the bot (bot roles only, else 400 `role_scope_mismatch`); `[]` removes their access. An assignment repeated unchanged is kept as it is; a new or changed one is a grant',
        }),
      ),
    })
    .check(z.meta({ id: 'SetBotAccessRequest' })))();
