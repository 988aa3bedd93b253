import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { ulid } from 'ulidx';
import { afterEach, expect } from 'vitest';
import { api, signIn as apiSignIn, drainStream, mailbox, seed, stackInfo } from './local-stack';

/**
 * Console tests drive the real console (served by `npm test`'s local stack at stack.json's `consoleUrl`)
 * in a real Chromium through playwright-core. Playwright's own browser download does not work on these
 * machines; the system Chromium does (`.ci/run` installs Debian's `chromium` when it is missing).
 * CHROMIUM_PATH overrides the executable.
 */
export function chromiumPath(): string {
  const candidates = [
    process.env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    // Where `npx playwright install chromium` puts its browser, on machines that can download it.
    chromium.executablePath(),
  ];
  const found = candidates.find((candidate): candidate is string => Boolean(candidate && existsSync(candidate)));
  if (!found) {
    throw new Error(
      "No Chromium found: install Debian's chromium package (apt-get install chromium), run `npx playwright install chromium`, or set CHROMIUM_PATH",
    );
  }
  return found;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath() });
}

export interface ConsolePage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Errors the page reported: uncaught exceptions, console errors (CSP violations among them). */
  readonly errors: string[];
}

/** A fresh browser context (no cookies, no storage) with a page that records its errors. */
export async function openConsole(browser: Browser, path = '/'): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // A refused API call logs "Failed to load resource"; tests that expect refusals assert on the screen.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(`console: ${message.text()}`);
    }
  });
  await page.goto(new URL(path, stackInfo().consoleUrl).href);
  return { page, context, errors };
}

/** Signs in through the console's sign-in form and waits for the first signed-in screen. */
export async function signInThroughConsole(page: Page, email: string, password: string): Promise<void> {
  if (!page.url().includes('/sign-in')) await page.goto(new URL('/sign-in', stackInfo().consoleUrl).href);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}

/** axe-core on the current page: no serious or critical violations (they are listed when the test fails). */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const blocking = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
  expect(blocking, `accessibility of ${label}`).toEqual([]);
}

/**
 * Saves a README screenshot (docs/screenshots/<name>.png) when SCREENSHOTS=1, so ordinary runs leave the
 * working tree alone. JPEG would be smaller, but PNG keeps text crisp; the viewport keeps files small.
 */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS !== '1') return;
  const dir = resolve(import.meta.dirname, '..', '..', 'docs', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`) });
}

export const uniqueEmail = (label: string) => `${label}-${ulid().toLowerCase()}@example.com`;
export const newPassword = () => `Pw-${ulid()}-ui!`;

/** The invitation token in the last email sent to `to`. */
export async function invitationTokenFor(to: string): Promise<string> {
  await drainStream();
  const text = (await mailbox({ to })).at(-1)?.body.text ?? '';
  const match = /accept-invite\?token=([A-Za-z0-9_-]+)/.exec(text);
  if (!match?.[1]) throw new Error(`no invitation link in the mail to ${to}`);
  return match[1];
}

/** The accept link in the last invitation mailed to `to`, exactly as the email has it. */
export async function invitationLinkFor(to: string): Promise<string> {
  await drainStream();
  const text = (await mailbox({ to })).at(-1)?.body.text ?? '';
  const match = /(https?:\/\/\S+\/accept-invite\?token=[A-Za-z0-9_-]+)/.exec(text);
  if (!match?.[1]) throw new Error(`no invitation link in the mail to ${to}`);
  return match[1];
}

export interface TenantFixture {
  readonly tenantId: string;
  readonly owner: { readonly email: string; readonly password: string; readonly idToken: string };
}

/** A new tenant made over HTTP by the platform admin, its Owner joined with a password. */
export async function tenantWithOwner(name = `Console ${ulid()}`, seatLimit = 25): Promise<TenantFixture> {
  const admin = await apiSignIn(seed().platformAdmin.email, seed().platformAdmin.password);
  const email = uniqueEmail('owner');
  const created = await api('/v1/tenants', {
    method: 'POST',
    token: admin.idToken,
    body: { name, ownerEmail: email, seatLimit },
  });
  if (created.status !== 201) throw new Error(`tenant creation failed: ${JSON.stringify(created.body)}`);
  const password = newPassword();
  const accepted = await api('/v1/invitations/accept', {
    method: 'POST',
    body: { token: await invitationTokenFor(email), password, displayName: 'Olivia Owner' },
  });
  if (accepted.status >= 300) throw new Error(`owner acceptance failed: ${JSON.stringify(accepted.body)}`);
  const tokens = await apiSignIn(email, password);
  return { tenantId: created.body.tenantId as string, owner: { email, password, idToken: tokens.idToken } };
}

/** A member invited over HTTP by the Owner with `roleIds`, who joined with a password. */
export async function joinedMember(
  tenant: TenantFixture,
  roleIds: readonly string[],
  label = 'member',
): Promise<{ email: string; password: string; memberId: string }> {
  const email = uniqueEmail(label);
  const invited = await api(`/v1/tenants/${tenant.tenantId}/invitations`, {
    method: 'POST',
    token: tenant.owner.idToken,
    body: { emails: [email], roles: roleIds.map((roleId) => ({ roleId })) },
  });
  if (invited.status !== 201 || invited.body.created.length !== 1) {
    throw new Error(`invitation failed: ${JSON.stringify(invited.body)}`);
  }
  const password = newPassword();
  const accepted = await api('/v1/invitations/accept', {
    method: 'POST',
    body: { token: await invitationTokenFor(email), password },
  });
  if (accepted.status >= 300) throw new Error(`acceptance failed: ${JSON.stringify(accepted.body)}`);
  return { email, password, memberId: invited.body.created[0].memberId as string };
}

/** expect.poll with room for a loaded machine (its default gives up after one second). */
export const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 20_000 });

/**
 * Signs in through the console from a deep link, for journeys that open several pages: each page is
 * recorded, so that a failed test can leave a screenshot of each (see `failureScreenshots`).
 */
export function journeyPages(browser: () => Browser, label: string) {
  let pages: Page[] = [];
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') {
      await Promise.all(
        pages.map((page, i) => page.screenshot({ path: `/tmp/${label}-test-failure-${i}.png` }).catch(() => undefined)),
      );
    }
    pages = [];
  });
  return {
    /** Opens `path`, signs in when asked to, and waits until the console is back at `path`. */
    async signedInAt(path: string, email: string, password: string): Promise<ConsolePage> {
      const opened = await openConsole(browser(), path);
      // A missing element fails its step with the locator named, well within the test's timeout.
      opened.page.setDefaultTimeout(20_000);
      pages.push(opened.page);
      await eventually(() => opened.page.url()).toContain('/sign-in?next=');
      await signInThroughConsole(opened.page, email, password);
      await eventually(() => new URL(opened.page.url()).pathname).toBe(path);
      return opened;
    },
  };
}
