/** `npm run status -- <environment> [--json]`: see src/ops/status.ts. */
import { parseArgs } from 'util';
import { awsClients } from '../src/ops/aws';
import { COMMON_OPTIONS, awsFailure, knownEnvironment, outputsOf } from '../src/ops/cli';
import { runCommand } from '../src/ops/command';
import { environmentStatus, formatStatus } from '../src/ops/status';
import { paint, wantsColour } from '../src/ops/terminal';

const USAGE = `usage: npm run status -- <environment> [--json] [--outputs <file>] [--outdir <dir>]
Per service: desired, running and pending tasks, the image tag deployed and the rollout state; the
release, alarms in ALARM, whether the environment is asleep, the URLs. --json for scripts.`;

runCommand(async () => {
  const { values, positionals } = parseArgs({ args: process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--')), allowPositionals: true, options: COMMON_OPTIONS });
  if (values.help) return (console.log(USAGE), 0);
  const environment = knownEnvironment(positionals[0], USAGE);
  const outputs = outputsOf(environment, process.cwd(), values);
  const status = await environmentStatus(awsClients(outputs.string('aws_region')), outputs).catch((e) => Promise.reject(awsFailure(e)));
  console.log(values.json ? JSON.stringify(status, null, 2) : formatStatus(status, paint(wantsColour(process.stdout))));
  return status.state === 'degraded' ? 1 : 0;
}, USAGE);
