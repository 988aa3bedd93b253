import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../infra/paths';

/**
 * Green test runs are quiet: what handlers log (JSON records), what tests print and what libraries write
 * to stderr shows only for a test that fails, or for every test when LOG_LEVEL asks for logs. Runs
 * vitest with this repository's configuration on test/fixtures/noisy-output.fixture.ts.
 */
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

function runFixture(env: Record<string, string>): { code: number | null; output: string } {
  const { LOG_LEVEL: _ignored, ...inherited } = process.env;
  const result = spawnSync(
    process.execPath,
    [vitest, 'run', '--project', 'unit', 'test/fixtures/noisy-output.fixture.ts'],
    {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...inherited, NOISY_OUTPUT_FIXTURE: '1', POWERTOOLS_LOG_LEVEL: 'INFO', CI: 'true', ...env },
      timeout: 60_000,
    },
  );
  return { code: result.status, output: `${result.stdout}\n${result.stderr}` };
}

describe('test output', () => {
  it('a green run shows no log line, console output or stderr of its tests', () => {
    const { code, output } = runFixture({});
    expect(code).toBe(0);
    expect(output).toContain('2 passed');
    expect(output).not.toContain('MARKER-');
  }, 90_000);

  it("a failing test's logs are shown, and only that test's", () => {
    const { code, output } = runFixture({ FIXTURE_FAIL: '1' });
    expect(code).toBe(1);
    expect(output).toContain('MARKER-FAILING logger');
    expect(output).toContain('MARKER-FAILING console');
    expect(output).toContain('MARKER-FAILING stderr');
    expect(output).not.toContain('MARKER-PASSING');
  }, 90_000);

  it('LOG_LEVEL shows every log', () => {
    const { code, output } = runFixture({ LOG_LEVEL: 'INFO' });
    expect(code).toBe(0);
    expect(output).toContain('MARKER-PASSING logger');
    expect(output).toContain('MARKER-PASSING console');
  }, 90_000);
});
