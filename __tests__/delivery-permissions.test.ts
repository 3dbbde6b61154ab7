import * as fs from 'fs';
import * as path from 'path';
import { defineEnvironment } from '../src/config/defaults';
import { plannedNames, PlannedName } from '../src/config/names';
import { prod, staging } from '../src/config/environments';
import { EnvironmentConfig } from '../src/config/types';
import { workloadBoundaryStatements } from '../src/delivery/boundary';
import {
  ATTACHED_MANAGED_POLICIES, EC2_CREATE_GROUPS, EC2_CREATE_PARENTS, GLOBAL_EDGE_REGION, SERVICE_LINKED_ROLE_SERVICES, deployPolicies, passedRoles,
} from '../src/delivery/deploy-permissions';
import { DEPLOY_COVERAGE, UNSCOPED_ACTIONS, unscopedActionsMarkdown } from '../src/delivery/deploy-coverage';
import { deliveryRoleArns, deployPolicyName, workloadBoundaryArn } from '../src/delivery/names';
import { stateStatements } from '../src/delivery/state-access';
import { PolicyStatement, policyDocument } from '../src/lib/iam';
import { arn, managedPolicyArn, resourceName } from '../src/lib/naming';
import { policyOf, resourcesOf, shipped, synthEnv, TfJson, withConfig } from './helpers/synth';
import { adoptingEverything, restoring } from './helpers/adoption';
import { withInternalService } from './helpers/internal';
import { withTopics } from './helpers/topics';

/**
 * The deploy role of an environment (GitHub Actions, through OIDC) and the permissions boundary of
 * the environment's roles: enough to apply and destroy every resource the stacks synthesize and to
 * run a release, nothing of another environment, and no way to escalate through IAM.
 */

// ---------------------------------------------------------------------------------------------
// Environments: the shipped ones and variants that synthesize other resource types.

const variants: { label: string; env: EnvironmentConfig }[] = [
  { label: 'staging', env: staging },
  { label: 'prod', env: prod },
  { label: 'staging, natMode none (interface endpoints)', env: withConfig(staging, (c) => (c.network.natMode = 'none')) },
  { label: 'staging, hosted zone created', env: withConfig(staging, (c) => (c.domain.dns = { zoneMode: 'create', exportRecords: false })) },
  { label: 'staging, external DNS', env: withConfig(staging, (c) => (c.domain.dns = { zoneMode: 'external', exportRecords: true })) },
  { label: 'staging, CloudFront WAF', env: withConfig(staging, (c) => (c.waf.cloudfront = true)) },
  { label: 'staging, no WAF, no jobs, no night schedule', env: withConfig(staging, (c) => { c.waf.mode = 'off'; c.compute.jobs = []; delete c.schedule; }) },
  { label: 'prod, CloudFront WAF', env: withConfig(prod, (c) => (c.waf.cloudfront = true)) },
  { label: 'prod adopting a VPC, certificates, the database and buckets', env: adoptingEverything(prod) },
  { label: 'staging adopting a VPC without NAT (endpoints)', env: withConfig(adoptingEverything(staging), (c) => { c.network.natMode = 'none'; }) },
  { label: 'staging restored from a snapshot', env: restoring('legacy-final', staging) },
  { label: 'staging with an internal service (Cloud Map)', env: withInternalService(staging, ['web']) },
  { label: 'staging with topics fanned out to queues (SNS, FIFO)', env: withTopics(staging) },
];
const synthCache = new Map<string, TfJson>();
const synthOf = (v: { label: string; env: EnvironmentConfig }): TfJson => {
  if (v.label === 'staging' || v.label === 'prod') return shipped(v.label);
  if (!synthCache.has(v.label)) synthCache.set(v.label, synthEnv(v.env));
  return synthCache.get(v.label)!;
};

/** Every resource, data source and ephemeral type of a synthesized stack, as Terraform spells them. */
function typesOf(json: TfJson): string[] {
  const ephemeral = (json as unknown as { ephemeral?: Record<string, unknown> }).ephemeral ?? {};
  return [...Object.keys(json.resource ?? {}), ...Object.keys(json.data ?? {}).map((t) => `data.${t}`), ...Object.keys(ephemeral).map((t) => `ephemeral.${t}`)];
}

// ---------------------------------------------------------------------------------------------
// A small IAM evaluator: enough of the policy language for the statements here.

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : [v].flat());
/** IAM wildcard match: `*` any run of characters (`/` and `:` included), `?` one character. */
function glob(pattern: string, value: string, caseInsensitive = false): boolean {
  const source = `^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`;
  return new RegExp(source, caseInsensitive ? 'i' : '').test(value);
}
const actionMatches = (pattern: string, action: string) => glob(pattern, action, true);

type Context = Record<string, string | string[] | undefined>;

function conditionHolds(condition: PolicyStatement['Condition'], context: Context): boolean {
  for (const [operator, entries] of Object.entries(condition ?? {})) {
    for (const [key, expected] of Object.entries(entries)) {
      const wanted = [expected].flat().map(String);
      const actual = context[key];
      const values = actual === undefined ? [] : [actual].flat();
      const present = actual !== undefined;
      const base = operator.replace(/^ForAllValues:|^ForAnyValue:/, '').replace(/IfExists$/, '');
      const one = (value: string) => {
        switch (base) {
          case 'StringEquals':
          case 'ArnEquals':
          case 'Bool':
            return wanted.includes(value);
          case 'StringLike':
          case 'ArnLike':
            return wanted.some((w) => glob(w, value));
          case 'StringNotEquals':
            return !wanted.includes(value);
          default:
            throw new Error(`the test evaluator does not know ${operator}`);
        }
      };
      let holds: boolean;
      if (operator === 'Null') holds = wanted[0] === 'true' ? !present : present;
      else if (operator.startsWith('ForAllValues:')) holds = values.every(one);
      else if (operator.startsWith('ForAnyValue:')) holds = values.some(one);
      else if (!present) holds = operator.endsWith('IfExists') || base === 'StringNotEquals';
      else holds = values.some(one);
      if (!holds) return false;
    }
  }
  return true;
}

interface Request {
  readonly action: string;
  /** Every resource the request is authorized against, with its current tags. */
  readonly resources: { arn: string; tags?: Record<string, string> }[];
  readonly requestTags?: Record<string, string>;
  readonly context?: Context;
  /** Defaults to the environment's region. */
  readonly region?: string;
}

