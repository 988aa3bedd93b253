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
  singleLineTextSchema,
  tenantIdSchema,
} from './common';

export { BOT_ID_PATTERN, botEnvironmentSchema, botIdSchema } from './common';

const environmentsSchema = z.array(botEnvironmentSchema).check(
  z.minLength(1),
  z.maxLength(botEnvironments.length),
  z.refine((environments) => new Set(environments).size === environments.length, 'each environment at most once'),
  z.meta({ override: { uniqueItems: true } }),
);

export const botAccessSchema = z
  .object({
    roles: z.array(z.string()).check(z.meta({ description: 'Roles the caller holds on the bot (unexpired)' })),
    permissions: z.array(permissionSchema).check(
      z.meta({
        description:
          "The caller's effective permissions on the bot: bot-scoped permissions held tenant-wide, those of their roles on the bot, and what these imply",
      }),
    ),
  })
  .check(z.meta({ id: 'BotAccess' }));

export const botSchema = z
  .object({
    botId: z.string(),
    name: z.string(),
    environments: z.array(botEnvironmentSchema),
    ownerMemberId: z.string(),
    createdAt: isoDateTimeSchema,
    version: intSchema(),
    myAccess: botAccessSchema,
  })
  .check(z.meta({ id: 'Bot' }));

export type BotView = z.infer<typeof botSchema>;

export const botPageSchema = pageOf(botSchema, 'BotPage');

export const botPathSchema = z.object({ tenantId: tenantIdSchema, botId: botIdSchema });

export const listBotsQuerySchema = z.extend(paginationQuerySchema, {
  q: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))).check(
    z.meta({
      description: "Prefix of the bot's name or id; case-insensitive, and '.', '_', '-' and spaces match each other",
    }),
  ),
});

export const createBotBodySchema = z
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
  .check(z.meta({ id: 'CreateBotRequest' }));

export const updateBotBodySchema = z
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
  );

export const transferBotOwnershipBodySchema = z
  .strictObject({ memberId: memberIdSchema })
  .check(z.meta({ id: 'TransferBotOwnershipRequest' }));
