/**
 * `npm run job:purge`, `npm run job:redrive` (or `tsx scripts/local/job.ts <name> [detail JSON]`): runs one
 * scheduled job once in the running `npm start` stack, through its local-only `POST /__local/jobs/{name}`
 * endpoint, so the job runs with the stack's environment and never overlaps the job's own timer. Reads the
 * API URL from `.local/stack.json`. The optional JSON object becomes the scheduled event's `detail`, e.g.
 * `npm run job:redrive -- '{"olderThanSeconds":0}'` redrives every undelivered outbox event now.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDataDir, type StackInfo } from './stack';

async function main(): Promise<number> {
  const name = process.argv[2];
  if (!name) {
    process.stderr.write('usage: tsx scripts/local/job.ts <job name> [detail JSON]   (e.g. purge)\n');
    return 2;
  }
  const detail = process.argv[3];
  if (detail !== undefined) {
    try {
      JSON.parse(detail);
    } catch {
      process.stderr.write(`the detail must be JSON, e.g. '{"olderThanSeconds":0}'\n`);
      return 2;
    }
  }
  const stackFile = process.env.LOCAL_STACK_FILE ?? join(defaultDataDir, 'stack.json');
  if (!existsSync(stackFile)) {
    process.stderr.write(`${stackFile} not found: start the stack with npm start first.\n`);
    return 1;
  }
  const { apiUrl } = JSON.parse(readFileSync(stackFile, 'utf8')) as StackInfo;
  let response: Response;
  try {
    response = await fetch(`${apiUrl}/__local/jobs/${encodeURIComponent(name)}`, {
      method: 'POST',
      ...(detail === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: detail }),
    });
  } catch {
    process.stderr.write(`No local stack answers at ${apiUrl}: start it with npm start first.\n`);
    return 1;
  }
  const body = (await response.json()) as { result?: unknown; message?: string };
  if (!response.ok) {
    process.stderr.write(`job ${name} failed (${response.status}): ${body.message ?? 'see the npm start output'}\n`);
    return 1;
  }
  process.stdout.write(`job ${name} finished: ${JSON.stringify(body.result ?? null)}\n`);
  return 0;
}

process.exitCode = await main();
