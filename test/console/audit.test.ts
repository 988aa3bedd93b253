import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  expectAccessible,
  joinedMember,
  launchBrowser,
  openConsole,
  saveScreenshot,
  signInThroughConsole,
  type TenantFixture,
  tenantWithOwner,
  uniqueEmail,
} from '../support/browser';
import { api, drainStream, signIn } from '../support/local-stack';

/**
 * Journey 7 of issue 14: investigating with the Audit log. A fresh workspace with more than a page of
 * events; the owner reads them newest first, loads more, filters by action type, user, target and dates
 * (and sees the API's refusal of a combination it does not serve), opens an entry's changes, exports the
 * filter as CSV and downloads it, and sees the chain verified. A Manager (no audit:read) cannot see it.
 */
// Sign-in, axe on Cloudscape's large tables and the export worker take a while on a busy 2-core machine.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let browser: Browser;
let tenant: TenantFixture;
let agent: { email: string; password: string; memberId: string };
let manager: { email: string; password: string; memberId: string };
let page: Page;
const CSV_HEADER =
  'occurredAt,actor email,actor id,action,target type,target id,target label,changes,ip,user agent,request id,seq,hash';

interface Entry {
  action: string;
  actor: { id: string; email?: string };
  target: { type: string; id: string; label: string };
}

