import * as z from 'zod/mini';
import { botIdSchema, botRoleAssignmentInputSchema, botRoleAssignmentSchema } from './bots';
import {
  atLeastOneOf,
  EMAIL_PATTERN,
  emailOpenApi,
  intSchema,
  isoDateTimeSchema,
  memberIdSchema,
  multiLineTextSchema,
  pageOf,
  paginationQuerySchema,
  problemSchema,
  roleIdSchema,
  singleLineTextSchema,
  tenantIdSchema,
  ulidSchema,
} from './common';
import { ROLE_ASSIGNMENT_RULES, roleAssignmentSchema } from './members';

export const MAX_INVITATIONS_PER_REQUEST = 100;
/** Bots one invitation may share (SPEC §7): with two items each, the acceptance's transaction stays within 100. */
export const MAX_BOTS_PER_INVITATION = 20;

/** `expiresAt` is optional per assignment: a time-bound role ends at that instant. */
const roleAssignmentInputSchema = /* @__PURE__ */ (() =>
  z.strictObject({ roleId: roleIdSchema, expiresAt: z.optional(isoDateTimeSchema) }))();

/** One bot an invitation shares: the bot and the roles the invitee will hold on it. */
const invitationBotAccessInputSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    botId: botIdSchema.check(
      z.meta({ description: 'A bot of this tenant, else 400 `unknown_bot` (a bot of another tenant is unknown here)' }),
    ),
    roles: z.array(botRoleAssignmentInputSchema).check(
      z.minLength(1, 'give at least one role'),
      z.maxLength(20),
      z.refine((roles) => new Set(roles.map((a) => a.roleId)).size === roles.length, 'each roleId at most once'),
      z.meta({ description: 'Bot roles only (else 400 `role_scope_mismatch`), each roleId at most once' }),
    ),
  }))();

export const createInvitationsBodySchema = /* @__PURE__ */ (() =>
  z
    .strictObject({
      emails: z
        .pipe(
          z.pipe(
            z.union([
              z
                .array(z.string().check(z.maxLength(320), z.meta({ override: emailOpenApi })))
                .check(z.minLength(1, 'give at least one email'), z.maxLength(MAX_INVITATIONS_PER_REQUEST)),
              z
                .string()
                .check(
                  z.maxLength(MAX_INVITATIONS_PER_REQUEST * 321),
                  z.meta({ override: { pattern: `^\\s*${EMAIL_PATTERN}(?:\\s*,\\s*${EMAIL_PATTERN})*\\s*$` } }),
                ),
            ]),
            z.transform((value) =>
              (typeof value === 'string' ? value.split(',') : value).map((email) => email.trim()).filter(Boolean),
            ),
          ),
          z
            .array(z.string())
            .check(z.minLength(1, 'give at least one email'), z.maxLength(MAX_INVITATIONS_PER_REQUEST)),
        )
        .check(
          z.meta({
            description:
              'A list, or one comma-separated string, of up to 100 addresses. An address that is not a valid email is refused on its own (`failed`); if none is valid, the request is (400 `invitations_invalid`)',
            example: 'a@x.com, b@x.com',
          }),
        ),
      roles: z
        .optional(
          z.array(roleAssignmentInputSchema).check(
            z.minLength(1),
            z.maxLength(10),
            z.refine((roles) => new Set(roles.map((r) => r.roleId)).size === roles.length, 'each role at most once'),
          ),
        )
        .check(
          z.meta({
            description: `The tenant roles the invitee receives; ${ROLE_ASSIGNMENT_RULES}. Required without \`botAccess\`; with it, \`[{"roleId": "member"}]\` when absent (a member who sees only what is shared with them)`,
          }),
        ),
      botAccess: z
        .optional(
          z.array(invitationBotAccessInputSchema).check(
            z.minLength(1),
            z.maxLength(MAX_BOTS_PER_INVITATION),
            z.refine(
              (entries) => new Set(entries.map((e) => e.botId)).size === entries.length,
              'each botId at most once',
            ),
          ),
        )
        .check(
          z.meta({
            description: [
              'Bots shared with the invitee (SPEC §7), granted together with the tenant roles when the invitation is',
              'accepted: up to 20 bots, each botId at most once, with role assignments exactly as',
              '`PUT /bots/{botId}/access` takes them and judged by the same rules, for the inviter, on each bot:',
              '`collaborators:manage` on it, only permissions they hold there in the environments covered, `bot-admin`',
              'only from the Bot Owner or a tenant Owner or Admin, prerequisites met. At most 20 different custom bot',
              'roles in all. One refused bot refuses the whole request',
            ].join(' '),
          }),
        ),
      expiresInDays: z
        ._default(z.number().check(z.int(), z.minimum(1), z.maximum(30)), 7)
        .check(z.meta({ description: 'Validity of the link, 1-30 days (default 7)' })),
      message: z
        .optional(multiLineTextSchema({ max: 500 }))
        .check(z.meta({ description: 'A personal note included in the email' })),
    })
    .check(
      ...atLeastOneOf<{ roles?: unknown; botAccess?: unknown }>(
        ['roles', 'botAccess'],
        'give roles, botAccess or both',
      ),
      z.meta({ id: 'CreateInvitationsRequest' }),
    ))();

export const invitationStatusSchema = /* @__PURE__ */ (() => z.enum(['pending', 'expired']))();

