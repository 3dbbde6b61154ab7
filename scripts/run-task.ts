/** `npm run task -- <environment> <command...>`: see src/ops/one-off-task.ts. */
import { awsClients } from '../src/ops/aws';
import { USAGE, loadTaskOutputs, parseTaskArgs, runOneOffTask } from '../src/ops/one-off-task';

async function main(): Promise<number> {
  if (process.argv.slice(2).some((a) => a === '-h' || a === '--help')) {
    console.log(USAGE);
    return 0;
  }
  const args = parseTaskArgs(process.argv.slice(2));
  const outputs = loadTaskOutputs(args, process.cwd());
  const { ecs, logs } = awsClients(outputs.region);
  const result = await runOneOffTask(ecs, outputs, args.command, { timeoutMs: args.timeoutMinutes * 60_000, logs });
  console.error(`exit code ${result.exitCode}`);
  return result.exitCode;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err.message);
    process.exit(2);
  },
);
