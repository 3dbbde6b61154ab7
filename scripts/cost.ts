/**
 * `npm run cost -- [options]`: monthly cost floor of each environment, offline, priced on the
 * current configuration synthesized in-process (see src/ops/cost/, usage: --help).
 */
import * as path from 'path';
import { environments } from '../src/config/environments';
import { runCost } from '../src/ops/cost/cli';
import { nodeCostIO } from '../src/ops/cost/node-io';

try {
  process.exitCode = runCost(process.argv.slice(2), nodeCostIO({ root: path.join(__dirname, '..'), environments }));
} catch (err) {
  const error = err as Error;
  // An invalid configuration is the user's to fix: its message names environment, field and fix.
  console.error(`cost: ${error.name === 'ConfigError' ? error.message : error.stack ?? error.message}`);
  process.exitCode = 2;
}
