import { AnnotationMetadataEntryType, App, Testing } from 'cdktf';
import { buildApp } from '../src/app';
import { defineEnvironment } from '../src/config/defaults';
import { environments, prod, staging } from '../src/config/environments';
import { EnvironmentConfig } from '../src/config/types';
import { ConfigError, validateEnvironments } from '../src/config/validate';
import { deliveryRoleNames, workloadBoundaryArn } from '../src/delivery/names';
import { BootstrapStack, bootstrapStacks } from '../src/stacks/bootstrap-stack';
import { policyOf, resourcesOf, synthEnv, TfJson, withConfig } from './helpers/synth';

/**
 * Continuous delivery, AWS side: the bootstrap stack's GitHub OIDC provider, the plan and deploy
 * roles of each environment, and the permissions boundary every role of an environment carries.
 * (The deploy role's own permissions: delivery-permissions.test.ts; the workflows: workflows.test.ts.)
 */

const synthBootstrap = (envs: EnvironmentConfig[]): TfJson[] => {
  const app = Testing.app();
  return bootstrapStacks(app, envs).map((s) => JSON.parse(Testing.synth(s)));
};
const [bootstrap] = synthBootstrap(environments);
const role = (json: TfJson, name: string) => {
  const found = resourcesOf(json, 'aws_iam_role').find(([, r]) => r.name === name);
  if (!found) throw new Error(`no role ${name}`);
  return { id: found[0], body: found[1] };
};
/** Managed policy ARNs attached to a role, and the customer-managed documents among them. */
const attached = (json: TfJson, roleId: string) =>
  resourcesOf(json, 'aws_iam_role_policy_attachment')
    .filter(([, a]) => a.role === `\${aws_iam_role.${roleId}.name}`)
    .map(([, a]) => a.policy_arn as string);
const customerPolicy = (json: TfJson, arnRef: string) => {
  const id = /^\$\{aws_iam_policy\.([\w-]+)\.arn\}$/.exec(arnRef)?.[1];
  return id ? (json.resource.aws_iam_policy[id] as any) : undefined;
};
const inlineOf = (json: TfJson, roleId: string) =>
  resourcesOf(json, 'aws_iam_role_policy')
    .filter(([, p]) => p.role === `\${aws_iam_role.${roleId}.id}`)
    .flatMap(([, p]) => policyOf(p.policy).Statement);
const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
const matchesAny = (patterns: string | string[] | undefined, value: string) => [patterns ?? []].flat().some((p) => glob(p).test(value));
/** Whether an unconditional Deny of these statements applies to the action on the resource. */
const deniedBy = (statements: any[], action: string, resource: string) =>
  statements.some((st) => st.Effect === 'Deny' && !st.Condition && matchesAny(st.Action, action) && (st.NotResource ? !matchesAny(st.NotResource, resource) : matchesAny(st.Resource, resource)));
const actionsOf = (statements: any[]) => statements.filter((s) => s.Effect === 'Allow').flatMap((s) => [s.Action].flat() as string[]);

describe('the GitHub OIDC provider', () => {
  test('one per account, for GitHub Actions tokens with the STS audience', () => {
    const providers = resourcesOf(bootstrap, 'aws_iam_openid_connect_provider');
    expect(providers).toHaveLength(1);
    expect(providers[0][1]).toMatchObject({ url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] });
  });

  test('an existing provider named in config is reused, not created (an account holds one per URL)', () => {
    const existing = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
    const reuse = (c: EnvironmentConfig) => (c.delivery!.github.oidcProviderArn = existing);
    const [json] = synthBootstrap([withConfig(staging, reuse), withConfig(prod, reuse)]);
    expect(resourcesOf(json, 'aws_iam_openid_connect_provider')).toEqual([]);
    const trust = policyOf(role(json, 'webapp-staging-github-deploy').body.assume_role_policy).Statement[0];
    expect(trust.Principal).toEqual({ Federated: existing });
  });
});

