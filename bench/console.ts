import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { ulid } from 'ulidx';
import type { StackInfo } from '../scripts/local/stack';
import { chromiumPath } from '../test/support/browser';
import { call } from './invoke';
import { type BenchContext, type Figure, figure, median } from './lib';
import type { LoadedTenant } from './load-data';

/**
 * Figure 11, the web console (issue 14), in the system Chromium against the bench's local stack and the
 * loaded tenant (quick: 300 members, full: 10,000; the Users table reads one page of 50 either way).
 *
 * - Initial JS + CSS: every script and stylesheet the browser fetched to show the sign-in view, then to
 *   sign in and show the Users view, each gzipped as CloudFront serves them (level 6). Fonts and the
 *   lazily loaded screens are not in it. Target: at most 450 KB.
 * - Users interactive: from a click on "Users" in the side navigation (another screen open, the code
 *   loaded) to the first page of members drawn in the table, against the time the browser spent waiting
 *   for the API within that interval (the union of the API requests' resource timings, from the first
 *   request's start to the last response's end): what the console adds on top of the API. Target 1.5.
 */
export async function measureConsole(ctx: BenchContext, info: StackInfo, tenant: LoadedTenant): Promise<Figure[]> {
  const admin = await adminWithPassword(ctx, info, tenant);
  const browser = await chromium.launch({ executablePath: chromiumPath() });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const assets = new Map<string, number>();
    const consoleOrigin = new URL(info.consoleUrl).origin;
    page.on('response', async (response) => {
      const type = response.request().resourceType();
      if ((type === 'script' || type === 'stylesheet') && new URL(response.url()).origin === consoleOrigin) {
        const body = await response.body().catch(() => undefined);
        if (body) assets.set(response.url(), gzipSync(body, { level: 6 }).length);
      }
    });
    const kb = () => [...assets.values()].reduce((sum, bytes) => sum + bytes, 0) / 1024;

    await page.goto(info.consoleUrl);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.waitForLoadState('networkidle');
    const signInKb = kb();
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await firstMembersPage(page);
    await page.waitForLoadState('networkidle');
    const usersKb = kb();
    const initialFiles = assets.size;

    const samples = ctx.quick ? 2 : 15;
    const interactive: number[] = [];
    const apiWait: number[] = [];
    for (let i = 0; i < samples; i++) {
      // A fresh load of another screen: the Users data is not in the query cache, the code is.
      await page.goto(new URL(`/t/${tenant.tenantId}/bots`, info.consoleUrl).href);
      await page.getByRole('link', { name: 'Users', exact: true }).waitFor();
      await page.waitForLoadState('networkidle');
      await page.evaluate(() => performance.clearResourceTimings());
      // Clicked and observed inside the page: Playwright's actionability checks and polling are not the console's time.
      const { started, ended } = await page.evaluate<{ started: number; ended: number }>(CLICK_USERS_AND_WAIT);
      const spans = await page.evaluate(
        ({ apiOrigin, from }) =>
          performance
            .getEntriesByType('resource')
            .filter((entry) => entry.name.startsWith(apiOrigin) && entry.startTime >= from)
            .map(
              (entry) =>
                [entry.startTime, (entry as unknown as { responseEnd: number }).responseEnd, entry.name] as const,
            ),
        { apiOrigin: new URL(info.apiUrl).origin, from: started },
      );
      if (spans.length === 0) throw new Error('the Users view made no API request');
      if (process.env.BENCH_DEBUG)
        ctx.log(
          JSON.stringify({
            total: ended - started,
            spans: spans.map(([a, b, n]) => [Math.round(a - started), Math.round(b - started), n.slice(-60)]),
          }),
        );
      interactive.push(ended - started);
      apiWait.push(Math.max(...spans.map(([, end]) => end)) - Math.min(...spans.map(([start]) => start)));
    }
    // The floor: the same click with the data already in the query cache (fresh for 10 s), so no request.
    const fromCache: number[] = [];
    for (let i = 0; i < samples; i++) {
      await page.getByRole('link', { name: 'Bots', exact: true }).click();
      // The Bots screen fully shown (its code and data loaded) before the click on Users: otherwise the
      // click lands in the middle of the Bots navigation.
      await page.getByRole('heading', { name: /^Bots/ }).first().waitFor();
      await page.waitForLoadState('networkidle');
      await page.evaluate(() => performance.clearResourceTimings());
      const { started, ended } = await page
        .evaluate<{ started: number; ended: number }>(CLICK_USERS_AND_WAIT)
        .catch(async (error: unknown) => {
          if (process.env.BENCH_DEBUG)
            await page.screenshot({ path: join(ctx.tmpDir, '..', 'bench-console-failure.png') });
          throw error;
        });
      fromCache.push(ended - started);
      // Back on Users from a fresh load before the next sample, so the cache holds only this page's data.
      await page.goto(new URL(`/t/${tenant.tenantId}/users`, info.consoleUrl).href);
      await firstMembersPage(page);
    }
    await context.close();
    return [
      figure({
        name: '11. console initial JS+CSS, sign-in view',
        value: signInKb,
        unit: 'KB gz',
        target: { on: 'value', max: 450 },
        note: 'scripts and stylesheets the browser fetched for the sign-in view, gzipped (level 6)',
      }),
      figure({
        name: '11. console initial JS+CSS, sign-in + Users',
        value: usersKb,
        unit: 'KB gz',
        target: { on: 'value', max: 450 },
        note: `${initialFiles} files: everything fetched until the Users table showed its first page; other screens load on demand`,
      }),
      figure({
        name: '11. Users tab interactive vs API wait',
        value: median(interactive),
        unit: 'ms',
        baseline: median(apiWait),
        target: { on: 'ratio', max: 1.5 },
        note: `p50 of ${samples}: click on Users to the first page drawn, against the span of the API requests it waited for (${tenant.counts.active + tenant.counts.invited + tenant.counts.suspended} members)`,
      }),
      figure({
        name: '11. Users tab drawn from the cache',
        value: median(fromCache),
        unit: 'ms',
        note: `p50 of ${samples}: the same click with the first page already cached (no request): what drawing the screen costs, the floor under the ratio above`,
      }),
    ];
  } finally {
    await browser.close();
  }
}

