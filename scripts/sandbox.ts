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
import { EMULATED_IMAGE_MANIFEST, MOTO_ENV, emulatorAnswers as answers, SANDBOX_DIR, SANDBOX_ENVIRONMENT, SANDBOX_TAG, SandboxStage, SandboxState, alive, envFileText, motoPython, nextSteps, readState, sandboxProcessEnv, sandboxSecretValue, appliedCount, progressLine, setupSummary, stageLine, writeState } from '../src/ops/sandbox';

const USAGE = `usage: npm run sandbox [-- up|down|status] [--dir <dir>] [--verbose]
  up (default)  start the local AWS emulator (moto's server, loopback only), bootstrap, deploy the
                shipped staging, put an image in the emulated registry, set its secret, release it
                (guarded, as the deliver workflow releases)
  down          stop the emulator and remove the sandbox's folder (--keep-logs: all but its logs)
  status        whether the emulator runs, and the environment's status (npm run status)
  --dir <dir>   the sandbox's folder (default ${SANDBOX_DIR}): several sandboxes side by side
  --verbose     show cdktf's and Terraform's output here too (always in <dir>/sandbox.log)
Needs Python with moto's server (pip install 'moto[server]==5.2.1') and Terraform; no AWS account.`;

const root = process.cwd();
let shownDir = SANDBOX_DIR;
let dir = path.join(root, SANDBOX_DIR);
let outdir = path.join(dir, 'cdktf.out');
let logFile = path.join(dir, 'sandbox.log');
let verbose = false;
/** Resources Terraform has applied in the current stage (progress). */
let applied = 0;
const LAUNCHER = path.join(root, '__tests__', 'e2e', 'moto_launcher.py');

/**
 * Runs a command with its output appended to the sandbox log (and shown here too with --verbose,
 * as the release's --verbose does); rejects with the log's tail.
 */
function run(command: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    fs.appendFileSync(logFile, `\n$ ${command} ${args.join(' ')}\n`);
    const child = spawn(command, args, { cwd: root, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const keep = (c: Buffer) => {
      fs.appendFileSync(logFile, c);
      applied += appliedCount(c.toString('utf8'));
      if (verbose) process.stderr.write(c);
    };
    child.stdout!.on('data', (c: Buffer) => (out.push(c), keep(c)));
    child.stderr!.on('data', keep);
    if (input !== undefined) child.stdin!.end(input);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new CommandError(`${command} ${args.join(' ')} exited ${code}; the end of ${path.join(shownDir, 'sandbox.log')}:\n${fs.readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-15).join('\n')}`));
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
    env: { ...process.env, ...MOTO_ENV },
    stdio: ['ignore', log, log],
    detached: true,
  });
  child.unref();
  fs.closeSync(log);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !(await answers(endpoint))) await new Promise((r) => setTimeout(r, 250));
  if (!(await answers(endpoint))) throw new CommandError(`the emulator did not start on ${endpoint}: see ${shownDir}/moto.log`);
  const state = { endpoint, pid: child.pid!, started: new Date().toISOString() };
  writeState(dir, state);
  return state;
}

/** The first line of every sandbox's log: with sandbox.json, what marks a folder as a sandbox's. */
const LOG_HEADER = 'npm run sandbox (';

/**
 * Removes the sandbox's folder (with keepLogs, all but its two logs), never a folder that is not
 * one: --dir . would be the project.
 */
