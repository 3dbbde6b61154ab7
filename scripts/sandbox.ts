/** `npm run sandbox [-- up|down|status]`: see src/ops/sandbox.ts. */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { CreateHostedZoneCommand, ListHostedZonesByNameCommand, Route53Client } from '@aws-sdk/client-route-53';
import { ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { resourceName } from '../src/lib/naming';
import { staging } from '../src/config/environments';
import { CommandError, runCommand } from '../src/ops/command';
import { freePortOnLoopback } from '../src/ops/ports';
import { EMULATED_IMAGE_MANIFEST, emulatorAnswers as answers, SANDBOX_DIR, SANDBOX_ENVIRONMENT, SANDBOX_TAG, SandboxState, alive, envFileText, motoPython, nextSteps, readState, sandboxProcessEnv, stageLine } from '../src/ops/sandbox';

const USAGE = `usage: npm run sandbox [-- up|down|status]
  up (default)  start the local AWS emulator (moto's server, loopback only), bootstrap, deploy the
                shipped staging, put an image in the emulated registry, set its secret, release it
  down          stop the emulator and remove .sandbox/
  status        whether the emulator runs, and the environment's status (npm run status)
Needs Python with moto's server (pip install 'moto[server]==5.2.1') and Terraform; no AWS account.`;

const root = process.cwd();
const dir = path.join(root, SANDBOX_DIR);
const outdir = path.join(dir, 'cdktf.out');
const logFile = path.join(dir, 'sandbox.log');
const LAUNCHER = path.join(root, '__tests__', 'e2e', 'moto_launcher.py');

/** Runs a command with its output appended to the sandbox log; rejects with the log's tail. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    fs.appendFileSync(logFile, `\n$ ${command} ${args.join(' ')}\n`);
    const log = fs.openSync(logFile, 'a');
    const child = spawn(command, args, { cwd: root, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', log] });
    const out: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => (out.push(c), fs.appendFileSync(logFile, c)));
    if (input !== undefined) child.stdin!.end(input);
    child.on('error', reject);
    child.on('close', (code) => {
      fs.closeSync(log);
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new CommandError(`${command} ${args.join(' ')} exited ${code}; the end of ${path.relative(root, logFile)}:\n${fs.readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-15).join('\n')}`));
    });
  });
}

/** moto's server with the shims, detached so it outlives this command. */
async function startEmulator(): Promise<SandboxState> {
  const python = motoPython();
  const port = await freePortOnLoopback();
  const endpoint = `http://127.0.0.1:${port}`;
  const log = fs.openSync(path.join(dir, 'moto.log'), 'w');
  const child = spawn(python, [LAUNCHER, '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true', MOTO_ACM_VALIDATION_WAIT: '0', PYTHONUNBUFFERED: '1' },
    stdio: ['ignore', log, log],
    detached: true,
  });
  child.unref();
  fs.closeSync(log);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !(await answers(endpoint))) await new Promise((r) => setTimeout(r, 250));
  if (!(await answers(endpoint))) throw new CommandError(`the emulator did not start on ${endpoint}: see ${SANDBOX_DIR}/moto.log`);
  const state = { endpoint, pid: child.pid!, started: new Date().toISOString() };
  fs.writeFileSync(path.join(dir, 'sandbox.json'), `${JSON.stringify(state, null, 2)}\n`);
  return state;
}

