/** `npm run logs -- <environment> [service] [--since 10m] [--follow] [--filter <pattern>]`: see src/ops/logs.ts. */
import { parseArgs } from 'util';
import { awsClients } from '../src/ops/aws';
import { COMMON_OPTIONS, awsFailure, knownEnvironment, outputsOf } from '../src/ops/cli';
import { runCommand } from '../src/ops/command';
import { LOGS_USAGE, formatLine, logGroupsFor, sinceMs, streamLogs } from '../src/ops/logs';
import { paint, wantsColour } from '../src/ops/terminal';

runCommand(async () => {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--')),
    allowPositionals: true,
    options: { ...COMMON_OPTIONS, since: { type: 'string', default: '10m' }, follow: { type: 'boolean', short: 'f', default: false }, filter: { type: 'string' } },
  });
  if (values.help) return (console.log(LOGS_USAGE), 0);
  const environment = knownEnvironment(positionals[0], LOGS_USAGE);
  const since = sinceMs(values.since);
  const outputs = outputsOf(environment, process.cwd(), values);
  const groups = logGroupsFor(outputs, positionals[1]).map((g) => g.group);
  const colours = paint(wantsColour(process.stdout));
  let stopped = false;
  process.once('SIGINT', () => (stopped = true));
  const printed = await streamLogs(awsClients(outputs.string('aws_region')).logs, groups, {
    sinceMs: since,
    filter: values.filter,
    follow: values.follow,
    stop: () => stopped,
    print: (line) => console.log(values.json ? JSON.stringify(line) : formatLine(line, colours)),
  }).catch((e) => Promise.reject(awsFailure(e)));
  if (printed === 0 && !values.json) console.error(`no log events in the last ${values.since} (${groups.join(', ')})`);
  return 0;
}, LOGS_USAGE);
