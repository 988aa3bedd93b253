import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectAccessible,
  joinedMember,
  launchBrowser,
  openConsole,
  signInThroughConsole,
  type TenantFixture,
  tenantWithOwner,
} from '../support/browser';
import { api, stackInfo } from '../support/local-stack';

/**
 * Journey 5 of issue 14: changing what a member may do from the Users table. The edit dialog (roles with an
 * end date, direct permissions, CRM access, display name), the API's refusal when the editor lacks what
 * they grant, and the role badge that replaces one role by another.
 */
let browser: Browser;
let tenant: TenantFixture;
let owner: Page;

const url = (path: string) => new URL(path, stackInfo().consoleUrl).href;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function getMember(memberId: string) {
  return api(`/v1/tenants/${tenant.tenantId}/members/${memberId}`, { token: tenant.owner.idToken });
}

/** The row of `email` in the Users table (one page: the tenant has fewer than 50 members). */
async function memberRow(page: Page, email: string) {
  await page.goto(url(`/t/${tenant.tenantId}/users`));
  const row = page.getByRole('row', { name: new RegExp(escapeRegExp(email)) });
  await row.waitFor();
  return row;
}

/** The local date a year from now, YYYY-MM-DD. */
function aYearFromNow(): string {
  const date = new Date();
  date.setFullYear(date.getFullYear() + 1);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

beforeAll(async () => {
  browser = await launchBrowser();
  tenant = await tenantWithOwner('Acme Members');
  const opened = await openConsole(browser, '/sign-in');
  owner = opened.page;
  await signInThroughConsole(owner, tenant.owner.email, tenant.owner.password);
});

afterAll(async () => {
  await browser?.close();
});

// A slow, shared machine: a journey with axe over the permission editor can take over a minute.
describe('the member edit dialog', { timeout: 180_000 }, () => {
  it('the Owner adds a role until a date, a direct permission, CRM access and a display name', async () => {
    const agent = await joinedMember(tenant, ['agent'], 'agent');
    const row = await memberRow(owner, agent.email);
    await row.getByRole('button', { name: `Edit ${agent.email}` }).click();
    const dialog = owner.getByRole('dialog', { name: `Edit ${agent.email}` });
    await dialog.getByLabel('Display name').waitFor();
    await expectAccessible(owner, 'member edit dialog');

    // Agent grants crm:access already: the CRM toggle is off (no direct grant) and says so.
    const crm = dialog.getByRole('checkbox', { name: 'CRM access', exact: true });
    expect(await crm.isChecked()).toBe(false);
    expect(await dialog.textContent()).toContain('Also granted by Agent: the member has CRM access anyway.');

    await dialog.getByLabel('Display name').fill('Ada Agent');
    await dialog.getByRole('button', { name: 'Add role' }).click();
    await dialog.getByRole('button', { name: /^Role 2 (?!until)/ }).click();
    await owner.getByRole('option', { name: /^Manager/ }).click();
    const until = aYearFromNow();
    await dialog.getByLabel('Role 2 until (optional)').fill(until);
    await crm.click();
    await dialog.getByRole('checkbox', { name: 'billing:manage', exact: true }).click();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(async () => (await row.textContent()) ?? '').toContain('Manager');

    const member = (await getMember(agent.memberId)).body;
    expect(member.displayName).toBe('Ada Agent');
    expect(member.roles.map((role: { roleId: string }) => role.roleId)).toEqual(['agent', 'manager']);
    const manager = member.roles.find((role: { roleId: string }) => role.roleId === 'manager');
    expect(manager.expiresAt).toBe(new Date(`${until}T23:59:59.999`).toISOString());
    expect([...member.permissions].sort()).toEqual(['billing:manage', 'crm:access']);
    const sources = (permission: string) =>
      member.effectivePermissions.find((entry: { permission: string }) => entry.permission === permission)?.sources;
    expect(sources('crm:access')).toEqual(expect.arrayContaining(['agent', 'direct']));
  });

  it("an editor with users:write who lacks a permission cannot grant it: the API's escalation detail is shown", async () => {
    const role = await api(`/v1/tenants/${tenant.tenantId}/roles`, {
      method: 'POST',
      token: tenant.owner.idToken,
      body: { name: 'Team leads', permissions: ['users:read', 'users:write', 'inbox:read', 'inbox:write'] },
    });
    expect(role.status).toBe(201);
    const lead = await joinedMember(tenant, [role.body.roleId], 'lead');
    const target = await joinedMember(tenant, ['member'], 'target');
    const { page, context } = await openConsole(browser, '/sign-in');
    await signInThroughConsole(page, lead.email, lead.password);
    const row = await memberRow(page, target.email);
    await row.getByRole('button', { name: `Edit ${target.email}` }).click();
    const dialog = page.getByRole('dialog', { name: `Edit ${target.email}` });
    await dialog.getByRole('checkbox', { name: 'billing:manage', exact: true }).click();
    await dialog.getByRole('button', { name: 'Save' }).click();
    const problem = dialog.getByTestId('problem');
    await problem.waitFor();
    expect(await problem.textContent()).toContain(
      'You can only grant permissions you hold yourself; you lack billing:manage.',
    );
    await expectAccessible(page, 'member edit dialog with a refusal');
    expect((await getMember(target.memberId)).body.permissions).toEqual([]);
    await context.close();
  });
});

describe('the role badge', { timeout: 120_000 }, () => {
  it('replaces one role of a member by another; the Owner badge offers nothing', async () => {
    const viewer = await joinedMember(tenant, ['viewer'], 'badge');
    const row = await memberRow(owner, viewer.email);
    await row.getByRole('button', { name: `Reassign role Viewer of ${viewer.email}` }).click();
    const dialog = owner.getByRole('dialog', { name: 'Reassign Viewer' });
    await expectAccessible(owner, 'role reassign dialog');
    await dialog.getByLabel('New role').click();
    await owner.getByRole('option', { name: /^Agent/ }).click();
    await dialog.getByRole('button', { name: 'Reassign' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row.getByRole('button', { name: `Reassign role Agent of ${viewer.email}` }).waitFor();
    expect((await getMember(viewer.memberId)).body.roles).toEqual([{ roleId: 'agent' }]);

    const ownerRow = await memberRow(owner, tenant.owner.email);
    expect(await ownerRow.getByText('Owner', { exact: true }).count()).toBe(1);
    expect(await ownerRow.getByRole('button', { name: /^Reassign role/ }).count()).toBe(0);
  });

  it('a Manager (users:read, no users:write) sees badges but no reassign or edit', async () => {
    const manager = await joinedMember(tenant, ['manager'], 'manager');
    const { page, context } = await openConsole(browser, '/sign-in');
    await signInThroughConsole(page, manager.email, manager.password);
    const row = await memberRow(page, tenant.owner.email);
    expect(await row.getByText('Owner', { exact: true }).count()).toBe(1);
    expect(await page.getByRole('button', { name: /^(Reassign role|Edit) / }).count()).toBe(0);
    await context.close();
  });
});