/** Allowed when every resource is allowed by some statement and no Deny matches any of them. */
function allows(statements: PolicyStatement[], env: EnvironmentConfig, request: Request): boolean {
  const base: Context = {
    'aws:RequestedRegion': request.region ?? env.region,
    ...(request.requestTags ? { 'aws:TagKeys': Object.keys(request.requestTags) } : {}),
    ...Object.fromEntries(Object.entries(request.requestTags ?? {}).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
    ...request.context,
  };
  const applies = (s: PolicyStatement, resource: { arn: string; tags?: Record<string, string> }) => {
    const context = { ...base, ...Object.fromEntries(Object.entries(resource.tags ?? {}).map(([k, v]) => [`aws:ResourceTag/${k}`, v])) };
    const inResource = s.NotResource ? !list(s.NotResource).some((r) => glob(r, resource.arn)) : list(s.Resource).some((r) => glob(r, resource.arn));
    return list(s.Action).some((a) => actionMatches(a, request.action)) && inResource && conditionHolds(s.Condition, context);
  };
  if (statements.some((s) => s.Effect === 'Deny' && request.resources.some((r) => applies(s, r)))) return false;
  return request.resources.every((r) => statements.some((s) => s.Effect === 'Allow' && applies(s, r)));
}

const allStatements = (env: EnvironmentConfig) => deployPolicies(env).flatMap((p) => p.statements);
const allows4 = (env: EnvironmentConfig, request: Request) => allows(allStatements(env), env, request);
/** Any Allow statement grants the action (on some resource). */
const grants = (statements: PolicyStatement[], action: string) => statements.some((s) => s.Effect === 'Allow' && list(s.Action).some((a) => actionMatches(a, action)));

const ENV_TAG_KEYS = ['aws:RequestTag/environment', 'aws:ResourceTag/environment'];
const tagScoped = (s: PolicyStatement, env: EnvironmentConfig) =>
  Object.values(s.Condition ?? {}).some((entries) => ENV_TAG_KEYS.some((k) => entries[k] === env.name));
/** A resource that names this environment: `<project>-<env>` (not followed by more of a name), or its `/<project>/<env>/` path. */
const namesEnvironment = (resource: string, env: EnvironmentConfig) =>
  new RegExp(`${resourceName(env)}([-/:*]|$)`).test(resource) || resource.includes(`/${env.project}/${env.name}/`) || resource.includes(`${env.project}/${env.name}/terraform.tfstate`) ||
  adoptedNames(env).some((name) => new RegExp(`[/:]${name.replace(/[.*]/g, '\\$&')}([-/*]|$)`).test(resource));
/**
 * What the config adopts by name or id (VPC, subnets, instance, buckets, snapshot), and the SES
 * identity named after the environment's own domain (email.domain): as narrow as its own names.
 */
const adoptedNames = (env: EnvironmentConfig) => [
  ...(env.email ? [env.email.domain] : []),
  ...(env.network.existing ? [env.network.existing.vpcId, ...env.network.existing.privateSubnetIds] : []),
  ...(env.database.adopt ? [env.database.adopt.identifier] : []),
  ...Object.values(env.assets.adopt ?? {}),
  ...(env.database.restoreFrom ? [env.database.restoreFrom.snapshot.split(':').pop()!] : []),
];
/** Scoped by another condition: the state key (s3:prefix), or tags applied by the create call itself (the create being tag-scoped). */
const conditionScoped = (s: PolicyStatement) =>
  Object.values(s.Condition ?? {}).some((entries) => ['s3:prefix', 'ec2:CreateAction', 'elasticloadbalancing:CreateAction', 'ec2:Vpc'].some((k) => k in entries));

// ---------------------------------------------------------------------------------------------

describe('coverage: every type the stacks synthesize has its permissions', () => {
  test.each(variants.map((v) => [v.label, v] as const))('%s: every resource, data source and ephemeral type is covered', (_label, v) => {
    const missing = typesOf(synthOf(v)).filter((t) => !(t in DEPLOY_COVERAGE));
    expect(missing).toEqual([]);
  });

  test('no stale coverage entry: each one is synthesized by some variant', () => {
    const synthesized = new Set(variants.flatMap((v) => typesOf(synthOf(v))));
    expect(Object.keys(DEPLOY_COVERAGE).filter((t) => !synthesized.has(t))).toEqual([]);
  });

  test.each(variants.map((v) => [v.label, v] as const))('%s: the actions each synthesized type needs are granted', (_label, v) => {
    const statements = allStatements(v.env);
    const missing = typesOf(synthOf(v)).flatMap((t) => DEPLOY_COVERAGE[t].actions.filter((a) => !grants(statements, a)).map((a) => `${t}: ${a}`));
    expect(missing).toEqual([]);
  });

  test('each coverage entry says how it is scoped, and its actions are concrete', () => {
    for (const [type, entry] of Object.entries(DEPLOY_COVERAGE)) {
      expect(`${type}: ${entry.scope}`).toMatch(/: \S.{8,}/);
      for (const action of entry.actions) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
    }
  });
});

describe('shape and limits', () => {
  const maxLengthName = defineEnvironment({
    ...staging,
    // The longest prefix NAME_RULES leaves room for (`<p>-alb` is at most 32 characters), in a long region.
    project: 'acmeplatform',
    name: 'preproduction22',
    region: 'ap-southeast-2',
    domain: { name: 'preproduction22.platform.acme-corporation.example', dns: { zoneMode: 'create', exportRecords: false } },
    network: { cidr: '10.30.0.0/16', natMode: 'none' },
    compute: { ...staging.compute, externalSecrets: { STRIPE: 'arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:shared/stripe-AbCdEf:key::' } },
  } as never);
  const envs = [...variants.map((v) => v.env), maxLengthName];

  test('the longest environment prefix is really the longest the name rules allow', () => {
    expect(`${resourceName(maxLengthName)}-alb`.length).toBe(32);
  });

  test.each(envs.map((e, i) => [i, e] as const))('environment %#: at most 8 policies, each under 6,144 characters (whitespace excluded), parts and Sids unique', (_i, env) => {
    const policies = deployPolicies(env);
    expect(policies.length).toBeLessThanOrEqual(8);
    expect(new Set(policies.map((p) => p.part)).size).toBe(policies.length);
    for (const policy of policies) {
      expect(policy.part).toMatch(/^[a-z]+$/);
      expect(deployPolicyName(env, policy.part).length).toBeLessThanOrEqual(128);
      expect(policy.description.length).toBeLessThanOrEqual(1000);
      expect(policy.statements.length).toBeGreaterThan(0);
      expect(policyDocument(policy.statements).replace(/\s/g, '').length).toBeLessThanOrEqual(6144);
    }
    const sids = policies.flatMap((p) => p.statements.map((s) => s.Sid));
    expect(sids.every((sid) => typeof sid === 'string' && /^[A-Za-z0-9]+$/.test(sid))).toBe(true);
    expect(new Set(sids).size).toBe(sids.length);
    // The boundary is one managed policy too.
    expect(policyDocument(workloadBoundaryStatements(env)).replace(/\s/g, '').length).toBeLessThanOrEqual(6144);
  });

  test.each(envs.map((e, i) => [i, e] as const))('environment %#: every allowed action is one concrete action (no wildcard), every statement has a resource', (_i, env) => {
    for (const s of [...allStatements(env), ...workloadBoundaryStatements(env)]) {
      expect(s.Resource !== undefined || s.NotResource !== undefined).toBe(true);
      expect(s.Principal).toBeUndefined();
      if (s.Effect === 'Allow') for (const a of list(s.Action)) expect(a).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
    }
  });

  test('the environment\'s state access is part of the deploy role, read and write', () => {
    for (const { env } of variants) {
      const release = allStatements(env);
      for (const s of stateStatements(env, true)) expect(release).toContainEqual(s);
    }
  });
});

describe('unscoped actions: each one listed with its reason, and nothing else unscoped', () => {
  const listed = new Set(UNSCOPED_ACTIONS.flatMap((u) => u.actions));

  test.each(variants.map((v) => [v.label, v] as const))('%s: every action on "*" or on a resource wider than the environment, without its tags, is listed', (_label, { env }) => {
    const unscoped = allStatements(env)
      .filter((s) => s.Effect === 'Allow')
      .filter((s) => list(s.Resource).includes('*') || (!tagScoped(s, env) && !conditionScoped(s) && list(s.Resource).some((r) => !namesEnvironment(r, env))))
      .flatMap((s) => list(s.Action).map((a) => `${s.Sid}: ${a}`));
    expect(unscoped.filter((x) => !listed.has(x.split(': ')[1]))).toEqual([]);
  });

  test('every listed action is really granted on "*" or a resource wider than the environment (no stale entry)', () => {
    const wide = new Set(
      variants.flatMap(({ env }) =>
        allStatements(env)
          .filter((s) => s.Effect === 'Allow' && list(s.Resource).some((r) => r === '*' || !namesEnvironment(r, env)))
          .flatMap((s) => list(s.Action)),
      ),
    );
    expect([...listed].filter((a) => !wide.has(a))).toEqual([]);
  });

  test('each reason starts with the actions it explains and says why', () => {
    for (const { actions, reason } of UNSCOPED_ACTIONS) {
      const services = [...new Set(actions.map((a) => a.split(':')[0]))];
      expect(reason.startsWith(`${services[0]}:`)).toBe(true);
      for (const service of services) expect(reason).toContain(`${service}:`);
      expect(reason.length).toBeGreaterThan(80);
    }
  });

  test('"*" is only granted to regional services inside the environment\'s regions (global services excepted)', () => {
    const global = ['cloudfront', 'route53', 'iam'];
    for (const { env } of variants) {
      for (const s of allStatements(env).filter((x) => x.Effect === 'Allow' && list(x.Resource).includes('*'))) {
        if (list(s.Action).every((a) => global.includes(a.split(':')[0]))) continue;
        const regions = Object.values(s.Condition ?? {}).map((entries) => entries['aws:RequestedRegion']).find(Boolean);
        expect({ sid: s.Sid, regions: list(regions as string[]).every((r) => [env.region, GLOBAL_EDGE_REGION].includes(r)) && regions !== undefined }).toEqual({ sid: s.Sid, regions: true });
      }
    }
  });
});

describe('isolation between environments', () => {
  // Two environments whose names are prefixes of each other without the dash: a pattern written as
  // `<p>*` instead of `<p>-*` would hand one the other's resources.
  const a = withConfig(staging, (c) => (c.domain.name = 'staging.example.com'));
  const b = withConfig(staging, (c) => {
    c.name = 'staging2';
    c.domain.name = 'staging2.example.com';
    c.network.cidr = '10.21.0.0/16';
    c.waf.cloudfront = true;
    c.compute.services = c.compute.services.map((s) => ({ ...s, ownRepository: true }));
  });

  /** ARNs every planned name of an environment appears in (kinds whose names never appear in an ARN are skipped). */
  function plannedArns(env: EnvironmentConfig): { name: PlannedName; arns: string[] }[] {
    const at = (service: string, resource: string, region = env.region) => arn(env.region, service, region, env.accountId, resource);
    const p = resourceName(env);
    const forName = (n: PlannedName): string[] => {
      switch (n.kind) {
        case 's3Bucket':
          return n.name === (env.state.backend === 's3' ? env.state.bucket : undefined) ? [] : [arn(env.region, 's3', '', '', n.name), arn(env.region, 's3', '', '', `${n.name}/key`)];
        case 'rdsIdentifier':
          return [at('rds', `db:${n.name}`), at('rds', `snapshot:${n.name}-final-20260101000000`)];
        case 'rdsParameterGroupPrefix':
          return [at('rds', `pg:${n.name}0123abcd`)];
        case 'rdsSubnetGroup':
          return [at('rds', `subgrp:${n.name}`)];
        case 'elasticacheId':
          return [at('elasticache', `replicationgroup:${n.name}`), at('elasticache', `cluster:${n.name}-001`), at('elasticache', `subnetgroup:${n.name}`)];
        case 'loadBalancer':
          return [at('elasticloadbalancing', `loadbalancer/app/${n.name}/0123`), at('elasticloadbalancing', `listener/app/${n.name}/0123/4567`), at('elasticloadbalancing', `listener-rule/app/${n.name}/0123/4567/89ab`)];
        case 'ecrRepository':
          return [at('ecr', `repository/${n.name}`)];
        case 'ecrPullThroughPrefix':
          return [at('ecr', `repository/${n.name}/docker/library/postgres`)];
        case 'ecs':
          return [at('ecs', `cluster/${n.name}`), at('ecs', `service/${p}/${n.name}`), at('ecs', `task-definition/${n.name}:3`), at('ecs', `task/${n.name}/0123`)];
        case 'iamRole':
          return [arn(env.region, 'iam', '', env.accountId, `role/${n.name}`)];
        case 'logGroup':
          return [env.region, GLOBAL_EDGE_REGION].flatMap((r) => [at('logs', `log-group:${n.name}`, r), at('logs', `log-group:${n.name}:*`, r), at('logs', `log-group:${n.name}:log-stream:web/app/0123`, r)]);
        case 'secret':
          return [at('secretsmanager', `secret:${n.name}-AbCdEf`)];
        case 'ssmParameter':
          return [at('ssm', `parameter${n.name}`)];
        case 'sqsQueue':
          return [at('sqs', n.name)];
        case 'schedule':
          return [at('scheduler', `schedule-group/${n.name}`), at('scheduler', `schedule/${n.name}/job`), at('scheduler', `schedule/${p}/${n.name}`)];
        case 'wafAcl':
          return [at('wafv2', `regional/webacl/${n.name}/0123`), at('wafv2', `global/webacl/${n.name}/0123`, GLOBAL_EDGE_REGION)];
        default:
          return [];
      }
    };
    // Names the monitoring layer gives that plannedNames does not list.
    const extra = [
      ...[env.region, GLOBAL_EDGE_REGION].flatMap((r) => [at('cloudwatch', `alarm:${p}-web-cpu`, r), at('sns', `${p}-alerts-critical`, r), at('kms', `alias/${p}-alerts`, r)]),
      at('cloudwatch', `alarm:TargetTracking-service/${p}/${p}-web-AlarmHigh-0123`),
      arn(env.region, 'cloudwatch', '', env.accountId, `dashboard/${p}`),
      at('events', `rule/${p}-rds-critical`),
    ];
    return [
      ...plannedNames(env).map((name) => ({ name, arns: forName(name) })),
      { name: { kind: 'logGroup', name: `${p}-*`, what: 'the alarms, topics, key aliases, dashboard and event rules', from: 'project/name' }, arns: extra },
    ];
  }

  /** Allow statements that scope by name (not by the environment's tags), and their resources. */
  const nameScoped = (env: EnvironmentConfig) =>
    [...allStatements(env), ...workloadBoundaryStatements(env)].filter((s) => s.Effect === 'Allow' && !tagScoped(s, env) && !list(s.Resource).includes('*'));

  test.each([
    ['staging', 'staging2', a, b],
    ['staging2', 'staging', b, a],
  ] as const)('no resource of %s\'s policies or boundary matches a name %s plans', (_na, _nb, envA, envB) => {
    const leaks = nameScoped(envA).flatMap((s) =>
      list(s.Resource).flatMap((pattern) =>
        plannedArns(envB).flatMap(({ name, arns }) => arns.filter((target) => glob(pattern, target)).map((target) => `${s.Sid}: ${pattern} matches ${name.what} (${target})`)),
      ),
    );
    expect(leaks).toEqual([]);
  });

  test('the check is not vacuous: the same patterns do match the environment\'s own names', () => {
    const own = plannedArns(a).filter(({ arns }) => arns.length > 0);
    const unmatched = own.filter(({ arns }) => !arns.some((target) => nameScoped(a).some((s) => list(s.Resource).some((pattern) => glob(pattern, target)))));
    // Buckets, databases, caches, repositories, queues, logs, secrets, parameters, roles... all reachable.
    expect(own.length).toBeGreaterThan(30);
    expect(unmatched.map((u) => u.name.what)).toEqual([]);
  });

  test('record names and certificate names are pinned to the environment\'s own domain', () => {
    for (const env of [a, b]) {
      const other = env === a ? b : a;
      for (const request of [
        (names: string[]) => ({ action: 'route53:ChangeResourceRecordSets', resources: [{ arn: arn(env.region, 'route53', '', '', 'hostedzone/Z0123') }], context: { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': names, 'route53:ChangeResourceRecordSetsRecordTypes': ['A'], 'route53:ChangeResourceRecordSetsActions': ['UPSERT'] } }),
        (names: string[]) => ({ action: 'acm:RequestCertificate', resources: [{ arn: '*' }], requestTags: { project: env.project, environment: env.name }, context: { 'acm:DomainNames': names, 'acm:ValidationMethod': 'DNS' } }),
      ]) {
        expect(allows4(env, request([env.domain.name, `api.${env.domain.name}`, `_0123.static.${env.domain.name}`]))).toBe(true);
        expect(allows4(env, request([other.domain.name]))).toBe(false);
        expect(allows4(env, request([env.domain.name, `evil.${other.domain.name}`]))).toBe(false);
      }
    }
  });
});

describe('tag-scoped resources: created with the environment\'s tags, changed only when tagged, never re-tagged away', () => {
  const env = staging;
  const ours = { project: env.project, environment: env.name, 'managed-by': 'cdktf' };
  const theirs = { project: env.project, environment: 'prod', 'managed-by': 'cdktf' };
  const ec2 = (type: string, id = '0123') => arn(env.region, 'ec2', env.region, env.accountId, `${type}/${type}-${id}`);

  test('creating a VPC needs the environment\'s tags in the request', () => {
    expect(allows4(env, { action: 'ec2:CreateVpc', resources: [{ arn: ec2('vpc') }], requestTags: ours })).toBe(true);
    expect(allows4(env, { action: 'ec2:CreateVpc', resources: [{ arn: ec2('vpc') }], requestTags: theirs })).toBe(false);
    expect(allows4(env, { action: 'ec2:CreateVpc', resources: [{ arn: ec2('vpc') }] })).toBe(false);
  });

  test('a subnet goes only into a VPC of the environment (the request\'s tags never vouch for the parent)', () => {
    expect(allows4(env, { action: 'ec2:CreateSubnet', resources: [{ arn: ec2('subnet') }, { arn: ec2('vpc'), tags: ours }], requestTags: ours })).toBe(true);
    expect(allows4(env, { action: 'ec2:CreateSubnet', resources: [{ arn: ec2('subnet') }, { arn: ec2('vpc'), tags: theirs }], requestTags: ours })).toBe(false);
    expect(allows4(env, { action: 'ec2:AuthorizeSecurityGroupIngress', resources: [{ arn: ec2('security-group-rule') }, { arn: ec2('security-group'), tags: theirs }], requestTags: ours })).toBe(false);
    expect(allows4(env, { action: 'ec2:CreateNatGateway', resources: [{ arn: ec2('natgateway') }, { arn: ec2('subnet'), tags: ours }, { arn: ec2('elastic-ip'), tags: theirs }], requestTags: ours })).toBe(false);
  });

  test('EC2 create groups never list a type that an action of the same group is authorized against as a parent', () => {
    for (const group of EC2_CREATE_GROUPS) {
      for (const action of group.actions) expect({ action, parents: EC2_CREATE_PARENTS[action].filter((t) => group.creates.includes(t)) }).toEqual({ action, parents: [] });
    }
    expect(EC2_CREATE_GROUPS.flatMap((g) => g.actions).sort()).toEqual(Object.keys(EC2_CREATE_PARENTS).sort());
  });

  test('changing and deleting needs the environment\'s tags on the resource', () => {
    for (const [action, type] of [['ec2:DeleteVpc', 'vpc'], ['ec2:RevokeSecurityGroupIngress', 'security-group'], ['ec2:ReleaseAddress', 'elastic-ip'], ['ec2:CreateRoute', 'route-table']]) {
      expect(allows4(env, { action, resources: [{ arn: ec2(type), tags: ours }] })).toBe(true);
      expect(allows4(env, { action, resources: [{ arn: ec2(type), tags: theirs }] })).toBe(false);
      expect(allows4(env, { action, resources: [{ arn: ec2(type) }] })).toBe(false);
    }
    const tg = arn(env.region, 'elasticloadbalancing', env.region, env.accountId, 'targetgroup/web-0123/abcd');
    expect(allows4(env, { action: 'elasticloadbalancing:DeleteTargetGroup', resources: [{ arn: tg, tags: ours }] })).toBe(true);
    expect(allows4(env, { action: 'elasticloadbalancing:DeleteTargetGroup', resources: [{ arn: tg, tags: theirs }] })).toBe(false);
    for (const region of [env.region, GLOBAL_EDGE_REGION]) {
      const key = arn(env.region, 'kms', region, env.accountId, 'key/0123-4567');
      expect(allows4(env, { action: 'kms:ScheduleKeyDeletion', resources: [{ arn: key, tags: ours }], region })).toBe(true);
      expect(allows4(env, { action: 'kms:PutKeyPolicy', resources: [{ arn: key, tags: theirs }], region })).toBe(false);
    }
    const target = arn(env.region, 'application-autoscaling', env.region, env.accountId, 'scalable-target/0123');
    const ecs = { 'application-autoscaling:service-namespace': 'ecs', 'application-autoscaling:scalable-dimension': 'ecs:service:DesiredCount' };
    expect(allows4(env, { action: 'application-autoscaling:PutScheduledAction', resources: [{ arn: target, tags: ours }], context: ecs })).toBe(true);
    expect(allows4(env, { action: 'application-autoscaling:PutScheduledAction', resources: [{ arn: target, tags: theirs }], context: ecs })).toBe(false);
    // RegisterScalableTarget creates with tags, and updates (without tags) only the environment's.
    expect(allows4(env, { action: 'application-autoscaling:RegisterScalableTarget', resources: [{ arn: target }], requestTags: ours, context: ecs })).toBe(true);
    expect(allows4(env, { action: 'application-autoscaling:RegisterScalableTarget', resources: [{ arn: target, tags: theirs }], requestTags: ours, context: ecs })).toBe(false);
  });

  test('tags can be added to own resources but never moved to another environment, and project/environment never removed', () => {
    const vpc = { arn: ec2('vpc'), tags: ours };
    expect(allows4(env, { action: 'ec2:CreateTags', resources: [vpc], requestTags: { owner: 'platform' } })).toBe(true);
    expect(allows4(env, { action: 'ec2:CreateTags', resources: [vpc], requestTags: { environment: 'prod' } })).toBe(false);
    expect(allows4(env, { action: 'ec2:DeleteTags', resources: [vpc], context: { 'aws:TagKeys': ['owner'] } })).toBe(true);
    expect(allows4(env, { action: 'ec2:DeleteTags', resources: [vpc], context: { 'aws:TagKeys': ['environment'] } })).toBe(false);
    // Another environment's resource cannot be claimed by tagging it.
    expect(allows4(env, { action: 'ec2:CreateTags', resources: [{ arn: ec2('vpc'), tags: theirs }], requestTags: ours })).toBe(false);
    expect(allows4(env, { action: 'kms:TagResource', resources: [{ arn: arn(env.region, 'kms', env.region, env.accountId, 'key/0123'), tags: theirs }], requestTags: ours })).toBe(false);
    // Tags from the create call itself.
    expect(allows4(env, { action: 'ec2:CreateTags', resources: [{ arn: ec2('subnet') }], requestTags: ours, context: { 'ec2:CreateAction': 'CreateSubnet' } })).toBe(true);
  });

  test('the default security group is adopted only by adding the environment\'s own tags to an untagged group', () => {
    const sg = ec2('security-group');
    expect(allows4(env, { action: 'ec2:CreateTags', resources: [{ arn: sg }], requestTags: { ...ours, owner: 'platform', Name: 'webapp-staging-default-deny' } })).toBe(true);
    expect(allows4(env, { action: 'ec2:CreateTags', resources: [{ arn: sg }], requestTags: { ...ours, extra: 'x' } })).toBe(false);
    expect(allows4(env, { action: 'ec2:CreateTags', resources: [{ arn: sg }], requestTags: { environment: env.name } })).toBe(false);
  });

  test('network interfaces only on an AWS service\'s behalf (ElastiCache)', () => {
    const eni = ec2('network-interface');
    expect(allows4(env, { action: 'ec2:CreateNetworkInterface', resources: [{ arn: eni }, { arn: ec2('subnet'), tags: ours }], context: { 'aws:ViaAWSService': 'true' } })).toBe(true);
    expect(allows4(env, { action: 'ec2:CreateNetworkInterface', resources: [{ arn: eni }, { arn: ec2('subnet'), tags: ours }] })).toBe(false);
    expect(allows4(env, { action: 'ec2:DeleteNetworkInterface', resources: [{ arn: eni }], context: { 'aws:ViaAWSService': 'false' } })).toBe(false);
  });
});

describe('IAM: the environment\'s roles only, always with the boundary; the delivery roles untouchable', () => {
  // The role actions IAM supports iam:PermissionsBoundary on (Service Authorization Reference, IAM).
  const BOUNDARY_KEY_ACTIONS = ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:PutRolePermissionsBoundary', 'iam:DeleteRolePermissionsBoundary'];
  const OTHER_ROLE_WRITES = ['iam:UpdateAssumeRolePolicy', 'iam:TagRole', 'iam:UntagRole', 'iam:DeleteRole', 'iam:UpdateRole', 'iam:UpdateRoleDescription'];

  test.each(variants.map((v) => [v.label, v] as const))('%s: IAM writes only on role/<p>-*, with the boundary wherever IAM can check it', (_label, { env }) => {
    const roles = arn(env.region, 'iam', '', env.accountId, `role/${resourceName(env)}-*`);
    for (const s of allStatements(env).filter((x) => x.Effect === 'Allow')) {
      const iamActions = list(s.Action).filter((a) => a.startsWith('iam:') && !['iam:PassRole', 'iam:CreateServiceLinkedRole'].includes(a));
      if (iamActions.length === 0) continue;
      expect({ sid: s.Sid, resources: list(s.Resource) }).toEqual({ sid: s.Sid, resources: [roles] });
      for (const action of iamActions) {
        expect([...BOUNDARY_KEY_ACTIONS, ...OTHER_ROLE_WRITES]).toContain(action);
        if (BOUNDARY_KEY_ACTIONS.includes(action)) expect(s.Condition?.StringEquals?.['iam:PermissionsBoundary']).toBe(workloadBoundaryArn(env));
      }
    }
    // Nothing on policies, users, groups, instance profiles, identity providers.
    for (const action of ['iam:CreatePolicy', 'iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:CreateUser', 'iam:CreateAccessKey', 'iam:AddUserToGroup', 'iam:CreateInstanceProfile', 'iam:CreateOpenIDConnectProvider', 'iam:DeleteRolePermissionsBoundary']) {
      expect({ action, granted: grants(allStatements(env), action) }).toEqual({ action, granted: false });
    }
  });

  test('creating or changing a role\'s permissions requires the boundary; other environments\' roles are out of reach', () => {
    const env = staging;
    const role = (name: string) => ({ arn: arn(env.region, 'iam', '', env.accountId, `role/${name}`) });
    const withBoundary = { 'iam:PermissionsBoundary': workloadBoundaryArn(env) };
    for (const action of ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:PutRolePermissionsBoundary']) {
      expect(allows4(env, { action, resources: [role('webapp-staging-web-task')], context: withBoundary })).toBe(true);
      expect(allows4(env, { action, resources: [role('webapp-staging-web-task')] })).toBe(false);
      expect(allows4(env, { action, resources: [role('webapp-staging-web-task')], context: { 'iam:PermissionsBoundary': workloadBoundaryArn(prod) } })).toBe(false);
      expect(allows4(env, { action, resources: [role('webapp-prod-web-task')], context: withBoundary })).toBe(false);
    }
    expect(allows4(env, { action: 'iam:UpdateAssumeRolePolicy', resources: [role('webapp-prod-web-task')] })).toBe(false);
  });

  test.each(variants.map((v) => [v.label, v] as const))('%s: the delivery roles, their policies and the boundary policy are explicitly denied every IAM write', (_label, { env }) => {
    const delivery = deliveryRoleArns(env);
    const protectedArns = [delivery.plan, delivery.deploy, workloadBoundaryArn(env), arn(env.region, 'iam', '', env.accountId, `policy/${deployPolicyName(env, 'compute')}`)];
    const writes = [...BOUNDARY_KEY_ACTIONS, ...OTHER_ROLE_WRITES, 'iam:PassRole', 'iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicy', 'iam:TagPolicy'];
    for (const target of protectedArns) {
      for (const action of writes) {
        expect({ target, action, allowed: allows4(env, { action, resources: [{ arn: target }], context: { 'iam:PermissionsBoundary': workloadBoundaryArn(env), 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } }) }).toEqual({ target, action, allowed: false });
      }
    }
    // And the delivery roles really are inside the name pattern the Allow uses: the Deny is what protects them.
    expect(glob(arn(env.region, 'iam', '', env.accountId, `role/${resourceName(env)}-*`), delivery.deploy)).toBe(true);
    const denied = allStatements(env).filter((s) => s.Effect === 'Deny' && list(s.Action).some((a) => actionMatches(a, 'iam:DeleteRolePermissionsBoundary')));
    expect(denied.some((s) => list(s.Resource).includes('*'))).toBe(true);
  });

  test.each(variants.map((v) => [v.label, v] as const))('%s: only the AWS-managed policies the stack attaches can be attached', (_label, v) => {
    const attachedByStack = new Set(resourcesOf(synthOf(v), 'aws_iam_role_policy_attachment').map(([, a]) => a.policy_arn as string));
    expect([...attachedByStack].sort()).toEqual(ATTACHED_MANAGED_POLICIES.map((path) => managedPolicyArn(v.env.region, path)).sort());
    const attach = allStatements(v.env).filter((s) => s.Effect === 'Allow' && list(s.Action).includes('iam:AttachRolePolicy'));
    expect(attach).toHaveLength(1);
    expect(list(attach[0].Condition?.ArnEquals?.['iam:PolicyARN'] as string[]).sort()).toEqual([...attachedByStack].sort());
    const role = { arn: arn(v.env.region, 'iam', '', v.env.accountId, `role/${resourceName(v.env)}-rds-monitoring`) };
    const context = (policy: string) => ({ 'iam:PermissionsBoundary': workloadBoundaryArn(v.env), 'iam:PolicyARN': policy });
    expect(allows4(v.env, { action: 'iam:AttachRolePolicy', resources: [role], context: context(managedPolicyArn(v.env.region, 'AdministratorAccess')) })).toBe(false);
  });

  test.each(variants.map((v) => [v.label, v] as const))('%s: each role of the stack is passable only to the service that assumes it', (_label, v) => {
    const statements = allStatements(v.env);
    for (const s of statements.filter((x) => x.Effect === 'Allow' && list(x.Action).includes('iam:PassRole'))) {
      expect(list(s.Action)).toEqual(['iam:PassRole']);
      expect(typeof s.Condition?.StringEquals?.['iam:PassedToService']).toBe('string');
      for (const r of list(s.Resource)) expect(r.startsWith(arn(v.env.region, 'iam', '', v.env.accountId, `role/${resourceName(v.env)}-`))).toBe(true);
    }
    for (const [, role] of resourcesOf(synthOf(v), 'aws_iam_role')) {
      const service = policyOf(role.assume_role_policy).Statement[0].Principal.Service as string;
      const target = { arn: arn(v.env.region, 'iam', '', v.env.accountId, `role/${role.name}`) };
      const passable = ['ecs-tasks.amazonaws.com', 'monitoring.rds.amazonaws.com', 'vpc-flow-logs.amazonaws.com', 'scheduler.amazonaws.com', 'lambda.amazonaws.com', 'ec2.amazonaws.com'].filter((to) =>
        allows(statements, v.env, { action: 'iam:PassRole', resources: [target], context: { 'iam:PassedToService': to } }),
      );
      expect({ role: role.name, passable }).toEqual({ role: role.name, passable: [service] });
    }
    // The patterns of passedRoles() are what the statements use.
    expect(passedRoles(v.env).map((r) => r.service).sort()).toEqual(['ecs-tasks.amazonaws.com', 'monitoring.rds.amazonaws.com', 'scheduler.amazonaws.com', 'vpc-flow-logs.amazonaws.com']);
  });

  test('service-linked roles only for the services the stack uses', () => {
    // Which synthesized type makes AWS create which service-linked role.
    const usedBy: Record<string, string> = {
      'ecs.amazonaws.com': 'aws_ecs_cluster',
      'ecs.application-autoscaling.amazonaws.com': 'aws_appautoscaling_target',
      'elasticloadbalancing.amazonaws.com': 'aws_lb',
      'rds.amazonaws.com': 'aws_db_instance',
      'elasticache.amazonaws.com': 'aws_elasticache_replication_group',
      'wafv2.amazonaws.com': 'aws_wafv2_web_acl_logging_configuration',
      'pullthroughcache.ecr.amazonaws.com': 'aws_ecr_pull_through_cache_rule',
    };
    const synthesized = new Set(variants.flatMap((v) => typesOf(synthOf(v))));
    expect([...SERVICE_LINKED_ROLE_SERVICES].sort()).toEqual(Object.keys(usedBy).sort());
    for (const type of Object.values(usedBy)) expect(synthesized).toContain(type);
    for (const { env } of variants) {
      const slr = allStatements(env).filter((s) => s.Effect === 'Allow' && list(s.Action).includes('iam:CreateServiceLinkedRole'));
      expect(slr).toHaveLength(1);
      expect(slr[0].Resource).toBe(arn(env.region, 'iam', '', env.accountId, 'role/aws-service-role/*'));
      expect(slr[0].Condition).toEqual({ StringEquals: { 'iam:AWSServiceName': SERVICE_LINKED_ROLE_SERVICES } });
    }
  });
});

describe('release and day-to-day operations of the pipeline', () => {
  const env = staging;
  const p = resourceName(env);
  const at = (service: string, resource: string) => ({ arn: arn(env.region, service, env.region, env.accountId, resource) });
  const cluster = arn(env.region, 'ecs', env.region, env.accountId, `cluster/${p}`);

  test('one-off tasks (migrations, database setup): on this cluster only, and stoppable', () => {
    expect(allows4(env, { action: 'ecs:RegisterTaskDefinition', resources: [at('ecs', `task-definition/${p}-task:8`)] })).toBe(true);
    expect(allows4(env, { action: 'ecs:RunTask', resources: [at('ecs', `task-definition/${p}-task:8`)], context: { 'ecs:cluster': cluster } })).toBe(true);
    expect(allows4(env, { action: 'ecs:RunTask', resources: [at('ecs', `task-definition/${p}-db-admin:2`)], context: { 'ecs:cluster': cluster } })).toBe(true);
    expect(allows4(env, { action: 'ecs:RunTask', resources: [at('ecs', `task-definition/${p}-task:8`)], context: { 'ecs:cluster': arn(env.region, 'ecs', env.region, env.accountId, 'cluster/webapp-prod') } })).toBe(false);
    expect(allows4(env, { action: 'ecs:RunTask', resources: [at('ecs', 'task-definition/webapp-prod-task:8')], context: { 'ecs:cluster': cluster } })).toBe(false);
    expect(allows4(env, { action: 'ecs:StopTask', resources: [at('ecs', `task/${p}/0123`)] })).toBe(true);
    expect(allows4(env, { action: 'ecs:UpdateService', resources: [at('ecs', `service/${p}/${p}-web`)] })).toBe(true);
    expect(allows4(env, { action: 'ecs:UpdateService', resources: [at('ecs', 'service/webapp-prod/webapp-prod-web')] })).toBe(false);
    expect(allows4(env, { action: 'iam:PassRole', resources: [{ arn: arn(env.region, 'iam', '', env.accountId, `role/${p}-task-task`) }], context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } })).toBe(true);
  });

  test('the release lock and the database setup version: the environment\'s parameters only', () => {
    for (const name of ['release-lock', 'database-setup', 'image-tag']) {
      for (const action of ['ssm:PutParameter', 'ssm:DeleteParameter']) {
        expect(allows4(env, { action, resources: [at('ssm', `parameter/${env.project}/${env.name}/${name}`)] })).toBe(true);
        expect(allows4(env, { action, resources: [at('ssm', `parameter/${env.project}/prod/${name}`)] })).toBe(false);
      }
    }
    // ReadOnlyAccess reads parameters; another environment's are denied explicitly.
    const reads = allStatements(env).filter((s) => s.Effect === 'Deny');
    const readOnlyAccess: PolicyStatement = { Effect: 'Allow', Action: 'ssm:GetParameter', Resource: '*' };
    expect(allows([...reads, readOnlyAccess], env, { action: 'ssm:GetParameter', resources: [at('ssm', `parameter/${env.project}/${env.name}/release-lock`)] })).toBe(true);
    expect(allows([...reads, readOnlyAccess], env, { action: 'ssm:GetParameter', resources: [at('ssm', `parameter/${env.project}/prod/database-url`)] })).toBe(false);
  });

  test('image pushes: the environment\'s repositories only', () => {
    for (const action of ['ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage']) {
      expect(allows4(env, { action, resources: [at('ecr', `repository/${p}`)] })).toBe(true);
      expect(allows4(env, { action, resources: [at('ecr', `repository/${p}-api`)] })).toBe(true);
      expect(allows4(env, { action, resources: [at('ecr', 'repository/webapp-prod')] })).toBe(false);
    }
  });

  test('secret values: only the two generated secrets Terraform writes and reads back, never the app\'s own or the database master secret', () => {
    const secret = (name: string) => at('secretsmanager', `secret:${name}-AbCdEf`);
    expect(allows4(env, { action: 'secretsmanager:GetSecretValue', resources: [secret(`${p}/cache-auth-token`)] })).toBe(true);
    expect(allows4(env, { action: 'secretsmanager:PutSecretValue', resources: [secret(`${p}/django-secret-key`)] })).toBe(true);
    for (const action of ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue']) {
      expect(allows4(env, { action, resources: [secret(`${p}/app/SENTRY_DSN`)] })).toBe(false);
      expect(allows4(env, { action, resources: [secret('rds!db-0123-4567')] })).toBe(false);
      expect(allows4(env, { action, resources: [secret('webapp-prod/cache-auth-token')] })).toBe(false);
    }
    expect(allows4(env, { action: 'secretsmanager:DeleteSecret', resources: [secret('rds!db-0123-4567')] })).toBe(false);
  });

  test('nothing happens outside the environment\'s regions', () => {
    expect(allows4(env, { action: 'ecs:DeregisterTaskDefinition', resources: [{ arn: '*' }] })).toBe(true);
    expect(allows4(env, { action: 'ecs:DeregisterTaskDefinition', resources: [{ arn: '*' }], region: 'us-west-2' })).toBe(false);
    expect(allows4(env, { action: 'sqs:CreateQueue', resources: [{ arn: arn('us-west-2', 'sqs', 'us-west-2', env.accountId, `${p}-emails`) }], region: 'us-west-2' })).toBe(false);
    expect(allows4(env, { action: 'kms:CreateKey', resources: [{ arn: '*' }], requestTags: { project: env.project, environment: env.name }, region: GLOBAL_EDGE_REGION })).toBe(true);
  });

  test('buckets are emptied on destroy only outside production', () => {
    const object = { arn: `${arn(env.region, 's3', '', '', `${p}-media-${env.accountId}-${env.region}`)}/uploads/a.png` };
    expect(allows4(staging, { action: 's3:DeleteObject', resources: [object] })).toBe(true);
    const prodObject = { arn: `${arn(prod.region, 's3', '', '', `webapp-prod-media-${prod.accountId}-${prod.region}`)}/uploads/a.png` };
    expect(allows(allStatements(prod), prod, { action: 's3:DeleteObject', resources: [prodObject] })).toBe(false);
  });
});

describe('the workload boundary', () => {
  // AWS managed policies the stack attaches, as AWS publishes them (IAM console / `aws iam
  // get-policy-version --policy-arn arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`).
  const MANAGED_POLICY_DOCUMENTS: Record<string, { Statement: PolicyStatement[] }> = {
    'service-role/AmazonRDSEnhancedMonitoringRole': {
      Statement: [
        { Sid: 'EnableCreationAndManagementOfRDSCloudwatchLogGroups', Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy'], Resource: ['arn:aws:logs:*:*:log-group:RDS*'] },
        {
          Sid: 'EnableCreationAndManagementOfRDSCloudwatchLogStreams',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams', 'logs:GetLogEvents'],
          Resource: ['arn:aws:logs:*:*:log-group:RDS*:log-stream:*'],
        },
      ],
    },
  };

  test('every managed policy the stack attaches has its document here', () => {
    expect(Object.keys(MANAGED_POLICY_DOCUMENTS).sort()).toEqual([...ATTACHED_MANAGED_POLICIES].sort());
  });

  /** Resolves the references of a synthesized role policy to the ARN the resource will have. */
  function resolver(json: TfJson, env: EnvironmentConfig) {
    const at = (service: string, resource: string) => arn(env.region, service, env.region, env.accountId, resource);
    const byRef: Record<string, (body: any) => string> = {
      'aws_cloudwatch_log_group.arn': (b) => at('logs', `log-group:${b.name}`),
      'aws_secretsmanager_secret.arn': (b) => at('secretsmanager', `secret:${b.name}-AbCdEf`),
      'aws_sqs_queue.arn': (b) => at('sqs', b.name),
      'aws_s3_bucket.arn': (b) => arn(env.region, 's3', '', '', b.bucket),
      'aws_ecr_repository.arn': (b) => at('ecr', `repository/${b.name}`),
      'aws_iam_role.arn': (b) => arn(env.region, 'iam', '', env.accountId, `role/${b.name}`),
      'aws_db_instance.arn': (b) => at('rds', `db:${b.identifier}`),
      'aws_db_instance.resource_id': () => 'db-ABCDEFGHIJKL',
      'aws_db_instance.master_user_secret[0].secret_arn': () => at('secretsmanager', 'secret:rds!db-0123-4567-AbCdEf'),
      'aws_ecs_task_definition.family': (b) => b.family,
      'aws_ecs_cluster.arn': (b) => at('ecs', `cluster/${b.name}`),
      'aws_sns_topic.arn': (b) => at('sns', b.name),
      'aws_kms_key.arn': () => at('kms', 'key/0123abcd-0123-4567-89ab-0123456789ab'),
      'aws_sesv2_email_identity.arn': (b) => at('ses', `identity/${b.email_identity}`),
      'aws_sesv2_configuration_set.arn': (b) => at('ses', `configuration-set/${b.configuration_set_name}`),
    };
    let unresolved = 0;
    const resolve = (text: string) =>
      text.replace(/\$\{(aws_[a-z0-9_]+)\.([\w-]+)\.([\w.[\]]+)\}/g, (whole, type: string, name: string, attr: string) => {
        const fn = byRef[`${type}.${attr}`];
        const body = json.resource[type]?.[name];
        if (!fn || !body) {
          unresolved++;
          return whole;
        }
        return fn(body);
      });
    return { resolve, unresolved: () => unresolved };
  }

  test.each(variants.map((v) => [v.label, v] as const))('%s: allows every action (on every resource) the stack\'s role policies and attached managed policies grant', (_label, v) => {
    const json = synthOf(v);
    const boundary = workloadBoundaryStatements(v.env);
    const { resolve, unresolved } = resolver(json, v.env);
    const granted = [
      ...resourcesOf(json, 'aws_iam_role_policy').flatMap(([, p]) => policyOf(resolve(p.policy)).Statement as PolicyStatement[]),
      ...resourcesOf(json, 'aws_iam_role_policy_attachment').flatMap(([, a]) => MANAGED_POLICY_DOCUMENTS[(a.policy_arn as string).split(':policy/')[1]].Statement),
    ].filter((s) => s.Effect === 'Allow');
    expect(granted.length).toBeGreaterThan(20);
    expect(unresolved()).toBe(0);
    const missingActions = granted.flatMap((s) => list(s.Action).filter((a) => !grants(boundary, a)));
    expect(missingActions).toEqual([]);
    // Concrete resources (the managed policy's account-wide patterns aside): the boundary allows the action there too.
    // A wildcard of a role policy stands for an instance of this environment's (`<p>/x`).
    const missingResources = granted.flatMap((s) =>
      list(s.Resource)
        .filter((r) => !r.includes(':*:*:'))
        .map((r) => r.replace(/\*/g, `${resourceName(v.env)}/x`))
        .flatMap((r) => list(s.Action).filter((a) => !boundary.some((b) => b.Effect === 'Allow' && list(b.Action).some((x) => actionMatches(x, a)) && list(b.Resource).some((pattern) => glob(pattern, r)))).map((a) => `${a} on ${r}`)),
    );
    expect(missingResources).toEqual([]);
  });

  test.each(variants.map((v) => [v.label, v] as const))('%s: no IAM write, no role assumption, no wildcard action; PassRole only of the task roles to ECS', (_label, { env }) => {
    const boundary = workloadBoundaryStatements(env);
    for (const s of boundary.filter((x) => x.Effect === 'Allow')) {
      for (const action of list(s.Action)) {
        expect(action).not.toMatch(/\*/);
        expect(['sts', 'organizations', 'account']).not.toContain(action.split(':')[0]);
        if (action.startsWith('iam:')) expect(action).toBe('iam:PassRole');
      }
      if (list(s.Action).includes('iam:PassRole')) {
        expect(s.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
        for (const r of list(s.Resource)) expect(r).toMatch(new RegExp(`:role/${resourceName(env)}-\\*-(execution|task)$`));
      }
    }
    const deny = (action: string) => !allows([...boundary, { Effect: 'Allow', Action: action, Resource: '*' }], env, { action, resources: [{ arn: '*' }] });
    for (const action of ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:CreateAccessKey', 'iam:UpdateAssumeRolePolicy', 'sts:AssumeRole', 'organizations:LeaveOrganization', 'account:CloseAccount']) {
      // Even combined with a role policy that allows everything, the boundary's explicit Deny wins.
      expect({ action, denied: deny(action) }).toEqual({ action, denied: true });
    }
  });

  test('the boundary is the environment\'s: another environment\'s resources stay out of reach', () => {
    const boundary = workloadBoundaryStatements(staging);
    const at = (service: string, resource: string) => ({ arn: arn(staging.region, service, staging.region, staging.accountId, resource) });
    expect(allows(boundary, staging, { action: 'secretsmanager:GetSecretValue', resources: [at('secretsmanager', 'secret:webapp-staging/app/SENTRY_DSN-AbCdEf')] })).toBe(true);
    expect(allows(boundary, staging, { action: 'secretsmanager:GetSecretValue', resources: [at('secretsmanager', 'secret:webapp-prod/app/SENTRY_DSN-AbCdEf')] })).toBe(false);
    expect(allows(boundary, staging, { action: 's3:GetObject', resources: [{ arn: arn(staging.region, 's3', '', '', `webapp-prod-media-${staging.accountId}-${staging.region}/a`) }] })).toBe(false);
    expect(allows(boundary, staging, { action: 'sqs:ReceiveMessage', resources: [at('sqs', 'webapp-prod-emails')] })).toBe(false);
    expect(allows(boundary, staging, { action: 'rds:StopDBInstance', resources: [at('rds', 'db:webapp-prod-postgres')] })).toBe(false);
    expect(allows(boundary, staging, { action: 'ecs:RunTask', resources: [at('ecs', 'task-definition/webapp-staging-task:3')], context: { 'ecs:cluster': arn(staging.region, 'ecs', staging.region, staging.accountId, 'cluster/webapp-prod') } })).toBe(false);
    expect(allows(boundary, staging, { action: 'iam:PassRole', resources: [{ arn: arn(staging.region, 'iam', '', staging.accountId, 'role/webapp-prod-web-task') }], context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } })).toBe(false);
    // ECS Exec channels only where the environment enables exec.
    expect(grants(workloadBoundaryStatements(staging), 'ssmmessages:OpenDataChannel')).toBe(staging.compute.enableExec);
    expect(grants(workloadBoundaryStatements(prod), 'ssmmessages:OpenDataChannel')).toBe(prod.compute.enableExec);
  });

  test('secrets the config names (externalSecrets) are readable through the boundary, by their ARN', () => {
    const ref = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shared/stripe-AbCdEf';
    const env = withConfig(staging, (c) => (c.compute.externalSecrets = { STRIPE_API_KEY: `${ref}:api_key::` }));
    expect(allows(workloadBoundaryStatements(env), env, { action: 'secretsmanager:GetSecretValue', resources: [{ arn: ref }] })).toBe(true);
    expect(allows(workloadBoundaryStatements(staging), staging, { action: 'secretsmanager:GetSecretValue', resources: [{ arn: ref }] })).toBe(false);
  });
});

test('docs/delivery.md lists exactly the unscoped actions, with their reasons (npm run docs)', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'docs', 'delivery.md'), 'utf8');
  const section = /<!-- unscoped:start -->\n([\s\S]*?)\n<!-- unscoped:end -->/.exec(readme);
  expect(section).not.toBeNull();
  expect(section![1]).toBe(unscopedActionsMarkdown());
});
