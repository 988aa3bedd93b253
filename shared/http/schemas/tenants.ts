import * as z from 'zod/mini';
import {
  atLeastOneOf,
  emailSchema,
  intSchema,
  isoDateTimeSchema,
  singleLineTextSchema,
  tenantIdSchema,
} from './common';

export const tenantSchema = /* @__PURE__ */ (() =>
  z
    .object({
      tenantId: tenantIdSchema,
      name: z.string(),
      seatLimit: intSchema(),
      seatsUsed: intSchema(),
      createdAt: isoDateTimeSchema,
      version: intSchema(),
    })
    .check(z.meta({ id: 'Tenant' })))();

const tenantNameSchema = /* @__PURE__ */ (() => singleLineTextSchema({ max: 100 }))();
const seatLimitSchema = /* @__PURE__ */ (() => z.number().check(z.int(), z.minimum(1), z.maximum(100_000)))();

export const createTenantBodySchema = /* @__PURE__ */ (() =>
  z
    .strictObject({
      name: tenantNameSchema,
      ownerEmail: emailSchema,
      seatLimit: seatLimitSchema,
    })
    .check(z.meta({ id: 'CreateTenantRequest' })))();

export const updateTenantBodySchema = /* @__PURE__ */ (() =>
  z
    .strictObject({
      name: z.optional(tenantNameSchema),
      seatLimit: z.optional(seatLimitSchema),
    })
    .check(
      ...atLeastOneOf<{ name?: unknown; seatLimit?: unknown }>(
        ['name', 'seatLimit'],
        'give at least one of name, seatLimit',
      ),
      z.meta({ id: 'UpdateTenantRequest' }),
    ))();

export const tenantPathSchema = /* @__PURE__ */ (() => z.object({ tenantId: tenantIdSchema }))();

export type TenantView = z.infer<typeof tenantSchema>;
