import type { Browser, Page } from 'playwright-core';
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
import { api, drainStream, signIn } from '../support/local-stack';

/**
 * The caller's own page (SPEC §11 "Me"): notifications with the bell's unread count, mark as read, "Load
 * more"; and the invitations waiting for the caller in other workspaces.
 */
let browser: Browser;
let tenant: TenantFixture;

beforeAll(async () => {
  browser = await launchBrowser();
  tenant = await tenantWithOwner('Umbrella Care');
});

afterAll(async () => {
  await browser?.close();
});

interface NotificationItem {
  notificationId: string;
  type: string;
  readAt?: string;
}

async function unreadOf(token: string): Promise<NotificationItem[]> {
  const unread = await api('/v1/me/notifications?unread=true&limit=100', { token });
  expect(unread.status).toBe(200);
  return unread.body.items as NotificationItem[];
}

/** The Owner registers a bot (becoming its Bot Owner, its approver); the member asks for access to it. */
async function accessRequest(fixture: TenantFixture, memberToken: string, name: string): Promise<string> {
  const bot = await api(`/v1/tenants/${fixture.tenantId}/bots`, {
    method: 'POST',
    token: fixture.owner.idToken,
    body: { name },
  });
  expect(bot.status).toBe(201);
  const request = await api(`/v1/tenants/${fixture.tenantId}/access-requests`, {
    method: 'POST',
    token: memberToken,
    body: { botId: bot.body.botId, roles: [{ roleId: 'bot-tester' }], reason: 'To test the flows' },
  });
  expect(request.status).toBe(201);
  return bot.body.botId as string;
}

/** The bell of the top bar (Cloudscape also renders a hidden copy of each utility, for measuring). */
const bell = (page: Page, label: string) => page.locator(`#top-nav [aria-label="${label}"]:visible`);