/** Every entry of a filter, newest first, straight from the API. */
async function auditEntries(query = ''): Promise<Entry[]> {
  const entries: Entry[] = [];
  let cursor: string | null = null;
  do {
    const response: { status: number; body: { items: Entry[]; nextCursor: string | null } } = await api(
      `/v1/tenants/${tenant.tenantId}/audit?limit=100${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token: tenant.owner.idToken },
    );
    expect(response.status).toBe(200);
    entries.push(...response.body.items);
    cursor = response.body.nextCursor;
  } while (cursor);
  return entries;
}

const rows = () => page.locator('tbody tr').filter({ has: page.getByRole('button', { name: /^Details of / }) });
const shownActions = () => rows().locator('code').allTextContents();
const shownActors = () => rows().locator('td:nth-child(2)').allTextContents();

async function openAuditLog(): Promise<void> {
  await page.goto(new URL(`/t/${tenant.tenantId}/audit`, page.url()).href);
  await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
  await rows().first().waitFor();
}

async function chooseAction(label: string): Promise<void> {
  await page.getByRole('button', { name: /^Action type/ }).click();
  await page.getByRole('option', { name: label, exact: false }).first().click();
}

beforeAll(async () => {
  browser = await launchBrowser();
  tenant = await tenantWithOwner(undefined, 60);
  agent = await joinedMember(tenant, ['agent'], 'agent');
  manager = await joinedMember(tenant, ['manager'], 'manager');
  const owner = { token: tenant.owner.idToken };
  const invite = (emails: string[]) =>
    api(`/v1/tenants/${tenant.tenantId}/invitations`, {
      method: 'POST',
      ...owner,
      body: { emails, roles: [{ roleId: 'member' }] },
    });
  // Enough events for more than one page of 25.
  expect((await invite(Array.from({ length: 20 }, (_, i) => uniqueEmail(`bulk${i}`)))).status).toBe(201);
  expect((await invite([uniqueEmail('alice'), uniqueEmail('bob')])).status).toBe(201);
  const role = await api(`/v1/tenants/${tenant.tenantId}/roles`, {
    method: 'POST',
    ...owner,
    body: { name: 'Auditors', permissions: ['audit:read'] },
  });
  expect(role.status).toBe(201);
  const suspended = await api(`/v1/tenants/${tenant.tenantId}/members/${agent.memberId}/suspend`, {
    method: 'POST',
    ...owner,
  });
  expect(suspended.status).toBeLessThan(300);
  await drainStream();

  ({ page } = await openConsole(browser, '/sign-in'));
  // A locator that never matches fails with its own message before the test's timeout.
  page.setDefaultTimeout(25_000);
  await signInThroughConsole(page, tenant.owner.email, tenant.owner.password);
});

afterAll(async () => {
  await browser?.close();
});

describe('reading the audit log', () => {
  it('shows the entries newest first, 25 at a time, with "Load more" for the rest, accessible', async () => {
    const all = await auditEntries();
    expect(all.length).toBeGreaterThan(25);
    expect(all[0]).toMatchObject({ action: 'member.suspended', target: { label: agent.email } });

    await openAuditLog();
    await expect.poll(() => rows().count()).toBe(25);
    expect(await shownActions()).toEqual(all.slice(0, 25).map((entry) => entry.action));
    const first = rows().first();
    expect(await first.textContent()).toContain(agent.email);
    expect(await first.textContent()).toContain(tenant.owner.email);
    expect(await page.getByRole('heading', { name: /Entries/ }).textContent()).toContain('(25+)');
    await expectAccessible(page, 'audit log');
    await saveScreenshot(page, 'audit');

    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => rows().count()).toBe(all.length);
    expect(await shownActions()).toEqual(all.map((entry) => entry.action));
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
  });

  it("opens an entry's changes as fields before and after, and follows its target's history", async () => {
    await openAuditLog();
    await page.getByRole('button', { name: `Details of member.suspended on ${agent.email}` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: `member.suspended · ${agent.email}` }).waitFor();
    const status = dialog.getByRole('row', { name: /^status/ });
    expect(await status.locator('td').allTextContents()).toEqual(['active', 'suspended', 'changed']);
    expect(await dialog.textContent()).toContain(agent.memberId);
    await expectAccessible(page, 'audit entry details');

    await dialog.getByRole('button', { name: "Show this target's history" }).click();
    await expect.poll(shownActions).toEqual(['member.suspended', 'member.joined', 'member.invited']);
    expect(await page.getByLabel('Target', { exact: true }).inputValue()).toBe(agent.memberId);
  });
});

describe('filtering', () => {
  it('the action type member.* shows only member events', async () => {
    const members = await auditEntries('&action=member.');
    await openAuditLog();
    await chooseAction('member.*');
    await expect.poll(shownActions).toEqual(members.slice(0, 25).map((entry) => entry.action));
    expect((await shownActions()).every((action) => action.startsWith('member.'))).toBe(true);
    // The whole log has other events: a role and the tenant itself.
    expect((await auditEntries()).some((entry) => !entry.action.startsWith('member.'))).toBe(true);
    await expectAccessible(page, 'audit log filtered by action type');
  });

  it('a member picked by email shows what they did; a pasted user id works too', async () => {
    await openAuditLog();
    const user = page.getByRole('combobox', { name: 'User' });
    await user.fill(agent.email.slice(0, 10));
    await page.getByRole('option', { name: new RegExp(agent.email.replace(/[.+]/g, '\\$&')) }).click();
    await expect.poll(shownActions).toEqual(['member.joined']);
    expect(await shownActors()).toEqual([agent.email]);

    const ownerId = (await auditEntries('&action=member.joined')).find(
      (entry) => entry.actor.email === tenant.owner.email,
    )?.actor.id;
    expect(ownerId).toBeTruthy();
    const ownersActions = (await auditEntries(`&actorId=${ownerId}`)).map((entry) => entry.action);
    await user.fill(ownerId as string);
    await page.getByRole('option', { name: `Use the user id "${ownerId}"` }).click();
    await expect.poll(shownActions).toEqual(ownersActions.slice(0, 25));
    expect(new Set(await shownActors())).toEqual(new Set([tenant.owner.email]));
  });

  it("a user and a target together is a combination the API refuses: the console shows the API's reason", async () => {
    const refused = await api(
      `/v1/tenants/${tenant.tenantId}/audit?actorId=system&targetId=${encodeURIComponent(agent.memberId)}`,
      { token: tenant.owner.idToken },
    );
    expect(refused.status).toBe(400);

    await openAuditLog();
    const user = page.getByRole('combobox', { name: 'User' });
    await user.fill('system');
    await page.getByRole('option', { name: 'Use the user id "system"' }).click();
    const target = page.getByLabel('Target', { exact: true });
    await target.fill(agent.memberId);
    await target.press('Enter');
    const problem = page.getByTestId('problem');
    await problem.waitFor();
    expect(await problem.textContent()).toContain(refused.body.detail);
    expect(await problem.textContent()).toContain('not both');
    expect(await rows().count()).toBe(0);
    await expectAccessible(page, 'audit log with a refused filter');
  });

  it('a date range that excludes every entry shows an empty log, and the chain of that range verifies', async () => {
    await openAuditLog();
    await page
      .getByRole('button', { name: /Date range/ })
      .first()
      .click();
    await page.getByLabel('Start date').fill('2020/01/01');
    await page.getByLabel('End date').fill('2020/01/31');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('No entries match these filters.').waitFor();
    expect(await rows().count()).toBe(0);
    await expect.poll(() => page.getByTestId('integrity').textContent()).toBe('Chain verified (0 events)');
    await expectAccessible(page, 'audit log with an empty date range');
  });
});

describe('integrity and export', () => {
  it('the badge shows the whole chain verified, with the number of events', async () => {
    const verified = await api(`/v1/tenants/${tenant.tenantId}/audit/verify`, { token: tenant.owner.idToken });
    expect(verified.body).toMatchObject({ ok: true, complete: true });
    await openAuditLog();
    await expect
      .poll(() => page.getByTestId('integrity').textContent())
      .toBe(`Chain verified (${verified.body.checked} events)`);
    await page.getByRole('button', { name: 'Verify the chain again' }).click();
    await expect
      .poll(() => page.getByTestId('integrity').textContent())
      .toBe(`Chain verified (${verified.body.checked} events)`);
  });

  it('exports the filtered log: progress, then a download link whose CSV has the header and one row per entry', async () => {
    const members = await auditEntries('&action=member.');
    await openAuditLog();
    await chooseAction('member.*');
    await expect.poll(() => rows().first().locator('code').textContent()).toBe('member.suspended');
    // Record every state the export panel shows, however briefly.
    await page.evaluate(`(() => {
      const seen = (window.exportStates = []);
      new MutationObserver(() => {
        for (const header of ['Exporting the audit log', 'Export ready']) {
          if (document.body.textContent.includes(header) && seen.at(-1) !== header) seen.push(header);
        }
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    })()`);
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const download = page.getByRole('link', { name: 'Download CSV' });
    await download.waitFor({ timeout: 30_000 });
    expect(await page.evaluate('window.exportStates')).toEqual(['Exporting the audit log', 'Export ready']);
    expect(await page.getByTestId('export-row-count').textContent()).toBe(`${members.length} rows`);
    await expectAccessible(page, 'audit export ready');

    const href = await download.getAttribute('href');
    expect(href).toBeTruthy();
    const csv = await fetch(href as string);
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).trimEnd().split('\n');
    expect(lines[0]).toBe(CSV_HEADER);
    expect(lines).toHaveLength(members.length + 1);
    expect(lines.slice(1).every((line) => line.includes(',member.'))).toBe(true);

    // The browser downloads it too: the console's CSP does not stand in the way of a link.
    const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
    const saved = await readFile((await file.path()) as string, 'utf8');
    expect(saved.split('\n')[0]).toBe(CSV_HEADER);

    // The export is itself in the log.
    await drainStream();
    const exported = await auditEntries('&action=audit.exported');
    expect(exported).toHaveLength(1);
  });
});

describe('who may see it', () => {
  it('a Manager (no audit:read) is told the audit log is not for their role, and gets no entries', async () => {
    const refused = await api(`/v1/tenants/${tenant.tenantId}/audit`, {
      token: (await signIn(manager.email, manager.password)).idToken,
    });
    expect(refused.status).toBe(403);
    const { page: managerPage, context } = await openConsole(browser, '/sign-in');
    await signInThroughConsole(managerPage, manager.email, manager.password);
    await managerPage.goto(new URL(`/t/${tenant.tenantId}/audit`, managerPage.url()).href);
    await managerPage.getByTestId('no-audit-access').waitFor();
    expect(await managerPage.getByRole('button', { name: 'Export CSV' }).count()).toBe(0);
    expect(await managerPage.locator('tbody tr').count()).toBe(0);
    const navigation = managerPage.getByRole('navigation').last();
    expect(await navigation.getByRole('link', { name: 'Audit log', exact: true }).count()).toBe(0);
    await expectAccessible(managerPage, 'audit log without audit:read');
    await context.close();
  });

  it('a Viewer (audit:read without audit:export) reads the log but is offered no export', async () => {
    const viewer = await joinedMember(tenant, ['viewer'], 'viewer');
    await drainStream();
    const { page: viewerPage, context } = await openConsole(browser, '/sign-in');
    await signInThroughConsole(viewerPage, viewer.email, viewer.password);
    await viewerPage.goto(new URL(`/t/${tenant.tenantId}/audit`, viewerPage.url()).href);
    const first = viewerPage
      .locator('tbody tr')
      .filter({ has: viewerPage.getByRole('button', { name: /^Details of / }) })
      .first();
    await first.waitFor();
    expect(await first.locator('code').textContent()).toBe('member.joined');
    expect(await first.textContent()).toContain(viewer.email);
    await viewerPage.getByRole('button', { name: 'Verify the chain again' }).waitFor();
    expect(await viewerPage.getByRole('button', { name: 'Export CSV' }).count()).toBe(0);
    await context.close();
  });
});
