import * as z from 'zod';
// Types only: the `.meta({ id, ... })` options zod-openapi adds to zod.
import type {} from 'zod-openapi';
import { builtInRoleIds } from '../../domain/roles';
import { allPermissions, type Permission } from '../../domain/permissions';

/** ULIDs: 26 Crockford base32 characters. Every id we mint is one (ulidx). */
export const ulidSchema = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID');

export const tenantIdSchema = ulidSchema.meta({ description: 'Tenant id (ULID)', example: '01JD2Q3V4W5X6Y7Z8A9B0C1D2E' });
export const memberIdSchema = ulidSchema.meta({ description: 'Member id (ULID)' });
export const roleIdSchema = z
  .union([z.enum(builtInRoleIds), ulidSchema])
  .meta({ description: 'A built-in role id (owner, admin, manager, agent, viewer) or a custom role ULID' });

export const permissionSchema = z.enum(allPermissions as readonly Permission[] as [Permission, ...Permission[]]).meta({ id: 'Permission' });

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email())
  .meta({ description: 'Email address; compared case-insensitively' });

export const isoDateTimeSchema = z.iso.datetime({ offset: true });

export const paginationQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50).meta({ description: '1-100, default 50' }),
  cursor: z.string().min(1).max(2048).optional().meta({ description: 'Opaque cursor from a previous page' }),
});

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().meta({ description: 'Stable machine-readable error code' }),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string(), code: z.string().optional() })).optional(),
  })
  .loose()
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

export function pageOf<T extends z.ZodType>(item: T, id: string) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() }).meta({ id });
}
