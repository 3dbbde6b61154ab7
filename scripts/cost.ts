/**
 * `npm run cost -- [options]`: monthly cost floor of each environment, offline, priced on the
 * current configuration synthesized in-process (see src/ops/cost/, usage: --help).
 */
import { environments } from '../src/config/environments';
import { CommandError, runCommand } from '../src/ops/command';
import { runCost } from '../src/ops/cost/cli';
import { nodeCostIO } from '../src/ops/cost/node-io';

runCommand(async () => {
  try {
    // The project's folder, as for every command (npm runs scripts there).
    return runCost(process.argv.slice(2), nodeCostIO({ root: process.cwd(), environments }));
  } catch (err) {
    // An invalid configuration is the user's to fix: its message names environment, field and fix.
    if ((err as Error).name === 'ConfigError') throw new CommandError(`cost: ${(err as Error).message}`, 2);
    throw err;
  }
});
