import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildSync } from 'esbuild';
import { parse } from 'yaml';
import { environments } from '../src/config/environments';
import { EnvironmentConfig } from '../src/config/types';
import { deliveryEnvironments } from '../src/delivery/ci-env';

/**
 * The GitHub Actions workflows (.github/workflows/): valid for GitHub's own parser, every action
 * pinned to a commit, least privilege, no keys, and in step with the config (environment names,
 * branch, one deploy job per delivered environment). Each rule is a function returning problems,
 * run on the real files (no problem) and on a broken copy (the problem is found).
 */

const ROOT = path.join(__dirname, '..');
const FILES = { pullRequest: '.github/workflows/pull-request.yml', deliver: '.github/workflows/deliver.yml' } as const;
type FileKey = keyof typeof FILES;

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  'working-directory'?: string;
}
interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string> | string;
  environment?: string | { name: string; url?: string };
  concurrency?: string | { group: string; 'cancel-in-progress'?: boolean };
  strategy?: { matrix?: Record<string, unknown>; 'fail-fast'?: boolean };
  outputs?: Record<string, string>;
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, any>;
  permissions?: Record<string, string> | string;
  concurrency?: string | { group: string; 'cancel-in-progress'?: boolean };
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

const text = (key: FileKey) => fs.readFileSync(path.join(ROOT, FILES[key]), 'utf8');
const load = (key: FileKey) => parse(text(key)) as Workflow;
const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const delivered = deliveryEnvironments(environments);

const jobsOf = (wf: Workflow) => Object.entries(wf.jobs);
const stepsOf = (wf: Workflow) => jobsOf(wf).flatMap(([id, job]) => job.steps.map((step) => ({ id, job, step })));
const runsOf = (job: Job) => job.steps.filter((s) => s.run).map((s) => s.run!);
const isAction = (step: Step, action: string) => step.uses?.split('@')[0] === action;
const usesAction = (job: Job, action: string) => job.steps.some((s) => isAction(s, action));
const environmentName = (job: Job) => (typeof job.environment === 'string' ? job.environment : job.environment?.name);
const needsOf = (job: Job) => (job.needs === undefined ? [] : ([] as string[]).concat(job.needs));
/** The environment a job works on: the argument of its `ci:env` call. */
const ciEnvArgument = (job: Job) => runsOf(job).map((r) => /npm run --silent ci:env -- ([\w-]+)/.exec(r)?.[1]).find(Boolean);
const indexOfStep = (job: Job, predicate: (s: Step) => boolean) => job.steps.findIndex(predicate);
const clone = <T>(value: T): T => structuredClone(value);

// ---------------------------------------------------------------------------------------------
// GitHub's workflow parser (@actions/workflow-parser, ESM with JSON imports: bundled to CommonJS
// with esbuild for Jest, once per run).
// ---------------------------------------------------------------------------------------------

interface WorkflowParser {
  parseWorkflow(file: { name: string; content: string }, trace: unknown): { context: { errors: { getErrors(): { message: string }[] } }; value: unknown };
  convertWorkflowTemplate(context: unknown, root: unknown): Promise<{ errors?: { Message: string }[] }>;
  NoOperationTraceWriter: new () => unknown;
}

let parser: WorkflowParser;
beforeAll(() => {
  const outfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'workflow-parser-')), 'parser.cjs');
  buildSync({
    stdin: { contents: "export * from '@actions/workflow-parser';", resolveDir: ROOT, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'silent',
  });
  parser = require(outfile) as WorkflowParser;
});

/** Every error GitHub's parser reports: syntax, schema, expressions and contexts, job graph. */
async function parserErrors(name: string, content: string): Promise<string[]> {
  const { context, value } = parser.parseWorkflow({ name, content }, new parser.NoOperationTraceWriter());
  const converted = value ? await parser.convertWorkflowTemplate(context, value) : { errors: [] };
  const messages = [...context.errors.getErrors().map((e) => e.message), ...(converted.errors ?? []).map((e) => e.Message)];
  return [...new Set(messages)];
}

describe.each(Object.keys(FILES) as FileKey[])('%s workflow: GitHub\'s parser', (key) => {
  test('parses without an error', async () => {
    expect(await parserErrors(FILES[key], text(key))).toEqual([]);
  });
});

