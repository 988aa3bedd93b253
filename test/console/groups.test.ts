import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  expectAccessible,
  joinedMember,
  journeyPages,
  launchBrowser,
  saveScreenshot,
  type TenantFixture,
  tenantWithOwner,
} from '../support/browser';
import { api } from '../support/local-stack';

/** A journey of many steps, each waiting on the browser and the stack: more than the project's default. */
const JOURNEY_TIMEOUT = 240_000;

/**
 * Groups (SPEC §8, §11 "Groups"): an Owner creates a group, fills it, gives it a tenant role that its members
 * then hold (source `group:<id>`), removes a member and deletes the group; a Viewer sees groups but no create.
 */
let browser: Browser;
let tenant: TenantFixture;

beforeAll(async () => {
  browser = await launchBrowser();
  tenant = await tenantWithOwner('Groups Inc');
});

afterAll(async () => {
  await browser?.close();
});

const { signedInAt } = journeyPages(() => browser, 'groups');

/** Picks a member in the email-search field labelled `label` of the open dialog. */
async function pickMember(page: Page, email: string, label = 'Member') {
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(label).fill(email.slice(0, 12));
  await page.getByRole('option', { name: new RegExp(email.replace(/[.+]/g, '\\$&')) }).click();
}

async function member(memberId: string) {
  const response = await api(`/v1/tenants/${tenant.tenantId}/members/${memberId}`, { token: tenant.owner.idToken });
  expect(response.status).toBe(200);
  return response.body as {
    effectivePermissions: { permission: string; sources: string[] }[];
    groups: { groupId: string; name: string }[];
  };
}

