import * as z from 'zod';
import { isoDateTimeSchema, memberIdSchema, pageOf, paginationQuerySchema, roleIdSchema, tenantIdSchema, ulidSchema } from './common';
import { roleAssignmentSchema } from './members';

export const MAX_INVITATIONS_PER_REQUEST = 100;

/** `expiresAt` is optional per assignment: a time-bound role ends at that instant. */
const roleAssignmentInputSchema = z.strictObject({ roleId: roleIdSchema, expiresAt: isoDateTimeSchema.optional() });

export const createInvitationsBodySchema = z
  .strictObject({
    emails: z
      .union([z.array(z.string().max(320)).max(MAX_INVITATIONS_PER_REQUEST), z.string().max(MAX_INVITATIONS_PER_REQUEST * 321)])
      .transform((value) => (typeof value === 'string' ? value.split(',') : value).map((email) => email.trim()).filter(Boolean))
      .pipe(z.array(z.string()).min(1, 'give at least one email').max(MAX_INVITATIONS_PER_REQUEST))
      .meta({ description: 'A list, or one comma-separated string, of up to 100 addresses', example: 'a@x.com, b@x.com' }),
    roles: z
      .array(roleAssignmentInputSchema)
      .min(1)
      .max(10)
      .refine((roles) => new Set(roles.map((r) => r.roleId)).size === roles.length, 'each role at most once'),
    expiresInDays: z.number().int().min(1).max(30).default(7).meta({ description: 'Validity of the link, 1-30 days (default 7)' }),
    message: z.string().trim().max(500).optional().meta({ description: 'A personal note included in the email' }),
  })
  .meta({ id: 'CreateInvitationsRequest' });

export const invitationStatusSchema = z.enum(['pending', 'expired']);

export const invitationSchema = z
  .object({
    invitationId: z.string(),
    memberId: z.string(),
    email: z.string(),
    status: invitationStatusSchema,
    roles: z.array(roleAssignmentSchema),
    invitedBy: z.object({ id: z.string(), email: z.string().optional() }),
    message: z.string().optional(),
    expiresAt: isoDateTimeSchema,
    createdAt: isoDateTimeSchema,
    version: z.number().int(),
  })
  .meta({ id: 'Invitation' });

export const invitationFailureSchema = z.object({
  email: z.string(),
  code: z.enum(['invalid_email', 'already_member', 'already_invited', 'seat_limit_reached']),
});

export const createInvitationsResultSchema = z
  .object({ created: z.array(invitationSchema), failed: z.array(invitationFailureSchema) })
  .meta({ id: 'CreateInvitationsResult' });

export const listInvitationsQuerySchema = paginationQuerySchema.extend({
  status: invitationStatusSchema.default('pending'),
});

export const invitationPageSchema = pageOf(invitationSchema, 'InvitationPage');

export const invitationPathSchema = z.object({ tenantId: tenantIdSchema, invitationId: ulidSchema });

const tokenSchema = z.string().min(1).max(256).meta({ description: 'The token from the invitation link' });

export const lookupQuerySchema = z.object({ token: tokenSchema });

/** Mirrors the user pool's password policy, so a weak password is refused before anything is written. */
export const passwordSchema = z
  .string()
  .min(12, 'at least 12 characters')
  .max(256)
  .regex(/[a-z]/, 'a lower-case letter')
  .regex(/[A-Z]/, 'an upper-case letter')
  .regex(/[0-9]/, 'a digit')
  .regex(/[^A-Za-z0-9]/, 'a symbol');

export const acceptBodySchema = z
  .strictObject({
    token: tokenSchema,
    password: passwordSchema.optional().meta({ description: 'Creates a new account; omit it and send a bearer token to accept as an existing account' }),
    displayName: z.string().trim().min(1).max(100).optional(),
  })
  .meta({ id: 'AcceptInvitationRequest' });

export const declineBodySchema = z.strictObject({ token: tokenSchema }).meta({ id: 'DeclineInvitationRequest' });

export const invitationPreviewSchema = z
  .object({
    invitationId: z.string(),
    tenantId: z.string(),
    tenantName: z.string(),
    email: z.string(),
    invitedBy: z.object({ email: z.string().optional() }),
    roles: z.array(z.object({ roleId: z.string(), name: z.string(), expiresAt: isoDateTimeSchema.optional() })),
    expiresAt: isoDateTimeSchema,
    message: z.string().optional(),
  })
  .meta({ id: 'InvitationPreview' });

export const myInvitationsSchema = z.object({ items: z.array(invitationPreviewSchema) }).meta({ id: 'MyInvitations' });

export const acceptResultSchema = z
  .object({ tenantId: z.string(), tenantName: z.string(), memberId: memberIdSchema, status: z.literal('active') })
  .meta({ id: 'AcceptInvitationResult' });

export type InvitationView = z.infer<typeof invitationSchema>;
