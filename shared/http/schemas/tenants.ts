import * as z from 'zod';
import { emailSchema, isoDateTimeSchema, tenantIdSchema } from './common';

export const tenantSchema = z
  .object({
    tenantId: tenantIdSchema,
    name: z.string(),
    seatLimit: z.number().int(),
    seatsUsed: z.number().int(),
    createdAt: isoDateTimeSchema,
    version: z.number().int(),
  })
  .meta({ id: 'Tenant' });

const tenantNameSchema = z.string().trim().min(1).max(100);
const seatLimitSchema = z.number().int().min(1).max(100_000);

export const createTenantBodySchema = z
  .strictObject({
    name: tenantNameSchema,
    ownerEmail: emailSchema,
    seatLimit: seatLimitSchema,
  })
  .meta({ id: 'CreateTenantRequest' });

export const updateTenantBodySchema = z
  .strictObject({
    name: tenantNameSchema.optional(),
    seatLimit: seatLimitSchema.optional(),
  })
  .refine((body) => body.name !== undefined || body.seatLimit !== undefined, {
    message: 'give at least one of name, seatLimit',
  })
  .meta({ id: 'UpdateTenantRequest' });

export const tenantPathSchema = z.object({ tenantId: tenantIdSchema });

export type TenantView = z.infer<typeof tenantSchema>;
