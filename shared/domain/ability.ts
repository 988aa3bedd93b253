import { createMongoAbility, type ForcedSubject, type MongoAbility, subject } from '@casl/ability';
import type { Permission } from './permissions';

/**
 * CASL ability of one caller in one tenant, built per request from the effective permissions that were
 * just read from DynamoDB (no cache, so every change applies to the very next request).
 *
 * The caller's permissions become ONE rule: `can('use', 'Permission', { tenantId, permission: { $in } })`,
 * and a check asks whether a subject `{ tenantId, permission }` matches it. Every check names its tenant, so
 * a permission never reaches across tenants (the tenant condition fails), and a permission not held fails the
 * `$in` (strict equality with each held permission). One rule rather than one per permission
 * (`can(action, module, { tenantId })`) because CASL indexes every rule by subject type and action when the
 * ability is built: that cost ~0.3 µs per permission, the single rule 2-3 µs for 10 or 100 of them, its
 * condition compiled once, on the first check (docs/PERFORMANCE.md, figure 3).
 */
interface PermissionSubject {
  readonly tenantId: string;
  readonly permission: Permission;
}

export type AppAbility = MongoAbility<['use', 'Permission' | (ForcedSubject<'Permission'> & PermissionSubject)]>;

export function buildAbility(tenantId: string, permissions: readonly Permission[]): AppAbility {
  // No permission, no rule: every check is denied without compiling a condition.
  if (permissions.length === 0) return createMongoAbility<AppAbility>([]);
  // A copy: the rule must not change should the caller's array change after the build.
  const held = [...permissions];
  return createMongoAbility<AppAbility>([
    { action: 'use', subject: 'Permission', conditions: { tenantId, permission: { $in: held } } },
  ]);
}

/** `permission` on a subject of `tenantId`: the form every service check takes. */
export function canOn(ability: AppAbility, permission: Permission, tenantId: string): boolean {
  return ability.can('use', subject('Permission', { tenantId, permission }));
}
