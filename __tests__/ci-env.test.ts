import { spawnSync } from 'child_process';
import { Testing } from 'cdktf';
import { bootstrapStacks } from '../src/stacks/bootstrap-stack';
import * as path from 'path';
import { environments, prod, staging } from '../src/config/environments';
import { EnvironmentConfig } from '../src/config/types';
import {
  CiEnvError, DEPLOY_ROLE_SESSION_SECONDS, JobFacts, ciMatrix, ciVariables, deliveryEnvironments, ecrRegistry, ecrRepositories, envFileLines, runCiEnv, trustProblems,
} from '../src/delivery/ci-env';
import { resourcesOf, synthEnv, withConfig } from './helpers/synth';

const ROOT = path.join(__dirname, '..');
const withoutDelivery = (env: EnvironmentConfig) => withConfig(env, (c) => delete c.delivery);
const withDelivery = (env: EnvironmentConfig, github: NonNullable<EnvironmentConfig['delivery']>['github']) => withConfig(env, (c) => (c.delivery = { github }));

/** The shipped environments as the workflows see them, with delivery whatever the shipped config says today. */
const deliveredStaging = withDelivery(staging, { repository: 'acme/webapp', environment: 'staging', branch: 'main' });
const deliveredProd = withDelivery(prod, { repository: 'acme/webapp', environment: 'production', branch: 'main' });
const delivered = [deliveredStaging, deliveredProd];

/** KEY=value lines back into a map (what the runner does with $GITHUB_ENV). */
function parseEnvFile(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const at = line.indexOf('=');
        return [line.slice(0, at), line.slice(at + 1)];
      }),
  );
}

