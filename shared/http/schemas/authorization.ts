import * as z from 'zod/mini';
import { MAX_CHECKS } from '../../domain/decisions';
import { allPermissions } from '../../domain/permissions';
import { botEnvironmentSchema, botIdSchema, memberIdSchema } from './common';

/*
 * Authorization decisions (SPEC §10). The permission of a check is validated by the service, not here, so
 * that a permission outside the catalog is its own 400 (`unknown_permission`, naming the check) rather than
 * a generic validation failure: the asking service may know a newer catalog than this one.
 */

const checkSchema = /* @__PURE__ */ (() =>
  z
    .strictObject({
      permission: z.string().check(
        z.minLength(1),
        z.maxLength(100),
        z.meta({
          description:
            'A permission of the catalog (GET /permissions), else 400 `unknown_permission`; with `botId`, a bot-scoped one, else 400 `permission_not_bot_scoped`',
          override: { enum: [...allPermissions] },
        }),
      ),
      botId: z.optional(botIdSchema).check(
        z.meta({
          description:
            'Decide on this bot (tenant-wide grants of bot-scoped permissions count too). A bot that does not exist in the tenant is `allowed: false`, never an error',
        }),
      ),
      environment: z.optional(botEnvironmentSchema).check(
        z.meta({
          description:
            'Only with botId: decide for this environment of the bot (grants limited to other environments do not count; without it, only grants with no environment limit do). An environment the bot does not have is `allowed: false`',
        }),
      ),
    })
    .check(
      z.refine((check) => check.environment === undefined || check.botId !== undefined, {
        message: 'environment is only asked with a botId',
        path: ['environment'],
      }),
      z.meta({ id: 'AuthorizationCheck' }),
    ))();

export const authorizeBodySchema = /* @__PURE__ */ (() =>
  z
    .strictObject({
      subject: z.optional(z.strictObject({ memberId: memberIdSchema })).check(
        z.meta({
          description:
            "Whose decisions: another member's need users:read (else 403); without it, the caller's. An unknown member is 404 `member_not_found`",
        }),
      ),
      checks: z
        .array(checkSchema)
        .check(
          z.minLength(1),
          z.maxLength(MAX_CHECKS),
          z.meta({ description: `1-${MAX_CHECKS} checks, answered in the order asked` }),
        ),
    })
    .check(z.meta({ id: 'AuthorizeRequest' })))();

export const decisionSchema = /* @__PURE__ */ (() =>
  z
    .object({
      allowed: z.boolean(),
      sources: z.array(z.string()).check(
        z.meta({
          description:
            'Why it is allowed (empty when not): tenant-level, the role ids granting it, "direct" or "implied"; on a bot, "tenant" (held tenant-wide), the ids of the roles held on the bot, or "implied"',
        }),
      ),
    })
    .check(z.meta({ id: 'Decision' })))();

export const authorizeResponseSchema = /* @__PURE__ */ (() =>
  z
    .object({
      subject: z.object({
        memberId: z.string(),
        status: z
          .enum(['invited', 'active', 'suspended'])
          .check(z.meta({ description: 'Only an active member is allowed anything; any other is denied every check' })),
      }),
      results: z.array(decisionSchema).check(z.meta({ description: 'One decision per check, in the order asked' })),
    })
    .check(z.meta({ id: 'AuthorizeResponse' })))();
