/** `npm run release -- <environment> <image-tag>`: see src/ops/release.ts. */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { awsClients, stackDir } from '../src/ops/aws';
import { awsFailure, knownEnvironment, outputsOf } from '../src/ops/cli';
import { environments } from '../src/config/environments';
import { runPlanGuard } from '../src/ops/plan-guard-cli';
import { RELEASE_USAGE, ReleaseError, formatSummary, release, releaseTarget, unlock } from '../src/ops/release';
import { CommandError, runCommand } from '../src/ops/command';

const projectDir = process.cwd();

/**
 * Where cdktf's and Terraform's output goes: stderr with --verbose (and in GitHub Actions, whose job
 * log is where people look), else a log file named at each step and at a failure, so the release
 * prints its own steps only. stdout always carries only the summary.
 */
let logFile: string | undefined;
const log = (line: string) => console.error(line);

function outputTo(): number | 'pipe' {
  return logFile ? fs.openSync(logFile, 'a') : 2;
}

/** The last lines of the log file, for a failure message. */
function logTail(lines = 15): string {
  if (!logFile || !fs.existsSync(logFile)) return '';
  const tail = fs.readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  return `\n--- last lines of ${logFile} ---\n${tail}`;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = projectDir): Promise<void> {
  const started = Date.now();
  if (logFile) log(`  ${command} ${args.join(' ')} (output: ${path.relative(projectDir, logFile)})`);
  return new Promise((resolve, reject) => {
    const out = outputTo();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', out, out] });
    child.on('error', reject);
    child.on('close', (code) => {
      if (typeof out === 'number' && out !== 2) fs.closeSync(out);
      if (code === 0) {
        if (logFile) log(`  done in ${Math.round((Date.now() - started) / 1000)}s`);
        resolve();
      } else reject(new CommandError(`${command} ${args.join(' ')} exited ${code}${logTail()}`));
    });
  });
}

