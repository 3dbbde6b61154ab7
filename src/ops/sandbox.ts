/**
 * `npm run sandbox` (and `-- down`, `-- status`): the shipped staging deployed into a local AWS
 * emulator, no account needed. moto's server with the project's shims (the e2e's launcher,
 * `__tests__/e2e/moto_launcher.py`) on a loopback port, left running; then the bootstrap, the
 * hosted zone the domain needs, the deploy, an image in the emulated registry (there is no Docker
 * engine to build one: ECR stores a manifest, nothing is pulled), the declared secret and a release.
 * Everything lives in `.sandbox/`: `sandbox.json` (the emulator), `env` (the one setting that aims
 * every command at it), `cdktf.out/` and one log file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { CommandError } from './command';
import { terraformEnv } from '../lib/terraform-cli';

export const SANDBOX_DIR = '.sandbox';
export const SANDBOX_ENVIRONMENT = 'staging';
export const SANDBOX_TAG = 'sandbox-1';

/** One stage of `up`, as `sandbox.json` records it once done. */
export interface SandboxStage {
  readonly name: string;
  readonly seconds: number;
  /** When it ended (ISO time): the e2e finds the state the first deploy left by it. */
  readonly ended: string;
}

export interface SandboxState {
  readonly endpoint: string;
  readonly pid: number;
  readonly started: string;
  readonly stages?: readonly SandboxStage[];
  /** How many stages `up` has in all. */
  readonly stageCount?: number;
}

/**
 * The emulator's own settings (moto reads them at start), for the sandbox and the e2e alike.
 */
export const MOTO_ENV: Record<string, string> = {
  // AWS-managed IAM policies (the RDS monitoring role attaches AmazonRDSEnhancedMonitoringRole).
  MOTO_IAM_LOAD_MANAGED_POLICIES: 'true',
  // moto issues a DNS-validated certificate once it is older than this many seconds (default 60):
  // 0 makes aws_acm_certificate_validation succeed on its first poll (moto/acm/models.py check()).
  MOTO_ACM_VALIDATION_WAIT: '0',
  PYTHONUNBUFFERED: '1',
};

/** The value the sandbox stores for a declared secret: recognisable, never a real one. */
export function sandboxSecretValue(name: string): string {
  return `sandbox-value-of-${name}`;
}

/**
 * An image as the emulated registry stores it: a manifest only (nothing is built, pushed or pulled;
 * moto starts no container). The sandbox and the e2e put it where a release looks for its tag.
 */
export const EMULATED_IMAGE_MANIFEST = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
  config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 7023, digest: `sha256:${'c'.repeat(64)}` },
  layers: [],
});

/** Fake credentials: moto takes any; AWS would refuse these, so nothing can reach a real account. */
const FAKE_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'sandbox', AWS_SECRET_ACCESS_KEY: 'sandbox' };

/**
 * Variables that could select real credentials, a real endpoint, another Terraform workspace or
 * state, or a released tag: never passed to the sandbox's children (nor the e2e's). And GitHub's
 * job summary: a sandbox run in a workflow writes none.
 */
export const REAL_AWS_VARIABLES = [
  'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_SESSION_NAME', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN', 'AWS_ENDPOINT_URL',
  'AWS_CA_BUNDLE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE',
  'TF_CLI_ARGS', 'TF_CLI_ARGS_plan', 'TF_CLI_ARGS_apply', 'TF_CLI_ARGS_init', 'TF_WORKSPACE', 'TF_DATA_DIR',
  'IMAGE_TAG', 'CDKTF_LOCAL_BACKEND', 'CDKTF_AWS_ENDPOINT', 'GITHUB_STEP_SUMMARY',
];

/**
 * What every command needs to work on the sandbox: the emulator's endpoint (CDKTF_AWS_ENDPOINT:
 * cdktf's providers and the commands' clients), fake credentials, the region, few retries (moto
 * answers what it lacks with errors the SDK would retry for minutes), and the Terraform CLI config
 * with the local provider mirror when there is one (offline machines).
 */
export function sandboxVariables(endpoint: string, region: string): Record<string, string> {
  return {
    ...FAKE_CREDENTIALS,
    CDKTF_AWS_ENDPOINT: endpoint,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '3',
    CHECKPOINT_DISABLE: '1',
  };
}

/** The environment of the sandbox's children: the user's, minus what could aim at real AWS, plus the sandbox's. */
export function sandboxProcessEnv(endpoint: string, region: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env = terraformEnv();
  for (const name of REAL_AWS_VARIABLES) delete env[name];
  for (const name of Object.keys(env)) if (/^AWS_ENDPOINT_URL_/.test(name)) delete env[name];
  return { ...env, PATH: base.PATH, ...sandboxVariables(endpoint, region), TF_CLI_CONFIG_FILE: env.TF_CLI_CONFIG_FILE! };
}