describe('ci:env <environment>', () => {
  test('staging: region, account, roles, registry, URLs and GitHub environment from the config', () => {
    expect(ciVariables(delivered, 'staging')).toEqual({
      STACK: 'staging',
      STACK_DIR: 'cdktf.out/stacks/staging',
      AWS_REGION: 'eu-west-1',
      AWS_ACCOUNT_ID: '123456789012',
      PLAN_ROLE_ARN: 'arn:aws:iam::123456789012:role/webapp-staging-github-plan',
      DEPLOY_ROLE_ARN: 'arn:aws:iam::123456789012:role/webapp-staging-github-deploy',
      DEPLOY_ROLE_SESSION_SECONDS: '10800',
      ECR_REGISTRY: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      ECR_REPOSITORY: 'webapp-staging',
      ECR_REPOSITORIES: 'webapp-staging',
      APP_URL: 'https://staging.example.com',
      HEALTH_URL: 'https://staging.example.com/healthz',
      GITHUB_ENVIRONMENT: 'staging',
    });
  });

  test('prod: its own roles and repository, and the "production" GitHub environment', () => {
    const vars = ciVariables(delivered, 'prod');
    expect(vars).toMatchObject({
      STACK: 'prod',
      PLAN_ROLE_ARN: 'arn:aws:iam::123456789012:role/webapp-prod-github-plan',
      DEPLOY_ROLE_ARN: 'arn:aws:iam::123456789012:role/webapp-prod-github-deploy',
      ECR_REPOSITORY: 'webapp-prod',
      APP_URL: 'https://example.com',
      HEALTH_URL: 'https://example.com/healthz',
      GITHUB_ENVIRONMENT: 'production',
    });
  });

  test('the values follow the config: another account, region, domain, health path and GitHub environment', () => {
    const other = withConfig(deliveredStaging, (c) => {
      c.accountId = '210987654321';
      c.region = 'us-east-2';
      c.domain.name = 'qa.example.org';
      c.compute.web.healthCheckPath = '/up';
      c.delivery!.github.environment = 'qa';
    });
    expect(ciVariables([other], 'staging')).toMatchObject({
      AWS_REGION: 'us-east-2',
      AWS_ACCOUNT_ID: '210987654321',
      PLAN_ROLE_ARN: 'arn:aws:iam::210987654321:role/webapp-staging-github-plan',
      ECR_REGISTRY: '210987654321.dkr.ecr.us-east-2.amazonaws.com',
      APP_URL: 'https://qa.example.org',
      HEALTH_URL: 'https://qa.example.org/up',
      GITHUB_ENVIRONMENT: 'qa',
    });
  });

  test('the health URL is the web service\'s health check, the one the load balancer uses', () => {
    const env = withConfig(deliveredStaging, (c) => (c.compute.web.healthCheckPath = '/health/ready'));
    const webTargetGroup = resourcesOf(synthEnv(env), 'aws_lb_target_group').find(([name]) => name.includes('web-tg'));
    expect(webTargetGroup).toBeDefined();
    const path = webTargetGroup![1].health_check.path;
    expect(path).toBe('/health/ready');
    expect(ciVariables([env], 'staging').HEALTH_URL).toBe(`https://staging.example.com${path}`);
  });

  test('the repositories are the ones the stack creates: the app\'s first, then every service with its own', () => {
    const env = withConfig(deliveredStaging, (c) => (c.compute.services[0].ownRepository = true));
    const created = resourcesOf(synthEnv(env), 'aws_ecr_repository').map(([, r]) => r.name);
    const vars = ciVariables([env], 'staging');
    expect(vars.ECR_REPOSITORY).toBe('webapp-staging');
    expect(vars.ECR_REPOSITORIES).toBe('webapp-staging webapp-staging-api');
    expect([...ecrRepositories(env)].sort()).toEqual([...created].sort());
  });

  test('the shipped stack has exactly the repository ci:env names', () => {
    const created = resourcesOf(synthEnv(deliveredProd), 'aws_ecr_repository').map(([, r]) => r.name);
    expect(created).toEqual(ecrRepositories(deliveredProd));
  });

  test('the registry host is the account\'s in the environment\'s region', () => {
    expect(ecrRegistry({ accountId: '111122223333', region: 'ap-southeast-2' })).toBe('111122223333.dkr.ecr.ap-southeast-2.amazonaws.com');
  });

  test('the deploy session the workflow asks for is the deploy role\'s maximum', () => {
    const json = JSON.parse(Testing.synth(bootstrapStacks(Testing.app(), delivered)[0]));
    const deployRole = Object.values(json.resource.aws_iam_role as Record<string, any>).find((r) => r.name.endsWith('-staging-github-deploy'));
    expect(Number(DEPLOY_ROLE_SESSION_SECONDS)).toBe(deployRole.max_session_duration);
  });

  test('an unknown environment fails, naming it and the known ones', () => {
    expect(() => ciVariables(delivered, 'qa')).toThrow(CiEnvError);
    expect(() => ciVariables(delivered, 'qa')).toThrow('no environment "qa" in src/config/environments.ts (known: staging, prod)');
  });

  test('an environment without delivery fails, naming it and the field to add', () => {
    const envs = [deliveredStaging, withoutDelivery(prod)];
    expect(() => ciVariables(envs, 'prod')).toThrow(CiEnvError);
    expect(() => ciVariables(envs, 'prod')).toThrow(/environment "prod" has no continuous delivery: add a `delivery` field .*src\/config\/environments\.ts/);
    expect(() => ciVariables(envs, 'prod')).toThrow(/delivery: \{ github: \{ repository: 'org\/name', environment: 'prod', branch: 'main' \} \}/);
  });

  test('an environment with Terraform Cloud state fails: the workflows reach S3 state only (no token, no secrets)', () => {
    const cloud = withConfig(deliveredStaging, (c) => (c.state = { backend: 'cloud', organization: 'acme' }));
    expect(() => ciVariables([cloud], 'staging')).toThrow(/environment "staging" keeps its state in Terraform Cloud \(state.backend "cloud"\)/);
  });

  test('lines are KEY=value, one per variable; a value spanning lines is refused, never written half', () => {
    expect(envFileLines({ A: '1', B_2: 'x=y' })).toEqual(['A=1', 'B_2=x=y']);
    expect(() => envFileLines({ A: 'one\ntwo' })).toThrow(/A spans several lines/);
    expect(() => envFileLines({ 'lower-case': 'x' })).toThrow(/not a valid variable name/);
  });
});

