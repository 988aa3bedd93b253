import { defineConfig } from 'vitest/config';

/**
 * Four projects, one run (`npm test` starts the local stack first and passes its environment):
 * - unit: pure logic and adapters with aws-sdk-client-mock; no emulator.
 * - integration: services and handlers against the emulators. Test files make their own tenants, so
 *   they run in parallel (and alongside e2e) against the one stack.
 * - infra: CDK synth + assertions + cdk-nag; synth is heavy (seconds, hundreds of MB), so one file at a
 *   time, with generous timeouts.
 * - e2e: HTTP against the local API server, as a client would.
 * - console: the web console (SPEC §11) in a real Chromium against the same stack (test/support/browser.ts).
 *   Each file runs its own browser and makes its own tenant, so files run in parallel like the others.
 * Select one with `npm test -- --project unit` (unit and infra alone start no stack).
 */
export default defineConfig({
  test: {
    pool: 'forks',
    // Output of passing tests (logs, prints, library chatter) stays hidden; a failing test shows its own.
    // LOG_LEVEL=DEBUG|INFO|… shows everything (test/support/quiet-output.ts, test/unit/test-output.test.ts).
    silent: process.env.LOG_LEVEL ? false : 'passed-only',
    setupFiles: ['test/support/quiet-output.ts'],
    // `npm test` passes --run; a bare `npx vitest` should not watch in CI either.
    watch: false,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // The fixture only runs when test/unit/test-output.test.ts starts vitest on it.
          include: [
            'test/unit/**/*.test.ts',
            ...(process.env.NOISY_OUTPUT_FIXTURE === '1' ? ['test/fixtures/*.fixture.ts'] : []),
          ],
          testTimeout: 10_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          maxWorkers: 1,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'console',
          include: ['test/console/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