async function up(): Promise<number> {
  const existing = readState(dir);
  if (existing && alive(existing.pid)) throw new CommandError(`a sandbox already runs at ${existing.endpoint} (pid ${existing.pid}): npm run sandbox -- status, or -- down first`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(logFile, `npm run sandbox (${new Date().toISOString()})\n`);
  const started = Date.now();
  const stages: [string, (state: SandboxState, env: NodeJS.ProcessEnv) => Promise<unknown>][] = [
    ['bootstrap (state bucket)', (_s, env) => run('npx', ['cdktf', 'deploy', 'bootstrap', '--auto-approve', '--output', outdir, '--skip-provider-lock', '--no-color'], env)],
    ['hosted zone of the domain', async (s, env) => {
      const route53 = new Route53Client({ region: 'us-east-1', endpoint: s.endpoint, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! } });
      const zone = staging.domain.dns.zoneName ?? staging.domain.name;
      const { HostedZones = [] } = await route53.send(new ListHostedZonesByNameCommand({ DNSName: zone }));
      if (!HostedZones.some((z) => z.Name === `${zone}.`)) await route53.send(new CreateHostedZoneCommand({ Name: zone, CallerReference: `sandbox-${Date.now()}` }));
    }],
    [`deploy ${SANDBOX_ENVIRONMENT} (about 4 minutes)`, (_s, env) => run('npx', ['cdktf', 'deploy', SANDBOX_ENVIRONMENT, '--auto-approve', '--output', outdir, '--skip-provider-lock', '--no-color', '--terraform-parallelism=10'], env)],
    [`image ${SANDBOX_TAG} in the emulated registry`, async (s, env) => {
      // No Docker engine needed: ECR stores the manifest, the emulator pulls nothing.
      // The sandbox's own fake credentials, never the shell's (a profile there would sign these calls).
      const ecr = new ECRClient({ region: staging.region, endpoint: s.endpoint, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! } });
      for (const repositoryName of [resourceName(staging), ...staging.compute.services.filter((x) => x.ownRepository).map((x) => resourceName(staging, x.name))]) {
        await ecr.send(new PutImageCommand({ repositoryName, imageManifest: EMULATED_IMAGE_MANIFEST, imageTag: SANDBOX_TAG }));
      }
    }],
    ['the declared secrets', async (_s, env) => {
      for (const name of staging.compute.secrets) await run('npm', ['run', '--silent', 'secret', '--', 'set', SANDBOX_ENVIRONMENT, name, '--no-roll', '--outdir', outdir], env, `sandbox-value-of-${name}`);
    }],
    [`release ${SANDBOX_TAG} (migration, deploy, wait)`, (_s, env) => run('npm', ['run', '--silent', 'release', '--', SANDBOX_ENVIRONMENT, SANDBOX_TAG, '--outdir', outdir, '--verbose', '--deploy-arg=--skip-provider-lock', '--deploy-arg=--no-color'], env)],
  ];
  const total = stages.length + 1;
  console.error(stageLine(1, total, 'start the emulator (moto, loopback only)'));
  let t = Date.now();
  const state = await startEmulator();
  console.error(stageLine(1, total, 'start the emulator', Math.round((Date.now() - t) / 1000)));
  const env = sandboxProcessEnv(state.endpoint, staging.region);
  fs.writeFileSync(path.join(dir, 'env'), envFileText(state.endpoint, staging.region, env.TF_CLI_CONFIG_FILE));
  for (const [i, [name, stage]] of stages.entries()) {
    console.error(stageLine(i + 2, total, name));
    t = Date.now();
    await stage(state, env);
    console.error(stageLine(i + 2, total, name, Math.round((Date.now() - t) / 1000)));
  }
  const outputs = await run('terraform', [`-chdir=${path.join(outdir, 'stacks', SANDBOX_ENVIRONMENT)}`, 'output', '-json'], env);
  const values = Object.fromEntries(Object.entries(JSON.parse(outputs)).map(([k, v]) => [k, (v as { value: unknown }).value]));
  console.log(nextSteps(state, values, path.relative(root, logFile)));
  console.error(`ready in ${Math.round((Date.now() - started) / 1000)}s`);
  return 0;
}

async function down(): Promise<number> {
  const state = readState(dir);
  if (state && alive(state.pid)) process.kill(state.pid, 'SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(state ? `stopped the emulator (pid ${state.pid}) and removed ${SANDBOX_DIR}/` : `no sandbox (${SANDBOX_DIR}/sandbox.json): nothing to stop`);
  return 0;
}

async function status(): Promise<number> {
  const state = readState(dir);
  if (!state || !alive(state.pid)) {
    console.log(`no sandbox runs${state ? ` (the emulator of ${state.started} is gone)` : ''}: npm run sandbox`);
    return 1;
  }
  console.log(`sandbox: the emulator runs at ${state.endpoint} (pid ${state.pid}, since ${state.started})`);
  const env = sandboxProcessEnv(state.endpoint, staging.region);
  const child = spawn('npm', ['run', '--silent', 'status', '--', SANDBOX_ENVIRONMENT, '--outdir', outdir], { cwd: root, env, stdio: 'inherit' });
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
}

runCommand(async () => {
  const { values, positionals } = parseArgs({ args: process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--')), allowPositionals: true, options: { help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) return (console.log(USAGE), 0);
  const verb = positionals[0] ?? 'up';
  if (verb === 'up') return up();
  if (verb === 'down') return down();
  if (verb === 'status') return status();
  throw new CommandError(`unknown sandbox command "${verb}": up, down or status\n${USAGE}`, 2);
}, USAGE);

