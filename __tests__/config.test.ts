import { App } from 'cdktf';
import { buildApp } from '../src/app';
import { environments, prod, staging } from '../src/config/environments';
import { EnvironmentConfig } from '../src/config/types';
import { ConfigError, validateEnvironment, validateEnvironments } from '../src/config/validate';
import { withConfig } from './helpers/synth';
import { expectRejected } from './helpers/config';

test('the shipped environments are valid', () => {
  expect(environments.map((e) => e.name)).toEqual(['staging', 'prod']);
  for (const env of environments) expect(validateEnvironment(env)).toEqual([]);
});

describe('rejections name the environment, the field and the fix', () => {
  test.each([
    ['malformed CIDR', (c: EnvironmentConfig) => (c.network.cidr = '10.0.0/16'), 'network.cidr', /not an IPv4 CIDR.*10\.0\.0\.0\/16/],
    ['CIDR with host bits', (c: EnvironmentConfig) => (c.network.cidr = '10.0.5.0/16'), 'network.cidr', /network address is 10\.0\.0\.0\/16/],
    ['CIDR octet out of range', (c: EnvironmentConfig) => (c.network.cidr = '10.300.0.0/16'), 'network.cidr', /octet above 255/],
    ['too-small CIDR', (c: EnvironmentConfig) => (c.network.cidr = '10.0.0.0/26'), 'network.cidr', /\/16 to \/24/],
    ['too-large CIDR', (c: EnvironmentConfig) => (c.network.cidr = '10.0.0.0/8'), 'network.cidr', /\/16 to \/24/],
    ['AZ count 1', (c: EnvironmentConfig) => (c.network.azCount = 1), 'network.azCount', /use 2 or 3/],
    ['AZ count 4', (c: EnvironmentConfig) => (c.network.azCount = 4), 'network.azCount', /use 2 or 3/],
    ['fractional AZ count', (c: EnvironmentConfig) => (c.network.azCount = 2.5), 'network.azCount', /use 2 or 3/],
    ['unknown NAT mode', (c: EnvironmentConfig) => ((c.network as any).natMode = 'multi'), 'network.natMode', /"none", "single", "perAz"/],
    ['missing domain', (c: EnvironmentConfig) => (c.domain.name = ''), 'domain.name', /is missing/],
    ['malformed domain', (c: EnvironmentConfig) => (c.domain.name = 'https://Example.com/'), 'domain.name', /lowercase DNS name/],
    ['bad region', (c: EnvironmentConfig) => (c.region = 'europe'), 'region', /eu-west-1/],
    ['bad account id', (c: EnvironmentConfig) => (c.allowedAccountIds = ['12345']), 'allowedAccountIds', /12 digits/],
    ['bad state bucket', (c: EnvironmentConfig) => c.state.backend === 's3' && (c.state.bucket = 'Bad_Bucket'), 'state.bucket', /3-63 lowercase/],
    ['cloud backend without organization', (c: EnvironmentConfig) => (c.state = { backend: 'cloud', organization: '' }), 'state.organization', /organization/],
    ['zone not containing the domain', (c: EnvironmentConfig) => (c.domain.dns.zoneName = 'other.org'), 'domain.dns.zoneName', /does not contain/],
    ['external DNS without the outputs', (c: EnvironmentConfig) => (c.domain.dns = { zoneMode: 'external', exportRecords: false }), 'domain.dns.exportRecords', /set it to true/],
    ['secret-looking plain env var', (c: EnvironmentConfig) => (c.compute.environment = { STRIPE_API_KEY: 'x' }), 'compute.environment', /Secrets Manager/],
    ['contract env var override', (c: EnvironmentConfig) => (c.compute.environment = { DATABASE_HOST: 'x' }), 'compute.environment', /provides itself/],
    ['invalid Fargate memory', (c: EnvironmentConfig) => (c.compute.web.memory = 3000), 'compute.web.memory', /Fargate/],
    ['min above max', (c: EnvironmentConfig) => (c.compute.web.minCount = 5), 'compute.web.minCount/maxCount', /minCount <= maxCount/],
    ['log retention CloudWatch does not accept', (c: EnvironmentConfig) => (c.compute.logRetentionDays = 10), 'compute.logRetentionDays', /CloudWatch accepts/],
    ['duplicate worker names', (c: EnvironmentConfig) => c.compute.workers.push({ ...c.compute.workers[0] }), 'compute.workers[1].name', /used twice/],
    ['reserved tag', (c: EnvironmentConfig) => (c.tags = { environment: 'x' }), 'tags', /sets itself/],
  ])('%s', (_label, change, field, fix) => {
    expectRejected(withConfig(staging, change), field, fix);
  });

  test.each([
    ['NAT none', (c: EnvironmentConfig) => (c.network.natMode = 'none'), 'network.natMode', /production.*"perAz"/],
    ['a single AZ', (c: EnvironmentConfig) => (c.network.azCount = 1), 'network.azCount', /at least two AZs/],
    ['no Multi-AZ database', (c: EnvironmentConfig) => (c.database.multiAz = false), 'database.multiAz', /set it to true/],
    ['no database deletion protection', (c: EnvironmentConfig) => (c.database.deletionProtection = false), 'database.deletionProtection', /set it to true/],
    ['3 days of backups', (c: EnvironmentConfig) => (c.database.backupRetentionDays = 3), 'database.backupRetentionDays', /7 to 35/],
    ['a single cache node', (c: EnvironmentConfig) => (c.cache.nodeCount = 1), 'cache.nodeCount', /at least 2/],
    ['one web task', (c: EnvironmentConfig) => (c.compute.web.minCount = 1), 'compute.web.minCount', /at least 2/],
    ['Fargate Spot', (c: EnvironmentConfig) => (c.compute.fargateSpot = true), 'compute.fargateSpot', /non-prod/],
  ])('prod with %s', (_label, change, field, fix) => {
    expectRejected(withConfig(prod, change), field, fix);
  });

  test('validation collects every problem and throws one ConfigError at synth', () => {
    const broken = withConfig(staging, (c) => {
      c.network.cidr = 'nope';
      c.domain.name = '';
    });
    expect(() => buildApp(new App(), [broken])).toThrow(ConfigError);
    try {
      validateEnvironments([broken]);
    } catch (e) {
      expect((e as ConfigError).problems).toHaveLength(2);
      expect((e as Error).message).toMatch(/environment "staging": network\.cidr/);
      expect((e as Error).message).toMatch(/environment "staging": domain\.name is missing/);
    }
  });

  test('duplicate environment names', () => {
    expect(() => validateEnvironments([staging, withConfig(prod, (c) => (c.name = 'staging'))])).toThrow(
      /environment "staging" is defined twice/,
    );
  });

  test('no environments at all', () => {
    expect(() => validateEnvironments([])).toThrow(/no environments are defined/);
  });
});
