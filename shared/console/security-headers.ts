/**
 * The console's security headers: one definition for CloudFront's response-headers policy
 * (infra/constructs/console-hosting.ts) and the local console server (scripts/local/console-server.ts), so
 * the browser tests run under the same Content-Security-Policy a stage serves.
 *
 * Scripts come only from the console's own origin (no inline scripts, no eval). Styles allow inline
 * `style` attributes, which Cloudscape's components set (positions of dropdowns and popovers); that cannot
 * run code. The API and Cognito are the only other origins the console talks to.
 */
export interface ConsoleCspOptions {
  /** Origins the console calls with fetch: the API and the Cognito endpoint. */
  readonly connectSrc: readonly string[];
}

export function consoleContentSecurityPolicy(options: ConsoleCspOptions): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' ${options.connectSrc.join(' ')}`.trim(),
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers besides the CSP, as CloudFront's policy sets them. */
export const consoleSecurityHeaders = {
  'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
} as const;