describe('GitHub\'s parser catches what GitHub would refuse', () => {
  test.each([
    ['a job needing a job that does not exist', (t: string) => t.replace('needs: staging', 'needs: stagin'), /unknown job 'stagin'/],
    ['a context that does not exist there', (t: string) => t.replace('if: github.ref ==', 'if: secrets.X =='), /Unrecognized named-value: 'secrets'/],
    ['an unclosed expression', (t: string) => t.replace('${{ env.DEPLOY_ROLE_ARN }}', '${{ env.DEPLOY_ROLE_ARN }'), /expression is not closed/],
    ['a wrong permission level', (t: string) => t.replace('contents: read', 'contents: raed'), /Unexpected value 'raed'/],
  ])('%s', async (_label, change, error) => {
    const broken = change(text('deliver'));
    expect(broken).not.toBe(text('deliver'));
    const errors = await parserErrors('broken.yml', broken);
    expect(errors.join('\n')).toMatch(error);
  });
});

// ---------------------------------------------------------------------------------------------
// Pinned actions
// ---------------------------------------------------------------------------------------------

const PINNED = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(\/[^@\s]+)?@[0-9a-f]{40}$/;

/** Every `uses:` must be `owner/repo@<40-hex commit>  # vX.Y.Z`. */
function unpinnedActions(content: string): string[] {
  const problems: string[] = [];
  content.split('\n').forEach((line, i) => {
    const m = /^\s*(?:-\s+)?uses:\s*(\S+)(?:\s+#\s*(.*))?$/.exec(line);
    if (!m) return;
    const [, ref, comment] = m;
    if (!PINNED.test(ref)) problems.push(`line ${i + 1}: ${ref} is not pinned to a full commit SHA`);
    if (!/^v\d+\.\d+\.\d+$/.test(comment?.trim() ?? '')) problems.push(`line ${i + 1}: ${ref} has no "# vX.Y.Z" comment`);
  });
  return problems;
}

describe('actions are pinned to commits', () => {
  test.each(Object.keys(FILES) as FileKey[])('%s: every uses is owner/repo@<40-hex> # vX.Y.Z', (key) => {
    const content = text(key);
    expect(unpinnedActions(content)).toEqual([]);
    // Every step with `uses` was seen by the line scan (no flow-style step hides one).
    const scanned = content.split('\n').filter((l) => /^\s*(?:-\s+)?uses:/.test(l)).length;
    expect(scanned).toBe(stepsOf(load(key)).filter(({ step }) => step.uses).length);
    expect(scanned).toBeGreaterThan(0);
  });

  test('one action, one commit and one version across both workflows', () => {
    const pins = new Map<string, Set<string>>();
    for (const key of Object.keys(FILES) as FileKey[]) {
      for (const m of text(key).matchAll(/uses:\s*([^@\s]+)@(\S+)\s+#\s*(\S+)/g)) {
        pins.set(m[1], (pins.get(m[1]) ?? new Set()).add(`${m[2]} ${m[3]}`));
      }
    }
    const inconsistent = [...pins].filter(([, versions]) => versions.size > 1).map(([action, versions]) => `${action}: ${[...versions].join(' / ')}`);
    expect(inconsistent).toEqual([]);
  });

  test.each([
    ['a tag', 'actions/checkout@v4 # v4.2.2', /not pinned/],
    ['a short SHA', 'actions/checkout@11bd719 # v4.2.2', /not pinned/],
    ['a branch', 'actions/checkout@main', /not pinned/],
    ['a SHA without its version', 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683', /no "# vX.Y.Z" comment/],
    ['a SHA with a major version only', 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4', /no "# vX.Y.Z" comment/],
  ])('%s is refused', (_label, uses, problem) => {
    expect(unpinnedActions(`    steps:\n      - uses: ${uses}\n`).join('\n')).toMatch(problem);
  });
});

// ---------------------------------------------------------------------------------------------
// Commands exist
// ---------------------------------------------------------------------------------------------

/** `npm run <script>` of a script package.json does not have, and `npx <bin>` no dependency provides. */
function missingCommands(wf: Workflow, scripts: Record<string, string>): string[] {
  const problems: string[] = [];
  const bins = new Set(
    Object.keys({ ...packageJson.dependencies, ...packageJson.devDependencies }).flatMap((dep) => {
      const bin = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', dep, 'package.json'), 'utf8')).bin;
      return typeof bin === 'string' ? [dep.split('/').pop()!] : Object.keys(bin ?? {});
    }),
  );
  for (const { id, step } of stepsOf(wf)) {
    for (const m of (step.run ?? '').matchAll(/\bnpm run(?:\s+--?[\w-]+)*\s+([^\s;|&)"']+)/g)) {
      if (!(m[1] in scripts)) problems.push(`${id}: npm run ${m[1]}: no such script in package.json`);
    }
    for (const m of (step.run ?? '').matchAll(/\bnpx\s+([^\s;|&)"']+)/g)) {
      if (!bins.has(m[1])) problems.push(`${id}: npx ${m[1]}: no dependency provides it`);
    }
  }
  return problems;
}

/** Scripts bash cannot even parse (`bash -n`): GitHub would only find out when the step runs. */
function shellSyntaxErrors(wf: Workflow): string[] {
  return stepsOf(wf).flatMap(({ id, step }) => {
    if (!step.run) return [];
    const check = spawnSync('bash', ['-n'], { input: step.run, encoding: 'utf8' });
    return check.status === 0 ? [] : [`${id}: "${step.name ?? step.run.split('\n')[0]}": ${check.stderr.trim()}`];
  });
}

describe('every script is valid bash', () => {
  test.each(Object.keys(FILES) as FileKey[])('%s', (key) => {
    expect(shellSyntaxErrors(load(key))).toEqual([]);
  });

  test('a broken script is found', () => {
    const wf = clone(load('deliver'));
    wf.jobs.prod.steps.push({ name: 'broken', run: 'if [ -n "$X" ]; then\n  echo x\n' });
    expect(shellSyntaxErrors(wf)).toEqual([expect.stringMatching(/^prod: "broken": .*syntax error/)]);
  });
});

describe('every command a workflow runs exists', () => {
  test.each(Object.keys(FILES) as FileKey[])('%s: npm run <script> and npx <bin>', (key) => {
    expect(missingCommands(load(key), packageJson.scripts)).toEqual([]);
  });

  test('a missing script or binary is found', () => {
    const wf = load('deliver');
    wf.jobs.staging.steps.push({ run: 'npm run --silent ci:envs -- staging\nnpx cdk synth' });
    expect(missingCommands(wf, packageJson.scripts)).toEqual(['staging: npm run ci:envs: no such script in package.json', 'staging: npx cdk: no dependency provides it']);
  });

  test('the workflows rely on ci:env, release and plan-guard', () => {
    expect(packageJson.scripts['ci:env']).toBe('tsx scripts/ci-env.ts');
    const all = [...stepsOf(load('pullRequest')), ...stepsOf(load('deliver'))].map(({ step }) => step.run ?? '').join('\n');
    for (const script of ['ci:env', 'release', 'plan-guard']) expect(all).toMatch(new RegExp(`npm run (--silent )?${script} `));
  });
});

// ---------------------------------------------------------------------------------------------
// Least privilege, no keys
// ---------------------------------------------------------------------------------------------

const CREDENTIALS_ACTION = 'aws-actions/configure-aws-credentials';

/**
 * Nothing at the workflow level; every job states its permissions; `id-token: write` exactly where
 * AWS credentials are configured; no other write.
 */
function permissionProblems(wf: Workflow): string[] {
  const problems: string[] = [];
  if (typeof wf.permissions !== 'object' || Object.keys(wf.permissions).length !== 0) problems.push('workflow: permissions must be {} (each job asks for its own)');
  for (const [id, job] of jobsOf(wf)) {
    if (typeof job.permissions !== 'object') {
      problems.push(`${id}: no permissions map (it would get the workflow's or the repository's default)`);
      continue;
    }
    const oidc = usesAction(job, CREDENTIALS_ACTION);
    if (oidc && job.permissions['id-token'] !== 'write') problems.push(`${id}: configures AWS credentials without id-token: write`);
    if (!oidc && job.permissions['id-token'] !== undefined) problems.push(`${id}: id-token without configuring AWS credentials`);
    for (const [scope, level] of Object.entries(job.permissions)) {
      if (scope !== 'id-token' && level === 'write') problems.push(`${id}: ${scope}: write is more than it needs`);
    }
  }
  return problems;
}

/** Long-lived AWS keys or repository secrets: none (OIDC only). */
function credentialProblems(content: string): string[] {
  return [/secrets\./, /aws-access-key-id/i, /aws-secret-access-key/i, /AWS_ACCESS_KEY_ID/, /AWS_SECRET_ACCESS_KEY/, /AKIA[0-9A-Z]{16}/]
    .filter((pattern) => pattern.test(content))
    .map((pattern) => `found ${pattern}`);
}

/** `${{ }}` inside a run script is spliced into the shell: inputs and event fields would be code. Pass them through env. */
function expressionsInScripts(wf: Workflow): string[] {
  return stepsOf(wf)
    .filter(({ step }) => step.run?.includes('${{'))
    .map(({ id, step }) => `${id}: "${step.name ?? step.run!.split('\n')[0]}" uses an expression in its script`);
}

describe('least privilege and no keys', () => {
  test.each(Object.keys(FILES) as FileKey[])('%s: permission rules', (key) => {
    expect(permissionProblems(load(key))).toEqual([]);
  });

  test('pull-request: exactly these permissions per job', () => {
    const wf = load('pullRequest');
    expect(wf.permissions).toEqual({});
    expect(Object.fromEntries(jobsOf(wf).map(([id, job]) => [id, job.permissions]))).toEqual({
      test: { contents: 'read' },
      environments: { contents: 'read' },
      plan: { contents: 'read', 'id-token': 'write' },
    });
  });

  test('deliver: exactly these permissions per job', () => {
    const wf = load('deliver');
    expect(wf.permissions).toEqual({});
    expect(Object.fromEntries(jobsOf(wf).map(([id, job]) => [id, job.permissions]))).toEqual({
      staging: { contents: 'read', 'id-token': 'write' },
      prod: { contents: 'read', 'id-token': 'write' },
    });
  });

  test.each([
    ['a write beyond the token', (wf: Workflow) => ((wf.jobs.staging.permissions as Record<string, string>).contents = 'write'), 'staging: contents: write is more than it needs'],
    ['credentials without the token', (wf: Workflow) => delete (wf.jobs.prod.permissions as Record<string, string>)['id-token'], 'prod: configures AWS credentials without id-token: write'],
    ['a job without a map', (wf: Workflow) => delete wf.jobs.prod.permissions, "prod: no permissions map (it would get the workflow's or the repository's default)"],
    ['workflow-wide permissions', (wf: Workflow) => (wf.permissions = 'write-all'), 'workflow: permissions must be {} (each job asks for its own)'],
  ])('%s is found', (_label, change, problem) => {
    const wf = clone(load('deliver'));
    change(wf);
    expect(permissionProblems(wf)).toContain(problem);
  });

  test('the token where no credentials are configured is found', () => {
    const wf = clone(load('pullRequest'));
    (wf.jobs.test.permissions as Record<string, string>)['id-token'] = 'write';
    expect(permissionProblems(wf)).toEqual(['test: id-token without configuring AWS credentials']);
  });

  test.each(Object.keys(FILES) as FileKey[])('%s: no secrets, no access keys', (key) => {
    expect(credentialProblems(text(key))).toEqual([]);
  });

  test('a key or a secret is found', () => {
    expect(credentialProblems('aws-access-key-id: ${{ secrets.AWS_KEY }}')).toEqual(['found /secrets\\./', 'found /aws-access-key-id/i']);
  });

  test.each(Object.keys(FILES) as FileKey[])('%s: no expression is spliced into a script', (key) => {
    expect(expressionsInScripts(load(key))).toEqual([]);
  });

  test('an input spliced into a script is found', () => {
    const wf = clone(load('deliver'));
    wf.jobs.staging.steps.push({ name: 'bad', run: 'npm run release -- staging ${{ inputs.image_tag }}' });
    expect(expressionsInScripts(wf)).toEqual(['staging: "bad" uses an expression in its script']);
  });

  test('configure-aws-credentials is given a role to assume, a region and the account, never keys', () => {
    for (const key of Object.keys(FILES) as FileKey[]) {
      for (const { step } of stepsOf(load(key)).filter(({ step }) => isAction(step, CREDENTIALS_ACTION))) {
        expect(Object.keys(step.with ?? {}).sort()).toEqual(
          expect.arrayContaining(['allowed-account-ids', 'aws-region', 'role-to-assume']),
        );
        expect(step.with).toMatchObject({ 'aws-region': '${{ env.AWS_REGION }}', 'allowed-account-ids': '${{ env.AWS_ACCOUNT_ID }}' });
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// In step with the config
// ---------------------------------------------------------------------------------------------

/**
 * The deploy jobs (those with an `environment`) against the config: one per delivered environment,
 * named as its GitHub environment, one concurrency group per environment that never cancels, the
 * DEPLOY role, the release of that environment, and in config order (each needs the previous one).
 */
function deployProblems(wf: Workflow, envs: EnvironmentConfig[]): string[] {
  const problems: string[] = [];
  const deployJobs = jobsOf(wf).filter(([, job]) => job.environment !== undefined);
  const byStack = new Map<string, string>();
  for (const [id, job] of deployJobs) {
    const stack = ciEnvArgument(job);
    const env = envs.find((e) => e.name === stack);
    if (!env) {
      problems.push(`${id}: reads no delivered environment with ci:env (got ${stack})`);
      continue;
    }
    byStack.set(env.name, id);
    const expected = env.delivery!.github.environment;
    if (environmentName(job) !== expected) problems.push(`${id}: environment is "${environmentName(job)}" but ${env.name}'s delivery.github.environment is "${expected}" (the deploy role trusts that one only)`);
    if (typeof job.environment !== 'object' || job.environment.url !== '${{ steps.ci.outputs.APP_URL }}') problems.push(`${id}: environment.url is not the app URL`);
    const concurrency = job.concurrency;
    if (typeof concurrency !== 'object' || concurrency.group !== `deploy-${env.name}` || concurrency['cancel-in-progress'] !== false) {
      problems.push(`${id}: concurrency must be { group: deploy-${env.name}, cancel-in-progress: false }`);
    }
    const roles = job.steps.filter((s) => isAction(s, CREDENTIALS_ACTION)).map((s) => s.with?.['role-to-assume']);
    if (roles.length !== 1 || roles[0] !== '${{ env.DEPLOY_ROLE_ARN }}') problems.push(`${id}: must assume the DEPLOY role once (got ${roles.join(', ') || 'none'})`);
    const release = indexOfStep(job, (s) => s.run === `npm run release -- ${env.name} "$RELEASE_TAG" --deploy-with terraform --guard`);
    if (release < 0) problems.push(`${id}: does not run the release of ${env.name} with terraform and the guard`);
    const smoke = indexOfStep(job, (s) => Boolean(s.run?.includes('"$HEALTH_URL"')));
    if (smoke < release) problems.push(`${id}: no smoke check of HEALTH_URL after the release`);
  }
  const expectedEnvironments = envs.map((e) => e.delivery!.github.environment).sort();
  const actualEnvironments = deployJobs.map(([, job]) => environmentName(job)!).sort();
  if (JSON.stringify(actualEnvironments) !== JSON.stringify(expectedEnvironments)) {
    problems.push(`deploy jobs for GitHub environments ${actualEnvironments.join(', ')} but the config delivers ${expectedEnvironments.join(', ')}: one job per environment with delivery`);
  }
  envs.forEach((env, i) => {
    const id = byStack.get(env.name);
    if (!id) return;
    const needs = needsOf(wf.jobs[id]);
    const previous = i > 0 ? byStack.get(envs[i - 1].name) : undefined;
    if (previous && !needs.includes(previous)) problems.push(`${id}: must need ${previous} (environments deploy in config order)`);
    if (i === 0 && needs.some((n) => [...byStack.values()].includes(n))) problems.push(`${id}: the first environment needs no other deploy`);
  });
  return problems;
}

/** The branch the config delivers from: one, shared by every delivered environment. */
function deliveryBranches(envs: EnvironmentConfig[]): string[] {
  return [...new Set(envs.map((e) => e.delivery!.github.branch))].sort();
}

describe('in step with the config', () => {
  test('the shipped config delivers every environment from one branch', () => {
    expect(delivered.map((e) => e.name)).toEqual(environments.map((e) => e.name));
    expect(deliveryBranches(delivered)).toHaveLength(1);
  });

  test('deliver: one deploy job per delivered environment, named as its GitHub environment, serialized, with the deploy role', () => {
    expect(deployProblems(load('deliver'), delivered)).toEqual([]);
    // What the shipped config says today, literally.
    const wf = load('deliver');
    expect(environmentName(wf.jobs.staging)).toBe(delivered.find((e) => e.name === 'staging')!.delivery!.github.environment);
    expect(environmentName(wf.jobs.prod)).toBe(delivered.find((e) => e.name === 'prod')!.delivery!.github.environment);
  });

  test.each([
    ['a GitHub environment the deploy role does not trust', (wf: Workflow) => ((wf.jobs.prod.environment as { name: string }).name = 'prod'), /prod: environment is "prod" but prod's delivery.github.environment is "production"/],
    ['a cancelling concurrency group', (wf: Workflow) => ((wf.jobs.staging.concurrency as { 'cancel-in-progress': boolean })['cancel-in-progress'] = true), /staging: concurrency must be \{ group: deploy-staging, cancel-in-progress: false \}/],
    ['one group for two environments', (wf: Workflow) => ((wf.jobs.prod.concurrency as { group: string }).group = 'deploy-staging'), /prod: concurrency must be \{ group: deploy-prod/],
    ['the plan role in a deploy job', (wf: Workflow) => (wf.jobs.prod.steps.find((s) => isAction(s, CREDENTIALS_ACTION))!.with!['role-to-assume'] = '${{ env.PLAN_ROLE_ARN }}'), /prod: must assume the DEPLOY role once/],
    ['a release of another environment', (wf: Workflow) => (wf.jobs.prod.steps.find((s) => s.run?.startsWith('npm run release'))!.run = 'npm run release -- staging "$RELEASE_TAG" --deploy-with terraform --guard'), /prod: does not run the release of prod/],
    ['a release without the guard', (wf: Workflow) => (wf.jobs.staging.steps.find((s) => s.run?.startsWith('npm run release'))!.run = 'npm run release -- staging "$RELEASE_TAG" --deploy-with terraform'), /staging: does not run the release of staging/],
    ['prod not waiting for staging', (wf: Workflow) => delete wf.jobs.prod.needs, /prod: must need staging/],
    ['a missing deploy job', (wf: Workflow) => delete wf.jobs.prod, /deploy jobs for GitHub environments staging but the config delivers production, staging/],
  ])('%s is found', (_label, change, problem) => {
    const wf = clone(load('deliver'));
    change(wf);
    expect(deployProblems(wf, delivered).join('\n')).toMatch(problem);
  });

  test('a new delivered environment without a deploy job is found', () => {
    const qa = { ...delivered[0], name: 'qa', delivery: { github: { ...delivered[0].delivery!.github, environment: 'qa' } } };
    expect(deployProblems(load('deliver'), [...delivered, qa]).join('\n')).toMatch(/the config delivers production, qa, staging/);
  });

  test('deliver: triggered by pushes to the delivery branch, and releases nothing from another', () => {
    const wf = load('deliver');
    expect(wf.on.push).toEqual({ branches: deliveryBranches(delivered) });
    expect(wf.jobs.staging.if).toBe(`github.ref == 'refs/heads/${deliveryBranches(delivered)[0]}'`);
  });

  test('pull-request: runs for pull requests to the delivery branch', () => {
    expect(load('pullRequest').on).toEqual({ pull_request: { branches: deliveryBranches(delivered) } });
  });
});

// ---------------------------------------------------------------------------------------------
// The pull-request workflow
// ---------------------------------------------------------------------------------------------

/** IMAGE_TAG in any env map or assigned by a script: every synth would move the stack to that image. */
function setsImageTag(wf: Workflow): boolean {
  const maps = [wf.env, ...jobsOf(wf).flatMap(([, job]) => [job.env, ...job.steps.map((s) => s.env)])];
  return maps.some((env) => env !== undefined && 'IMAGE_TAG' in env) || stepsOf(wf).some(({ step }) => /\bIMAGE_TAG=/.test(step.run ?? ''));
}

/** The plan job: PLAN role, no GitHub environment, plan without lock or IMAGE_TAG, then show -json and the guard. */
function planProblems(wf: Workflow): string[] {
  const problems: string[] = [];
  for (const [id, job] of jobsOf(wf)) {
    if (job.environment !== undefined) problems.push(`${id}: declares an environment (the plan role trusts pull requests, not environments)`);
  }
  const plan = wf.jobs.plan;
  if (!plan) return [...problems, 'no plan job'];
  const roles = plan.steps.filter((s) => isAction(s, CREDENTIALS_ACTION)).map((s) => s.with?.['role-to-assume']);
  if (roles.length !== 1 || roles[0] !== '${{ env.PLAN_ROLE_ARN }}') problems.push(`plan: must assume the PLAN role once (got ${roles.join(', ') || 'none'})`);
  const planStep = indexOfStep(plan, (s) => /terraform plan /.test(s.run ?? ''));
  const planLine = (plan.steps[planStep]?.run ?? '').split('\n').find((l) => l.includes('terraform plan ')) ?? '';
  for (const flag of ['-lock=false', '-refresh=false', '-input=false', '-out=']) if (!planLine.includes(flag)) problems.push(`plan: terraform plan without ${flag}`);
  const show = indexOfStep(plan, (s) => /terraform show -json /.test(s.run ?? ''));
  const guard = indexOfStep(plan, (s) => /^npm run plan-guard -- /.test(s.run ?? ''));
  if (show < planStep || guard < show) problems.push('plan: terraform plan, then terraform show -json, then npm run plan-guard');
  if (setsImageTag(wf)) problems.push('IMAGE_TAG in a pull-request plan: the plan would move the stack to another image');
  return problems;
}

describe('pull-request workflow', () => {
  test('plans with the PLAN role, no lock, no image tag, then the guard; no job claims an environment', () => {
    expect(planProblems(load('pullRequest'))).toEqual([]);
  });

  test.each([
    ['a lock', (wf: Workflow) => (wf.jobs.plan.steps.find((s) => s.run?.includes('terraform plan'))!.run = 'terraform plan -refresh=false -input=false -out="$RUNNER_TEMP/p"\nterraform show -json x'), 'plan: terraform plan without -lock=false'],
    ['a refresh (reads secret values)', (wf: Workflow) => (wf.jobs.plan.steps.find((s) => s.run?.includes('terraform plan'))!.run = 'terraform plan -lock=false -input=false -out="$RUNNER_TEMP/p"\nterraform show -json x'), 'plan: terraform plan without -refresh=false'],
    ['the deploy role', (wf: Workflow) => (wf.jobs.plan.steps.find((s) => isAction(s, CREDENTIALS_ACTION))!.with!['role-to-assume'] = '${{ env.DEPLOY_ROLE_ARN }}'), 'plan: must assume the PLAN role once (got ${{ env.DEPLOY_ROLE_ARN }})'],
    ['an environment', (wf: Workflow) => (wf.jobs.plan.environment = 'staging'), 'plan: declares an environment (the plan role trusts pull requests, not environments)'],
    ['no guard', (wf: Workflow) => (wf.jobs.plan.steps = wf.jobs.plan.steps.filter((s) => !s.run?.startsWith('npm run plan-guard'))), 'plan: terraform plan, then terraform show -json, then npm run plan-guard'],
  ])('%s is found', (_label, change, problem) => {
    const wf = clone(load('pullRequest'));
    change(wf);
    expect(planProblems(wf)).toContain(problem);
  });

  test.each([
    ['in a step\'s env', (wf: Workflow) => (wf.jobs.plan.steps.find((s) => s.name === 'Synthesize')!.env = { IMAGE_TAG: 'x' })],
    ['in the workflow\'s env', (wf: Workflow) => (wf.env = { ...wf.env, IMAGE_TAG: 'x' })],
    ['assigned by a script', (wf: Workflow) => (wf.jobs.plan.steps.find((s) => s.name === 'Synthesize')!.run = 'IMAGE_TAG=x npx cdktf synth')],
  ])('an IMAGE_TAG %s is found', (_label, change) => {
    const wf = clone(load('pullRequest'));
    change(wf);
    expect(planProblems(wf)).toEqual(['IMAGE_TAG in a pull-request plan: the plan would move the stack to another image']);
  });

  test('the environments to plan come from the config (ci:env --matrix), not from the YAML', () => {
    const wf = load('pullRequest');
    expect(runsOf(wf.jobs.environments).join('\n')).toContain('npm run --silent ci:env -- --matrix');
    expect(wf.jobs.environments.outputs).toEqual({ matrix: '${{ steps.matrix.outputs.matrix }}' });
    expect(wf.jobs.plan.needs).toBe('environments');
    expect(wf.jobs.plan.strategy).toEqual({ 'fail-fast': false, matrix: { include: '${{ fromJSON(needs.environments.outputs.matrix) }}' } });
    expect(runsOf(wf.jobs.plan).join('\n')).toContain('npm run --silent ci:env -- "$ENVIRONMENT" >> "$GITHUB_ENV"');
  });

  test('the plan runs terraform in the synthesized stack folder', () => {
    const steps = load('pullRequest').jobs.plan.steps.filter((s) => /terraform (init|plan)/.test(s.run ?? ''));
    expect(steps).toHaveLength(2);
    for (const step of steps) expect(step['working-directory']).toBe('${{ env.STACK_DIR }}');
    expect(steps[0].run).toBe('terraform init -input=false');
  });

  test('one run per pull request: a new push cancels the previous one', () => {
    expect(load('pullRequest').concurrency).toEqual({ group: 'pull-request-${{ github.event.pull_request.number }}', 'cancel-in-progress': true });
  });

  test('the test job installs exactly the lock file and runs npm test', () => {
    const runs = runsOf(load('pullRequest').jobs.test);
    expect(runs).toContain('npm ci');
    expect(runs).toContain('npm test');
  });
});

// ---------------------------------------------------------------------------------------------
// The deliver workflow
// ---------------------------------------------------------------------------------------------

describe('deliver workflow', () => {
  const wf = load('deliver');
  const runs = (job: string) => runsOf(wf.jobs[job]).join('\n');

  test('the image is built once, in staging, for linux/amd64, from the reference app', () => {
    expect(text('deliver').match(/docker build/g)).toHaveLength(1);
    expect(runs('staging')).toMatch(/docker build --platform linux\/amd64 [\s\S]*--tag "\$image" examples\/django/);
    expect(runs('prod')).not.toMatch(/docker build/);
  });

  test('prod pushes the bytes staging built: the artifact staging uploads, checked against its image ID', () => {
    const upload = wf.jobs.staging.steps.find((s) => isAction(s, 'actions/upload-artifact'));
    const download = wf.jobs.prod.steps.find((s) => isAction(s, 'actions/download-artifact'));
    expect(upload?.with?.name).toBeDefined();
    expect(download?.with?.name).toBe(upload?.with?.name);
    expect(runs('staging')).toMatch(/docker save "\$image" \| gzip/);
    expect(runs('prod')).toMatch(/docker load --input/);
    expect(wf.jobs.staging.outputs).toEqual({ 'image-id': '${{ steps.image.outputs.id }}' });
    const push = wf.jobs.prod.steps.find((s) => s.run?.includes('docker load'))!;
    expect(push.env).toEqual({ IMAGE_ID: '${{ needs.staging.outputs.image-id }}' });
    expect(push.run).toContain('docker image inspect --format \'{{.Id}}\' "$IMAGE_ID"');
  });

  test('the image is tagged with the commit SHA, or the tag given by hand (rollback) with build and push skipped', () => {
    expect(wf.env?.RELEASE_TAG).toBe('${{ inputs.image_tag || github.sha }}');
    expect(wf.on.workflow_dispatch.inputs).toMatchObject({
      image_tag: { type: 'string', required: false, default: '' },
      allow_destroy: { type: 'string', required: false, default: '' },
    });
    const imageSteps = stepsOf(wf).filter(({ step }) => /docker (build|push|load)/.test(step.run ?? '') || /artifact/.test(step.uses ?? ''));
    expect(imageSteps).toHaveLength(4);
    for (const { step } of imageSteps) expect(step.if).toBe('${{ !inputs.image_tag }}');
    // The release and the smoke check run either way.
    for (const { step } of stepsOf(wf).filter(({ step }) => /npm run release|HEALTH_URL/.test(step.run ?? ''))) expect(step.if).toBeUndefined();
  });

  test('allow_destroy reaches the release\'s guard as ALLOW_DESTROY', () => {
    expect(wf.env?.ALLOW_DESTROY).toBe('${{ inputs.allow_destroy }}');
  });

  test('IMAGE_TAG is never set by the workflow (the release sets it for its own synth)', () => {
    expect(setsImageTag(wf)).toBe(false);
  });

  test('settings come from ci:env of the job\'s environment, into $GITHUB_ENV and the step outputs', () => {
    for (const [job, stack] of [['staging', 'staging'], ['prod', 'prod']]) {
      const step = wf.jobs[job].steps.find((s) => s.id === 'ci');
      expect(step?.run).toBe(`npm run --silent ci:env -- ${stack} > "$RUNNER_TEMP/ci.env"\ncat "$RUNNER_TEMP/ci.env" >> "$GITHUB_ENV"\ncat "$RUNNER_TEMP/ci.env" >> "$GITHUB_OUTPUT"\n`);
    }
  });

  test('deploy jobs use no dependency cache; every job runs Node 20, which package.json engines allows', () => {
    const minimum = Number(/^>=\s*(\d+)/.exec(packageJson.engines.node)?.[1]);
    for (const key of Object.keys(FILES) as FileKey[]) {
      for (const { id, job, step } of stepsOf(load(key)).filter(({ step }) => isAction(step, 'actions/setup-node'))) {
        expect(step.with?.['node-version']).toBe(20);
        expect(20).toBeGreaterThanOrEqual(minimum);
        if (job.environment !== undefined) expect([id, step.with]).toEqual([id, { 'node-version': 20, 'package-manager-cache': false }]);
      }
    }
  });

  test('Terraform 1.11 without the wrapper everywhere', () => {
    for (const key of Object.keys(FILES) as FileKey[]) {
      const steps = stepsOf(load(key)).filter(({ step }) => isAction(step, 'hashicorp/setup-terraform'));
      expect(steps.length).toBeGreaterThan(0);
      for (const { step } of steps) expect(step.with).toEqual({ terraform_version: '1.11.x', terraform_wrapper: false });
    }
  });

  test('the deploy role is asked for its whole session (a production release fits in it)', () => {
    for (const job of ['staging', 'prod']) {
      const step = wf.jobs[job].steps.find((s) => isAction(s, CREDENTIALS_ACTION))!;
      expect(step.with?.['role-duration-seconds']).toBe('${{ env.DEPLOY_ROLE_SESSION_SECONDS }}');
    }
  });
});
