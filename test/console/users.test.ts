import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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
  uniqueEmail,
} from '../support/browser';
import { api } from '../support/local-stack';

/**
 * The Users screen's actions (SPEC §11 "Users", issue 14 journeys 2 and 4): inviting people (one by one and
 * from a CSV file), the Invitations sub-tab (resend, revoke), and suspending, reactivating and removing a
 * member, each confirmed; controls follow the caller's permissions.
 */
// Each journey signs in and walks several dialogs: more than the project's default on a busy machine.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

let browser: Browser;
let tenant: TenantFixture;

beforeAll(async () => {
  browser = await launchBrowser();
  tenant = await tenantWithOwner('Initech Users');
});

afterAll(async () => {
  await browser?.close();
});

async function signedIn(email: string, password: string, path = 'users'): Promise<Page> {
  const { page } = await openConsole(browser, '/sign-in');
  await signInThroughConsole(page, email, password);
  await page.goto(new URL(`/t/${tenant.tenantId}/${path}`, page.url()).href);
  return page;
}

const asOwner = (path?: string) => signedIn(tenant.owner.email, tenant.owner.password, path);

async function seatsUsed(): Promise<number> {
  const summary = await api(`/v1/tenants/${tenant.tenantId}`, { token: tenant.owner.idToken });
  return summary.body.seatsUsed as number;
}

async function seatIndicator(page: Page): Promise<string> {
  await page.getByTestId('seat-indicator').waitFor();
  return (await page.getByTestId('seat-indicator').textContent()) ?? '';
}

async function pendingInvitations(): Promise<{ email: string; roles: { roleId: string }[]; invitationId: string }[]> {
  const listed = await api(`/v1/tenants/${tenant.tenantId}/invitations?limit=100`, { token: tenant.owner.idToken });
  expect(listed.status).toBe(200);
  return listed.body.items;
}

async function memberStatus(memberId: string): Promise<string | number> {
  const member = await api(`/v1/tenants/${tenant.tenantId}/members/${memberId}`, { token: tenant.owner.idToken });
  return member.status === 200 ? (member.body.status as string) : member.status;
}

/** Shows only `email` in the members table, so its row is on the first page. */
async function searchMember(page: Page, email: string) {
  await page.getByLabel('Search members by email or name').fill(email);
  const row = page.getByRole('row', { name: new RegExp(email.replace(/[.+]/g, '\\$&')) });
  await row.waitFor();
  return row;
}

/** expect.poll with room for a busy machine (its default gives up after one second). */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 30_000 });

const parseList = (text: string) => text.split(/,\s*/).sort();

async function chooseOption(page: Page, trigger: ReturnType<Page['getByRole']>, option: RegExp) {
  await trigger.click();
  await page.getByRole('option', { name: option }).first().click();
}