describe('notifications', () => {
  it('an access request shows on the bell as 1 unread; marking it read on the Me page clears the bell', async () => {
    const member = await joinedMember(tenant, ['member'], 'requester');
    await drainStream();
    // The member's joining told the Owner (invitation.accepted); read it, so the request is the one unread.
    const before = await unreadOf(tenant.owner.idToken);
    expect(before.map((notification) => notification.type)).toEqual(['invitation.accepted']);
    for (const notification of before) {
      const read = await api(`/v1/me/notifications/${notification.notificationId}/read`, {
        method: 'POST',
        token: tenant.owner.idToken,
      });
      expect(read.status).toBe(200);
    }
    const memberTokens = await signIn(member.email, member.password);
    const botId = await accessRequest(tenant, memberTokens.idToken, 'Claims Assistant');
    await drainStream();

    const { page, context, errors } = await openConsole(browser, '/sign-in');
    await signInThroughConsole(page, tenant.owner.email, tenant.owner.password);
    await bell(page, 'Notifications (1 unread)').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/me');

    const unreadRow = page.getByRole('row', {
      name: new RegExp(`${member.email} asked for access to Claims Assistant`),
    });
    await unreadRow.waitFor();
    expect(await unreadRow.getByTestId('unread-notification').count()).toBe(1);
    expect(await unreadRow.textContent()).toContain('Umbrella Care');
    // The older notification, already read, is listed below it, not emphasized.
    const readRow = page.getByRole('row', { name: new RegExp(`${member.email} accepted your invitation`) });
    await readRow.waitFor();
    expect(await readRow.getByTestId('unread-notification').count()).toBe(0);
    const rows = await page.getByRole('table', { name: 'Notifications' }).getByRole('row').allTextContents();
    expect(rows.findIndex((row) => row.includes('asked for access'))).toBeLessThan(
      rows.findIndex((row) => row.includes('accepted your invitation')),
    );
    await expectAccessible(page, 'me');
    await saveScreenshot(page, 'me');

    await unreadRow.getByRole('button', { name: /^Mark as read/ }).click();
    await bell(page, 'Notifications').waitFor();
    expect(await bell(page, 'Notifications (1 unread)').count()).toBe(0);
    await expect.poll(async () => unreadRow.getByTestId('unread-notification').count()).toBe(0);
    expect(await unreadOf(tenant.owner.idToken)).toEqual([]);

    // The notification leads to the bot's page.
    await unreadRow.getByRole('link').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/t/${tenant.tenantId}/bots/${botId}`);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('lists 20 notifications at first and the older ones after "Load more"', async () => {
    const busy = await tenantWithOwner('Umbrella Load');
    const member = await joinedMember(busy, ['member'], 'many');
    const memberTokens = await signIn(member.email, member.password);
    for (let index = 1; index <= 21; index++) {
      await accessRequest(busy, memberTokens.idToken, `Bot ${String(index).padStart(2, '0')}`);
    }
    await drainStream();
    expect((await unreadOf(busy.owner.idToken)).length).toBe(22);

    const { page, context } = await openConsole(browser, '/sign-in');
    await signInThroughConsole(page, busy.owner.email, busy.owner.password);
    await bell(page, 'Notifications (22 unread)').waitFor();
    await page.goto(new URL('/me', page.url()).href);
    const table = page.getByRole('table', { name: 'Notifications' });
    await table.getByText('asked for access to Bot 21').waitFor();
    expect(await table.getByTestId('unread-notification').count()).toBe(20);
    expect(await table.getByText('asked for access to Bot 01').count()).toBe(0);
    await page.getByRole('button', { name: 'Load more' }).click();
    await table.getByText('asked for access to Bot 01').waitFor();
    await table.getByText('accepted your invitation').waitFor();
    expect(await table.getByTestId('unread-notification').count()).toBe(22);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    await context.close();
  });
});

describe('my invitations', () => {
  /** A member of the file's tenant, invited to a workspace of its own named `workspace`, signed in on /me. */
  async function invitedElsewhere(workspace: string, label: string) {
    const member = await joinedMember(tenant, ['viewer'], label);
    const other = await tenantWithOwner(workspace);
    const invited = await api(`/v1/tenants/${other.tenantId}/invitations`, {
      method: 'POST',
      token: other.owner.idToken,
      body: { emails: [member.email], roles: [{ roleId: 'agent' }] },
    });
    expect(invited.status).toBe(201);
    const { page, context, errors } = await openConsole(browser, '/sign-in');
    await signInThroughConsole(page, member.email, member.password);
    await page.getByRole('link', { name: 'My invitations and notifications' }).click();
    const row = page.getByRole('table', { name: 'My invitations' }).getByRole('row', { name: new RegExp(workspace) });
    await row.waitFor();
    const tokens = await signIn(member.email, member.password);
    return { member, other, page, context, errors, row, token: tokens.idToken };
  }

  it('lists an invitation to another workspace with its inviter and roles, and Accept and Decline buttons', async () => {
    const { other, page, context, row } = await invitedElsewhere('Umbrella Labs', 'invited-elsewhere');
    const text = await row.textContent();
    expect(text).toContain(other.owner.email);
    expect(text).toContain('Agent');
    expect(await row.getByRole('button', { name: 'Accept the invitation to Umbrella Labs' }).count()).toBe(1);
    expect(await row.getByRole('button', { name: 'Decline the invitation to Umbrella Labs' }).count()).toBe(1);
    await expectAccessible(page, 'me with an invitation');
    await context.close();
  });

  it('Accept from the list: the member joins, the workspace appears in the switcher, the membership is active', async () => {
    const { other, page, context, errors, row, token } = await invitedElsewhere('Umbrella Ventures', 'accepts');
    const switcher = page.locator('#top-nav [aria-label="Switch workspace"]:visible');
    await switcher.click();
    expect(await page.getByRole('menuitem', { name: 'Umbrella Ventures' }).count()).toBe(0);
    await page.keyboard.press('Escape');

    await row.getByRole('button', { name: 'Accept the invitation to Umbrella Ventures' }).click();
    await page.getByText('You joined Umbrella Ventures.').waitFor();
    await expect.poll(() => row.count()).toBe(0);
    await expectAccessible(page, 'me after accepting');

    const me = await api('/v1/me', { token });
    expect(me.status).toBe(200);
    expect(me.body.memberships).toContainEqual(
      expect.objectContaining({ tenantId: other.tenantId, tenantName: 'Umbrella Ventures', status: 'active' }),
    );
    expect((await api('/v1/me/invitations', { token })).body.items).toEqual([]);

    await switcher.click();
    const entry = page.getByRole('menuitem', { name: 'Umbrella Ventures' });
    await entry.waitFor();
    await entry.click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/t/${other.tenantId}/bots`);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('Decline from the list asks first, saying what happens; confirmed, the invitation is gone', async () => {
    const { member, other, page, context, errors, row, token } = await invitedElsewhere('Umbrella Finance', 'declines');
    await row.getByRole('button', { name: 'Decline the invitation to Umbrella Finance' }).click();
    const dialog = page.getByRole('dialog', { name: 'Decline the invitation to Umbrella Finance?' });
    await dialog.waitFor();
    const said = await dialog.textContent();
    expect(said).toContain(`The invitation for ${member.email} is withdrawn`);
    expect(said).toContain('the link in its email stops working');
    expect(said).toContain(`${other.owner.email} is told that you declined`);
    await expectAccessible(page, 'decline invitation dialog');

    // Cancel changes nothing.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await api('/v1/me/invitations', { token })).body.items).toHaveLength(1);

    await row.getByRole('button', { name: 'Decline the invitation to Umbrella Finance' }).click();
    await dialog.getByRole('button', { name: 'Decline', exact: true }).click();
    await page.getByText('You declined the invitation to Umbrella Finance.').waitFor();
    await expect.poll(() => row.count()).toBe(0);
    expect((await api('/v1/me/invitations', { token })).body.items).toEqual([]);
    const pending = await api(`/v1/tenants/${other.tenantId}/invitations`, { token: other.owner.idToken });
    expect(pending.body.items).toEqual([]);
    const me = await api('/v1/me', { token });
    expect(me.body.memberships.map((m: { tenantId: string }) => m.tenantId)).not.toContain(other.tenantId);
    expect(errors).toEqual([]);
    await context.close();
  });
});