describe.each(environments.map((e) => [e.name, e] as const))('%s roles', (_name, env) => {
  const names = deliveryRoleNames(env);
  const plan = role(bootstrap, names.plan);
  const deploy = role(bootstrap, names.deploy);
  const github = env.delivery!.github;

  test.each([
    ['plan', plan, `repo:${github.repository}:pull_request`],
    ['deploy', deploy, `repo:${github.repository}:environment:${github.environment}`],
  ])('the %s role trusts only GitHub\'s issuer, the STS audience and one exact subject', (_kind, r, sub) => {
    const statements = policyOf(r.body.assume_role_policy).Statement;
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Principal: { Federated: `\${aws_iam_openid_connect_provider.${resourcesOf(bootstrap, 'aws_iam_openid_connect_provider')[0][0]}.arn}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        // StringEquals, not StringLike: no pattern can ever match a second repository or branch.
        Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': sub } },
      },
    ]);
    expect(JSON.stringify(statements)).not.toMatch(/[*?]/);
  });

  test('with the repository\'s immutable ids, both roles trust exactly the immutable subject GitHub sends (OpenID Connect reference, immutable subject claims)', () => {
    const ids = (c: EnvironmentConfig) => Object.assign(c.delivery!.github, { ownerId: 1342004, repositoryId: 987654321 });
    const [json] = synthBootstrap(environments.map((e) => withConfig(e, ids)));
    const [owner, repo] = github.repository.split('/');
    const subject = (name: string) => policyOf(role(json, name).body.assume_role_policy).Statement[0].Condition.StringEquals['token.actions.githubusercontent.com:sub'];
    expect(subject(names.plan)).toBe(`repo:${owner}@1342004/${repo}@987654321:pull_request`);
    expect(subject(names.deploy)).toBe(`repo:${owner}@1342004/${repo}@987654321:environment:${github.environment}`);
    expect(JSON.stringify(policyOf(role(json, names.deploy).body.assume_role_policy))).not.toMatch(/[*?]/);
  });

  test('the plan role reads: ReadOnlyAccess, its state read-only, no write action anywhere', () => {
    expect(attached(bootstrap, plan.id)).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
    const statements = inlineOf(bootstrap, plan.id);
    const writes = actionsOf(statements).filter((a) => /^[\w-]+:(Put|Create|Delete|Update|Modify|Attach|Detach|Tag|Untag|Start|Stop|Run|Register|Deregister|Invoke|Pass|Send|Set|Add|Remove|Restore|Reboot|Terminate|Import|Upload|Write|Change|Apply|Associate|Disassociate|Replace|Revoke|Authorize|Enable|Disable|Rotate|Cancel|Execute|Publish|Subscribe|Unsubscribe|Copy|Initiate|Complete|Abort|Batch)/.test(a));
    expect(writes).toEqual([]);
    const key = `${env.project}/${env.name}/terraform.tfstate`;
    const bucket = `arn:aws:s3:::${env.state.backend === 's3' ? env.state.bucket : ''}`;
    expect(statements.find((s) => s.Sid === 'ReadThisEnvironmentsState')).toEqual({
      Sid: 'ReadThisEnvironmentsState', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${bucket}/${key}`, `${bucket}/${key}.tflock`],
    });
    // ReadOnlyAccess would read every object of the account (media uploads too): denied but the state.
    expect(statements.find((s) => s.Sid === 'NoOtherObjects')).toEqual({
      Sid: 'NoOtherObjects', Effect: 'Deny', Action: 's3:GetObject*', NotResource: [`${bucket}/${key}`, `${bucket}/${key}.tflock`],
    });
    // ... nor any other data ReadOnlyAccess reads, of this or any environment.
    const other = env.name === 'prod' ? 'staging' : 'prod';
    for (const [action, resource] of [
      ['s3:GetObjectVersion', `${bucket}/webapp/${other}/terraform.tfstate`],
      ['s3:GetObject', `arn:aws:s3:::webapp-${env.name}-media-123456789012-eu-west-1/uploads/a.pdf`],
      ['ssm:GetParameter', `arn:aws:ssm:eu-west-1:123456789012:parameter/webapp/${other}/image-tag`],
      ['ssm:GetParametersByPath', 'arn:aws:ssm:eu-west-1:123456789012:parameter/'],
      ['sqs:ReceiveMessage', `arn:aws:sqs:eu-west-1:123456789012:webapp-${env.name}-emails`],
      ['logs:GetLogEvents', `arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/webapp-${env.name}/web:log-stream:x`],
      ['ecr:BatchGetImage', `arn:aws:ecr:eu-west-1:123456789012:repository/webapp-${env.name}`],
      ['dynamodb:Scan', 'arn:aws:dynamodb:eu-west-1:123456789012:table/orders'],
      ['lambda:GetFunction', 'arn:aws:lambda:eu-west-1:123456789012:function:f'],
    ]) {
      expect([action, resource, deniedBy(statements, action, resource)]).toEqual([action, resource, true]);
    }
    expect(deniedBy(statements, 's3:GetObject', `${bucket}/${key}`)).toBe(false);
    expect(deniedBy(statements, 'ssm:GetParameter', `arn:aws:ssm:eu-west-1:123456789012:parameter/webapp/${env.name}/image-tag`)).toBe(false);
    // The one secret a plan of the stack reads (the Redis token's data source), nothing else.
    expect(statements.filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue')).map((s) => s.Resource)).toEqual([
      `arn:aws:secretsmanager:${env.region}:${env.accountId}:secret:webapp-${env.name}/cache-auth-token-??????`,
    ]);
  });

  test('the deploy role: ReadOnlyAccess plus its customer-managed policies; state read/write on its own key only', () => {
    const arns = attached(bootstrap, deploy.id);
    expect(arns.filter((a) => !a.startsWith('${aws_iam_policy.'))).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
    const documents = arns.filter((a) => a.startsWith('${aws_iam_policy.')).map((a) => customerPolicy(bootstrap, a));
    expect(documents.length).toBeGreaterThan(0);
    expect(documents.every((d) => d && d.name.startsWith(`${names.deploy}-`))).toBe(true);
    // The role's attachment quota is 10 by default.
    expect(arns.length).toBeLessThanOrEqual(10);
    const statements = documents.flatMap((d) => policyOf(d.policy).Statement);
    const key = `${env.project}/${env.name}/terraform.tfstate`;
    const stateStatements = statements.filter((s) => [s.Resource ?? []].flat().some((r: string) => r.includes(':s3:::webapp-tfstate-')));
    const stateObjects = [...new Set(stateStatements.flatMap((s) => [s.Resource].flat() as string[]).filter((r) => r.includes('/')))];
    expect(stateObjects.sort()).toEqual([`arn:aws:s3:::webapp-tfstate-123456789012-eu-west-1/${key}`, `arn:aws:s3:::webapp-tfstate-123456789012-eu-west-1/${key}.tflock`]);
    // ReadOnlyAccess's data reads only where the release needs them (its own task logs and images),
    // and no role to assume (not even one it rewrote to trust it).
    const other = env.name === 'prod' ? 'staging' : 'prod';
    const logOf = (e: string) => `arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/webapp-${e}/task:log-stream:app/x`;
    expect(deniedBy(statements, 'logs:GetLogEvents', logOf(env.name))).toBe(false);
    expect(deniedBy(statements, 'logs:GetLogEvents', logOf(other))).toBe(true);
    expect(deniedBy(statements, 'ecr:BatchGetImage', `arn:aws:ecr:eu-west-1:123456789012:repository/webapp-${env.name}`)).toBe(false);
    expect(deniedBy(statements, 'ecr:BatchGetImage', `arn:aws:ecr:eu-west-1:123456789012:repository/webapp-${other}`)).toBe(true);
    expect(deniedBy(statements, 's3:GetObjectVersion', `arn:aws:s3:::webapp-tfstate-123456789012-eu-west-1/webapp/${other}/terraform.tfstate`)).toBe(true);
    expect(deniedBy(statements, 'sts:AssumeRole', `arn:aws:iam::123456789012:role/webapp-${env.name}-web-task`)).toBe(true);
    expect(deploy.body.max_session_duration).toBe(3 * 3600);
    expect(plan.body.max_session_duration).toBe(3600);
  });

  test('the workload boundary exists under the name the environment stack references', () => {
    const policies = resourcesOf(bootstrap, 'aws_iam_policy').map(([, p]) => p);
    const boundary = policies.find((p) => p.name === `webapp-${env.name}-workload-boundary`);
    expect(boundary).toBeDefined();
    expect(workloadBoundaryArn(env)).toBe(`arn:aws:iam::${env.accountId}:policy/webapp-${env.name}-workload-boundary`);
  });
});

