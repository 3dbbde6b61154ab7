import { Testing } from 'cdktf';
import { prod, staging } from '../src/config/environments';
import { bootstrapStacks } from '../src/stacks/bootstrap-stack';
import { resourcesOf, shipped, synthEnv, withConfig } from './helpers/synth';
import { TfJson } from './helpers/synth';

describe('remote state', () => {
  test.each([staging, prod])('$name: S3 backend, encrypted, S3-native lock, one key per environment', (env) => {
    const json = shipped(env.name as 'staging' | 'prod');
    const s3 = json.terraform.backend.s3;
    expect(env.state.backend).toBe('s3');
    expect(s3).toMatchObject({ encrypt: true, use_lockfile: true, key: `${env.project}/${env.name}/terraform.tfstate` });
    if (env.state.backend === 's3') expect(s3).toMatchObject({ bucket: env.state.bucket, region: env.state.region });
    expect(s3.endpoints).toBeUndefined();
    expect(s3.use_path_style).toBeUndefined();
  });

  test('environments never share a state key', () => {
    expect(shipped('staging').terraform.backend.s3.key).not.toEqual(shipped('prod').terraform.backend.s3.key);
  });

  test('optional DynamoDB lock table', () => {
    const json = synthEnv(withConfig(prod, (c) => c.state.backend === 's3' && (c.state.dynamodbTable = 'tf-locks')));
    expect(json.terraform.backend.s3).toMatchObject({ dynamodb_table: 'tf-locks', use_lockfile: true });
  });

  test('local backend switch for experiments', () => {
    const json = synthEnv(staging, { localBackend: true });
    expect(json.terraform.backend).toEqual({ local: { path: 'terraform.staging.tfstate' } });
  });

  test('emulator settings only appear when asked for', () => {
    const json = synthEnv(staging, { emulator: { endpoint: 'http://127.0.0.1:5000' } });
    expect(json.terraform.backend.s3).toMatchObject({ use_path_style: true, endpoints: { s3: 'http://127.0.0.1:5000' } });
    expect(json.provider.aws[0]).toMatchObject({ s3_use_path_style: true, endpoints: [expect.objectContaining({ ec2: 'http://127.0.0.1:5000' })] });
    expect(shipped('staging').provider.aws[0].endpoints).toBeUndefined();
  });
});

describe('providers', () => {
  test.each(['staging', 'prod'] as const)('%s: default tags on the regional and the us-east-1 provider', (name) => {
    const providers = shipped(name).provider.aws;
    expect(providers).toHaveLength(2);
    const [regional, usEast1] = providers;
    expect(regional.alias).toBeUndefined();
    expect(usEast1).toMatchObject({ alias: 'us_east_1', region: 'us-east-1' });
    for (const p of providers) {
      expect(p.default_tags[0].tags).toMatchObject({ project: 'webapp', environment: name, 'managed-by': 'cdktf' });
    }
  });

  test('account guard: both providers refuse any account but the environment\'s own', () => {
    const json = synthEnv(withConfig(prod, (c) => (c.accountId = '210987654321')));
    expect(json.provider.aws.map((p: any) => p.allowed_account_ids)).toEqual([['210987654321'], ['210987654321']]);
  });
});

describe('state bootstrap stack', () => {
  const bootstrap = (): TfJson => JSON.parse(Testing.synth(bootstrapStacks(Testing.app(), [staging, prod])[0]));

  test('creates the shared state bucket once, locked down and never destroyed', () => {
    const json = bootstrap();
    expect(json.terraform.backend).toEqual({ local: { path: 'terraform.bootstrap.tfstate' } });
    const buckets = resourcesOf(json, 'aws_s3_bucket');
    expect(buckets).toHaveLength(1);
    // Unique per account and region without anyone inventing a name (S3 names are global).
    expect(buckets[0][1]).toMatchObject({ bucket: 'webapp-tfstate-123456789012-eu-west-1', lifecycle: { prevent_destroy: true } });
    expect(staging.state.backend === 's3' && staging.state.bucket).toBe('webapp-tfstate-123456789012-eu-west-1');
    expect(json.provider.aws[0].allowed_account_ids).toEqual(['123456789012']);
    expect(resourcesOf(json, 'aws_s3_bucket_versioning')[0][1].versioning_configuration.status).toBe('Enabled');
    expect(resourcesOf(json, 'aws_s3_bucket_public_access_block')[0][1]).toMatchObject({
      block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true,
    });
    const sse = resourcesOf(json, 'aws_s3_bucket_server_side_encryption_configuration')[0][1];
    expect(sse.rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe('AES256');
    const policy = JSON.parse(resourcesOf(json, 'aws_s3_bucket_policy')[0][1].policy);
    expect(policy.Statement).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });

  test('creates a DynamoDB lock table when one is configured', () => {
    const withTable = withConfig(prod, (c) => c.state.backend === 's3' && (c.state.dynamodbTable = 'tf-locks'));
    const json: TfJson = JSON.parse(Testing.synth(bootstrapStacks(Testing.app(), [staging, withTable])[0]));
    const [[, table]] = resourcesOf(json, 'aws_dynamodb_table');
    expect(table).toMatchObject({ name: 'tf-locks', hash_key: 'LockID', lifecycle: { prevent_destroy: true } });
    expect(table.server_side_encryption.enabled).toBe(true);
  });
});

describe('emulator mode', () => {
  const { SERVICES, endpointOfType } = require('../src/lib/emulator') as typeof import('../src/lib/emulator');
  test.each(['staging', 'prod'] as const)('%s: every resource and data source type calls a service whose endpoint the emulator mode redirects', (name) => {
    const json = shipped(name);
    const types = [...Object.keys(json.resource), ...Object.keys(json.data ?? {}), ...Object.keys((json as any).ephemeral ?? {})];
    const unmapped = types.filter((t) => {
      const service = endpointOfType(t.replace(/^aws_elb_service_account$/, 'aws_elb_'));
      return !service || !(SERVICES as readonly string[]).includes(service);
    });
    // The ELB service account data source is a static table in the provider (no call); every other type is mapped.
    expect(unmapped).toEqual([]);
  });
});
