/**
 * `npm run reset`: deletes `.local/` (DynamoDB data, cognito-local users and pools, S3 objects, stream
 * checkpoints, logs, stack.json). Refuses while a stack started by `npm start` is using it.
 */
import { existsSync, rmSync } from 'node:fs';
import { relative } from 'node:path';
import { defaultDataDir, runningStackPid } from './stack';

const shown = relative(process.cwd(), defaultDataDir) || defaultDataDir;
const pid = runningStackPid(defaultDataDir);
if (pid !== undefined) {
  process.stderr.write(
    `A local stack (pid ${pid}) is running with data in ${shown}: stop it (Ctrl-C) before npm run reset.\n`,
  );
  process.exitCode = 1;
} else if (!existsSync(defaultDataDir)) {
  process.stdout.write(`Nothing to reset: ${shown} does not exist.\n`);
} else {
  rmSync(defaultDataDir, { recursive: true, force: true });
  process.stdout.write(`Removed ${shown}. The next npm start begins from scratch (new pool, new demo tenant).\n`);
}