export const invitationBotAccessSchema = /* @__PURE__ */ (() =>
  z
    .object({ botId: z.string(), roles: z.array(botRoleAssignmentSchema) })
    .check(z.meta({ id: 'InvitationBotAccess' })))();

export const invitationSchema = /* @__PURE__ */ (() =>
  z
    .object({
      invitationId: z.string(),
      memberId: z.string(),
      email: z.string(),
      status: invitationStatusSchema,
      roles: z.array(roleAssignmentSchema),
      botAccess: z
        .array(invitationBotAccessSchema)
        .check(z.meta({ description: 'Bots shared with the invitee, granted on acceptance (`[]` when none)' })),
      invitedBy: z.object({ id: z.string(), email: z.optional(z.string()) }),
      message: z.optional(z.string()),
      expiresAt: isoDateTimeSchema,
      createdAt: isoDateTimeSchema,
      version: intSchema(),
    })
    .check(z.meta({ id: 'Invitation' })))();

export const invitationFailureSchema = /* @__PURE__ */ (() =>
  z.object({
    email: z.string(),
    code: z.enum(['invalid_email', 'already_member', 'already_invited', 'seat_limit_reached']),
  }))();

/** The problem of a bulk invitation that invited nobody: each address's reason, as `failed` in a 201. */
export const invitationsProblemSchema = /* @__PURE__ */ (() =>
  z
    .looseObject({ ...problemSchema.shape, failed: z.array(invitationFailureSchema) })
    .check(z.meta({ id: 'InvitationsProblem' })))();

export const createInvitationsResultSchema = /* @__PURE__ */ (() =>
  z
    .object({ created: z.array(invitationSchema), failed: z.array(invitationFailureSchema) })
    .check(z.meta({ id: 'CreateInvitationsResult' })))();

export const listInvitationsQuerySchema = /* @__PURE__ */ (() =>
  z.extend(paginationQuerySchema, {
    status: z._default(invitationStatusSchema, 'pending'),
  }))();

export const invitationPageSchema = /* @__PURE__ */ (() => pageOf(invitationSchema, 'InvitationPage'))();

export const invitationPathSchema = /* @__PURE__ */ (() =>
  z.object({ tenantId: tenantIdSchema, invitationId: ulidSchema }))();

const tokenSchema = /* @__PURE__ */ (() =>
  z.string().check(z.minLength(1), z.maxLength(256), z.meta({ description: 'The token from the invitation link' })))();

export const lookupQuerySchema = /* @__PURE__ */ (() => z.object({ token: tokenSchema }))();

/** Mirrors the user pool's password policy, so a weak password is refused before anything is written. */
export const passwordSchema = /* @__PURE__ */ (() =>
  z
    .string()
    .check(
      z.minLength(12, 'at least 12 characters'),
      z.maxLength(256),
      z.regex(/[a-z]/, 'a lower-case letter'),
      z.regex(/[A-Z]/, 'an upper-case letter'),
      z.regex(/[0-9]/, 'a digit'),
      z.regex(/[^A-Za-z0-9]/, 'a symbol'),
    ))();

export const acceptBodySchema = /* @__PURE__ */ (() =>
  z
    .strictObject({
      token: tokenSchema,
      password: z.optional(passwordSchema).check(
        z.meta({
          description: 'Creates a new account; omit it and send a bearer token to accept as an existing account',
        }),
      ),
      displayName: z.optional(singleLineTextSchema({ max: 100 })),
    })
    .check(z.meta({ id: 'AcceptInvitationRequest' })))();

export const declineBodySchema = /* @__PURE__ */ (() =>
  z.strictObject({ token: tokenSchema }).check(z.meta({ id: 'DeclineInvitationRequest' })))();

export const invitationPreviewSchema = /* @__PURE__ */ (() =>
  z
    .object({
      invitationId: z.string(),
      tenantId: z.string(),
      tenantName: z.string(),
      email: z.string(),
      invitedBy: z.object({ email: z.optional(z.string()) }),
      roles: z.array(z.object({ roleId: z.string(), name: z.string(), expiresAt: z.optional(isoDateTimeSchema) })),
      botAccess: z
        .array(
          z.object({
            botId: z.string(),
            name: z.string(),
            roles: z.array(
              z.object({
                roleId: z.string(),
                name: z.string(),
                environments: z.optional(z.array(z.string())),
                expiresAt: z.optional(isoDateTimeSchema),
              }),
            ),
          }),
        )
        .check(
          z.meta({
            description:
              'Bots the invitation shares, by name, with the roles on each (`[]` when none); a bot deleted since is left out, as acceptance leaves it out',
          }),
        ),
      expiresAt: isoDateTimeSchema,
      message: z.optional(z.string()),
    })
    .check(z.meta({ id: 'InvitationPreview' })))();

export const myInvitationsSchema = /* @__PURE__ */ (() =>
  z.object({ items: z.array(invitationPreviewSchema) }).check(z.meta({ id: 'MyInvitations' })))();

export const acceptResultSchema = /* @__PURE__ */ (() =>
  z
    .object({ tenantId: z.string(), tenantName: z.string(), memberId: memberIdSchema, status: z.literal('active') })
    .check(z.meta({ id: 'AcceptInvitationResult' })))();

export type InvitationView = z.infer<typeof invitationSchema>;
