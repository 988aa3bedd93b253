import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectAccessible,
  joinedMember,
  launchBrowser,
  openConsole,
  saveScreenshot,
  signInThroughConsole,
  type TenantFixture,
  tenantWithOwner,
} from '../support/browser';
import { api, stackInfo } from '../support/local-stack';

/**
 * Journey 4 of issue 14: the Roles screen. Built-in and custom roles, Create role with the permission editor
 * (implied permissions shown), Copy Role, editing a custom role, deleting one in use with reassignment, and
 * controls that follow the caller's permissions.
 */
let browser: Browser;
let tenant: TenantFixture;
let owner: Page;

const url = (path: string) => new URL(path, stackInfo().consoleUrl).href;
const rolesPath = () => `/t/${tenant.tenantId}/roles`;
const roleIdFromUrl = (page: Page) => /\/roles\/([0-9A-Z]{26})$/.exec(new URL(page.url()).pathname)?.[1];

function getRole(roleId: string) {
  return api(`/v1/tenants/${tenant.tenantId}/roles/${roleId}`, { token: tenant.owner.idToken });
}

async function createRoleOverApi(name: string, permissions: string[]): Promise<string> {
  const created = await api(`/v1/tenants/${tenant.tenantId}/roles`, {
    method: 'POST',
    token: tenant.owner.idToken,
    body: { name, permissions },
  });
  expect(created.status).toBe(201);
  return created.body.roleId as string;
}

/** Submits the Create role dialog and waits for the new role's page (or fails with the API's refusal). */
async function submitNewRole(page: Page, dialog: Locator): Promise<string> {
  await dialog.getByRole('button', { name: 'Create role' }).click();
  await Promise.race([page.waitForURL(/\/roles\/[0-9A-Z]{26}$/), dialog.getByTestId('problem').waitFor()]);
  const roleId = roleIdFromUrl(page);
  if (!roleId) throw new Error(`role creation refused: ${await dialog.getByTestId('problem').textContent()}`);
  return roleId;
}

async function openRoles(page: Page) {
  await page.goto(url(rolesPath()));
  await page.getByRole('heading', { level: 1, name: /^Roles/ }).waitFor();
  await page.getByRole('rowheader', { name: 'Manager', exact: true }).waitFor();
}

beforeAll(async () => {
  browser = await launchBrowser();
  tenant = await tenantWithOwner('Acme Access');
  const opened = await openConsole(browser, '/sign-in');
  owner = opened.page;
  await signInThroughConsole(owner, tenant.owner.email, tenant.owner.password);
});

afterAll(async () => {
  await browser?.close();
});

