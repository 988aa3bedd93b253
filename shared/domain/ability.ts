import { AbilityBuilder, createMongoAbility, type MongoAbility, subject } from '@casl/ability';
import type { Permission } from './permissions';

/**
 * CASL ability of one caller in one tenant, built per request from the effective permissions that were
 * just read from DynamoDB (no cache, so every change applies to the very next request).
 *
 * A permission `module:action` becomes the rule `can(action, module, { tenantId })`: every check is made
 * on a subject that carries its tenant, so a permission never reaches across tenants.
 */
export type AppAbility = MongoAbility<[string, string | ReturnType<typeof subject>]>;

export function buildAbility(tenantId: string, permissions: readonly Permission[]): AppAbility {
  const { can, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
  for (const permission of permissions) {
    const [module, action] = permission.split(':') as [string, string];
    can(action, module, { tenantId });
  }
  return build();
}

/** `permission` on a subject of `tenantId`: the form every service check takes. */
export function canOn(ability: AppAbility, permission: Permission, tenantId: string): boolean {
  const [module, action] = permission.split(':') as [string, string];
  return ability.can(action, subject(module, { tenantId }));
}
