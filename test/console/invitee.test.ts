import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectAccessible,
  invitationLinkFor,
  joinedMember,
  launchBrowser,
  newPassword,
  openConsole,
  saveScreenshot,
  type TenantFixture,
  tenantWithOwner,
  uniqueEmail,
} from '../support/browser';
import { api, stackInfo } from '../support/local-stack';

/**
 * Journey 3 of issue 14, the invitee's path: the link in the invitation email opens the console's accept
 * page, which shows the invitation and accepts it with a new account (signed in at once) or an existing one
 * (sign in, then accept), or declines it; a used, expired or garbage link shows the API's detail.
 */
let browser: Browser;
let tenant: TenantFixture;

beforeAll(async () => {
  browser = await launchBrowser();
  tenant = await tenantWithOwner('Initech Helpdesk');
});

afterAll(async () => {
  await browser?.close();
});

async function invite(email: string, roleId: string): Promise<string> {
  const invited = await api(`/v1/tenants/${tenant.tenantId}/invitations`, {
    method: 'POST',
    token: tenant.owner.idToken,
    body: { emails: [email], roles: [{ roleId }] },
  });
  expect(invited.status).toBe(201);
  const link = await invitationLinkFor(email);
  // The email's link opens the console (APP_URL), not the API.
  expect(link.startsWith(`${stackInfo().consoleUrl.replace(/\/$/, '')}/accept-invite?token=`)).toBe(true);
  return link;
}

async function memberStatus(email: string): Promise<string | undefined> {
  const found = await api(`/v1/tenants/${tenant.tenantId}/members?q=${encodeURIComponent(email)}`, {
    token: tenant.owner.idToken,
  });
  expect(found.status).toBe(200);
  return (found.body.items as { email: string; status: string }[]).find((member) => member.email === email)?.status;
}

async function createAccount(page: Page, password: string, displayName?: string): Promise<void> {
  if (displayName) await page.getByLabel('Display name').fill(displayName);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Confirm password').fill(password);
  await page.getByRole('button', { name: 'Create account and join' }).click();
}

const sideNavigation = (page: Page) => page.getByRole('navigation').last();

describe('a new person accepts the emailed link', () => {
  it('sees workspace, inviter and role, sets a password and lands signed in on what a Member may see; the link then no longer works', async () => {
    const email = uniqueEmail('newcomer');
    const link = await invite(email, 'member');
    const token = new URL(link).searchParams.get('token') ?? '';
    const { page, context, errors } = await openConsole(browser, link);

    await page.getByRole('heading', { name: 'Join Initech Helpdesk' }).waitFor();
    expect(await page.getByTestId('invitation-workspace').textContent()).toBe('Initech Helpdesk');
    expect(await page.getByTestId('invitation-inviter').textContent()).toBe(tenant.owner.email);
    expect(await page.getByTestId('invitation-email').textContent()).toBe(email);
    await page.getByText('Member', { exact: true }).waitFor();
    await expectAccessible(page, 'accept-invite');
    await saveScreenshot(page, 'accept-invite');

    // Mismatched confirmation: refused before anything is sent.
    await page.getByLabel('Password', { exact: true }).fill('Aa1!aaaaaaaaaa');
    await page.getByLabel('Confirm password').fill('Aa1!aaaaaaaaab');
    await page.getByRole('button', { name: 'Create account and join' }).click();
    await page.getByText('The passwords do not match.').waitFor();
    expect(await memberStatus(email)).toBe('invited');

    await createAccount(page, newPassword(), 'Nora Newcomer');
    await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000 }).toBe(`/t/${tenant.tenantId}/bots`);
    await sideNavigation(page).getByRole('link', { name: 'Bots' }).waitFor();
    expect(await sideNavigation(page).getByRole('link', { name: 'Users', exact: true }).count()).toBe(0);
    expect(await page.getByRole('button', { name: email }).count()).toBe(1);
    expect(await memberStatus(email)).toBe('active');

    // No token in the address bar, in the history, or in storage.
    expect(page.url()).not.toContain('token=');
    expect(await page.evaluate('JSON.stringify(localStorage)')).toBe('{}');
    expect(await page.evaluate('JSON.stringify(sessionStorage)')).not.toContain(token);
    await page.goBack();
    expect(page.url()).not.toContain('token=');

    // The token was single-use: the link now shows the API's refusal.
    await page.goto(link);
    await page.getByText('This invitation link cannot be used').waitFor();
    const lookup = await api(`/v1/invitations/lookup?token=${encodeURIComponent(token)}`);
    expect(lookup.status).toBe(404);
    await page.getByText(lookup.body.detail as string).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a Manager lands on the Users screen, which their role may read', async () => {
    const email = uniqueEmail('manager');
    const { page, context } = await openConsole(browser, await invite(email, 'manager'));
    await page.getByText('Manager', { exact: true }).waitFor();
    await createAccount(page, newPassword());
    await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000 }).toBe(`/t/${tenant.tenantId}/users`);
    await sideNavigation(page).getByRole('link', { name: 'Users', exact: true }).waitFor();
    await page.getByRole('row', { name: new RegExp(email) }).waitFor();
    expect(await memberStatus(email)).toBe('active');
    await context.close();
  });
});

