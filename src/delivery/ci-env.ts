/**
 * What the GitHub Actions workflows (.github/workflows/) need to know about an environment, from
 * the config: `npm run --silent ci:env -- <env> >> "$GITHUB_ENV"` (KEY=value lines) and
 * `npm run --silent ci:env -- --matrix` (the environments with delivery, as a job matrix). The
 * YAML names no account, role, region or repository itself: everything comes from here.
 *
 * Pure logic over EnvironmentConfig[] (no process, no fs): scripts/ci-env.ts is the command line.
 */
import { parseArgs } from 'util';
import { partitionOf } from '../config/regions';
import { EnvironmentConfig } from '../config/types';
import { resourceName } from '../lib/naming';
import { DEPLOY_SESSION_SECONDS, deliveryRoleArns, githubSubjects } from './names';

/** Bad input (an unknown environment, one without delivery, wrong arguments): a message for the user, exit 2. */
export class CiEnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CiEnvError';
  }
}

export const CI_ENV_USAGE = `usage: npm run --silent ci:env -- <environment>   KEY=value lines for $GITHUB_ENV
       npm run --silent ci:env -- --matrix          the environments with delivery, as a JSON job matrix
       npm run --silent ci:env -- --check-trust <plan|deploy> <environment>
                                                   in a job: does the role trust this job (repository, ids, branch, OIDC subject)?`;

/** The session the deploy job asks for: the deploy role's maximum. */
export const DEPLOY_ROLE_SESSION_SECONDS = DEPLOY_SESSION_SECONDS;

/** DNS suffix of a partition's service endpoints (ECR registry host names). */
const DNS_SUFFIX: Record<ReturnType<typeof partitionOf>, string> = { aws: 'amazonaws.com' };

/** One line of the matrix: enough to name and label a job; the job reads the rest with ci:env. */
export interface MatrixEntry {
  /** Stack name = config `name` (the argument of ci:env, release and cdktf). */
  readonly environment: string;
  /** The GitHub environment whose jobs the deploy role trusts. */
  readonly githubEnvironment: string;
  readonly production: boolean;
}

/** The environments that have delivery, in config (deploy) order. */
export function deliveryEnvironments(environments: readonly EnvironmentConfig[]): EnvironmentConfig[] {
  return environments.filter((env) => env.delivery !== undefined);
}

/** The environment named `name`, with delivery; CiEnvError naming the environment and the fix otherwise. */
export function deliveryEnvironment(environments: readonly EnvironmentConfig[], name: string): EnvironmentConfig & Required<Pick<EnvironmentConfig, 'delivery'>> {
  const env = environments.find((e) => e.name === name);
  if (!env) {
    const known = environments.map((e) => e.name).join(', ') || 'none';
    throw new CiEnvError(`ci:env: no environment "${name}" in src/config/environments.ts (known: ${known})`);
  }
  if (!env.delivery) {
    throw new CiEnvError(
      `ci:env: environment "${name}" has no continuous delivery: add a \`delivery\` field to it in src/config/environments.ts, ` +
        `e.g. delivery: { github: { repository: 'org/name', environment: '${name}', branch: 'main' } }, ` +
        `then deploy the bootstrap stack so its GitHub roles exist`,
    );
  }
  if (env.state.backend !== 's3') {
    // The workflows hold no secrets, so no Terraform Cloud token: only S3 state is reached by the roles.
    throw new CiEnvError(
      `ci:env: environment "${name}" keeps its state in Terraform Cloud (state.backend "${env.state.backend}"): the delivery workflows reach S3 state ` +
        `through the environment's GitHub roles and hold no Terraform Cloud token; use state.backend 's3' or run plans and applies in Terraform Cloud`,
    );
  }
  return env as EnvironmentConfig & Required<Pick<EnvironmentConfig, 'delivery'>>;
}

/** The environment's private ECR registry host, `<account>.dkr.ecr.<region>.amazonaws.com`. */
export function ecrRegistry(env: Pick<EnvironmentConfig, 'accountId' | 'region'>): string {
  return `${env.accountId}.dkr.ecr.${env.region}.${DNS_SUFFIX[partitionOf(env.region)]}`;
}

/**
 * Every ECR repository a release needs the image tag in: the app's (`<project>-<env>`, stack
 * output `ecr_repository_name`) first, then those of services with `ownRepository` (the same
 * image, pushed under the same tag: the release checks each of them).
 */