describe('inviting people', () => {
  it('invites two comma-separated addresses as Agent: both show as invited, the seats count them, the invitations exist', async () => {
    const page = await asOwner();
    const before = await seatsUsed();
    await poll(() => seatIndicator(page)).toBe(`${before} of 25 seats`);
    await page.getByRole('button', { name: 'Invite people' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite people' });
    await dialog.waitFor();
    // The least-privileged role is preselected.
    await poll(() => dialog.getByText('Member', { exact: true }).count()).toBeGreaterThan(0);
    const ana = uniqueEmail('ana');
    const bob = uniqueEmail('bob');
    await dialog.getByLabel('Email addresses').fill(`${ana}, ${bob}`);
    await chooseOption(page, dialog.getByRole('button', { name: /^Role/ }), /^Agent/);
    await dialog.getByLabel('Message (optional)').fill('Welcome to the support team');
    await expectAccessible(page, 'invite dialog');
    await saveScreenshot(page, 'users-invite');
    await dialog.getByRole('button', { name: 'Send invitations' }).click();
    await dialog.getByText(`${ana}: invited`).waitFor();
    await dialog.getByText(`${bob}: invited`).waitFor();
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();

    for (const email of [ana, bob]) {
      const row = page.getByRole('row', { name: new RegExp(email) });
      await row.waitFor();
      expect(await row.textContent()).toContain('invited');
      expect(await row.textContent()).toContain('Agent');
    }
    await poll(() => seatIndicator(page)).toBe(`${before + 2} of 25 seats`);
    expect(await seatsUsed()).toBe(before + 2);
    const invitations = await pendingInvitations();
    for (const email of [ana, bob]) {
      const invitation = invitations.find((candidate) => candidate.email === email);
      expect(invitation?.roles.map((role) => role.roleId)).toEqual(['agent']);
    }
    await page.context().close();
  });

  it('lists each address that was not invited with the reason, and the API detail when nobody was', async () => {
    const page = await asOwner();
    await page.getByRole('button', { name: 'Invite people' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite people' });
    const carol = uniqueEmail('carol');
    await dialog.getByLabel('Email addresses').fill(`${carol}\n${tenant.owner.email}\nnot-an-email`);
    await dialog.getByRole('button', { name: 'Send invitations' }).click();
    await dialog.getByText(`${carol}: invited`).waitFor();
    await dialog.getByText(`${tenant.owner.email}: not invited (Already a member of this workspace)`).waitFor();
    await dialog.getByText('not-an-email: not invited (Not a valid email address)').waitFor();
    // What was refused stays in the box; sending it again invites nobody: the API says why.
    expect(parseList(await dialog.getByLabel('Email addresses').inputValue())).toEqual(
      [tenant.owner.email, 'not-an-email'].sort(),
    );
    await dialog.getByLabel('Email addresses').fill(carol);
    await dialog.getByRole('button', { name: 'Send invitations' }).click();
    await dialog.getByText('Nobody was invited', { exact: true }).waitFor();
    await dialog.getByText(/Nobody was invited: each address is invalid/).waitFor();
    await dialog.getByText(`${carol}: not invited (Already invited: see the Invitations tab)`).waitFor();
    await expectAccessible(page, 'invite dialog with results');
    expect((await pendingInvitations()).filter((invitation) => invitation.email === carol)).toHaveLength(1);
    await page.context().close();
  });

  it('shares a bot with the invitee: the invitation carries the bot and its role', async () => {
    const bot = await api(`/v1/tenants/${tenant.tenantId}/bots`, {
      method: 'POST',
      token: tenant.owner.idToken,
      body: { name: 'Helpdesk Bot' },
    });
    expect(bot.status).toBe(201);
    const page = await asOwner();
    await page.getByRole('button', { name: 'Invite people' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite people' });
    const ivy = uniqueEmail('ivy');
    await dialog.getByLabel('Email addresses').fill(ivy);
    const addBot = dialog.getByRole('button', { name: 'Add bot' });
    await poll(() => addBot.getAttribute('aria-disabled')).not.toBe('true'); // once the bots are read
    await addBot.click();
    await chooseOption(page, dialog.getByRole('button', { name: /Bot 1 / }), /^Helpdesk Bot/);
    await chooseOption(page, dialog.getByRole('button', { name: /Role on bot 1/ }), /^Developer/);
    await expectAccessible(page, 'invite dialog with bot access');
    await dialog.getByRole('button', { name: 'Send invitations' }).click();
    await dialog.getByText(`${ivy}: invited`).waitFor();
    const invitation = (await pendingInvitations()).find((candidate) => candidate.email === ivy) as unknown as {
      roles: { roleId: string }[];
      botAccess: { botId: string; roles: { roleId: string }[] }[];
    };
    expect(invitation.roles).toEqual([{ roleId: 'member' }]);
    expect(invitation.botAccess).toEqual([{ botId: bot.body.botId, roles: [{ roleId: 'bot-developer' }] }]);
    await page.context().close();
  });

  it('imports a CSV of three rows: previews them, sends them in batches with progress, and shows each row’s result', async () => {
    const page = await asOwner();
    const before = await seatsUsed();
    const dan = uniqueEmail('dan');
    const eve = uniqueEmail('eve');
    const csv = `email,role,expiresInDays\n${dan},,\n${eve},Viewer,14\nbad-address,Agent,3\n`;
    await page.getByRole('button', { name: 'Import CSV' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import invitations from CSV' });
    await dialog.waitFor();
    await dialog
      .locator('input[type=file]')
      .setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const rows = dialog.getByRole('row');
    await dialog.getByRole('row', { name: new RegExp(eve) }).waitFor();
    expect(await rows.count()).toBe(4); // the header and three rows
    expect(await dialog.getByRole('row', { name: new RegExp(eve) }).textContent()).toContain('Viewer');
    await expectAccessible(page, 'CSV import preview');
    await dialog.getByRole('button', { name: 'Send 3 invitations' }).click();
    await dialog.getByText('3 of 3 rows sent').waitFor();
    await dialog.getByText('2 invited, 1 not invited').waitFor();
    expect(await dialog.getByRole('row', { name: new RegExp(dan) }).textContent()).toContain('Invited');
    expect(await dialog.getByRole('row', { name: new RegExp(eve) }).textContent()).toContain('Invited');
    expect(await dialog.getByRole('row', { name: /bad-address/ }).textContent()).toContain(
      'Not invited: Not a valid email address (invalid_email)',
    );
    await expectAccessible(page, 'CSV import results');
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await poll(() => seatIndicator(page)).toBe(`${before + 2} of 25 seats`);

    const invitations = await pendingInvitations();
    expect(invitations.find((invitation) => invitation.email === dan)?.roles).toEqual([{ roleId: 'member' }]);
    expect(invitations.find((invitation) => invitation.email === eve)?.roles).toEqual([{ roleId: 'viewer' }]);
    await page.context().close();
  });
});

describe('the Invitations sub-tab', () => {
  it('resends an invitation (a new link, the old one dead) and revokes another after a confirmation, freeing its seat', async () => {
    const frank = uniqueEmail('frank');
    const grace = uniqueEmail('grace');
    const invited = await api(`/v1/tenants/${tenant.tenantId}/invitations`, {
      method: 'POST',
      token: tenant.owner.idToken,
      body: { emails: [frank, grace], roles: [{ roleId: 'agent' }] },
    });
    expect(invited.status).toBe(201);
    const oldToken = await invitationTokenFor(frank);
    const before = await seatsUsed();

    const page = await asOwner('users/invitations');
    const frankRow = page.getByRole('row', { name: new RegExp(frank) });
    await frankRow.waitFor();
    expect(await frankRow.textContent()).toContain('pending');
    expect(await frankRow.textContent()).toContain(tenant.owner.email);
    expect(await frankRow.textContent()).toContain('Agent');
    await expectAccessible(page, 'invitations');
    await saveScreenshot(page, 'invitations');

    await page.getByRole('radio', { name: `Select the invitation to ${frank}` }).check();
    await page.getByRole('button', { name: 'Resend' }).click();
    await page.getByText(`A new link was sent to ${frank}`).waitFor();
    const newToken = await invitationTokenFor(frank);
    expect(newToken).not.toBe(oldToken);
    expect((await api(`/v1/invitations/lookup?token=${oldToken}`)).status).toBe(404);
    expect((await api(`/v1/invitations/lookup?token=${newToken}`)).status).toBe(200);

    await page.getByRole('radio', { name: `Select the invitation to ${grace}` }).check();
    await page.getByRole('button', { name: 'Revoke' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke the invitation?' });
    await confirm.getByText('the seat it holds is freed', { exact: false }).waitFor();
    await expectAccessible(page, 'revoke confirmation');
    await confirm.getByRole('button', { name: 'Revoke invitation' }).click();
    await page.getByText(`The invitation to ${grace} was revoked`).waitFor();
    await poll(() => page.getByRole('row', { name: new RegExp(grace) }).count()).toBe(0);
    expect(await seatsUsed()).toBe(before - 1);
    expect((await pendingInvitations()).some((invitation) => invitation.email === grace)).toBe(false);

    await page.getByRole('tab', { name: 'Users' }).click();
    await poll(() => seatIndicator(page)).toBe(`${before - 1} of 25 seats`);

    await page.getByRole('tab', { name: 'Invitations' }).click();
    await chooseOption(page, page.getByRole('button', { name: /Filter invitations by status/ }), /^Expired$/);
    await page.getByText('No invitations.').waitFor();
    await page.context().close();
  });
});

describe('suspending, reactivating and removing a member', () => {
  it('suspends, reactivates, suspends again and removes a member, each after a confirmation that says what happens', async () => {
    const henry = await joinedMember(tenant, ['agent'], 'henry');
    const page = await asOwner();
    const row = await searchMember(page, henry.email);
    await page.getByRole('radio', { name: `Select ${henry.email}` }).check();
    const act = async (action: string, confirmLabel: string, says: string) => {
      await page.getByRole('button', { name: 'Actions' }).click();
      await page.getByRole('menuitem', { name: action }).click();
      const dialog = page.getByRole('dialog', { name: `${action} ${henry.email}?` });
      await dialog.getByText(says, { exact: false }).waitFor();
      return dialog.getByRole('button', { name: confirmLabel });
    };

    // Remove is only for a suspended member.
    await page.getByRole('button', { name: 'Actions' }).click();
    expect(await page.getByRole('menuitem', { name: /Remove/ }).getAttribute('aria-disabled')).toBe('true');
    await page.keyboard.press('Escape');

    const suspend = await act('Suspend', 'Suspend', 'is refused from now on');
    await expectAccessible(page, 'suspend confirmation');
    await suspend.click();
    await poll(async () => row.textContent()).toContain('suspended');
    expect(await memberStatus(henry.memberId)).toBe('suspended');

    await (await act('Reactivate', 'Reactivate', 'gets back the access')).click();
    await poll(async () => row.textContent()).toContain('active');
    expect(await memberStatus(henry.memberId)).toBe('active');

    await (await act('Suspend', 'Suspend', 'sessions are signed out')).click();
    await poll(async () => row.textContent()).toContain('suspended');
    const before = await seatsUsed();
    const remove = await act('Remove', 'Remove for good', 'This cannot be undone');
    await expectAccessible(page, 'remove confirmation');
    await remove.click();
    await page.getByText('No members match.').waitFor();
    expect(await memberStatus(henry.memberId)).toBe(404);
    expect(await seatsUsed()).toBe(before - 1);
    await page.context().close();
  });

  it('offers nothing to do to the Owner, who is also the caller, and says why', async () => {
    const page = await asOwner();
    await searchMember(page, tenant.owner.email);
    await page.getByRole('radio', { name: `Select ${tenant.owner.email}` }).check();
    await page.getByRole('button', { name: 'Actions' }).click();
    for (const action of ['Suspend', 'Reactivate', 'Remove']) {
      const item = page.getByRole('menuitem', { name: new RegExp(action) });
      expect(await item.getAttribute('aria-disabled'), action).toBe('true');
    }
    // The reason is the disabled item's description (shown as its tooltip).
    await page.getByText('You cannot change your own status.').first().waitFor({ state: 'attached' });
    await page.context().close();
  });

  it("shows the API's refusal when an Admin tries to suspend another Admin", async () => {
    const admin = await joinedMember(tenant, ['admin'], 'admin-a');
    const other = await joinedMember(tenant, ['admin'], 'admin-b');
    const page = await signedIn(admin.email, admin.password);
    await searchMember(page, other.email);
    await page.getByRole('radio', { name: `Select ${other.email}` }).check();
    await page.getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('menuitem', { name: 'Suspend' }).click();
    const dialog = page.getByRole('dialog', { name: `Suspend ${other.email}?` });
    await dialog.getByRole('button', { name: 'Suspend' }).click();
    await dialog.getByText('Only the Owner can manage a member with Admin-level power.').waitFor();
    expect(await memberStatus(other.memberId)).toBe('active');
    await page.context().close();
  });
});

describe('permissions', () => {
  it('a Viewer sees the members and invitations but no Invite, Import or Actions, and no Resend or Revoke', async () => {
    const viewer = await joinedMember(tenant, ['viewer'], 'viewer');
    const page = await signedIn(viewer.email, viewer.password);
    await page.getByRole('row', { name: new RegExp(viewer.email) }).waitFor();
    for (const name of ['Invite people', 'Import CSV', 'Actions']) {
      expect(await page.getByRole('button', { name }).count(), name).toBe(0);
    }
    expect(await page.getByRole('radio').count()).toBe(0);
    await page.getByRole('tab', { name: 'Invitations' }).click();
    await page.getByRole('heading', { name: /^Invitations/ }).waitFor();
    await page.getByRole('row').nth(1).waitFor();
    for (const name of ['Resend', 'Revoke']) {
      expect(await page.getByRole('button', { name }).count(), name).toBe(0);
    }
    await page.context().close();
  });
});