describe('the environment stacks', () => {
  test.each(environments.map((e) => [e.name, e] as const))('%s: every IAM role carries the workload boundary', (_name, env) => {
    const roles = resourcesOf(synthEnv(env), 'aws_iam_role');
    expect(roles.length).toBeGreaterThan(5);
    expect(roles.filter(([, r]) => r.permissions_boundary !== workloadBoundaryArn(env)).map(([n]) => n)).toEqual([]);
  });

  test('without delivery no role has a boundary (nothing refers to a policy the bootstrap did not create)', () => {
    const roles = resourcesOf(synthEnv(withConfig(staging, (c) => delete c.delivery)), 'aws_iam_role');
    expect(roles.filter(([, r]) => r.permissions_boundary !== undefined)).toEqual([]);
  });
});

describe('bootstrap stacks per account', () => {
  const other = withConfig(prod, (c) => {
    c.accountId = '210987654321';
    if (c.state.backend === 's3') c.state.bucket = 'webapp-tfstate-210987654321-eu-west-1';
  });

  test('one stack per account: "bootstrap" for the first environment\'s account, "bootstrap-<account>" for others, each locked to its account', () => {
    const app = Testing.app();
    const stacks: BootstrapStack[] = bootstrapStacks(app, [staging, other]);
    expect(stacks.map((s) => s.node.id)).toEqual(['bootstrap', 'bootstrap-210987654321']);
    const [first, second] = stacks.map((s) => JSON.parse(Testing.synth(s)) as TfJson);
    expect(first.terraform.backend).toEqual({ local: { path: 'terraform.bootstrap.tfstate' } });
    expect(second.terraform.backend).toEqual({ local: { path: 'terraform.bootstrap-210987654321.tfstate' } });
    expect(first.provider.aws.map((p: any) => p.allowed_account_ids)).toEqual([['123456789012']]);
    expect(second.provider.aws.map((p: any) => p.allowed_account_ids)).toEqual([['210987654321']]);
    // Each account gets its own OIDC provider, roles and state bucket; nothing of the other.
    expect(resourcesOf(first, 'aws_iam_openid_connect_provider')).toHaveLength(1);
    expect(resourcesOf(second, 'aws_iam_openid_connect_provider')).toHaveLength(1);
    expect(resourcesOf(first, 'aws_iam_role').map(([, r]) => r.name).sort()).toEqual(['webapp-staging-github-deploy', 'webapp-staging-github-plan']);
    expect(resourcesOf(second, 'aws_iam_role').map(([, r]) => r.name).sort()).toEqual(['webapp-prod-github-deploy', 'webapp-prod-github-plan']);
    expect(resourcesOf(second, 'aws_s3_bucket').map(([, b]) => b.bucket)).toEqual(['webapp-tfstate-210987654321-eu-west-1']);
  });

  test('production and non-production delivery in one account is flagged at synth (a warning naming them)', () => {
    const warnings = (stack: BootstrapStack) => stack.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data));
    const [shared] = bootstrapStacks(Testing.app(), [staging, prod]);
    expect(warnings(shared)).toEqual([expect.stringMatching(/^account 123456789012 holds production \(prod\) and non-production \(staging\) environments with delivery: .*Give production its own account\.$/)]);
    const separate = bootstrapStacks(Testing.app(), [staging, other]);
    expect(separate.flatMap(warnings)).toEqual([]);
  });

  test('the app adds one stack folder per account', () => {
    const app = new App({ outdir: require('os').tmpdir() + '/delivery-accounts' });
    buildApp(app, [staging, other]);
    const ids = app.node.children.map((c) => c.node.id);
    expect(ids).toEqual(['bootstrap', 'bootstrap-210987654321', 'staging', 'prod']);
  });

  test('an environment without S3 state nor delivery needs no bootstrap stack', () => {
    const cloud = withConfig(staging, (c) => {
      c.state = { backend: 'cloud', organization: 'acme' } as EnvironmentConfig['state'];
      delete c.delivery;
    });
    expect(bootstrapStacks(Testing.app(), [cloud])).toEqual([]);
  });
});

