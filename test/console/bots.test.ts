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
  uniqueEmail,
} from '../support/browser';
import { api, signIn } from '../support/local-stack';

/** A journey of many steps, each waiting on the browser and the stack: more than the project's default. */
const JOURNEY_TIMEOUT = 240_000;

/**
 * Bots (SPEC §7, §9, §11 "Bots"; journey 6 of issue 14): an Owner registers a bot and shares it; a Member
 * without access finds it in the directory and asks for a role; the Owner approves or denies from the bot's
 * Access control page; invitations onto one bot from its Invites tab.
 */
let browser: Browser;
let tenant: TenantFixture;
const botId = 'support-bot';

beforeAll(async () => {
  browser = await launchBrowser();
  tenant = await tenantWithOwner('Bots Inc');
});

afterAll(async () => {
  await browser?.close();
});

const { signedInAt } = journeyPages(() => browser, 'bots');

const escaped = (text: string) => text.replace(/[.+]/g, '\\$&');

/** Chooses `option` in the multiselect labelled `label` of the open dialog or form, then closes its list. */
async function choose(page: Page, label: string, option: RegExp) {
  const trigger = page.getByRole('button', { name: new RegExp(`^${label}`) });
  await trigger.click();
  await page.getByRole('option', { name: option }).click();
  await trigger.click();
}

async function accessOf(principalId: string) {
  const response = await api(`/v1/tenants/${tenant.tenantId}/bots/${botId}/access`, { token: tenant.owner.idToken });
  expect(response.status).toBe(200);
  return (response.body.items as { principal: { id: string }; roles: { roleId: string }[] }[]).find(
    (entry) => entry.principal.id === principalId,
  );
}

