import { App } from 'cdktf';
import { buildApp } from '../src/app';
import { defineEnvironment } from '../src/config/defaults';
import { environments, prod, staging } from '../src/config/environments';
import { NAME_RULES, plannedNames } from '../src/config/names';
import { REGIONS } from '../src/config/regions';
import { EnvironmentConfig } from '../src/config/types';
import { ConfigError, environmentProblems, validateEnvironments } from '../src/config/validate';
import { resourcesOf, shipped, withConfig, withoutEmail } from './helpers/synth';
import { expectRejected } from './helpers/config';

type Change = (c: EnvironmentConfig) => void;
const any = (c: object) => c as any;

test('the shipped environments are valid', () => {
  expect(environments.map((e) => e.name)).toEqual(['staging', 'prod']);
  for (const env of environments) expect(environmentProblems(env)).toEqual([]);
  expect(() => validateEnvironments(environments)).not.toThrow();
});

describe('unknown keys at any depth are rejected with the closest valid name', () => {
  test.each<[string, Change, string, RegExp]>([
    ['top level', (c) => (any(c).acountId = '1'), 'acountId', /unknown field: did you mean "accountId"\?/],
    ['nested', (c) => (any(c.network).natMod = 'single'), 'network.natMod', /did you mean "natMode"\?/],
    ['case typo', (c) => (any(c.compute.web).healthcheckPath = '/x'), 'compute.web.healthcheckPath', /did you mean "healthCheckPath"\?/],
    ['three levels deep', (c) => (any(c.domain.dns).zonename = 'example.com'), 'domain.dns.zonename', /did you mean "zoneName"\?/],
    ['inside a list element', (c) => (any(c.compute.workers[0]).comand = ['x']), 'compute.workers[0].comand', /did you mean "command"\?/],
    ['inside the state union', (c) => (any(c.state).bukcet = 'x'), 'state.bukcet', /did you mean "bucket"\?/],
    ['nothing close', (c) => (any(c.database).zzzzzz = 1), 'database.zzzzzz', /unknown field: remove it \(valid fields here: engineVersion, /],
  ])('%s', (_label, change, field, fix) => {
    expectRejected(withConfig(staging, change), field, fix);
  });

  test('through defineEnvironment: a typo in what an environment states is caught at synth, not ignored', () => {
    const env = defineEnvironment({
      project: 'webapp', region: 'eu-west-1', accountId: '123456789012', name: 'dev', production: false,
      domain: { name: 'dev.example.com' },
      network: { cidr: '10.30.0.0/16', natMod: 'none' } as any,
    });
    expect(() => buildApp(new App(), [env])).toThrow(/environment "dev": network\.natMod is an unknown field: did you mean "natMode"\?/);
  });
});

describe('rejections name the environment, the field and the fix', () => {
  test.each<[string, Change, string, RegExp]>([
    // Types and enums (schema)
    ['a number given as text', (c) => (any(c.network).azCount = '2'), 'network.azCount', /is "2": expected a number/],
    ['unknown NAT mode', (c) => (any(c.network).natMode = 'multi'), 'network.natMode', /is "multi": use one of "none", "single", "perAz"/],
    ['unknown state backend', (c) => (any(c).state = { backend: 'gcs', bucket: 'x' }), 'state.backend', /is "gcs": use "s3" \(with bucket and region\) or "cloud"/],
    ['missing domain name', (c) => delete any(c.domain).name, 'domain.name', /is missing: set it/],
    // Network
    ['malformed CIDR', (c) => (c.network.cidr = '10.0.0/16'), 'network.cidr', /not an IPv4 CIDR.*10\.0\.0\.0\/16/],
    ['CIDR with host bits', (c) => (c.network.cidr = '10.0.5.0/16'), 'network.cidr', /network address is 10\.0\.0\.0\/16/],
    ['CIDR octet out of range', (c) => (c.network.cidr = '10.300.0.0/16'), 'network.cidr', /octet above 255/],
    ['too-small CIDR', (c) => (c.network.cidr = '10.0.0.0/26'), 'network.cidr', /\/16 to \/24/],
    ['too-large CIDR', (c) => (c.network.cidr = '10.0.0.0/8'), 'network.cidr', /\/16 to \/24/],
    ['public CIDR', (c) => (c.network.cidr = '8.8.0.0/16'), 'network.cidr', /not a private range: use part of 10\.0\.0\.0\/8, 172\.16\.0\.0\/12, 192\.168\.0\.0\/16 \(RFC 1918\) or 100\.64\.0\.0\/10/],
    ['CIDR straddling a private range', (c) => (c.network.cidr = '172.31.0.0/16') && (c.network.cidr = '172.32.0.0/16'), 'network.cidr', /not a private range/],
    ['AZ count 1', (c) => (c.network.azCount = 1), 'network.azCount', /use 2 or 3/],
    ['AZ count 4', (c) => (c.network.azCount = 4), 'network.azCount', /use 2 or 3/],
    ['fractional AZ count', (c) => (c.network.azCount = 2.5), 'network.azCount', /use 2 or 3/],
    ['zones not matching the count', (c) => (c.network.availabilityZones = ['euw1-az1']), 'network.availabilityZones', /has 1 zones but azCount is 2: list exactly 2/],
    ['a zone of another region', (c) => (c.network.availabilityZones = ['euw1-az1', 'use1-az2']), 'network.availabilityZones', /"use1-az2": use zone IDs of eu-west-1 \("euw1-az1"\) or names \("eu-west-1a"\)/],
    ['zone IDs and names mixed', (c) => (c.network.availabilityZones = ['euw1-az1', 'eu-west-1b']), 'network.availabilityZones', /mixes zone IDs and names/],
    ['a zone twice', (c) => (c.network.availabilityZones = ['euw1-az1', 'euw1-az1']), 'network.availabilityZones', /lists a zone twice/],
    // Region and account
    ['not a region', (c) => (c.region = 'europe'), 'region', /not an AWS region this project knows: use one of us-east-1, .*src\/config\/regions\.ts/],
    ['GovCloud', (c) => (c.region = 'us-gov-west-1'), 'region', /not supported, because GovCloud regions have no CloudFront\/ACM in us-east-1/],
    ['China', (c) => (c.region = 'cn-north-1'), 'region', /China regions have no CloudFront/],
    ['bad account id', (c) => (c.accountId = '12345'), 'accountId', /12-digit id of the AWS account/],
    // State
    ['bad state bucket', (c) => c.state.backend === 's3' && (c.state.bucket = 'Bad_Bucket'), 'state.bucket', /the state bucket the name "Bad_Bucket", which AWS refuses: it is not lowercase letters, digits, dots and hyphens/],
    ['lock table AWS refuses', (c) => c.state.backend === 's3' && (c.state.dynamodbTable = 'locks table!'), 'state.dynamodbTable', /lock table the name "locks table!", which AWS refuses: it is not letters, digits, "_", "\." and "-"/],
    ['lock table too short', (c) => c.state.backend === 's3' && (c.state.dynamodbTable = 'tf'), 'state.dynamodbTable', /shorter than 3 characters/],
    ['absolute state key', (c) => c.state.backend === 's3' && (c.state.key = '/x.tfstate'), 'state.key', /relative key ending in \.tfstate/],
    ['cloud backend without organization', (c) => (c.state = { backend: 'cloud', organization: '' }), 'state.organization', /organization/],
    // Domain
    ['malformed domain', (c) => (c.domain.name = 'https://Example.com/'), 'domain.name', /lowercase DNS name/],
    ['zone not containing the domain', (c) => (c.domain.dns.zoneName = 'other.org'), 'domain.dns.zoneName', /does not contain/],
    ['external DNS without the outputs', (c) => (c.domain.dns = { zoneMode: 'external', exportRecords: false }), 'domain.dns.exportRecords', /set it to true/],
    // Secrets in plain environment, by name or by value
    ['secret-looking variable name', (c) => (c.compute.environment = { STRIPE_API_KEY: 'x' }), 'compute.environment.STRIPE_API_KEY', /looks like a secret: .*declare it as a secret/],
    ['a URL with a password', (c) => (c.compute.environment = { UPSTREAM: 'https://bob:hunter2@api.example.com/v1' }), 'compute.environment.UPSTREAM', /holds a URL with a user:password@ part: .*declare it as a secret/],
    ['a database URL with a password', (c) => (c.compute.environment = { LEGACY_DB: 'postgres://app:pw@db:5432/app' }), 'compute.environment.LEGACY_DB', /user:password@/],
    ['an AWS access key', (c) => (c.compute.environment = { FOO: 'AKIAIOSFODNN7EXAMPLE' }), 'compute.environment.FOO', /holds an AWS access key id/],
    ['a private key', (c) => (c.compute.environment = { CERT: '-----BEGIN RSA PRIVATE KEY-----\nMII...' }), 'compute.environment.CERT', /holds a private key/],
    ['contract variable override', (c) => (c.compute.environment = { DATABASE_HOST: 'x' }), 'compute.environment.DATABASE_HOST', /set by the stack itself/],
    // Sizes
    ['invalid Fargate memory', (c) => (c.compute.web.memory = 3000), 'compute.web.memory', /Fargate/],
    ['min above max', (c) => (c.compute.web.minCount = 5), 'compute.web.minCount/maxCount', /minCount <= maxCount/],
    ['log retention CloudWatch does not accept', (c) => (c.compute.logRetentionDays = 10), 'compute.logRetentionDays', /CloudWatch accepts/],
    ['duplicate worker names', (c) => c.compute.workers.push({ ...c.compute.workers[0] }), `compute.workers[${staging.compute.workers.length}].name`, /is "celery", already the name of compute\.workers\[0\]\.name: services, workers and jobs need distinct names/],
    ['reserved tag', (c) => (c.tags = { environment: 'x' }), 'tags', /sets itself/],
    // Database versions and users
    ['a pinned Postgres minor', (c) => (c.database.engineVersion = '17.6'), 'database.engineVersion', /pin the major version only \("17"\): RDS upgrades minor versions itself/],
    ['a Postgres word version', (c) => (c.database.engineVersion = 'latest'), 'database.engineVersion', /major version such as "17"/],
    ['an unsupported Postgres major', (c) => (c.database.engineVersion = '11'), 'database.engineVersion', /out of RDS standard support/],
    ['a pinned cache patch', (c) => (c.cache.engineVersion = '7.1.0'), 'cache.engineVersion', /MAJOR\.MINOR such as "7\.1": ElastiCache applies patch versions itself/],
    ['the app using the master user', (c) => (c.database.appUsername = c.database.masterUsername), 'database.appUsername', /must not use the master user/],
    ['a reserved master user', (c) => (c.database.masterUsername = 'postgres'), 'database.masterUsername', /reserved names/],
  ])('%s', (_label, change, field, fix) => {
    expectRejected(withConfig(staging, change), field, fix);
  });

  test.each<[string, Change, string, RegExp]>([
    ['a single NAT gateway', (c) => (c.network.natMode = 'single'), 'network.natMode', /production.*"perAz"/],
    ['a single AZ', (c) => (c.network.azCount = 1), 'network.azCount', /at least two AZs/],
    ['no Multi-AZ database', (c) => (c.database.multiAz = false), 'database.multiAz', /set it to true/],
    ['no database deletion protection', (c) => (c.database.deletionProtection = false), 'database.deletionProtection', /set it to true/],
    ['3 days of backups', (c) => (c.database.backupRetentionDays = 3), 'database.backupRetentionDays', /7 to 35/],
    ['a single cache node', (c) => (c.cache.nodeCount = 1), 'cache.nodeCount', /at least 2/],
    ['one web task', (c) => (c.compute.web.minCount = 1), 'compute.web.minCount', /at least 2/],
    ['Fargate Spot', (c) => (c.compute.fargateSpot = true), 'compute.fargateSpot', /non-prod/],
    ['no load balancer logs', (c) => (c.loadBalancer.accessLogs = false), 'loadBalancer.accessLogs', /production environment: set it to true/],
  ])('prod with %s', (_label, change, field, fix) => {
    expectRejected(withConfig(prod, change), field, fix);
  });

  test('natMode "none" is a valid isolated mode (interface endpoints), also in production', () => {
    // Without e-mail: the SES API has no interface endpoint (email.test.ts).
    expect(environmentProblems(withConfig(staging, (c) => ((c.network.natMode = 'none'), withoutEmail(c))))).toEqual([]);
    expect(environmentProblems(withConfig(prod, (c) => ((c.network.natMode = 'none'), withoutEmail(c))))).toEqual([]);
  });

  test('validation collects every problem and throws one ConfigError at synth', () => {
    const broken = withConfig(staging, (c) => {
      c.network.cidr = 'nope';
      c.domain.name = 'Not A Domain';
      withoutEmail(c);
    });
    expect(() => buildApp(new App(), [broken])).toThrow(ConfigError);
    try {
      validateEnvironments([broken]);
      throw new Error('not rejected');
    } catch (e) {
      // The zone check also fires on the broken domain: every problem at once, none hidden.
      expect((e as ConfigError).problems).toHaveLength(3);
      expect((e as Error).message).toMatch(/environment "staging": network\.cidr/);
      expect((e as Error).message).toMatch(/environment "staging": domain\.name is "Not A Domain"/);
    }
  });

  test('duplicate environment names', () => {
    expect(() => validateEnvironments([staging, withConfig(prod, (c) => (c.name = 'staging'))])).toThrow(/environment "staging" is defined twice/);
  });

  test('two environments claiming the same host name', () => {
    const dev = withConfig(staging, (c) => {
      c.name = 'dev';
      c.state.backend === 's3' && (c.state.key = 'webapp/dev/terraform.tfstate');
    });
    expect(() => validateEnvironments([staging, dev])).toThrow(/environment "dev": domain\.name claims the host name "staging\.example\.com" for the web service, which environment "staging" serves too \(domain\.name, the web service\)/);
  });

  describe('one owner per host name (DNS and the load balancer\'s routing)', () => {
    // prod is example.com, staging is staging.example.com in the same zone.
    test.each<[string, (c: EnvironmentConfig) => void, string, RegExp]>([
      ['an HTTP service on the CDN\'s name: two A records for one name, one to the ALB, one to CloudFront', (c) => (c.compute.services[0].hosts = ['static']), 'compute.services[0].hosts[0]', /claims "static\.staging\.example\.com" for HTTP service "api", which domain\.staticLabel already claims for the static files CDN: its DNS record can point at CloudFront or at the load balancer, not both/],
      ['an app alias on the CDN\'s name', (c) => (c.domain.appAliases = ['static']), 'domain.staticLabel', /claims "static\.staging\.example\.com" for the static files CDN, which domain\.appAliases\[0\] already claims for the web service/],
      ['an HTTP service taking a whole app host: its rule would silently take web\'s traffic there', (c) => ((c.domain.appAliases = ['www']), (c.compute.services[0].hosts = ['www'])), 'compute.services[0].hosts[0]', /claims "www\.staging\.example\.com" for HTTP service "api", which domain\.appAliases\[0\] already claims for the web service: both would take every request of it .*give one of them paths/],
      ['an HTTP service on the apex, by full name', (c) => (c.compute.services[0].hosts = ['staging.example.com']), 'compute.services[0].hosts[0]', /claims "staging\.example\.com" for HTTP service "api", which domain\.name already claims for the web service/],
    ])('%s is rejected with both claimants', (_label, change, field, message) => {
      expectRejected(withConfig(staging, change), field, message);
    });

    test('sharing a host by path is routing, not a conflict', () => {
      expect(environmentProblems(withConfig(staging, (c) => Object.assign(c.compute.services[0], { hosts: ['staging.example.com'], paths: ['/api/*'] })))).toEqual([]);
      expect(environmentProblems(withConfig(staging, (c) => Object.assign(c.compute.services[0], { hosts: [], paths: ['/api/*'] })))).toEqual([]);
    });

    test('across environments: a service host of one environment that is another environment\'s name', () => {
      // prod's service "api" on staging.example.com (staging's apex) and on staging's CDN name.
      for (const [host, owner] of [['staging', 'domain.name, the web service'], ['static.staging.example.com', 'domain.staticLabel, the static files CDN']]) {
        const taker = withConfig(prod, (c) => (c.compute.services[0].hosts = [host]));
        const fqdn = host.includes('.') ? host : `${host}.example.com`;
        const message = `environment "prod": compute.services[0].hosts[0] claims the host name "${fqdn}" for HTTP service "api", which environment "staging" serves too (${owner})`;
        expect(() => validateEnvironments([staging, taker])).toThrow(message);
      }
    });
  });

  test('two environments sharing one state', () => {
    const dev = withConfig(staging, (c) => {
      c.name = 'dev';
      c.domain.name = 'dev.example.com';
      c.state.backend === 's3' && (c.state.key = 'webapp/staging/terraform.tfstate');
    });
    expect(() => validateEnvironments([staging, dev])).toThrow(/environment "dev": state uses s3:\/\/webapp-tfstate-123456789012-eu-west-1\/webapp\/staging\/terraform\.tfstate, the same state as environment "staging"/);
  });

  test('no environments at all', () => {
    expect(() => validateEnvironments([])).toThrow(/no environments are defined/);
  });
});

describe('names AWS would refuse or that collide fail at synth, derived from the resources they reach', () => {
  test.each<[string, Change, string, RegExp]>([
    ['a worker named like the database tier', (c) => (c.compute.workers[0].name = 'db'), 'project/name/compute.workers[0].name', /gives the security group of worker "db" the name "webapp-staging-db-", which the database security group already uses/],
    ['a worker named like the cache', (c) => (c.compute.workers[0].name = 'cache'), 'project/name/compute.workers[0].name', /cache security group already uses/],
    ['a worker named like the load balancer', (c) => (c.compute.workers[0].name = 'alb'), 'project/name/compute.workers[0].name', /load balancer security group already uses/],
    ['a worker named web', (c) => (c.compute.workers[0].name = 'web'), 'project/name/compute.workers[0].name', /gives the service\/task family of worker "web" the name "webapp-staging-web", which the service\/task family of the web service already uses \(7 more of its names clash the same way\): rename it/],
    ['a project that makes an internal- load balancer name', (c) => (c.project = 'internal'), 'project/name', /load balancer the name "internal-staging-alb", which AWS refuses: it starts with "internal-"/],
    ['a project S3 reserves', (c) => (c.project = 'sthree'), 'project/name/accountId/region', /static bucket the name "sthree-staging-static-123456789012-eu-west-1", which AWS refuses: it starts with the reserved prefix "sthree-" \(and the media bucket, the cdn-logs bucket, the alb-logs bucket likewise\)/],
  ])('%s', (_label, change, field, fix) => {
    expectRejected(withConfig(staging, change), field, fix);
  });

  test('"--" in a slug is rejected where it is typed (RDS and ElastiCache identifiers forbid it)', () => {
    expectRejected(withConfig(staging, (c) => (c.project = 'web--app')), 'project', /single dashes/);
    expectRejected(withConfig(staging, (c) => (c.compute.workers[0].name = 'q--1')), 'compute.workers[0].name', /single dashes/);
  });

  test('every rule rejects what AWS documents it rejects', () => {
    const refuses = (kind: keyof typeof NAME_RULES, name: string) => {
      const rule = NAME_RULES[kind] as { maxLength: number; minLength?: number; pattern: RegExp; extra?: (n: string) => string | undefined };
      return name.length > rule.maxLength || name.length < (rule.minLength ?? 1) || !rule.pattern.test(name) || Boolean(rule.extra?.(name));
    };
    expect(refuses('rdsIdentifier', 'webapp--prod-postgres')).toBe(true);
    expect(refuses('rdsIdentifier', 'webapp-prod-postgres-')).toBe(true);
    expect(refuses('rdsIdentifier', 'webapp-prod-postgres')).toBe(false);
    expect(refuses('elasticacheId', 'a'.repeat(41))).toBe(true);
    expect(refuses('loadBalancer', 'a'.repeat(33))).toBe(true);
    expect(refuses('loadBalancer', 'internal-x')).toBe(true);
    expect(refuses('s3Bucket', 'my..bucket')).toBe(true);
    expect(refuses('s3Bucket', 'bucket-s3alias')).toBe(true);
    expect(refuses('s3Bucket', '192.168.1.1')).toBe(true);
    expect(refuses('ecrRepository', 'web--app')).toBe(true);
    expect(refuses('iamRole', 'r'.repeat(65))).toBe(true);
    expect(refuses('securityGroupPrefix', 'sg-web-')).toBe(true);
  });

  test.each(['staging', 'prod'] as const)('%s: the synthesized names are exactly the planned ones', (name) => {
    const env = name === 'prod' ? prod : staging;
    const json = shipped(name);
    const planned = new Set(plannedNames(env).map((n) => n.name));
    const synthesized = [
      ...resourcesOf(json, 'aws_s3_bucket').map(([, r]) => r.bucket),
      ...resourcesOf(json, 'aws_db_instance').map(([, r]) => r.identifier),
      ...resourcesOf(json, 'aws_db_parameter_group').map(([, r]) => r.name_prefix),
      ...resourcesOf(json, 'aws_db_subnet_group').map(([, r]) => r.name),
      ...resourcesOf(json, 'aws_elasticache_replication_group').map(([, r]) => r.replication_group_id),
      ...resourcesOf(json, 'aws_lb').map(([, r]) => r.name),
      ...resourcesOf(json, 'aws_ecr_repository').map(([, r]) => r.name),
      ...resourcesOf(json, 'aws_ecr_pull_through_cache_rule').map(([, r]) => r.ecr_repository_prefix),
      ...resourcesOf(json, 'aws_ecs_cluster').map(([, r]) => r.name),
      ...resourcesOf(json, 'aws_ecs_service').map(([, r]) => r.name),
      ...resourcesOf(json, 'aws_ecs_task_definition').map(([, r]) => r.family),
      ...resourcesOf(json, 'aws_iam_role').map(([, r]) => r.name),
      ...resourcesOf(json, 'aws_security_group').map(([, r]) => r.name_prefix),
      ...resourcesOf(json, 'aws_cloudwatch_log_group').map(([, r]) => r.name),
      ...resourcesOf(json, 'aws_secretsmanager_secret').map(([, r]) => r.name),
      ...resourcesOf(json, 'aws_ssm_parameter').map(([, r]) => r.name),
      ...resourcesOf(json, 'aws_cloudfront_origin_access_control').map(([, r]) => r.name),
      ...resourcesOf(json, 'aws_cloudfront_response_headers_policy').map(([, r]) => r.name),
      ...resourcesOf(json, 'aws_cloudfront_cache_policy').map(([, r]) => r.name),
      ...resourcesOf(json, 'aws_appautoscaling_policy').map(([, r]) => r.name),
      ...resourcesOf(json, 'aws_sqs_queue').map(([, r]) => r.name),
      ...resourcesOf(json, 'aws_scheduler_schedule').map(([, r]) => r.name),
      ...resourcesOf(json, 'aws_scheduler_schedule_group').map(([, r]) => r.name),
      ...resourcesOf(json, 'aws_appautoscaling_scheduled_action').map(([, r]) => r.name),
      ...resourcesOf(json, 'aws_wafv2_web_acl').map(([, r]) => r.name),
    ];
    expect(synthesized.length).toBeGreaterThan(30);
    expect(synthesized.filter((n) => !planned.has(n))).toEqual([]);
  });
});

describe('environments in ten lines: defaults per kind', () => {
  const minimal = (production: boolean) =>
    defineEnvironment({
      project: 'webapp', region: 'eu-west-1', accountId: '123456789012', name: 'dev', production,
      domain: { name: 'dev.example.com' },
      network: { cidr: '10.30.0.0/16' },
      // Production must say who is paged; nothing else.
      ...(production ? { monitoring: { critical: { emails: ['oncall@example.com'] } } } : {}),
    });

  test('a minimal environment is complete and valid in both kinds', () => {
    for (const production of [false, true]) expect(environmentProblems(minimal(production))).toEqual([]);
  });

  test('a production environment without anyone to page is refused', () => {
    const unpaged = withConfig(minimal(true), (c) => (c.monitoring.critical.emails = []));
    expectRejected(unpaged, 'monitoring.critical', /no subscriber in a production environment: add the on-call e-mail/);
  });

  test('non-production defaults are small and disposable; production defaults satisfy every guard rail', () => {
    const dev = minimal(false);
    const live = minimal(true);
    expect(dev).toMatchObject({ network: { azCount: 2, natMode: 'single' }, database: { multiAz: false, instanceClass: 'db.t4g.micro' }, compute: { fargateSpot: true } });
    expect(live).toMatchObject({ network: { azCount: 3, natMode: 'perAz', flowLogs: true }, database: { multiAz: true, deletionProtection: true }, cache: { nodeCount: 2 }, compute: { fargateSpot: false } });
    expect(dev.network.availabilityZones).toEqual(REGIONS['eu-west-1'].azIds.slice(0, 2));
    expect(live.network.availabilityZones).toEqual(['euw1-az1', 'euw1-az2', 'euw1-az3']);
    expect(dev.state).toEqual({ backend: 's3', bucket: 'webapp-tfstate-123456789012-eu-west-1', region: 'eu-west-1' });
  });

  test('an override changes only what it names; defaults are never shared between environments', () => {
    const a = defineEnvironment({ project: 'webapp', region: 'eu-west-1', accountId: '123456789012', name: 'a', production: false, domain: { name: 'a.example.com' }, network: { cidr: '10.31.0.0/16' }, database: { instanceClass: 'db.t4g.small' } });
    const b = minimal(false);
    expect(a.database).toMatchObject({ instanceClass: 'db.t4g.small', allocatedStorage: 20, engineVersion: '17' });
    a.compute.environment.X = '1';
    expect(b.compute.environment).toEqual({});
  });

  test('production guard rails hold whatever the overrides say', () => {
    const weak = defineEnvironment({
      project: 'webapp', region: 'eu-west-1', accountId: '123456789012', name: 'live', production: true,
      domain: { name: 'live.example.com' }, network: { cidr: '10.40.0.0/16', natMode: 'single' },
      database: { multiAz: false, deletionProtection: false }, compute: { fargateSpot: true },
    });
    const problems = environmentProblems(weak).join('\n');
    expect(problems).toMatch(/network\.natMode is "single" in a production environment/);
    expect(problems).toMatch(/database\.multiAz is false in a production environment/);
    expect(problems).toMatch(/database\.deletionProtection is false/);
    expect(problems).toMatch(/compute\.fargateSpot is true in a production environment/);
  });

  test('workers get the sizes of their kind unless they state their own', () => {
    const env = defineEnvironment({
      project: 'webapp', region: 'eu-west-1', accountId: '123456789012', name: 'dev', production: false,
      domain: { name: 'dev.example.com' }, network: { cidr: '10.30.0.0/16' },
      compute: { workers: [{ name: 'q', command: ['run'] }, { name: 'big', command: ['run'], cpu: 1024, memory: 2048 }] },
    });
    expect(env.compute.workers[0]).toMatchObject({ name: 'q', cpu: 256, memory: 512, minCount: 1, maxCount: 2 });
    expect(env.compute.workers[1]).toMatchObject({ cpu: 1024, memory: 2048, minCount: 1 });
  });
});
