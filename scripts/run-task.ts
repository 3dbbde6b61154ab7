/** `npm run task -- <environment> <command...>`: see src/ops/one-off-task.ts. */
import { awsClients } from '../src/ops/aws';
import { awsFailure, knownEnvironment, outputsOf } from '../src/ops/cli';
import { runCommand } from '../src/ops/command';
import { USAGE, databaseAdminTask, oneOffTask, parseTaskArgs, runOneOffTask } from '../src/ops/one-off-task';

runCommand(async () => {
  const argv = process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--'));
  // Help only before the command: `npm run task -- staging ls -h` runs `ls -h`.
  if (['-h', '--help'].includes(argv[0])) return (console.log(USAGE), 0);
  const args = parseTaskArgs(argv);
  const outputs = outputsOf(knownEnvironment(args.environment, USAGE), process.cwd(), { outputs: args.outputsFile, outdir: args.outdir });
  const task = args.admin ? databaseAdminTask(outputs) : oneOffTask(outputs);
  const { ecs, logs } = awsClients(task.region);
  const result = await runOneOffTask(ecs, task, args.command, { timeoutMs: args.timeoutMinutes * 60_000, logs }).catch((e) => Promise.reject(awsFailure(e)));
  console.error(`exit code ${result.exitCode}`);
  return result.exitCode;
}, USAGE);