function removeSandboxDir(keepLogs = false): void {
  if (!fs.existsSync(dir)) return;
  if (!fs.statSync(dir).isDirectory()) throw new CommandError(`${shownDir} is a file, not a sandbox's folder: give --dir a new or empty folder`, 2);
  const log = path.join(dir, 'sandbox.log');
  const isSandbox = fs.existsSync(path.join(dir, 'sandbox.json')) || (fs.existsSync(log) && fs.readFileSync(log, 'utf8').startsWith(LOG_HEADER)) || fs.readdirSync(dir).length === 0;
  if (!isSandbox) throw new CommandError(`${shownDir} is not a sandbox's folder (no sandbox.json in it): give --dir a new or empty folder`, 2);
  if (!keepLogs) return fs.rmSync(dir, { recursive: true, force: true });
  for (const entry of fs.readdirSync(dir)) if (!['sandbox.log', 'moto.log'].includes(entry)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
}

/**
 * Progress of a running stage: on a terminal its line rewritten every second (elapsed time,
 * resources applied); elsewhere (CI logs) a line a minute. Nothing with --verbose: the output shows.
 */
function progress(index: number, total: number, name: string): { stop(): void } {
  if (verbose) return { stop: () => undefined };
  const started = Date.now();
  const tty = process.stderr.isTTY;
  const line = () => progressLine(index, total, name, Math.round((Date.now() - started) / 1000), applied);
  const timer = setInterval(() => process.stderr.write(tty ? `\r${line()}\x1b[K` : `${line()}\n`), tty ? 1000 : 60_000);
  return {
    stop: () => {
      clearInterval(timer);
      if (tty) process.stderr.write('\r\x1b[K');
    },
  };
}

async function up(): Promise<number> {
  const existing = readState(dir);
  const dirArg = shownDir === SANDBOX_DIR ? '' : ` --dir ${shownDir}`;
  if (existing && alive(existing.pid)) throw new CommandError(`a sandbox already runs at ${existing.endpoint} (pid ${existing.pid}): npm run sandbox -- status${dirArg}, or -- down${dirArg} first`);
  removeSandboxDir();
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(logFile, `${LOG_HEADER}${new Date().toISOString()})\n`);
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
      for (const name of staging.compute.secrets) await run('npm', ['run', '--silent', 'secret', '--', 'set', SANDBOX_ENVIRONMENT, name, '--no-roll', '--outdir', outdir], env, sandboxSecretValue(name));
    }],
    // As the deliver workflow releases: plain Terraform, the plan checked by the plan guard before
    // the migration, then exactly that plan applied.
    [`release ${SANDBOX_TAG} (plan guard, migration, deploy, wait)`, (_s, env) => run('npm', ['run', '--silent', 'release', '--', SANDBOX_ENVIRONMENT, SANDBOX_TAG, '--outdir', outdir, '--deploy-with', 'terraform', '--guard', '--verbose', '--deploy-arg=-no-color'], env)],
  ];
  const total = stages.length + 1;
  console.error(stageLine(1, total, 'start the emulator (moto, loopback only)'));
  let t = Date.now();
  const state = await startEmulator();
  const done: SandboxStage[] = [];
  const finished = (name: string) => {
    const seconds = Math.round((Date.now() - t) / 1000);
    done.push({ name, seconds, ended: new Date().toISOString() });
    writeState(dir, { ...state, stages: done, stageCount: total });
    return seconds;
  };
  console.error(stageLine(1, total, 'start the emulator', finished('start the emulator')));
  const env = sandboxProcessEnv(state.endpoint, staging.region);
  fs.writeFileSync(path.join(dir, 'env'), envFileText(state.endpoint, staging.region, env.TF_CLI_CONFIG_FILE, shownDir));
  for (const [i, [name, stage]] of stages.entries()) {
    console.error(stageLine(i + 2, total, name));
    t = Date.now();
    applied = 0;
    const ticker = progress(i + 2, total, name);
    try {
      await stage(state, env);
    } finally {
      ticker.stop();
    }
    console.error(stageLine(i + 2, total, name, finished(name)));
  }
  const outputs = await run('terraform', [`-chdir=${path.join(outdir, 'stacks', SANDBOX_ENVIRONMENT)}`, 'output', '-json'], env);
  const values = Object.fromEntries(Object.entries(JSON.parse(outputs)).map(([k, v]) => [k, (v as { value: unknown }).value]));
  console.log(nextSteps(state, values, path.join(shownDir, 'sandbox.log'), shownDir));
  console.error(`ready in ${Math.round((Date.now() - started) / 1000)}s`);
  return 0;
}

async function down(keepLogs: boolean): Promise<number> {
  const state = readState(dir);
  if (state && alive(state.pid)) process.kill(state.pid, 'SIGTERM');
  removeSandboxDir(keepLogs);
  const removed = keepLogs ? `emptied ${shownDir}/ but for sandbox.log and moto.log` : `removed ${shownDir}/`;
  console.log(state ? `stopped the emulator (pid ${state.pid}) and ${removed}` : `no sandbox (${shownDir}/sandbox.json): nothing to stop`);
  return 0;
}

async function status(): Promise<number> {
  const state = readState(dir);
  if (!state || !alive(state.pid)) {
    console.log(`no sandbox runs${state ? ` (the emulator of ${state.started} is gone)` : ''}: npm run sandbox${shownDir === SANDBOX_DIR ? '' : ` -- --dir ${shownDir}`}`);
    return 1;
  }
  console.log(`sandbox: the emulator runs at ${state.endpoint} (pid ${state.pid}, since ${state.started}); ${setupSummary(state)}`);
  const env = sandboxProcessEnv(state.endpoint, staging.region);
  const child = spawn('npm', ['run', '--silent', 'status', '--', SANDBOX_ENVIRONMENT, '--outdir', outdir], { cwd: root, env, stdio: 'inherit' });
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
}

runCommand(async () => {
  const { values, positionals } = parseArgs({ args: process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--')), allowPositionals: true, options: { help: { type: 'boolean', short: 'h', default: false }, dir: { type: 'string', default: SANDBOX_DIR }, verbose: { type: 'boolean', short: 'v', default: false }, 'keep-logs': { type: 'boolean', default: false } } });
  if (values.help) return (console.log(USAGE), 0);
  if (!values.dir) throw new CommandError(`--dir needs a folder\n${USAGE}`, 2);
  shownDir = values.dir;
  verbose = values.verbose;
  // Relative to where the command was typed (npm runs scripts in the project's folder).
  dir = path.resolve(process.env.INIT_CWD ?? root, values.dir);
  outdir = path.join(dir, 'cdktf.out');
  logFile = path.join(dir, 'sandbox.log');
  const verb = positionals[0] ?? 'up';
  if (verb === 'up') return up();
  if (verb === 'down') return down(values['keep-logs']);
  if (verb === 'status') return status();
  throw new CommandError(`unknown sandbox command "${verb}": up, down or status\n${USAGE}`, 2);
}, USAGE);