// A slow, shared machine: a journey with axe over the permission editor can take over a minute.
describe('the Roles screen', { timeout: 180_000 }, () => {
  it('lists built-in roles of both scopes and filters them by scope', async () => {
    await openRoles(owner);
    for (const name of ['Owner', 'Admin', 'Manager', 'Agent', 'Viewer']) {
      await owner.getByRole('rowheader', { name, exact: true }).waitFor();
    }
    expect(await owner.getByRole('rowheader', { name: 'Bot Owner', exact: true }).count()).toBe(1);
    await owner.getByRole('button', { name: 'Bot', exact: true }).click();
    await expect.poll(() => owner.getByRole('rowheader', { name: 'Manager', exact: true }).count()).toBe(0);
    expect(await owner.getByRole('rowheader', { name: 'Bot Owner', exact: true }).count()).toBe(1);
    await owner.getByRole('button', { name: 'Tenant', exact: true }).click();
    await owner.getByRole('rowheader', { name: 'Manager', exact: true }).waitFor();
    expect(await owner.getByRole('rowheader', { name: 'Bot Owner', exact: true }).count()).toBe(0);
    await owner.getByRole('button', { name: 'All', exact: true }).click();
    await expectAccessible(owner, 'roles');
    await saveScreenshot(owner, 'roles');
  });

  it('the Owner creates a custom role from scratch; a permission it implies shows on and "Implied by"', async () => {
    await openRoles(owner);
    await owner.getByRole('button', { name: 'Create role' }).click();
    const dialog = owner.getByRole('dialog', { name: 'Create role' });
    await dialog.getByLabel('Name', { exact: true }).fill('Campaign senders');
    await dialog.getByLabel('Description', { exact: true }).fill('Send campaigns and manage contacts');
    await dialog.getByRole('checkbox', { name: 'campaigns:send', exact: true }).click();
    await dialog.getByRole('checkbox', { name: 'contacts:write', exact: true }).click();

    const create = dialog.getByRole('checkbox', { name: 'campaigns:create', exact: true });
    expect(await create.isChecked()).toBe(true);
    expect(await create.isDisabled()).toBe(true);
    expect(await dialog.getByRole('checkbox', { name: 'contacts:read', exact: true }).isChecked()).toBe(true);
    expect(await dialog.getByText('Implied by campaigns:send').count()).toBeGreaterThan(0);
    expect(await dialog.getByText('Implied by contacts:write').count()).toBe(1);
    expect(await dialog.getByRole('checkbox', { name: 'inbox:read', exact: true }).isChecked()).toBe(false);
    await expectAccessible(owner, 'create role dialog');
    await saveScreenshot(owner, 'role-editor');

    const roleId = await submitNewRole(owner, dialog);
    await owner.getByRole('heading', { name: /Campaign senders/ }).waitFor();
    const stored = await getRole(roleId);
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({
      name: 'Campaign senders',
      description: 'Send campaigns and manage contacts',
      builtIn: false,
      scope: 'tenant',
    });
    expect(stored.body.permissions).toEqual(['campaigns:send', 'contacts:write']);
  });

  it('Copy Role from Manager, with one permission switched off, creates a copy without it', async () => {
    const manager = await getRole('manager');
    expect(manager.body.permissions).toContain('campaigns:send');
    await openRoles(owner);
    await owner.getByRole('radio', { name: 'Select Manager' }).click();
    await owner.getByRole('button', { name: 'Copy role' }).click();
    const dialog = owner.getByRole('dialog', { name: 'Copy role Manager' });
    expect(await dialog.getByLabel('Name', { exact: true }).inputValue()).toBe('Copy of Manager');
    await dialog.getByLabel('Name', { exact: true }).fill('Campaign planners');
    const send = dialog.getByRole('checkbox', { name: 'campaigns:send', exact: true });
    const create = dialog.getByRole('checkbox', { name: 'campaigns:create', exact: true });
    expect(await send.isChecked()).toBe(true);
    expect(await create.isDisabled()).toBe(true);
    await send.click();
    expect(await send.isChecked()).toBe(false);
    // No longer implied, campaigns:create stays on (Manager holds it) and can be switched off on its own.
    expect(await create.isChecked()).toBe(true);
    expect(await create.isDisabled()).toBe(false);
    const copy = await getRole(await submitNewRole(owner, dialog));
    expect(copy.body.name).toBe('Campaign planners');
    expect([...copy.body.permissions].sort()).toEqual(
      (manager.body.permissions as string[]).filter((permission) => permission !== 'campaigns:send').sort(),
    );
  });

  it('a custom role is edited on its page and saved with its version', async () => {
    const roleId = await createRoleOverApi('Inbox helpers', ['inbox:read']);
    await owner.goto(url(`${rolesPath()}/${roleId}`));
    await owner.getByRole('heading', { name: 'Edit role' }).waitFor();
    await expectAccessible(owner, 'custom role page');
    const save = owner.getByRole('button', { name: 'Save' });
    expect(await save.isDisabled()).toBe(true);
    await owner.getByLabel('Description', { exact: true }).fill('Answer conversations');
    await owner.getByRole('checkbox', { name: 'inbox:write', exact: true }).click();
    expect(await owner.getByText('Implied by inbox:write').count()).toBe(1);
    await save.click();
    await owner.getByText('Role Inbox helpers saved.').waitFor();

    const stored = await getRole(roleId);
    expect(stored.body.description).toBe('Answer conversations');
    expect(stored.body.permissions).toEqual(['inbox:read', 'inbox:write']);
    expect(stored.body.version).toBe(2);
  });

  it('deleting a role in use shows the count from the API, then reassigns its members and deletes it', async () => {
    const roleId = await createRoleOverApi('Temporary helpers', ['contacts:read']);
    const holder = await joinedMember(tenant, [roleId], 'holder');
    await openRoles(owner);
    await owner.getByRole('radio', { name: 'Select Temporary helpers' }).click();
    await owner.getByRole('button', { name: 'Delete' }).click();
    const dialog = owner.getByRole('dialog', { name: 'Delete role Temporary helpers' });
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await dialog.getByText('1 member hold this role').waitFor();
    expect(await dialog.textContent()).toContain('1 member(s) hold this role');
    // Still there: the API refused.
    expect((await getRole(roleId)).status).toBe(200);
    await expectAccessible(owner, 'delete role dialog (in use)');

    await dialog.getByLabel('Give its members this role instead').click();
    await owner.getByRole('option', { name: /^Viewer/ }).click();
    await dialog.getByRole('button', { name: 'Reassign and delete' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => owner.getByRole('row', { name: /Temporary helpers/ }).count()).toBe(0);

    expect((await getRole(roleId)).status).toBe(404);
    const member = await api(`/v1/tenants/${tenant.tenantId}/members/${holder.memberId}`, {
      token: tenant.owner.idToken,
    });
    expect(member.body.roles.map((role: { roleId: string }) => role.roleId)).toEqual(['viewer']);
  });

  it('a built-in role is shown read-only: no Save, no Delete, copy only', async () => {
    await owner.goto(url(`${rolesPath()}/manager`));
    await owner.getByRole('heading', { name: 'Permissions' }).waitFor();
    await owner.getByRole('button', { name: 'Copy role' }).waitFor();
    expect(await owner.getByRole('button', { name: 'Save' }).count()).toBe(0);
    expect(await owner.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    const send = owner.getByRole('checkbox', { name: 'campaigns:send', exact: true });
    expect(await send.isChecked()).toBe(true);
    expect(await send.getAttribute('aria-disabled')).toBe('true');
    expect(await owner.getByRole('checkbox', { name: 'billing:manage', exact: true }).isChecked()).toBe(false);
    await expectAccessible(owner, 'built-in role page');

    await openRoles(owner);
    await owner.getByRole('radio', { name: 'Select Manager' }).click();
    expect(await owner.getByRole('button', { name: 'Delete' }).isDisabled()).toBe(true);
  });

  it('a Viewer sees the roles but no Create, Copy or Delete, and a custom role read-only', async () => {
    const roleId = await createRoleOverApi('Viewed role', ['analytics:read']);
    const viewer = await joinedMember(tenant, ['viewer'], 'viewer');
    const { page, context } = await openConsole(browser, '/sign-in');
    await signInThroughConsole(page, viewer.email, viewer.password);
    await openRoles(page);
    for (const action of ['Create role', 'Copy role', 'Delete']) {
      expect(await page.getByRole('button', { name: action }).count(), action).toBe(0);
    }
    expect(await page.getByRole('radio', { name: 'Select Manager' }).count()).toBe(0);
    await page.goto(url(`${rolesPath()}/${roleId}`));
    await page.getByRole('heading', { name: 'Permissions' }).waitFor();
    expect(await page.getByRole('button', { name: 'Save' }).count()).toBe(0);
    expect(await page.getByRole('checkbox', { name: 'analytics:read', exact: true }).isChecked()).toBe(true);
    await context.close();
  });
});
