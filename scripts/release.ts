/** `npm run release -- <environment> <image-tag>`: see src/ops/release.ts. */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { awsClients, loadStackOutputs, stackDir } from '../src/ops/aws';
import { RELEASE_USAGE, ReleaseError, formatSummary, release, releaseTarget, unlock } from '../src/ops/release';

const projectDir = process.cwd();

function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = projectDir): Promise<void> {
  return new Promise((resolve, reject) => {
    // The deploy's output goes to stderr: stdout carries only the summary.
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 2, 2] });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}`))));
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
  const timeoutMinutes = Number(values.timeout);
  if (!(timeoutMinutes > 0)) throw new ReleaseError(`--timeout must be a positive number of minutes, got "${values.timeout}"`, 2);

  const outputs = loadStackOutputs(environment, projectDir, { outputsFile: values.outputs, outdir: values.outdir });
  const target = releaseTarget(outputs);
  const clients = awsClients(target.region);
  if (values.unlock) {
    await unlock(clients.ssm, target);
    console.error(`removed the release lock of ${environment} (${target.lockParameter})`);
    return 0;
  }

  const deployArgs = values['deploy-arg'] ?? [];
  const deploy = async (imageTag: string) => {
    const env = { ...process.env, IMAGE_TAG: imageTag };
    if (deployWith === 'cdktf') {
      await run('npx', ['cdktf', 'deploy', environment, '--auto-approve', '--output', values.outdir!, ...deployArgs], env);
      return;
    }
    // Plain Terraform on the synthesized folder: synthesize with the tag, then apply.
    await run('npx', ['cdktf', 'synth', '--output', values.outdir!], env);
    const dir = stackDir(projectDir, environment, values.outdir);
    if (!fs.existsSync(path.join(dir, '.terraform'))) await run('terraform', ['init', '-input=false'], env, dir);
    await run('terraform', ['apply', '-auto-approve', '-input=false', ...deployArgs], env, dir);
  };

  const summary = await release(
    { ...clients, deploy, log: (line) => console.error(line), actor: process.env.GITHUB_ACTOR ?? os.userInfo().username },
    target,
    tag,
    { stableTimeoutMs: timeoutMinutes * 60_000 },
  );
  console.log(formatSummary(summary));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err instanceof ReleaseError ? err.message : err.stack ?? err.message);
    process.exit(err instanceof ReleaseError ? err.exitCode : 2);
  },
);
