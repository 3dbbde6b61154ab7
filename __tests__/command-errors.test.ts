import { execFile } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { build } from 'esbuild';
import { nodeVersionNotice } from '../src/ops/command';

/**
 * Every command's script (scripts/), run as a process with an ordinary mistake: one clear line
 * (an unknown option adds the usage) and a non-zero exit, never a stack trace. The daily commands'
 * own logic has unit tests in daily-commands.test.ts; this checks the whole path from the command
 * line to the exit code, including what the AWS SDK throws. The scripts are bundled once with
 * esbuild (as the app command bundles main.ts) instead of run through tsx: the same code, a
 * quarter of the start-up time, two dozen runs in seconds.
 */
const REPO = path.resolve(__dirname, '..');
const SCRIPTS = ['status', 'logs', 'exec', 'secret', 'run-task', 'release', 'cost', 'plan-guard', 'sandbox'];
let bundles: string;

let work: string;
let outputsFile: string;
let olderOutputsFile: string;
let closedEndpoint: string;

/** Outputs as `terraform output -json` writes them: enough for status, secret, task and release. */
const OUTPUTS = {
  aws_region: { value: 'eu-west-1' },
  ecs_cluster_name: { value: 'webapp-staging' },
  service_names: { value: ['webapp-staging-web'] },
  log_group_names: { value: ['/ecs/webapp-staging/web'] },
  app_container_name: { value: 'app' },
  image_tag_parameter: { value: '/webapp/staging/image-tag' },
  app_url: { value: 'https://staging.example.com' },
  app_secret_arns: { value: { SENTRY_DSN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:webapp/staging/SENTRY_DSN-AbCdEf' } },
  oneoff_task_definition_family: { value: 'webapp-staging-task' },
  private_subnet_ids: { value: ['subnet-1'] },
  oneoff_security_group_id: { value: 'sg-1' },
  oneoff_log_group_name: { value: '/ecs/webapp-staging/task' },
  db_admin_task_definition_family: { value: 'webapp-staging-db-admin' },
  db_admin_security_group_id: { value: 'sg-2' },
  db_admin_log_group_name: { value: '/ecs/webapp-staging/db-admin' },
  ecr_repository_name: { value: 'webapp-staging' },
  ecr_repository_url: { value: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/webapp-staging' },
  database_setup_version: { value: '3' },
  release: { value: { lock_parameter: '/webapp/staging/release-lock', database_setup_parameter: '/webapp/staging/database-setup', migration_command: ['python', 'manage.py', 'migrate'], migration_timeout_minutes: 30, min_counts: { web: 1 } } },
};
/** The outputs of a stack deployed by an older version: no release settings yet. */
const OLDER_OUTPUTS = { ...OUTPUTS, release: { value: { lock_parameter: '/webapp/staging/release-lock' } } };

beforeAll(async () => {
  // Inside node_modules/: the bundles require the installed packages as the scripts do.
  fs.mkdirSync(path.join(REPO, 'node_modules', '.cache'), { recursive: true });
  bundles = fs.mkdtempSync(path.join(REPO, 'node_modules', '.cache', 'command-errors-'));
  await build({
    entryPoints: SCRIPTS.map((s) => path.join(REPO, 'scripts', `${s}.ts`)),
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', outdir: bundles, logLevel: 'warning',
  });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'command-errors-'));
  outputsFile = path.join(work, 'outputs.json');
  fs.writeFileSync(outputsFile, JSON.stringify(OUTPUTS));
  olderOutputsFile = path.join(work, 'older-outputs.json');
  fs.writeFileSync(olderOutputsFile, JSON.stringify(OLDER_OUTPUTS));
  fs.mkdirSync(path.join(work, 'home'));
  fs.mkdirSync(path.join(work, 'bin'));
  fs.symlinkSync(process.execPath, path.join(work, 'bin', 'node'));
  fs.writeFileSync(path.join(work, 'bin', 'aws'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  // A port nothing listens on: the "emulator not running" case.
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closedEndpoint = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  await new Promise((resolve) => server.close(resolve));
});
afterAll(() => {
  for (const dir of [work, bundles]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** No credentials, no profile, no instance metadata: nothing can reach an account. */
function isolatedEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: path.join(work, 'home'), AWS_EC2_METADATA_DISABLED: 'true', AWS_MAX_ATTEMPTS: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NO_COLOR: '1', ...extra };
  return env;
}

function command(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [path.join(bundles, script.replace(/\.ts$/, '.js')), ...args], { cwd: REPO, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 99) : 0, stdout, stderr });
    });
    child.stdin?.end();
  });
}

type Case = [label: string, script: string, args: () => string[], code: number, message: RegExp, env?: () => Record<string, string>];