describe('validation', () => {
  const problems = (envs: EnvironmentConfig[]): string[] => {
    try {
      validateEnvironments(envs);
      return [];
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return e.problems;
    }
  };
  const withGithub = (base: EnvironmentConfig, change: (g: NonNullable<EnvironmentConfig['delivery']>['github']) => void) => withConfig(base, (c) => change(c.delivery!.github));

  test('the shipped environments are valid', () => {
    expect(problems(environments)).toEqual([]);
  });

  test.each([
    ['repository', (g: any) => (g.repository = 'acme/*'), /environment "staging": delivery\.github\.repository is "acme\/\*": give exactly one repository as "org\/name" \(no wildcard\)/],
    ['repository without org', (g: any) => (g.repository = 'webapp'), /delivery\.github\.repository is "webapp"/],
    ['environment', (g: any) => (g.environment = 'prod*'), /delivery\.github\.environment is "prod\*": give the name of one GitHub environment \(no wildcard\)/],
    ['branch', (g: any) => (g.branch = 'release/*'), /delivery\.github\.branch is "release\/\*": give one branch \(no wildcard\)/],
    ['provider of another account', (g: any) => (g.oidcProviderArn = 'arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com'), /oidcProviderArn belongs to account 999999999999, not 123456789012/],
    ['provider of another issuer', (g: any) => (g.oidcProviderArn = 'arn:aws:iam::123456789012:oidc-provider/gitlab.com'), /oidcProviderArn is .*gitlab\.com.*token\.actions\.githubusercontent\.com/],
    ['owner id without the repository id', (g: any) => (g.ownerId = 1342004), /delivery\.github\.repositoryId is missing while ownerId is set: .*repo:ORG@OWNER_ID\/NAME@REPO_ID.*gh api repos\/acme\/webapp --jq '\.owner\.id, \.id'/],
    ['repository id without the owner id', (g: any) => (g.repositoryId = 987654321), /delivery\.github\.ownerId is missing while repositoryId is set/],
    ['an id that is not a whole number', (g: any) => Object.assign(g, { ownerId: 13.5, repositoryId: 987654321 }), /delivery\.github\.ownerId is 13\.5: give GitHub's numeric id/],
    ['a negative id', (g: any) => Object.assign(g, { ownerId: 1342004, repositoryId: -1 }), /delivery\.github\.repositoryId is -1: give GitHub's numeric id/],
  ])('a wildcard or foreign %s is refused, naming the field and the fix', (_label, change, message) => {
    const found = problems([withGithub(staging, change), prod]);
    expect(found).toEqual([expect.stringMatching(message)]);
  });

  test('an id given as a string is a type error naming the field', () => {
    expect(problems([withGithub(staging, (g: any) => Object.assign(g, { ownerId: '1342004', repositoryId: 987654321 })), prod])).toEqual([
      expect.stringMatching(/delivery\.github\.ownerId is "1342004": expected a number/),
    ]);
  });

  test('two environments cannot deploy from one GitHub environment (one approval would release both)', () => {
    const shared = withGithub(prod, (g) => (g.environment = 'Staging'));
    expect(problems([staging, shared])).toEqual([
      'environment "prod": delivery.github.environment is "Staging" of acme/webapp, which environment "staging" already deploys from: give each environment its own GitHub environment (e.g. "prod")',
    ]);
  });

  test('two environments of one account must agree on the OIDC provider', () => {
    const reuse = withGithub(prod, (g) => (g.oidcProviderArn = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com'));
    expect(problems([staging, reuse])).toEqual([
      'environment "prod": delivery.github.oidcProviderArn reuses arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com, but environment "staging" in the same account lets the bootstrap stack create it: an account holds one GitHub OIDC provider, give both the same value',
    ]);
  });

  test('no environment\'s names may start with another\'s deploy-role prefix (staging vs staging-eu)', () => {
    const eu = (accountId: string) => defineEnvironment({
      project: 'webapp', region: 'eu-central-1', accountId, name: 'staging-eu', production: false,
      domain: { name: 'eu.staging.example.com', dns: { zoneMode: 'lookup', zoneName: 'example.com', exportRecords: false } },
      network: { cidr: '10.40.0.0/16' },
    });
    expect(problems([staging, eu('123456789012')])).toEqual([expect.stringMatching(/^environment "staging-eu": its resource names start with "webapp-staging-", the prefix the deploy role of environment "staging" may change: rename one of them/)]);
    // In another account the prefix scopes nothing of the other: fine.
    expect(problems([staging, eu('210987654321')])).toEqual([]);
  });
});
