/**
 * The permission editor: the catalog grouped by module, one toggle per permission. A permission implied by
 * one that is on shows as on, disabled, and "Implied by …" (holding the other holds it). Used for a role's
 * permissions and for a member's direct permissions; read-only for built-in roles. `scope="bot"` keeps the
 * permissions that may be granted on one bot (what a bot role may carry).
 */
import Box from '@cloudscape-design/components/box';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Toggle from '@cloudscape-design/components/toggle';
import { useMemo } from 'react';
import type { Permission } from '../../app/workspace';
import type { CatalogModule, PermissionCatalog } from './permissions-queries';

export interface PermissionEditorProps {
  readonly catalog: PermissionCatalog;
  /** The permissions that are on (as the role or the member holds them, implied ones need not be listed). */
  readonly value: readonly Permission[];
  readonly onChange?: (next: Permission[]) => void;
  readonly readOnly?: boolean;
  /** `bot`: only the permissions that may be granted on one bot; `tenant` (default): every permission. */
  readonly scope?: 'tenant' | 'bot';
  /** Permissions held anyway through another path (e.g. a member's roles), with what grants them. */
  readonly grantedElsewhere?: ReadonlyMap<Permission, string>;
}

/** Modules of the catalog restricted to a scope (modules left without permissions are dropped). */
export function modulesOfScope(catalog: PermissionCatalog, scope: 'tenant' | 'bot' = 'tenant'): CatalogModule[] {
  if (scope === 'tenant') return catalog.modules;
  return catalog.modules
    .map((module) => ({ ...module, permissions: module.permissions.filter((entry) => entry.scope === 'bot') }))
    .filter((module) => module.permissions.length > 0);
}

/** For each permission implied by one of `value`, the permissions of `value` that imply it. */
export function impliedBy(catalog: PermissionCatalog, value: readonly Permission[]): Map<Permission, Permission[]> {
  const on = new Set(value);
  const result = new Map<Permission, Permission[]>();
  for (const module of catalog.modules) {
    for (const entry of module.permissions) {
      if (!on.has(entry.permission)) continue;
      for (const implied of entry.implies) result.set(implied, [...(result.get(implied) ?? []), entry.permission]);
    }
  }
  return result;
}

export function PermissionEditor({
  catalog,
  value,
  onChange,
  readOnly = false,
  scope = 'tenant',
  grantedElsewhere,
}: PermissionEditorProps) {
  const modules = useMemo(() => modulesOfScope(catalog, scope), [catalog, scope]);
  const implied = useMemo(() => impliedBy(catalog, value), [catalog, value]);
  const on = new Set(value);
  const order = modules.flatMap((module) => module.permissions.map((entry) => entry.permission));

  const toggle = (permission: Permission, checked: boolean) => {
    if (!onChange) return;
    const next = checked ? [...value, permission] : value.filter((candidate) => candidate !== permission);
    onChange(order.filter((candidate) => next.includes(candidate)));
  };

  return (
    <ColumnLayout columns={3} minColumnWidth={260}>
      {modules.map((module) => {
        const held = module.permissions.filter((entry) => on.has(entry.permission) || implied.has(entry.permission));
        return (
          <Container
            key={module.module}
            data-testid={`permissions-${module.module}`}
            header={
              <Header variant="h3" counter={`(${held.length}/${module.permissions.length})`}>
                {module.label}
              </Header>
            }
          >
            <SpaceBetween size="xs">
              {module.permissions.map((entry) => {
                const impliers = implied.get(entry.permission);
                const elsewhere = grantedElsewhere?.get(entry.permission);
                return (
                  <Toggle
                    key={entry.permission}
                    // Named by aria-label too: axe judges a label scrolled out of a modal's view as missing.
                    ariaLabel={entry.permission}
                    checked={on.has(entry.permission) || Boolean(impliers)}
                    disabled={!readOnly && Boolean(impliers)}
                    readOnly={readOnly}
                    onChange={({ detail }) => toggle(entry.permission, detail.checked)}
                    description={
                      <>
                        {entry.description}
                        {impliers ? (
                          <Box variant="small" display="block" color="text-status-info">
                            Implied by {impliers.join(', ')}
                          </Box>
                        ) : null}
                        {elsewhere ? (
                          <Box variant="small" display="block" color="text-status-info">
                            {elsewhere}
                          </Box>
                        ) : null}
                      </>
                    }
                  >
                    {entry.permission}
                  </Toggle>
                );
              })}
            </SpaceBetween>
          </Container>
        );
      })}
    </ColumnLayout>
  );
}
