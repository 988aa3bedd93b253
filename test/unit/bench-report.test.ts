import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { figure } from '../../bench/lib';
import {
  GENERATED_END,
  GENERATED_START,
  performanceDoc,
  type RunInfo,
  renderReport,
  withReport,
} from '../../bench/report';

/**
 * docs/PERFORMANCE.md's tables are generated from bench/results.json by a full `npm run bench`: the run
 * must find its markers in the document, replace only what lies between them, and say which commit,
 * machine and load the numbers come from.
 */
const run: RunInfo = {
  mode: 'full',
  date: '2026-12-01T17:00:00.000Z',
  durationSeconds: 1500,
  node: 'v20.20.2',
  cpus: 2,
  cpuModel: 'Test CPU @ 2.0GHz',
  memoryGiB: 8,
  commit: '0123456789abcdef0123456789abcdef01234567',
  dirty: false,
  loadAverageAtStart: [1.5, 2, 2.5],
  loadAverageAtEnd: [3, 2.5, 2],
};

const figures = [
  figure({
    name: '3. ability build + check, 100 rules',
    value: 3.4,
    unit: 'µs CPU',
    baseline: 2.4,
    target: { on: 'value', max: 20 },
  }),
  figure({
    name: '7. bulk invite, 100 addresses',
    value: 1300,
    unit: 'ms',
    baseline: 1000,
    target: { on: 'ratio', max: 1.25 },
  }),
  figure({ name: '9. GET /bots ScannedCount/Count', value: 1, unit: 'ratio', target: { on: 'value', max: 1.25 } }),
];

describe('the generated part of docs/PERFORMANCE.md', () => {
  it('names the commit, the machine and the load, and counts the targets met', () => {
    const report = renderReport(run, figures);
    expect(report).toContain('commit `0123456`');
    expect(report).toContain('2 × Test CPU @ 2.0GHz, 8 GiB, Node v20.20.2');
    expect(report).toContain('1.5 / 2.0 / 2.5 at the start');
    expect(report).toContain('**2 of 3 targets met.**');
    expect(report).toMatch(
      /\| bulk invite, 100 addresses \| 1300 ms \| 1000 ms \| 1.30 \| ratio ≤ 1.25 \| \*\*not met\*\* \|/,
    );
    expect(report).toContain('#### 9. Bots');
  });

  it('says when the measured tree had uncommitted changes', () => {
    expect(renderReport({ ...run, dirty: true }, figures)).toContain('with uncommitted changes');
  });

  it('replaces only what lies between the markers', () => {
    const document = `# Title\n\nbefore\n\n${GENERATED_START}\n\nold tables\n\n${GENERATED_END}\n\nafter\n`;
    const updated = withReport(document, 'new tables');
    expect(updated).toBe(`# Title\n\nbefore\n\n${GENERATED_START}\n\nnew tables\n${GENERATED_END}\n\nafter\n`);
    expect(withReport(updated, 'newer tables')).toContain('newer tables');
    expect(withReport(updated, 'newer tables')).not.toContain('new tables\n');
  });

  it('refuses a document without its markers rather than appending somewhere', () => {
    expect(() => withReport('# no markers here\n', 'tables')).toThrow(/markers/);
  });

  it('finds both markers in docs/PERFORMANCE.md, in order', () => {
    const document = readFileSync(performanceDoc, 'utf8');
    expect(document.indexOf(GENERATED_START)).toBeGreaterThan(0);
    expect(document.indexOf(GENERATED_END)).toBeGreaterThan(document.indexOf(GENERATED_START));
  });
});
