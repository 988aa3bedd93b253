import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectAccessible,
  invitationTokenFor,
  joinedMember,
  launchBrowser,
  openConsole,
  saveScreenshot,
  signInThroughConsole,
  type TenantFixture,
  tenantWithOwner,
} from '../support/browser';
import { api, signIn } from '../support/local-stack';

/**
 * Journey 1 of issue 14, the frame around it: sign in, land on the Users table of the workspace, switch
 * workspace, navigation that follows permissions, sessions that survive a reload but not a sign-out, and no
 * token in localStorage.
 */
let browser: Browser;
let tenant: TenantFixture;

beforeAll(async () => {
  browser = await launchBrowser();
  tenant = await tenantWithOwner('Acme Support');
});

afterAll(async () => {
  await browser?.close();
});

describe('signing in', () => {
  it('an owner signs in and sees the Users table with the seat indicator, accessible and without page errors', async () => {
    const { page, errors, context } = await openConsole(browser, '/');
    await expect.poll(() => page.url()).toContain('/sign-in');
    await expectAccessible(page, 'sign-in');
    await signInThroughConsole(page, tenant.owner.email, tenant.owner.password);
    await expect.poll(() => page.url()).toContain(`/t/${tenant.tenantId}/users`);
    await page.getByRole('heading', { name: /^Users/ }).waitFor();
    expect(await page.getByTestId('seat-indicator').textContent()).toBe('1 of 25 seats');
    const row = page.getByRole('row', { name: new RegExp(tenant.owner.email) });
    await row.waitFor();
    expect(await row.textContent()).toContain('Owner');
    expect(await row.textContent()).toContain('Olivia Owner');
    await expectAccessible(page, 'users');
    await saveScreenshot(page, 'users');
    // The ID token lives in memory, the refresh token in this tab's sessionStorage: nothing in localStorage.
    expect(await page.evaluate('JSON.stringify(localStorage)')).toBe('{}');
    expect(errors).toEqual([]);
    await context.close();
  });

  it("a wrong password shows Cognito's refusal and stays on the sign-in page", async () => {
    const { page, context } = await openConsole(browser, '/sign-in');
    await page.getByLabel('Email').fill(tenant.owner.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Sign-in failed').waitFor();
    expect(page.url()).toContain('/sign-in');
    await context.close();
  });

  it('a deep link asks for sign-in first and opens afterwards; a reload keeps the session; sign-out ends it', async () => {
    const { page, context } = await openConsole(browser, `/t/${tenant.tenantId}/users/invitations`);
    await expect.poll(() => page.url()).toContain('/sign-in?next=');
    await page.getByLabel('Email').fill(tenant.owner.email);
    await page.getByLabel('Password').fill(tenant.owner.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/t/${tenant.tenantId}/users/invitations`);

    await page.reload();
    await page.getByRole('tab', { name: 'Invitations' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/t/${tenant.tenantId}/users/invitations`);

    await page.getByRole('button', { name: tenant.owner.email }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await expect.poll(() => page.url()).toContain('/sign-in');
    await page.goto(new URL(`/t/${tenant.tenantId}/users`, page.url()).href);
    await expect.poll(() => page.url()).toContain('/sign-in');
    await context.close();
  });
});

describe('navigation follows permissions', () => {
  it('a Member sees Bots and their own page, but not Users, Roles, Groups or the Audit log', async () => {
    const member = await joinedMember(tenant, ['member'], 'plain');
    const { page, context } = await openConsole(browser, '/sign-in');
    await signInThroughConsole(page, member.email, member.password);
    const navigation = page.getByRole('navigation').last();
    await navigation.getByRole('link', { name: 'Bots' }).waitFor();
    for (const hidden of ['Users', 'Roles', 'Groups', 'Audit log']) {
      expect(await navigation.getByRole('link', { name: hidden, exact: true }).count(), hidden).toBe(0);
    }
    await context.close();
  });

  it('a member of two workspaces switches between them from the top bar', async () => {
    const other = await tenantWithOwner('Globex Marketing');
    const shared = await joinedMember(other, ['viewer'], 'two-workspaces');
    // The same person joins the first tenant too, with the same identity.
    await api(`/v1/tenants/${tenant.tenantId}/invitations`, {
      method: 'POST',
      token: tenant.owner.idToken,
      body: { emails: [shared.email], roles: [{ roleId: 'viewer' }] },
    });
    const tokens = await signIn(shared.email, shared.password);
    const accepted = await api('/v1/invitations/accept', {
      method: 'POST',
      token: tokens.idToken,
      body: { token: await invitationTokenFor(shared.email) },
    });
    expect(accepted.status).toBeLessThan(300);

    const { page, context } = await openConsole(browser, '/sign-in');
    await signInThroughConsole(page, shared.email, shared.password);
    const switcher = page.getByRole('button', { name: 'Switch workspace' });
    await switcher.waitFor();
    const before = new URL(page.url()).pathname;
    await switcher.click();
    const target = before.includes(tenant.tenantId) ? 'Globex Marketing' : 'Acme Support';
    await page.getByRole('menuitem', { name: target }).click();
    const targetId = target === 'Acme Support' ? tenant.tenantId : other.tenantId;
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/t/${targetId}/users`);
    await page.getByTestId('seat-indicator').waitFor();
    await context.close();
  });
});
