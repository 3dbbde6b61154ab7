/** `npm run exec -- <environment> <service> [command...]`: see src/ops/exec.ts. */
import { spawnSync } from 'child_process';
import { parseArgs } from 'util';
import { awsClients } from '../src/ops/aws';
import { COMMON_OPTIONS, awsFailure, knownEnvironment, outputsOf } from '../src/ops/cli';
import { CommandError, runCommand } from '../src/ops/command';
import { EXEC_USAGE, execCommandArgs, execPrerequisites, execTarget } from '../src/ops/exec';

runCommand(async () => {
  const argv = process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--'));
  // Options before the service; everything after it is the command, passed through verbatim.
  const { values, positionals, tokens } = parseArgs({ args: argv, allowPositionals: true, tokens: true, strict: false, options: { ...COMMON_OPTIONS, container: { type: 'string', default: 'app' } } });
  if (values.help) return (console.log(EXEC_USAGE), 0);
  const environment = knownEnvironment(positionals[0], EXEC_USAGE);
  const service = positionals[1];
  if (!service) throw new CommandError(`missing service\n${EXEC_USAGE}`, 2);
  const serviceAt = tokens!.filter((t) => t.kind === 'positional')[1].index;
  const command = argv.slice(serviceAt + 1);
  const missing = execPrerequisites();
  if (missing.length > 0) throw new CommandError(missing.join('\n'));
  const outputs = outputsOf(environment, process.cwd(), values as { outputs?: string; outdir?: string });
  const region = outputs.string('aws_region');
  const target = await execTarget(awsClients(region).ecs, outputs, service).catch((e) => Promise.reject(e instanceof CommandError ? e : awsFailure(e)));
  const result = spawnSync('aws', execCommandArgs(target, region, String(values.container), command), { stdio: 'inherit' });
  return result.status ?? 1;
}, EXEC_USAGE);