const emptyOut = () => path.join(work, 'nothing-synthesized');
const CASES: Case[] = [
  ['status: an unknown option', 'status.ts', () => ['staging', '--bogus'], 2, /^Unknown option '--bogus'\nusage: npm run status -- <environment>/],
  ['status: no credentials', 'status.ts', () => ['staging', '--outputs', outputsFile], 1, /^no AWS credentials: set AWS_PROFILE/],
  ['status: the emulator is not running', 'status.ts', () => ['staging', '--outputs', outputsFile], 1, /^cannot reach the AWS endpoint .*is the emulator running \(npm run sandbox -- status\)/, () => ({ CDKTF_AWS_ENDPOINT: closedEndpoint, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' })],
  ['logs: an unknown environment', 'logs.ts', () => ['stagin'], 2, /^no environment "stagin": did you mean "staging"\?/],
  ['status: nothing synthesized', 'status.ts', () => ['staging', '--outdir', emptyOut()], 1, /does not exist: run `npx cdktf synth`/],
  // A PATH with node and an AWS CLI, without the Session Manager plugin.
  ['exec: the Session Manager plugin is missing', 'exec.ts', () => ['staging', 'web', '--outputs', outputsFile], 1, /^the Session Manager plugin is not installed .*https:\/\/docs\.aws\.amazon\.com\/systems-manager/, () => ({ PATH: path.join(work, 'bin') })],
  ['secret: an unknown environment', 'secret.ts', () => ['list', 'prd'], 2, /^no environment "prd": did you mean "prod"\?/],
  ['secret: a value on the command line', 'secret.ts', () => ['set', 'staging', 'SENTRY_DSN', 'hunter2'], 2, /^a secret value is read from stdin, never from the command line/],
  ['secret: an unknown subcommand', 'secret.ts', () => ['show', 'staging'], 2, /^unknown secret command "show": set, check or list\nusage: npm run secret/],
  ['secret: the emulator is not running', 'secret.ts', () => ['check', 'staging', '--outputs', outputsFile], 1, /^cannot reach the AWS endpoint/, () => ({ CDKTF_AWS_ENDPOINT: closedEndpoint, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' })],
  ['task: an unknown environment', 'run-task.ts', () => ['stagin', 'ls'], 2, /^no environment "stagin": did you mean "staging"\?/],
  ['task: an unknown option', 'run-task.ts', () => ['staging', '--bogus', '1', 'ls'], 2, /^unknown option --bogus\nusage: npm run task/],
  ['task: nothing synthesized', 'run-task.ts', () => ['staging', '--outdir', emptyOut(), 'ls'], 1, /does not exist: run `npx cdktf synth`/],
  ['task: no credentials', 'run-task.ts', () => ['staging', '--outputs', outputsFile, 'ls'], 1, /^no AWS credentials/],
  ['release: no image tag', 'release.ts', () => ['staging'], 2, /^expected <environment> <image-tag>\nusage: npm run release/],
  ['release: an unknown environment', 'release.ts', () => ['qa', 'v1'], 2, /^no environment "qa": did you mean/],
  ['release: the outputs of an older stack', 'release.ts', () => ['staging', 'v1', '--outputs', olderOutputsFile], 1, /^the stack output "release" of "staging" has no min_counts, database_setup_parameter, migration_command, migration_timeout_minutes: deploy the current version/],
  // --outdir: the release writes its log file there, not into the project's cdktf.out.
  ['release: no credentials', 'release.ts', () => ['staging', 'v1', '--outputs', outputsFile, '--outdir', path.join(work, 'out')], 1, /^no AWS credentials/],
  ['cost: an unknown option', 'cost.ts', () => ['--bogus'], 2, /^cost: Unknown option '--bogus': npm run cost -- --help lists the options\n?$/],
  ['cost: an unknown environment', 'cost.ts', () => ['--env', 'prd'], 2, /^cost: no environment "prd": did you mean "prod"\?/],
  ['plan-guard: a plan file that does not exist', 'plan-guard.ts', () => [path.join(work, 'missing.json')], 2, /^plan-guard: .*missing\.json/],
  ['plan-guard: an unknown option', 'plan-guard.ts', () => ['--bogus', 'x.json'], 2, /^plan-guard: .*--bogus/],
  ['sandbox: an unknown verb', 'sandbox.ts', () => ['start'], 2, /^unknown sandbox command "start": up, down or status\nusage: npm run sandbox/],
];

test.concurrent.each(CASES)('%s: one line with the fix, no stack trace', async (_label, script, args, code, message, env) => {
  const result = await command(script, args(), isolatedEnv(env?.()));
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code, stderr: expect.stringMatching(message) });
  expect(result.stderr).not.toMatch(/^\s+at /m);
  // The first line is the whole error; what follows (if anything) is the usage.
  const [first, ...rest] = result.stderr.trimEnd().split('\n');
  expect(first.length).toBeGreaterThan(10);
  const next = rest.find((line) => line.trim() !== '');
  if (next !== undefined) expect(next).toMatch(/^usage: /i);
}, 60_000);

describe('the AWS SDK runtime warning', () => {
  test('on Node 20: one line, once per Node version, and the commands a command starts stay quiet', () => {
    const env: NodeJS.ProcessEnv = {};
    const shown = new Set<string>();
    const seen = (v: string) => (shown.has(v) ? true : (shown.add(v), false));
    expect(nodeVersionNotice(env, 'v20.20.2', seen)).toMatch(/^note: Node v20\.20\.2; AWS SDK releases after January 2027 need Node 22 or later/);
    expect(env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe('true');
    expect(nodeVersionNotice({}, 'v20.20.2', seen)).toBeUndefined();
    expect(nodeVersionNotice({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, 'v20.1.0', seen)).toBeUndefined();
  });

  test('on Node 22 and later: nothing, and the SDK is still told to stay quiet', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(nodeVersionNotice(env, 'v22.11.0', () => false)).toBeUndefined();
    expect(env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe('true');
  });
});