describe('a person who already has an account', () => {
  it('is told their account exists, signs in on the page and accepts with their session', async () => {
    const elsewhere = await tenantWithOwner('Hooli Sales');
    const person = await joinedMember(elsewhere, ['viewer'], 'existing');
    const { page, context } = await openConsole(browser, await invite(person.email, 'agent'));
    await page.getByText('Agent', { exact: true }).waitFor();

    // Creating a second account for the address is refused by the API, whose detail leads to signing in.
    await createAccount(page, newPassword());
    await page.getByText('An account with this email exists').waitFor();
    expect(await page.getByRole('tab', { name: 'I already have an account' }).getAttribute('aria-selected')).toBe(
      'true',
    );
    expect(await page.getByLabel('Email').inputValue()).toBe(person.email);
    await page.getByLabel('Password').fill(person.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(`You are signed in as ${person.email}`).waitFor();
    await expectAccessible(page, 'accept-invite signed in');
    expect(await memberStatus(person.email)).toBe('invited');

    await page.getByRole('button', { name: 'Accept and join Initech Helpdesk' }).click();
    await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000 }).toBe(`/t/${tenant.tenantId}/bots`);
    expect(await memberStatus(person.email)).toBe('active');
    // Both workspaces are theirs now.
    await page.getByRole('button', { name: 'Switch workspace' }).click();
    await page.getByRole('menuitem', { name: 'Hooli Sales' }).waitFor();
    await page.getByRole('menuitem', { name: 'Initech Helpdesk' }).waitFor();
    await context.close();
  });
});

describe('declining and unusable links', () => {
  it('declines after a confirmation: the invited member and the invitation are gone', async () => {
    const email = uniqueEmail('decliner');
    const link = await invite(email, 'viewer');
    expect(await memberStatus(email)).toBe('invited');
    const { page, context } = await openConsole(browser, link);
    await page.getByRole('button', { name: 'Decline invitation' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('this link stops working').waitFor();
    await expectAccessible(page, 'decline dialog');
    await dialog.getByRole('button', { name: 'Decline', exact: true }).click();
    await page.getByText('You declined the invitation to Initech Helpdesk').waitFor();
    expect(page.url()).not.toContain('token=');

    expect(await memberStatus(email)).toBeUndefined();
    const pending = await api(`/v1/tenants/${tenant.tenantId}/invitations?status=pending`, {
      token: tenant.owner.idToken,
    });
    expect((pending.body.items as { email: string }[]).map((invitation) => invitation.email)).not.toContain(email);
    const lookup = await api(`/v1/invitations/lookup?token=${new URL(link).searchParams.get('token')}`);
    expect(lookup.status).toBe(404);
    await context.close();
  });

  it("a garbage token shows the API's detail and offers no form", async () => {
    const lookup = await api('/v1/invitations/lookup?token=not-a-real-token');
    expect(lookup.status).toBe(404);
    const { page, context } = await openConsole(browser, '/accept-invite?token=not-a-real-token');
    await page.getByText('This invitation link cannot be used').waitFor();
    await page.getByText(lookup.body.detail as string).waitFor();
    expect(await page.getByRole('button', { name: 'Create account and join' }).count()).toBe(0);
    await expectAccessible(page, 'accept-invite refused');
    await context.close();
  });

  it("an expired invitation shows the API's expiry detail (the API's 410 is played back: the local stack has no clock to move)", async () => {
    const { page, context } = await openConsole(browser, '/sign-in');
    const detail = 'This invitation has expired; ask for a new one.';
    await page.route('**/v1/invitations/lookup?**', (route) =>
      route.fulfill({
        status: 410,
        contentType: 'application/problem+json',
        headers: { 'access-control-allow-origin': '*' },
        body: JSON.stringify({
          type: 'about:blank',
          title: 'Invitation expired',
          status: 410,
          code: 'invitation_expired',
          detail,
        }),
      }),
    );
    await page.goto(new URL('/accept-invite?token=expired-token', stackInfo().consoleUrl).href);
    await page.getByText('This invitation link cannot be used').waitFor();
    await page.getByText(detail).waitFor();
    expect(await page.getByRole('button', { name: 'Create account and join' }).count()).toBe(0);
    await context.close();
  });
});