export function ecrRepositories(env: EnvironmentConfig): string[] {
  return [resourceName(env), ...env.compute.services.filter((s) => s.ownRepository).map((s) => resourceName(env, s.name))];
}

/** The variables the workflows read, in a stable order. */
export function ciVariables(environments: readonly EnvironmentConfig[], name: string): Record<string, string> {
  const env = deliveryEnvironment(environments, name);
  const github = env.delivery.github;
  const roles = deliveryRoleArns(env);
  const appUrl = `https://${env.domain.name}`;
  const repositories = ecrRepositories(env);
  return {
    // cdktf stack name and its synthesized folder (plain terraform runs there).
    STACK: env.name,
    STACK_DIR: `cdktf.out/stacks/${env.name}`,
    AWS_REGION: env.region,
    AWS_ACCOUNT_ID: env.accountId,
    PLAN_ROLE_ARN: roles.plan,
    DEPLOY_ROLE_ARN: roles.deploy,
    DEPLOY_ROLE_SESSION_SECONDS: String(DEPLOY_ROLE_SESSION_SECONDS),
    ECR_REGISTRY: ecrRegistry(env),
    ECR_REPOSITORY: repositories[0],
    // Space-separated, the app's first.
    ECR_REPOSITORIES: repositories.join(' '),
    APP_URL: appUrl,
    HEALTH_URL: `${appUrl}${env.compute.web.healthCheckPath}`,
    GITHUB_ENVIRONMENT: github.environment,
  };
}

/** What a running job is, as GitHub Actions tells it (default variables and the OIDC token's `sub`). */
export interface JobFacts {
  /** GITHUB_REPOSITORY, `org/name`. */
  readonly repository?: string;
  /** GITHUB_REPOSITORY_OWNER_ID and GITHUB_REPOSITORY_ID. */
  readonly ownerId?: string;
  readonly repositoryId?: string;
  /** GITHUB_REF, `refs/heads/main`. */
  readonly ref?: string;
  /** The `sub` claim of the job's OIDC token (undefined when it could not be read). */
  readonly subject?: string;
}

/**
 * Whether the plan or deploy role of an environment trusts the job: the repository, its immutable
 * ids, the delivery branch (deploy) and, above all, the `sub` GitHub puts in the token against the
 * one the role trusts exactly. Each problem is a line for `::error::` with the fix, instead of an
 * AccessDenied from STS. GitHub sends `repo:ORG@OWNER_ID/NAME@REPO_ID:...` (immutable subject
 * claims) for repositories created, renamed or transferred since 2026-07-15, or opted in, and
 * `repo:ORG/NAME:...` otherwise; the config says which one the roles trust.
 */
export function trustProblems(environments: readonly EnvironmentConfig[], name: string, role: 'plan' | 'deploy', job: JobFacts): string[] {
  const env = deliveryEnvironment(environments, name);
  const github = env.delivery.github;
  const expected = githubSubjects(github)[role];
  const problems: string[] = [];
  const config = 'src/config/environments.ts';
  if (job.repository !== undefined && job.repository !== github.repository) {
    problems.push(`delivery.github.repository of ${env.name} is "${github.repository}" but this is ${job.repository}: its roles trust the configured repository only (${config})`);
  }
  if (github.repositoryId !== undefined && job.repositoryId !== undefined && (String(github.repositoryId) !== job.repositoryId || String(github.ownerId) !== job.ownerId)) {
    problems.push(`delivery.github.ownerId/repositoryId of ${env.name} are ${github.ownerId}/${github.repositoryId} but this repository's are ${job.ownerId}/${job.repositoryId}: the roles trust those ids only (a repository re-created under the same name has new ones)`);
  }
  if (role === 'deploy' && job.ref !== undefined && job.ref !== `refs/heads/${github.branch}`) {
    problems.push(`${env.name} is delivered from ${github.branch} (delivery.github.branch), not ${job.ref}`);
  }
  if (job.subject !== undefined && job.subject !== expected) {
    const immutable = /^repo:[^/:]+@\d+\/[^/:]+@\d+:/.test(job.subject);
    const fix = immutable && github.repositoryId === undefined
      ? `GitHub sends immutable subject claims for this repository: set delivery.github.ownerId: ${job.ownerId ?? 'OWNER_ID'} and repositoryId: ${job.repositoryId ?? 'REPO_ID'} for ${env.name} in ${config}, then apply the bootstrap stack (npm run bootstrap)`
      : !immutable && github.repositoryId !== undefined
        ? `this repository sends name-only subject claims: remove delivery.github.ownerId and repositoryId of ${env.name} (or opt the repository in to immutable subject claims), then apply the bootstrap stack`
        : `make delivery.github of ${env.name} match this repository and GitHub environment, then apply the bootstrap stack`;
    problems.push(`the ${role} role of ${env.name} trusts the subject "${expected}" but this job's OIDC token says "${job.subject}": ${fix}`);
  }
  return problems;
}