/** `.sandbox/env`, to `source` in a shell: then every command works on the sandbox as it does on AWS. */
export function envFileText(endpoint: string, region: string, tfCliConfig: string | undefined, dir = SANDBOX_DIR): string {
  const lines = Object.entries({ ...sandboxVariables(endpoint, region), ...(tfCliConfig ? { TF_CLI_CONFIG_FILE: tfCliConfig } : {}) }).map(([k, v]) => `export ${k}='${v}'`);
  return [`# npm run sandbox wrote this: source it, then pass --outdir ${dir}/cdktf.out to the commands.`, ...lines, 'unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL', ''].join('\n');
}

/** The Python that runs moto's server (MOTO_PYTHON, the moto_server script's, python3), or a one-line fix. */
export function motoPython(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env.MOTO_PYTHON, 'python3'].filter((p): p is string => Boolean(p));
  try {
    const script = execFileSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' }).trim();
    const m = /^#!\s*(\S*python[0-9.]*)\s*$/.exec(fs.readFileSync(script, 'utf8').split('\n', 1)[0]);
    if (m) candidates.splice(env.MOTO_PYTHON ? 1 : 0, 0, m[1]);
  } catch {
    // no moto_server script on PATH: python3
  }
  for (const python of candidates) {
    try {
      execFileSync(python, ['-c', 'import moto.server'], { stdio: 'ignore' });
      return python;
    } catch {
      // the next one
    }
  }
  throw new CommandError(`no Python with moto's server (tried ${candidates.join(', ')}): pip install 'moto[server]==5.2.1' (or set MOTO_PYTHON)`);
}

/** Whether moto's server answers at the endpoint (its own API, 2 s at most). */
export async function emulatorAnswers(endpoint: string): Promise<boolean> {
  try {
    return (await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

export function readState(dir: string): SandboxState | undefined {
  const file = path.join(dir, 'sandbox.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as SandboxState) : undefined;
}

export function writeState(dir: string, state: SandboxState): void {
  fs.writeFileSync(path.join(dir, 'sandbox.json'), `${JSON.stringify(state, null, 2)}\n`);
}

/** Whether a process is alive (signal 0 checks without sending anything). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A stage of `up`: its number, name and time, printed as it starts and ends. */
export function stageLine(index: number, total: number, name: string, seconds?: number): string {
  return `[${index}/${total}] ${name}${seconds === undefined ? ' ...' : ` done in ${seconds}s`}`;
}

/** How the sandbox was set up, for `status`: its stages and their times, or that `up` has not finished. */
export function setupSummary(state: SandboxState): string {
  const stages = state.stages ?? [];
  const total = state.stageCount ?? stages.length;
  const seconds = stages.reduce((sum, st) => sum + st.seconds, 0);
  const list = stages.filter((st) => st.seconds > 0).map((st) => `${st.name.replace(/ \(.*\)$/, '')} ${st.seconds}s`).join(', ');
  return stages.length < total
    ? `set-up incomplete: ${stages.length} of ${total} stages done${list ? ` (${list})` : ''}; see its sandbox.log`
    : `set up in ${seconds}s (${list})`;
}

/** Resources Terraform finished creating, changing or destroying in a piece of its output. */
export function appliedCount(text: string): number {
  return (text.match(/: (Creation|Modifications|Destruction) complete after /g) ?? []).length;
}

/** A long stage while it runs: its elapsed time and what Terraform has done so far. */
export function progressLine(index: number, total: number, name: string, seconds: number, applied: number): string {
  const elapsed = seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
  return `[${index}/${total}] ${name} ... ${elapsed}${applied > 0 ? `, ${applied} resource${applied === 1 ? '' : 's'} applied` : ''}`;
}

/** What `up` prints at the end: where things are and what to type next. */
export function nextSteps(state: SandboxState, outputs: Record<string, unknown>, logFile: string, dir = SANDBOX_DIR): string {
  const outdir = `${dir}/cdktf.out`;
  return [
    `sandbox up: ${SANDBOX_ENVIRONMENT} released (${SANDBOX_TAG}) in the emulator at ${state.endpoint} (pid ${state.pid})`,
    `  app url (in the emulator, not reachable): ${String(outputs.app_url ?? '?')}`,
    `  load balancer: ${String(outputs.alb_dns_name ?? '?')}`,
    `  image repository: ${String(outputs.ecr_repository_url ?? '?')}`,
    `  full log: ${logFile}`,
    'next:',
    `  source ${dir}/env                # aims cdktf and every command at the sandbox`,
    `  npm run status -- ${SANDBOX_ENVIRONMENT} --outdir ${outdir}`,
    `  npm run logs -- ${SANDBOX_ENVIRONMENT} --outdir ${outdir}`,
    `  npm run release -- ${SANDBOX_ENVIRONMENT} ${SANDBOX_TAG} --outdir ${outdir}`,
    `  npx cdktf diff ${SANDBOX_ENVIRONMENT} --output ${outdir}`,
    `  npm run sandbox -- down${dir === SANDBOX_DIR ? '' : ` --dir ${dir}`}              # stops the emulator (everything in it is gone)`,
  ].join('\n');
}
