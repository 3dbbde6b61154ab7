import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { EnvironmentConfig } from '../config/types';
import { workloadBoundaryStatements } from '../delivery/boundary';
import { deployPolicies } from '../delivery/deploy-permissions';
import { DEPLOY_SESSION_SECONDS, GITHUB_OIDC_AUDIENCE, PLAN_SESSION_SECONDS, GITHUB_OIDC_HOST, GITHUB_OIDC_URL, deliveryRoleNames, deployPolicyName, githubSubjects, workloadBoundaryName } from '../delivery/names';
import { planStatements } from '../delivery/plan-permissions';
import { policyDocument } from '../lib/iam';
import { managedPolicyArn } from '../lib/naming';


/**
 * The account's GitHub Actions OIDC identity provider: GitHub's short-lived tokens become AWS
 * credentials, so no access key exists anywhere. No thumbprint: AWS validates GitHub's certificate
 * against its own trusted CAs (the provider computes the list).
 */
export class GithubOidcProvider extends Construct {
  readonly arn: string;

  constructor(scope: Construct, id: string, props: { provider: AwsProvider }) {
    super(scope, id);
    const oidc = new IamOpenidConnectProvider(this, 'provider', {
      provider: props.provider,
      url: GITHUB_OIDC_URL,
      clientIdList: [GITHUB_OIDC_AUDIENCE],
    });
    this.arn = oidc.arn;
  }
}

export interface DeliveryRolesProps {
  readonly env: EnvironmentConfig;
  readonly provider: AwsProvider;
  /** The account's GitHub OIDC provider (created next to these roles, or the configured one). */
  readonly oidcProviderArn: string;
}

/**
 * The two roles GitHub Actions assumes for one environment, each trusting exactly one `sub` of one
 * repository (never a wildcard), and the permissions boundary every role of the environment's
 * stack carries:
 * - plan (pull requests): ReadOnlyAccess, the environment's state read-only, no write anywhere;
 * - deploy (jobs of the environment's GitHub environment): what `terraform apply` of the stack and
 *   `npm run release` need, scoped to the environment (src/delivery/deploy-permissions.ts).
 */
export class DeliveryRoles extends Construct {
  readonly planRole: IamRole;
  readonly deployRole: IamRole;
  readonly boundary: IamPolicy;

  constructor(scope: Construct, id: string, props: DeliveryRolesProps) {
    super(scope, id);
    const { env, provider } = props;
    const github = env.delivery!.github;
    const names = deliveryRoleNames(env);
    const subjects = githubSubjects(github);
    const trust = (sub: string) =>
      policyDocument([
        {
          Effect: 'Allow',
          Principal: { Federated: props.oidcProviderArn },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE, [`${GITHUB_OIDC_HOST}:sub`]: sub } },
        },
      ]);
    const readOnly = managedPolicyArn(env.region, 'ReadOnlyAccess');

    this.boundary = new IamPolicy(this, 'workload-boundary', {
      provider,
      name: workloadBoundaryName(env),
      description: `Permissions boundary of every role of ${env.project}-${env.name}: the most the deploy role can grant`,
      policy: policyDocument(workloadBoundaryStatements(env)),
    });

    this.planRole = new IamRole(this, 'plan-role', {
      provider,
      name: names.plan,
      description: `GitHub Actions, pull requests of ${github.repository}: terraform plan of ${env.name} (read only)`,
      assumeRolePolicy: trust(subjects.plan),
      maxSessionDuration: PLAN_SESSION_SECONDS,
    });
    new IamRolePolicyAttachment(this, 'plan-read-only', { provider, role: this.planRole.name, policyArn: readOnly });
    new IamRolePolicy(this, 'plan-state-and-secrets', { provider, role: this.planRole.id, name: 'state-read-and-plan-secrets', policy: policyDocument(planStatements(env)) });

    this.deployRole = new IamRole(this, 'deploy-role', {
      provider,
      name: names.deploy,
      description: `GitHub Actions, environment "${github.environment}" of ${github.repository}: release and deploy ${env.name}`,
      assumeRolePolicy: trust(subjects.deploy),
      maxSessionDuration: DEPLOY_SESSION_SECONDS,
    });
    new IamRolePolicyAttachment(this, 'deploy-read-only', { provider, role: this.deployRole.name, policyArn: readOnly });
    for (const part of deployPolicies(env)) {
      const policy = new IamPolicy(this, `deploy-${part.part}`, {
        provider,
        name: deployPolicyName(env, part.part),
        description: part.description,
        policy: policyDocument(part.statements),
      });
      new IamRolePolicyAttachment(this, `deploy-${part.part}-attachment`, { provider, role: this.deployRole.name, policyArn: policy.arn });
    }

    new TerraformOutput(this, 'plan-role-arn', { value: this.planRole.arn, description: `Plan role of ${env.name} (pull requests)` }).overrideLogicalId(`${env.name}_plan_role_arn`);
    new TerraformOutput(this, 'deploy-role-arn', { value: this.deployRole.arn, description: `Deploy role of ${env.name} (GitHub environment "${github.environment}")` }).overrideLogicalId(`${env.name}_deploy_role_arn`);
  }
}
