/** `npm run secret -- set|check|list <environment> [NAME]`: see src/ops/secrets.ts. */
import * as readline from 'readline';
import { parseArgs } from 'util';
import { StackOutputs, awsClients, serviceNames } from '../src/ops/aws';
import { COMMON_OPTIONS, awsFailure, knownEnvironment, outputsOf } from '../src/ops/cli';
import { SECRET_USAGE, SecretError, rollServices, secretStatuses, setSecret, valueFromInput } from '../src/ops/secrets';
import { runCommand } from '../src/ops/command';

/** Reads the value: typed without echo on a terminal, or everything piped in. */
async function readValue(name: string): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return valueFromInput(Buffer.concat(chunks).toString('utf8'));
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  process.stderr.write(`value of ${name} (not shown): `);
  // Mute the echo of what is typed.
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => undefined;
  const value = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stderr.write('\n');
  return value;
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  const answer = await new Promise<string>((resolve) => rl.question(`${question} [y/N] `, resolve));
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--')),
    allowPositionals: true,
    options: { ...COMMON_OPTIONS, roll: { type: 'boolean' }, 'no-roll': { type: 'boolean' } },
  });
  const [command, environment, name, ...extra] = positionals;
  if (values.help) return (console.log(SECRET_USAGE), 0);
  if (!command) throw new SecretError(`missing command (set, check or list)\n${SECRET_USAGE}`, 2);
  if (command === 'set' && extra.length > 0) {
    // Never accept the value as an argument: it would stay in shell history and in `ps`.
    throw new SecretError('a secret value is read from stdin, never from the command line (shell history, ps): pipe it in or type it when asked', 2);
  }
  if (!['set', 'check', 'list'].includes(command)) throw new SecretError(`unknown secret command "${command}": set, check or list\n${SECRET_USAGE}`, 2);
  knownEnvironment(environment, SECRET_USAGE);
  if ((command === 'set' && !name) || (command !== 'set' && name)) throw new SecretError(SECRET_USAGE, 2);
  const outputs = outputsOf(environment, process.cwd(), values);
  const clients = awsClients(outputs.string('aws_region'));
  const arns = outputs.has('app_secret_arns') ? outputs.map<string>('app_secret_arns') : {};
  return act({ command, environment, name, values, outputs, clients, arns }).catch((e) => Promise.reject(awsFailure(e)));
}

interface SecretCommand {
  readonly command: string;
  readonly environment: string;
  readonly name: string;
  readonly values: { roll?: boolean; 'no-roll'?: boolean; json?: boolean };
  readonly outputs: StackOutputs;
  readonly clients: ReturnType<typeof awsClients>;
  readonly arns: Record<string, string>;
}

async function act({ command, environment, name, values, outputs, clients, arns }: SecretCommand): Promise<number> {
  if (command === 'set') {
    const value = await readValue(name);
    await setSecret(clients.secrets, arns, environment, name, value);
    console.error(`stored a new value of ${name} in ${environment} (${value.length} characters)`);
    const roll = values.roll ?? (values['no-roll'] ? false : await confirm('Roll the services now so they pick it up?'));
    if (roll) await rollServices(clients.ecs, outputs.string('ecs_cluster_name'), serviceNames(outputs), (l) => console.error(l));
    else console.error(`running tasks keep the old value until they restart: npm run secret -- set ${environment} ${name} --roll, or the next release`);
    return 0;
  }
  const statuses = await secretStatuses(clients.secrets, arns);
  if (command === 'list') {
    if (values.json) return (console.log(JSON.stringify(statuses, null, 2)), 0);
    for (const s of statuses) console.log(`${s.name}\t${s.set ? `set (changed ${s.lastChanged?.toISOString() ?? '?'})` : 'NOT SET'}\t${s.arn}`);
    return 0;
  }
  const missing = statuses.filter((s) => !s.set).map((s) => s.name);
  if (missing.length > 0) {
    console.error(`${environment}: no value yet for ${missing.join(', ')}: npm run secret -- set ${environment} <NAME>`);
    return 1;
  }
  console.error(`${environment}: all ${statuses.length} declared secrets have a value`);
  return 0;
}

runCommand(main, SECRET_USAGE);