/** `KEY=value` lines for $GITHUB_ENV / $GITHUB_OUTPUT (single-line values only: anything else is refused, never mangled). */
export function envFileLines(variables: Record<string, string>): string[] {
  return Object.entries(variables).map(([key, value]) => {
    if (!/^[A-Z][A-Z0-9_]*$/.test(key)) throw new CiEnvError(`ci:env: "${key}" is not a valid variable name`);
    if (/[\r\n]/.test(value)) throw new CiEnvError(`ci:env: the value of ${key} spans several lines: ${JSON.stringify(value)}`);
    return `${key}=${value}`;
  });
}

/** The environments with delivery as matrix entries (`strategy.matrix.include`), in config order. */
export function ciMatrix(environments: readonly EnvironmentConfig[]): MatrixEntry[] {
  return deliveryEnvironments(environments).map((env) => ({ environment: env.name, githubEnvironment: env.delivery!.github.environment, production: env.production }));
}

export interface CiEnvResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The command line, without the process: arguments in, exit code and output out (`job`: what --check-trust compares). */
export function runCiEnv(argv: readonly string[], environments: readonly EnvironmentConfig[], job: JobFacts = {}): CiEnvResult {
  try {
    const { values, positionals } = parseArgs({
      args: argv.filter((a, i) => !(i === 0 && a === '--')),
      allowPositionals: true,
      strict: true,
      options: { matrix: { type: 'boolean', default: false }, 'check-trust': { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    });
    if (values.help) return { code: 0, stdout: `${CI_ENV_USAGE}\n`, stderr: '' };
    const role = values['check-trust'];
    if (role !== undefined) {
      if (role !== 'plan' && role !== 'deploy') throw new CiEnvError(`ci:env: --check-trust takes "plan" or "deploy", not "${role}"`);
      if (positionals.length !== 1) throw new CiEnvError('ci:env: --check-trust needs exactly one environment');
      const problems = trustProblems(environments, positionals[0], role, job);
      if (problems.length > 0) return { code: 1, stdout: problems.map((p) => `::error::${p}\n`).join(''), stderr: '' };
      const subject = job.subject === undefined ? ' (OIDC subject not read: no token in this job)' : ` (OIDC subject ${job.subject})`;
      return { code: 0, stdout: `the ${role} role of ${positionals[0]} trusts this job${subject}\n`, stderr: '' };
    }
    if (values.matrix) {
      if (positionals.length > 0) throw new CiEnvError(`ci:env: --matrix takes no environment (got ${positionals.join(' ')})`);
      const matrix = ciMatrix(environments);
      if (matrix.length === 0) throw new CiEnvError('ci:env: no environment has a `delivery` field in src/config/environments.ts: nothing to plan or deliver');
      return { code: 0, stdout: `${JSON.stringify(matrix)}\n`, stderr: '' };
    }
    if (positionals.length !== 1) throw new CiEnvError(`ci:env: expected exactly one environment${positionals.length ? `, got ${positionals.join(' ')}` : ''}`);
    return { code: 0, stdout: `${envFileLines(ciVariables(environments, positionals[0])).join('\n')}\n`, stderr: '' };
  } catch (e) {
    const error = e as Error & { code?: string };
    // parseArgs reports unknown options as TypeErrors with an ERR_PARSE_ARGS_* code: also usage errors.
    if (error instanceof CiEnvError || error.code?.startsWith('ERR_PARSE_ARGS')) return { code: 2, stdout: '', stderr: `${error instanceof CiEnvError ? '' : 'ci:env: '}${error.message}\n${CI_ENV_USAGE}\n` };
    throw e;
  }
}
