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
import { DEPLOY_SESSION_SECONDS, deliveryRoleArns } from './names';

/** Bad input (an unknown environment, one without delivery, wrong arguments): a message for the user, exit 2. */
export class CiEnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CiEnvError';
  }
}

export const CI_ENV_USAGE = `usage: npm run --silent ci:env -- <environment>   KEY=value lines for $GITHUB_ENV
       npm run --silent ci:env -- --matrix          the environments with delivery, as a JSON job matrix`;

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
    // What the roles trust: a workflow in another repository (a fork, a rename) fails early and clearly.
    DELIVERY_REPOSITORY: github.repository,
    DELIVERY_BRANCH: github.branch,
  };
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

/** The command line, without the process: arguments in, exit code and output out. */
export function runCiEnv(argv: readonly string[], environments: readonly EnvironmentConfig[]): CiEnvResult {
  try {
    const { values, positionals } = parseArgs({
      args: argv.filter((a, i) => !(i === 0 && a === '--')),
      allowPositionals: true,
      strict: true,
      options: { matrix: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    });
    if (values.help) return { code: 0, stdout: `${CI_ENV_USAGE}\n`, stderr: '' };
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