describe('ci:env --matrix', () => {
  test('the environments with delivery, in config order, with their GitHub environments', () => {
    expect(ciMatrix(delivered)).toEqual([
      { environment: 'staging', githubEnvironment: 'staging', production: false },
      { environment: 'prod', githubEnvironment: 'production', production: true },
    ]);
  });

  test('environments without delivery are left out', () => {
    const envs = [withoutDelivery(staging), deliveredProd];
    expect(ciMatrix(envs).map((e) => e.environment)).toEqual(['prod']);
    expect(deliveryEnvironments(envs).map((e) => e.name)).toEqual(['prod']);
  });

  test('printed as compact JSON on one line', () => {
    const result = runCiEnv(['--matrix'], delivered);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${JSON.stringify(ciMatrix(delivered))}\n`);
    expect(result.stdout.trim()).not.toContain('\n');
  });

  test('no environment with delivery: an error, not an empty matrix (GitHub rejects a job matrix without entries)', () => {
    const result = runCiEnv(['--matrix'], environments.map(withoutDelivery));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/no environment has a `delivery` field/);
  });
});

/**
 * GitHub's OIDC subject claims (docs.github.com, "OpenID Connect reference", Immutable subject
 * claims): repositories created, renamed or transferred since 2026-07-15, or opted in, get
 * `repo:OWNER@OWNER_ID/REPO@REPO_ID:...`; others keep `repo:OWNER/REPO:...`.
 */
describe('ci:env --check-trust', () => {
  const immutable = withConfig(deliveredStaging, (c) => Object.assign(c.delivery!.github, { ownerId: 1342004, repositoryId: 987654321 }));
  const job = (over: Partial<JobFacts> = {}): JobFacts => ({ repository: 'acme/webapp', ownerId: '1342004', repositoryId: '987654321', ref: 'refs/heads/main', ...over });

  test('name-only subjects: the job of the configured repository and GitHub environment is trusted', () => {
    expect(trustProblems([deliveredStaging], 'staging', 'deploy', job({ subject: 'repo:acme/webapp:environment:staging' }))).toEqual([]);
    expect(trustProblems([deliveredStaging], 'staging', 'plan', job({ subject: 'repo:acme/webapp:pull_request', ref: 'refs/pull/7/merge' }))).toEqual([]);
  });

  test('the repository sends immutable subjects but the config has no ids: the fix names the ids of this repository', () => {
    const [problem] = trustProblems([deliveredStaging], 'staging', 'deploy', job({ subject: 'repo:acme@1342004/webapp@987654321:environment:staging' }));
    expect(problem).toMatch(/trusts the subject "repo:acme\/webapp:environment:staging" but this job's OIDC token says "repo:acme@1342004\/webapp@987654321:environment:staging"/);
    expect(problem).toMatch(/set delivery\.github\.ownerId: 1342004 and repositoryId: 987654321 for staging in src\/config\/environments\.ts, then apply the bootstrap stack/);
  });

  test('ids in the config: the immutable subject is trusted, a name-only one is told to drop them', () => {
    expect(trustProblems([immutable], 'staging', 'deploy', job({ subject: 'repo:acme@1342004/webapp@987654321:environment:staging' }))).toEqual([]);
    expect(trustProblems([immutable], 'staging', 'plan', job({ subject: 'repo:acme@1342004/webapp@987654321:pull_request' }))).toEqual([]);
    const [problem] = trustProblems([immutable], 'staging', 'deploy', job({ subject: 'repo:acme/webapp:environment:staging' }));
    expect(problem).toMatch(/sends name-only subject claims: remove delivery\.github\.ownerId and repositoryId of staging/);
  });

  test('a namesake (same names, other ids) is refused twice: its ids and its subject', () => {
    const problems = trustProblems([immutable], 'staging', 'deploy', job({ ownerId: '77', repositoryId: '88', subject: 'repo:acme@77/webapp@88:environment:staging' }));
    expect(problems).toEqual([
      expect.stringMatching(/ownerId\/repositoryId of staging are 1342004\/987654321 but this repository's are 77\/88/),
      expect.stringMatching(/trusts the subject "repo:acme@1342004\/webapp@987654321:environment:staging"/),
    ]);
  });

  test('another repository, or the deploy role from another branch, is named with the field to change', () => {
    expect(trustProblems([deliveredStaging], 'staging', 'plan', job({ repository: 'acme/fork' }))).toEqual([expect.stringMatching(/delivery\.github\.repository of staging is "acme\/webapp" but this is acme\/fork/)]);
    expect(trustProblems([deliveredStaging], 'staging', 'deploy', job({ ref: 'refs/heads/feature' }))).toEqual(['staging is delivered from main (delivery.github.branch), not refs/heads/feature']);
    // Pull requests plan from their merge ref: the plan role has no branch.
    expect(trustProblems([deliveredStaging], 'staging', 'plan', job({ ref: 'refs/pull/7/merge' }))).toEqual([]);
  });

  test('the command: ::error:: lines and exit 1 on a problem, one line of what was checked otherwise', () => {
    const bad = runCiEnv(['--check-trust', 'deploy', 'staging'], delivered, job({ subject: 'repo:acme@1/webapp@2:environment:staging' }));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^::error::the deploy role of staging trusts the subject/);
    const good = runCiEnv(['--check-trust', 'deploy', 'staging'], delivered, job({ subject: 'repo:acme/webapp:environment:staging' }));
    expect(good).toEqual({ code: 0, stdout: 'the deploy role of staging trusts this job (OIDC subject repo:acme/webapp:environment:staging)\n', stderr: '' });
    expect(runCiEnv(['--check-trust', 'apply', 'staging'], delivered).stderr).toMatch(/--check-trust takes "plan" or "deploy", not "apply"/);
  });

  test('npm run ci:env -- --check-trust reads the job from GitHub\'s variables (no token outside a job: the subject is not read)', () => {
    const name = deliveryEnvironments(environments)[0];
    const gh = name.delivery!.github;
    const run = spawnSync('npm', ['run', '--silent', 'ci:env', '--', '--check-trust', 'deploy', name.name], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, GITHUB_REPOSITORY: 'someone/else', GITHUB_REF: `refs/heads/${gh.branch}`, ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: '' },
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`::error::delivery\\.github\\.repository of ${name.name} is "${gh.repository}" but this is someone/else`));
  });
});

describe('the command line', () => {
  test('<environment> prints the variables as $GITHUB_ENV lines', () => {
    const result = runCiEnv(['staging'], delivered);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(parseEnvFile(result.stdout)).toEqual(ciVariables(delivered, 'staging'));
  });

  test.each([
    [[], /expected exactly one environment/],
    [['staging', 'prod'], /expected exactly one environment, got staging prod/],
    [['--matrix', 'staging'], /--matrix takes no environment/],
    [['--bogus'], /^ci:env: Unknown option '--bogus'/],
    [['qa'], /no environment "qa"/],
  ])('%j is a usage error: exit 2, the message and the usage on stderr, nothing on stdout', (argv, message) => {
    const result = runCiEnv(argv, delivered);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('usage: npm run --silent ci:env');
  });

  test('npm run --silent ci:env prints only the variables (the workflows append stdout to $GITHUB_ENV)', () => {
    const shipped = deliveryEnvironments(environments);
    // The shipped config delivers at least one environment; this runs the real command on it.
    expect(shipped.length).toBeGreaterThan(0);
    const name = shipped[0].name;
    const run = spawnSync('npm', ['run', '--silent', 'ci:env', '--', name], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(parseEnvFile(run.stdout)).toEqual(ciVariables(environments, name));
    const matrix = spawnSync('npm', ['run', '--silent', 'ci:env', '--', '--matrix'], { cwd: ROOT, encoding: 'utf8' });
    expect(matrix.status).toBe(0);
    expect(JSON.parse(matrix.stdout)).toEqual(ciMatrix(environments));
  });

  test('npm run ci:env with a bad environment exits non-zero with the message on stderr', () => {
    const run = spawnSync('npm', ['run', '--silent', 'ci:env', '--', 'no-such-environment'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('no environment "no-such-environment"');
  });
});
