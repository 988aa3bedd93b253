/**
 * `npx tsx bench/report.ts [bench/results.json]`: the results of a run as the markdown tables of
 * docs/PERFORMANCE.md (one per figure), so the document is updated from the file, not retyped.
 */
import { readFileSync } from 'node:fs';
import { describeTarget, type Figure, formatNumber } from './lib';

const file = process.argv[2] ?? new URL('./results.json', import.meta.url).pathname;
const { run, figures } = JSON.parse(readFileSync(file, 'utf8')) as { run: Record<string, unknown>; figures: Figure[] };

const fmt = (n: number | null) => formatNumber(n, '–');
const met = (f: Figure) => (f.met === null ? '' : f.met ? 'met' : '**not met**');

const titles: Record<string, string> = {
  '1': '1. Cold start proxy (bundle size and module init)',
  '2': '2. Request overhead',
  '3': '3. Authorization CPU',
  '4': '4. Query efficiency',
  '5': '5. Stream → audit lag',
  '6': '6. Export',
  '7': '7. Bulk invite',
  '8': '8. Authorization decisions',
};

const out: string[] = [
  `Run: ${run.mode}, ${String(run.date).slice(0, 16).replace('T', ' ')} UTC, Node ${run.node}, ${run.cpus} cores, ${run.durationSeconds} s.`,
  '',
];
for (const [number, title] of Object.entries(titles)) {
  const rows = figures.filter((f) => f.name.startsWith(`${number}. `));
  if (rows.length === 0) continue;
  out.push(`#### ${title}`, '');
  if (number === '1') {
    // Init and size side by side, one row per function.
    const names = rows.filter((f) => f.name.startsWith('1. init ')).map((f) => f.name.slice('1. init '.length));
    out.push(
      '| function | init (CPU ms) | ratio | target | | size (KiB) | ratio |',
      '|---|---:|---:|---|---|---:|---:|',
    );
    const baseline = rows.find((f) => f.name.startsWith('1. init '))!;
    const size = rows.find((f) => f.name.startsWith('1. size '))!;
    out.push(
      `| *baseline: document client + GetCommand* | ${fmt(baseline.baseline)} | 1.00 | | | ${fmt(size.baseline)} | 1.00 |`,
    );
    for (const name of names) {
      const init = rows.find((f) => f.name === `1. init ${name}`)!;
      const bytes = rows.find((f) => f.name === `1. size ${name}`)!;
      out.push(
        `| ${name} | ${fmt(init.value)} | ${fmt(init.ratio)} | ${describeTarget(init.target)} | ${met(init)} | ${fmt(bytes.value)} | ${fmt(bytes.ratio)} |`,
      );
    }
    out.push('');
    continue;
  }
  out.push('| figure | value | baseline | ratio | target | |', '|---|---:|---:|---:|---|---|');
  for (const f of rows) {
    out.push(
      `| ${f.name.slice(number.length + 2)} | ${fmt(f.value)} ${f.unit} | ${f.baseline === null ? '–' : `${fmt(f.baseline)} ${f.unit}`} | ${fmt(f.ratio)} | ${describeTarget(f.target)} | ${met(f)} |`,
    );
  }
  out.push('');
}
const targeted = figures.filter((f) => f.met !== null);
out.push(`${targeted.filter((f) => f.met).length} of ${targeted.length} targets met.`);
process.stdout.write(`${out.join('\n')}\n`);
