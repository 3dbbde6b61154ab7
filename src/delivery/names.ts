import { EnvironmentConfig } from '../config/types';
import { arn, resourceName } from '../lib/naming';

/** GitHub Actions' OIDC issuer and the audience aws-actions/configure-aws-credentials asks for. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
export const GITHUB_OIDC_URL = `https://${GITHUB_OIDC_HOST}`;
export const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';

/**
 * The deploy role's maximum session, which the workflow asks for: a production release (migration,
 * apply, steady state) fits in it. The plan role keeps AWS's one-hour default.
 */
export const DEPLOY_SESSION_SECONDS = 3 * 3600;
export const PLAN_SESSION_SECONDS = 3600;

type Scope = Pick<EnvironmentConfig, 'project' | 'name' | 'region' | 'accountId'>;

/** The roles GitHub Actions assumes for an environment: plan (pull requests) and deploy (its GitHub environment). */
export function deliveryRoleNames(env: Scope): { plan: string; deploy: string } {
  return { plan: resourceName(env, 'github-plan'), deploy: resourceName(env, 'github-deploy') };
}

export function deliveryRoleArns(env: Scope): { plan: string; deploy: string } {
  const names = deliveryRoleNames(env);
  return { plan: arn(env.region, 'iam', '', env.accountId, `role/${names.plan}`), deploy: arn(env.region, 'iam', '', env.accountId, `role/${names.deploy}`) };
}

/**
 * The permissions boundary every IAM role of an environment with delivery carries. The deploy role
 * may create and change the environment's roles only with this boundary attached, so it cannot
 * grant itself (or a task it runs) more than the boundary allows.
 */
export function workloadBoundaryName(env: Scope): string {
  return resourceName(env, 'workload-boundary');
}

export function workloadBoundaryArn(env: Scope): string {
  return arn(env.region, 'iam', '', env.accountId, `policy/${workloadBoundaryName(env)}`);
}

/** The customer-managed policies of the deploy role: `<project>-<env>-github-deploy-<part>`. */
export function deployPolicyName(env: Scope, part: string): string {
  return resourceName(env, 'github-deploy', part);
}

/** What the trust of an environment's roles is built from (`delivery.github`). */
export interface GithubTrust {
  readonly repository: string;
  readonly environment: string;
  readonly ownerId?: number;
  readonly repositoryId?: number;
}

/**
 * The repository part of the `sub` claim GitHub sends: `ORG/NAME`, or with immutable subject claims
 * (GitHub docs, "OpenID Connect reference", Immutable subject claims) `ORG@OWNER_ID/NAME@REPO_ID`:
 * the numeric ids are appended to each name with an `@` and are never reused, so a namesake
 * created after a deletion or rename cannot match.
 */
export function githubSubjectRepository(github: GithubTrust): string {
  if (github.ownerId === undefined || github.repositoryId === undefined) return github.repository;
  const [owner, name] = github.repository.split('/');
  return `${owner}@${github.ownerId}/${name}@${github.repositoryId}`;
}

/** The `sub` claims the roles trust, exactly (never a wildcard, never a wildcard id). */
export function githubSubjects(github: GithubTrust): { plan: string; deploy: string } {
  const repo = githubSubjectRepository(github);
  return { plan: `repo:${repo}:pull_request`, deploy: `repo:${repo}:environment:${github.environment}` };
}
