import * as z from 'zod/mini';
import {
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

/** `expiresAt` is optional per assignment: a time-bound role ends at that instant. */
const roleAssignmentInputSchema = z.strictObject({ roleId: roleIdSchema, expiresAt: z.optional(isoDateTimeSchema) });

export const createInvitationsBodySchema = z
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
        z.array(z.string()).check(z.minLength(1, 'give at least one email'), z.maxLength(MAX_INVITATIONS_PER_REQUEST)),
      )
      .check(
        z.meta({
          description:
            'A list, or one comma-separated string, of up to 100 addresses. An address that is not a valid email is refused on its own (`failed`); if none is valid, the request is (400 `invitations_invalid`)',
          example: 'a@x.com, b@x.com',
        }),
      ),
    roles: z.array(roleAssignmentInputSchema).check(
      z.minLength(1),
      z.maxLength(10),
      z.refine((roles) => new Set(roles.map((r) => r.roleId)).size === roles.length, 'each role at most once'),
      z.meta({ description: `The roles the invitee receives; ${ROLE_ASSIGNMENT_RULES}` }),
    ),
    expiresInDays: z
      ._default(z.number().check(z.int(), z.minimum(1), z.maximum(30)), 7)
      .check(z.meta({ description: 'Validity of the link, 1-30 days (default 7)' })),
    message: z
      .optional(multiLineTextSchema({ max: 500 }))
      .check(z.meta({ description: 'A personal note included in the email' })),
  })
  .check(z.meta({ id: 'CreateInvitationsRequest' }));

export const invitationStatusSchema = z.enum(['pending', 'expired']);

export const invitationSchema = z
  .object({
    invitationId: z.string(),
    memberId: z.string(),
    email: z.string(),
    status: invitationStatusSchema,
    roles: z.array(roleAssignmentSchema),
    invitedBy: z.object({ id: z.string(), email: z.optional(z.string()) }),
    message: z.optional(z.string()),
    expiresAt: isoDateTimeSchema,
    createdAt: isoDateTimeSchema,
    version: intSchema(),
  })
  .check(z.meta({ id: 'Invitation' }));

export const invitationFailureSchema = z.object({
  email: z.string(),
  code: z.enum(['invalid_email', 'already_member', 'already_invited', 'seat_limit_reached']),
});

/** The problem of a bulk invitation that invited nobody: each address's reason, as `failed` in a 201. */
export const invitationsProblemSchema = z
  .looseObject({ ...problemSchema.shape, failed: z.array(invitationFailureSchema) })
  .check(z.meta({ id: 'InvitationsProblem' }));

export const createInvitationsResultSchema = z
  .object({ created: z.array(invitationSchema), failed: z.array(invitationFailureSchema) })
  .check(z.meta({ id: 'CreateInvitationsResult' }));

export const listInvitationsQuerySchema = z.extend(paginationQuerySchema, {
  status: z._default(invitationStatusSchema, 'pending'),
});

export const invitationPageSchema = pageOf(invitationSchema, 'InvitationPage');

export const invitationPathSchema = z.object({ tenantId: tenantIdSchema, invitationId: ulidSchema });

const tokenSchema = z
  .string()
  .check(z.minLength(1), z.maxLength(256), z.meta({ description: 'The token from the invitation link' }));

export const lookupQuerySchema = z.object({ token: tokenSchema });

/** Mirrors the user pool's password policy, so a weak password is refused before anything is written. */
export const passwordSchema = z
  .string()
  .check(
    z.minLength(12, 'at least 12 characters'),
    z.maxLength(256),
    z.regex(/[a-z]/, 'a lower-case letter'),
    z.regex(/[A-Z]/, 'an upper-case letter'),
    z.regex(/[0-9]/, 'a digit'),
    z.regex(/[^A-Za-z0-9]/, 'a symbol'),
  );

export const acceptBodySchema = z
  .strictObject({
    token: tokenSchema,
    password: z.optional(passwordSchema).check(
      z.meta({
        description: 'Creates a new account; omit it and send a bearer token to accept as an existing account',
      }),
    ),
    displayName: z.optional(singleLineTextSchema({ max: 100 })),
  })
  .check(z.meta({ id: 'AcceptInvitationRequest' }));

export const declineBodySchema = z
  .strictObject({ token: tokenSchema })
  .check(z.meta({ id: 'DeclineInvitationRequest' }));

export const invitationPreviewSchema = z
  .object({
    invitationId: z.string(),
    tenantId: z.string(),
    tenantName: z.string(),
    email: z.string(),
    invitedBy: z.object({ email: z.optional(z.string()) }),
    roles: z.array(z.object({ roleId: z.string(), name: z.string(), expiresAt: z.optional(isoDateTimeSchema) })),
    expiresAt: isoDateTimeSchema,
    message: z.optional(z.string()),
  })
  .check(z.meta({ id: 'InvitationPreview' }));

export const myInvitationsSchema = z
  .object({ items: z.array(invitationPreviewSchema) })
  .check(z.meta({ id: 'MyInvitations' }));

export const acceptResultSchema = z
  .object({ tenantId: z.string(), tenantName: z.string(), memberId: memberIdSchema, status: z.literal('active') })
  .check(z.meta({ id: 'AcceptInvitationResult' }));

export type InvitationView = z.infer<typeof invitationSchema>;