describe('groups', () => {
  it(
    'an Owner creates a group, adds two members, gives it a role they then hold through it, removes one and deletes it',
    async () => {
      const ana = await joinedMember(tenant, ['member'], 'ana');
      const bob = await joinedMember(tenant, ['member'], 'bob');
      const { page, context, errors } = await signedInAt(
        `/t/${tenant.tenantId}/groups`,
        tenant.owner.email,
        tenant.owner.password,
      );
      await page.getByRole('heading', { name: /^Groups/ }).waitFor();
      await page.getByText('No groups yet.').waitFor();
      await expectAccessible(page, 'groups (empty)');

      // Create.
      await page.getByRole('button', { name: 'Create group' }).click();
      const create = page.getByRole('dialog');
      await create.getByLabel('Name').fill('Support team');
      await create.getByLabel('Description').fill('First-line support');
      await expectAccessible(page, 'create group dialog');
      await create.getByRole('button', { name: 'Create', exact: true }).click();
      const row = page.getByRole('row', { name: /Support team/ });
      await row.waitFor();
      expect(await row.textContent()).toContain('First-line support');
      const listed = await api(`/v1/tenants/${tenant.tenantId}/groups`, { token: tenant.owner.idToken });
      const group = (listed.body.items as { groupId: string; name: string }[]).find((g) => g.name === 'Support team');
      expect(group).toBeDefined();
      const groupId = group?.groupId as string;

      // A duplicate name is refused with the API's detail.
      await page.getByRole('button', { name: 'Create group' }).click();
      await page.getByRole('dialog').getByLabel('Name').fill('support TEAM');
      await page.getByRole('dialog').getByRole('button', { name: 'Create', exact: true }).click();
      await page.getByRole('dialog').getByTestId('problem').waitFor();
      await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

      // Detail: add two members.
      await row.getByRole('link', { name: 'Support team' }).click();
      await eventually(() => new URL(page.url()).pathname).toBe(`/t/${tenant.tenantId}/groups/${groupId}`);
      await page.getByRole('heading', { name: 'Support team', level: 1 }).waitFor();
      await page.getByText('No members yet.').waitFor();
      for (const person of [ana, bob]) {
        await page.getByRole('button', { name: 'Add member' }).click();
        await pickMember(page, person.email);
        if (person === ana) await expectAccessible(page, 'add member dialog');
        await page.getByRole('dialog').getByRole('button', { name: 'Add', exact: true }).click();
        await page.getByRole('row', { name: new RegExp(person.email) }).waitFor();
      }
      const groupMembers = await api(`/v1/tenants/${tenant.tenantId}/groups/${groupId}/members`, {
        token: tenant.owner.idToken,
      });
      expect((groupMembers.body.items as { memberId: string }[]).map((m) => m.memberId).sort()).toEqual(
        [ana.memberId, bob.memberId].sort(),
      );

      // Give the group the Manager role.
      await page.getByRole('button', { name: 'Edit roles' }).click();
      const rolesDialog = page.getByRole('dialog');
      await rolesDialog.getByLabel('Tenant roles').click();
      await page.getByRole('option', { name: /^Manager/ }).click();
      await rolesDialog.getByRole('heading', { name: /Roles of Support team/ }).click();
      await expectAccessible(page, 'group roles dialog');
      await rolesDialog.getByRole('button', { name: 'Save' }).click();
      await eventually(() => page.getByTestId('group-roles').textContent()).toContain('Manager');
      const anaNow = await member(ana.memberId);
      const usersRead = anaNow.effectivePermissions.find((entry) => entry.permission === 'users:read');
      expect(usersRead?.sources).toContain(`group:${groupId}`);
      expect(anaNow.groups).toEqual([{ groupId, name: 'Support team' }]);
      await expectAccessible(page, 'group detail');
      await saveScreenshot(page, 'groups');

      // Remove Bob: he no longer holds what the group carries.
      await page.getByRole('button', { name: `Remove ${bob.email}` }).click();
      const confirm = page.getByRole('dialog');
      expect(await confirm.textContent()).toContain('stops holding what Support team carries');
      await expectAccessible(page, 'remove member dialog');
      await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
      await eventually(() => page.getByRole('row', { name: new RegExp(bob.email) }).count()).toBe(0);
      const bobNow = await member(bob.memberId);
      expect(bobNow.groups).toEqual([]);
      expect(bobNow.effectivePermissions.some((entry) => entry.permission === 'users:read')).toBe(false);

      // Delete the group from the list, after a confirmation that says what ends.
      await page.getByRole('link', { name: 'Groups', exact: true }).first().click();
      await page.getByRole('radio', { name: 'Select Support team' }).click();
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      const deletion = page.getByRole('dialog');
      expect(await deletion.textContent()).toContain('Every membership of Support team ends');
      await expectAccessible(page, 'delete group dialog');
      await deletion.getByRole('button', { name: 'Delete', exact: true }).click();
      await page.getByText('No groups yet.').waitFor();
      const gone = await api(`/v1/tenants/${tenant.tenantId}/groups/${groupId}`, { token: tenant.owner.idToken });
      expect(gone.status).toBe(404);
      const anaAfter = await member(ana.memberId);
      expect(anaAfter.groups).toEqual([]);
      expect(anaAfter.effectivePermissions.some((entry) => entry.permission === 'users:read')).toBe(false);
      expect(errors).toEqual([]);
      await context.close();
    },
    JOURNEY_TIMEOUT,
  );

  it(
    'a Viewer sees the groups and their members but is offered no create, delete, edit or membership change',
    async () => {
      const created = await api(`/v1/tenants/${tenant.tenantId}/groups`, {
        method: 'POST',
        token: tenant.owner.idToken,
        body: { name: 'Read only', description: 'Seen by viewers' },
      });
      expect(created.status).toBe(201);
      const viewer = await joinedMember(tenant, ['viewer'], 'viewer');
      const { page, context } = await signedInAt(`/t/${tenant.tenantId}/groups`, viewer.email, viewer.password);
      await page.getByRole('row', { name: /Read only/ }).waitFor();
      expect(await page.getByRole('button', { name: 'Create group' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Delete', exact: true }).count()).toBe(0);
      await expectAccessible(page, 'groups (viewer)');
      await page.getByRole('link', { name: 'Read only' }).click();
      await page.getByRole('heading', { name: 'Read only', level: 1 }).waitFor();
      await page.getByText('No members yet.').waitFor();
      expect(await page.getByRole('button', { name: 'Edit roles' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Add member' }).count()).toBe(0);
      await context.close();
    },
    JOURNEY_TIMEOUT,
  );
});