/**
 * Run in the page (a string: this file is type-checked without the DOM library): clicks the Users link and
 * resolves once the table's first page and the seat indicator are in the DOM and painted.
 */
const CLICK_USERS_AND_WAIT = `new Promise((resolve, reject) => {
  const link = [...document.querySelectorAll('a')].find((anchor) => anchor.textContent === 'Users');
  if (!link) return reject(new Error('no Users link'));
  const drawn = () =>
    document.querySelectorAll('table tbody tr').length > 1 &&
    document.querySelector('[data-testid="seat-indicator"]') !== null;
  // A page that never draws fails the run with what it shows instead of hanging it.
  const timeout = setTimeout(() => {
    observer.disconnect();
    reject(new Error('the Users table did not draw within 60 s: ' + location.pathname + ' ' + document.body.innerText.slice(0, 300)));
  }, 60000);
  const observer = new MutationObserver(() => {
    if (!drawn()) return;
    observer.disconnect();
    clearTimeout(timeout);
    requestAnimationFrame(() => setTimeout(() => resolve({ started, ended: performance.now() })));
  });
  observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  const started = performance.now();
  link.click();
})`;

/** Waits until the members table shows rows (its first page). */
async function firstMembersPage(page: Page): Promise<void> {
  await page.getByTestId('seat-indicator').waitFor();
  await page.locator('table tbody tr').nth(1).waitFor();
}

/**
 * An Admin of the loaded tenant with a real Cognito identity (the loaded Owner's is synthetic): invited by
 * the Owner through the invitations handler, accepted over HTTP with a password, as a person would.
 */
async function adminWithPassword(
  ctx: BenchContext,
  info: StackInfo,
  tenant: LoadedTenant,
): Promise<{ email: string; password: string }> {
  const { routes } = await import('../shared/http/routes');
  const email = `console-bench-${ulid().toLowerCase()}@example.com`;
  const password = `Pw-${ulid()}-bench!`;
  const since = Math.floor(Date.now() / 1000) - 1;
  await call(
    routes.createInvitations,
    {
      identity: tenant.owner.identity,
      params: { tenantId: tenant.tenantId },
      body: { emails: [email], roles: [{ roleId: 'admin' }] },
    },
    201,
  );
  let token: string | undefined;
  for (let attempt = 0; attempt < 100 && !token; attempt++) {
    const { emails } = (await (await fetch(`${info.mailbox.url}?since=${since}`)).json()) as {
      emails: { destination: { to: string[] }; body: { text?: string } }[];
    };
    const mail = emails.find((candidate) => candidate.destination.to.includes(email));
    token = /accept-invite\?token=([A-Za-z0-9_-]+)/.exec(mail?.body.text ?? '')?.[1];
    if (!token) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!token) throw new Error(`no invitation mail reached ${email}`);
  const accepted = await fetch(`${info.apiUrl}/v1/invitations/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, password, displayName: 'Bench Admin' }),
  });
  if (!accepted.ok) throw new Error(`accept failed: ${accepted.status} ${await accepted.text()}`);
  ctx.log('console: admin joined the loaded tenant');
  return { email, password };
}