/** Runs a command and returns its stdout (its stderr to the log, or passed through). */
function capture(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const err = outputTo();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', err] });
    const chunks: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (typeof err === 'number' && err !== 2) fs.closeSync(err);
      if (code === 0) resolve(Buffer.concat(chunks).toString('utf8'));
      else reject(new CommandError(`${command} ${args.join(' ')} exited ${code}${logTail()}`));
    });
  });
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--')),
    allowPositionals: true,
    options: {
      outputs: { type: 'string' },
      'deploy-with': { type: 'string', default: 'cdktf' },
      'deploy-arg': { type: 'string', multiple: true, default: [] },
      outdir: { type: 'string', default: 'cdktf.out' },
      timeout: { type: 'string', default: '30' },
      unlock: { type: 'boolean', default: false },
      guard: { type: 'boolean', default: false },
      verbose: { type: 'boolean', short: 'v', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(RELEASE_USAGE);
    return 0;
  }
  const [environment, tag] = positionals;
  if (!environment || (!tag && !values.unlock) || positionals.length > 2) throw new ReleaseError(`expected <environment> <image-tag>\n${RELEASE_USAGE}`, 2);
  const deployWith = values['deploy-with'];
  if (deployWith !== 'cdktf' && deployWith !== 'terraform') throw new ReleaseError(`--deploy-with is "${deployWith}": use cdktf or terraform`, 2);
  if (values.guard && deployWith !== 'terraform') throw new ReleaseError('--guard needs --deploy-with terraform (it applies the plan file it checked)', 2);
  const timeoutMinutes = Number(values.timeout);
  if (!(timeoutMinutes > 0)) throw new ReleaseError(`--timeout must be a positive number of minutes, got "${values.timeout}"`, 2);

  const outputs = outputsOf(knownEnvironment(environment, RELEASE_USAGE), projectDir, values);
  const target = releaseTarget(outputs);
  const clients = awsClients(target.region);
  if (values.unlock) {
    await unlock(clients.ssm, target).catch((e) => Promise.reject(awsFailure(e)));
    console.error(`removed the release lock of ${environment} (${target.lockParameter})`);
    return 0;
  }

  const deployArgs = values['deploy-arg'] ?? [];
  const dir = stackDir(projectDir, environment, values.outdir);
  if (!values.verbose && process.env.GITHUB_ACTIONS !== 'true') {
    fs.mkdirSync(path.resolve(projectDir, values.outdir!), { recursive: true });
    logFile = path.resolve(projectDir, values.outdir!, `release-${environment}-${tag}.log`);
    fs.writeFileSync(logFile, `npm run release -- ${environment} ${tag} (${new Date().toISOString()})\n`);
  }
  const withTag = (imageTag: string) => ({ ...process.env, IMAGE_TAG: imageTag });
  /** Plain Terraform on the synthesized folder: synthesize with the tag, init once. */
  const synth = async (imageTag: string) => {
    await run('npx', ['cdktf', 'synth', '--output', values.outdir!], withTag(imageTag));
    if (!fs.existsSync(path.join(dir, '.terraform'))) await run('terraform', ['init', '-input=false'], withTag(imageTag), dir);
  };
  const planFile = (imageTag: string) => `release-${imageTag}.tfplan`;
  /**
   * --guard: plan to a file, stop when the plan destroys or replaces a stateful resource that
   * ALLOW_DESTROY does not name (src/ops/plan-guard.ts, summary in $GITHUB_STEP_SUMMARY), and
   * apply exactly that file later: what was checked is what is applied.
   */
  const guardedPlan = async (imageTag: string) => {
    await synth(imageTag);
    await run('terraform', ['plan', '-input=false', `-out=${planFile(imageTag)}`, ...deployArgs], withTag(imageTag), dir);
    const json = path.join(dir, `${planFile(imageTag)}.json`);
    fs.writeFileSync(json, await capture('terraform', ['show', '-json', planFile(imageTag)], withTag(imageTag), dir));
    const io = { readText: (f: string) => fs.readFileSync(f, 'utf8'), readStdin: async () => '', appendText: (f: string, t: string) => fs.appendFileSync(f, t), out: (t: string) => console.error(t), err: (t: string) => console.error(t) };
    const verdict = await runPlanGuard([`${environment}=${json}`], process.env, io, environments.filter((e) => e.production).map((e) => e.name));
    if (verdict !== 0) throw new ReleaseError(`${environment}: the plan for ${imageTag} destroys or replaces a stateful resource, or interrupts production traffic (above); nothing was changed. If that is intended, release again with ALLOW_DESTROY naming it.`);
  };
  const planned = new Set<string>();
  const prepare = values.guard
    ? async (imageTag: string) => {
        await guardedPlan(imageTag);
        planned.add(imageTag);
      }
    : undefined;
  const deploy = async (imageTag: string) => {
    if (deployWith === 'cdktf') {
      await run('npx', ['cdktf', 'deploy', environment, '--auto-approve', '--output', values.outdir!, ...deployArgs], withTag(imageTag));
      return;
    }
    if (values.guard) {
      // The rollback deploy of the previous tag is planned and checked on its own.
      if (!planned.delete(imageTag)) await guardedPlan(imageTag);
      await run('terraform', ['apply', '-input=false', planFile(imageTag)], withTag(imageTag), dir);
      return;
    }
    await synth(imageTag);
    await run('terraform', ['apply', '-auto-approve', '-input=false', ...deployArgs], withTag(imageTag), dir);
  };

  const summary = await release(
    { ...clients, deploy, prepare, log, actor: process.env.GITHUB_ACTOR ?? os.userInfo().username },
    target,
    tag,
    { stableTimeoutMs: timeoutMinutes * 60_000 },
  ).catch((e) => Promise.reject(awsFailure(e)));
  console.log(formatSummary(summary));
  if (logFile) log(`cdktf and Terraform output: ${path.relative(projectDir, logFile)} (--verbose shows it here)`);
  return 0;
}

runCommand(main, RELEASE_USAGE);