describe('bots', () => {
  it(
    'an Owner registers a bot in the console and shares it with a member as Developer',
    async () => {
      const developer = await joinedMember(tenant, ['member'], 'developer');
      const { page, context, errors } = await signedInAt(
        `/t/${tenant.tenantId}/bots`,
        tenant.owner.email,
        tenant.owner.password,
      );
      await page.getByText('No bots yet.').waitFor();
      await page.getByRole('button', { name: 'Register bot' }).click();
      const register = page.getByRole('dialog');
      await register.getByLabel('Name').fill('Support Bot');
      await register.getByLabel('Bot id').fill(botId);
      await expectAccessible(page, 'register bot dialog');
      await register.getByRole('button', { name: 'Register' }).click();

      // Registration opens the bot's Access control page: the Owner is its Bot Owner.
      await eventually(() => new URL(page.url()).pathname).toBe(`/t/${tenant.tenantId}/bots/${botId}`);
      await page.getByRole('heading', { name: 'Access control: Support Bot' }).waitFor();
      const ownerRow = page.getByRole('row', { name: /Olivia Owner|owner-/ });
      await ownerRow.waitFor();
      expect(await ownerRow.textContent()).toContain('Bot Owner');
      const bot = await api(`/v1/tenants/${tenant.tenantId}/bots/${botId}`, { token: tenant.owner.idToken });
      expect(bot.body.myAccess.roles).toEqual(['bot-owner']);

      // Share with the developer.
      await page.getByRole('button', { name: 'Share' }).click();
      const share = page.getByRole('dialog');
      await share.getByLabel('Member').fill(developer.email.slice(0, 14));
      await page.getByRole('option', { name: new RegExp(escaped(developer.email)) }).click();
      await choose(page, 'Bot roles', /^Developer/);
      await expectAccessible(page, 'share dialog');
      await share.getByRole('button', { name: 'Share', exact: true }).click();
      const developerRow = page.getByRole('row', { name: new RegExp(escaped(developer.email)) });
      await developerRow.waitFor();
      expect(await developerRow.textContent()).toContain('Developer');
      expect((await accessOf(developer.memberId))?.roles).toEqual([{ roleId: 'bot-developer' }]);
      await expectAccessible(page, 'bot access: users');
      await saveScreenshot(page, 'bot-access');
      expect(errors).toEqual([]);
      await context.close();

      // The developer (collaborators:read, not manage) sees who has access, but may not share or decide.
      const dev = await signedInAt(`/t/${tenant.tenantId}/bots/${botId}`, developer.email, developer.password);
      await dev.page.getByRole('row', { name: new RegExp(escaped(developer.email)) }).waitFor();
      expect(await dev.page.getByRole('button', { name: 'Share' }).count()).toBe(0);
      expect(await dev.page.getByRole('tab', { name: 'Requests' }).count()).toBe(0);
      expect(await dev.page.getByRole('tab', { name: 'Invites' }).count()).toBe(0);
      await dev.context.close();
    },
    JOURNEY_TIMEOUT,
  );

  it(
    'a Member without access requests Tester from the directory; the Owner approves it from Requests',
    async () => {
      const requester = await joinedMember(tenant, ['member'], 'requester');
      const asker = await signedInAt(`/t/${tenant.tenantId}/bots`, requester.email, requester.password);
      const row = asker.page.getByRole('row', { name: /Support Bot/ });
      await row.waitFor();
      expect(await row.textContent()).toContain('No access');
      expect(await asker.page.getByRole('button', { name: 'Register bot' }).count()).toBe(0);
      await expectAccessible(asker.page, 'bots directory (member)');

      // Search narrows the directory by prefix.
      await asker.page.getByLabel('Search bots by name or id').fill('nothing-like-it');
      await asker.page.getByText('No bot matches.').waitFor();
      await asker.page.getByLabel('Search bots by name or id').fill('supp');
      await row.waitFor();

      await asker.page.getByRole('button', { name: 'Request access to Support Bot' }).click();
      const dialog = asker.page.getByRole('dialog');
      await dialog.getByRole('radio', { name: /^Tester/ }).check();
      await dialog.getByLabel('Reason').fill('I test the flows');
      await expectAccessible(asker.page, 'request access dialog');
      await dialog.getByRole('button', { name: 'Send request' }).click();
      await row.getByText('Access requested').waitFor();
      await saveScreenshot(asker.page, 'bots');
      const token = (await signIn(requester.email, requester.password)).idToken;
      const mine = await api(`/v1/tenants/${tenant.tenantId}/access-requests?mine=true&status=pending`, { token });
      expect(mine.body.items).toHaveLength(1);
      expect(mine.body.items[0]).toMatchObject({
        botId,
        roles: [{ roleId: 'bot-tester' }],
        reason: 'I test the flows',
      });
      await asker.context.close();

      const owner = await signedInAt(`/t/${tenant.tenantId}/bots/${botId}`, tenant.owner.email, tenant.owner.password);
      await owner.page.getByRole('tab', { name: 'Requests' }).click();
      const requestRow = owner.page.getByRole('row', { name: new RegExp(escaped(requester.email)) });
      await requestRow.waitFor();
      expect(await requestRow.textContent()).toContain('Tester');
      expect(await requestRow.textContent()).toContain('I test the flows');
      await expectAccessible(owner.page, 'bot access: requests');
      await owner.page.getByRole('button', { name: `Approve the request of ${requester.email}` }).click();
      const approve = owner.page.getByRole('dialog');
      await approve.getByRole('checkbox', { name: /Tester/ }).waitFor();
      await expectAccessible(owner.page, 'approve dialog');
      await approve.getByRole('button', { name: 'Approve', exact: true }).click();
      await owner.page.getByText('No pending requests.').waitFor();
      expect((await accessOf(requester.memberId))?.roles).toEqual([{ roleId: 'bot-tester' }]);
      const seen = await api(`/v1/tenants/${tenant.tenantId}/bots/${botId}`, { token });
      expect(seen.body.myAccess.roles).toEqual(['bot-tester']);
      await owner.context.close();
    },
    JOURNEY_TIMEOUT,
  );

  it(
    'the Owner denies a request with a reason; the request is denied and grants nothing',
    async () => {
      const requester = await joinedMember(tenant, ['member'], 'denied');
      const token = (await signIn(requester.email, requester.password)).idToken;
      const created = await api(`/v1/tenants/${tenant.tenantId}/access-requests`, {
        method: 'POST',
        token,
        body: { botId, roles: [{ roleId: 'bot-developer' }] },
      });
      expect(created.status).toBe(201);

      const owner = await signedInAt(`/t/${tenant.tenantId}/bots/${botId}`, tenant.owner.email, tenant.owner.password);
      await owner.page.getByRole('tab', { name: 'Requests' }).click();
      await owner.page.getByRole('button', { name: `Deny the request of ${requester.email}` }).click();
      const deny = owner.page.getByRole('dialog');
      await deny.getByLabel('Reason').fill('Not this quarter');
      await expectAccessible(owner.page, 'deny dialog');
      await deny.getByRole('button', { name: 'Deny', exact: true }).click();
      await owner.page.getByText('No pending requests.').waitFor();
      const request = await api(`/v1/tenants/${tenant.tenantId}/access-requests/${created.body.requestId}`, { token });
      expect(request.body).toMatchObject({ status: 'denied', denialReason: 'Not this quarter' });
      expect(await accessOf(requester.memberId)).toBeUndefined();
      await owner.context.close();
    },
    JOURNEY_TIMEOUT,
  );

  it(
    'the Owner invites a new email onto the bot from the Invites tab: a Member invitation with bot access',
    async () => {
      const email = uniqueEmail('bot-invitee');
      const owner = await signedInAt(`/t/${tenant.tenantId}/bots/${botId}`, tenant.owner.email, tenant.owner.password);
      await owner.page.getByRole('tab', { name: 'Invites' }).click();
      await owner.page.getByLabel('Emails').fill(email);
      await choose(owner.page, 'Bot roles', /^Tester/);
      await expectAccessible(owner.page, 'bot access: invites');
      await owner.page.getByRole('button', { name: 'Send invitations' }).click();
      await owner.page.getByText('1 invited').waitFor();
      await owner.page.getByRole('row', { name: new RegExp(escaped(email)) }).waitFor();

      const invitations = await api(`/v1/tenants/${tenant.tenantId}/invitations?status=pending`, {
        token: tenant.owner.idToken,
      });
      const invitation = (invitations.body.items as { email: string }[]).find((candidate) => candidate.email === email);
      expect(invitation).toMatchObject({
        roles: [{ roleId: 'member' }],
        botAccess: [{ botId, roles: [{ roleId: 'bot-tester' }] }],
      });

      // The same address again: the API's refusal shows, not a silent success.
      await owner.page.getByLabel('Emails').fill(email);
      await owner.page.getByRole('button', { name: 'Send invitations' }).click();
      await owner.page.getByText(/already invited/).waitFor();
      await owner.context.close();
    },
    JOURNEY_TIMEOUT,
  );
});
