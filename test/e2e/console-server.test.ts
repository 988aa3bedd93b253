import { describe, expect, it } from 'vitest';
import { stackInfo } from '../support/local-stack';

/**
 * The console as the local stack serves it (scripts/local/console-server.ts), standing in for CloudFront:
 * deep links open the app, config.json describes this stack, files outside dist/ are unreachable, and every
 * answer carries the security headers a stage sends.
 */
const get = (path: string) => fetch(new URL(path, stackInfo().consoleUrl), { redirect: 'manual' });

describe('the local console server', () => {
  it('serves the app at / and at any deep link (the SPA fallback), with the security headers', async () => {
    for (const path of ['/', '/t/01ABC/users', '/accept-invite?token=abc']) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await response.text()).toContain('<div id="root">');
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain(new URL(stackInfo().apiUrl).origin);
      expect(csp).toContain(new URL(stackInfo().cognito.endpoint).origin);
      expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('answers config.json with this stack’s API and Cognito settings, never cached', async () => {
    const response = await get('/config.json');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { apiUrl, region, cognito } = stackInfo();
    expect(await response.json()).toEqual({ apiUrl, region, cognito });
  });

  it('refuses files that do not exist and paths that climb out of dist/', async () => {
    expect((await get('/assets/nothing-here.js')).status).toBe(404);
    for (const path of ['/..%2Fpackage.json', '/%2e%2e/%2e%2e/package.json', '/assets/..%2F..%2Fvite.config.ts']) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(await response.text()).not.toContain('"dependencies"');
    }
  });

  it('serves hashed assets as immutable and the page itself as revalidated', async () => {
    const html = await (await get('/')).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await get(script!);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await get('/')).headers.get('cache-control')).toBe('no-cache');
  });
});
