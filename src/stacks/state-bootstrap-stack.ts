import { Construct } from 'constructs';
import { LocalBackend, TerraformOutput } from 'cdktf';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { EnvironmentConfig } from '../config/types';
import { EmulatorSettings } from '../lib/emulator';
import { PrivateBucket } from '../modules/private-bucket';
import { awsProvider } from './providers';
import { SelfContainedStack } from './self-contained-stack';

export const BOOTSTRAP_STACK = 'bootstrap';

/**
 * Creates what the environments' S3 backends need before their first deploy: each distinct state
 * bucket (versioned, encrypted, private, TLS-only, never destroyed) and any DynamoDB lock table.
 * Its own state is a local file (terraform.bootstrap.tfstate): the bucket cannot hold the state
 * of the stack that creates it.
 */
export class StateBootstrapStack extends SelfContainedStack {
  constructor(scope: Construct, environments: EnvironmentConfig[], emulator?: EmulatorSettings) {
    super(scope, BOOTSTRAP_STACK);
    new LocalBackend(this, { path: `terraform.${BOOTSTRAP_STACK}.tfstate` });

    const s3States = environments.flatMap((e) => (e.state.backend === 's3' ? [{ env: e, state: e.state }] : []));
    const providers = new Map<string, ReturnType<typeof awsProvider>>();
    const providerFor = (region: string, tags: Record<string, string>) => {
      let provider = providers.get(region);
      if (!provider) {
        const alias = providers.size === 0 ? undefined : region.replace(/-/g, '_');
        // Only the accounts of the environments whose state lives in this region.
        const allowedAccountIds = [...new Set(s3States.filter((s) => s.state.region === region).map((s) => s.env.accountId))].sort();
        provider = awsProvider(this, `aws-${region}`, { region, alias, tags, emulator, allowedAccountIds });
        providers.set(region, provider);
      }
      return provider;
    };

    const buckets = new Set<string>();
    const tables = new Set<string>();
    for (const { env, state } of s3States) {
      const provider = providerFor(state.region, { project: env.project, 'managed-by': 'cdktf', purpose: 'terraform-state' });
      if (!buckets.has(state.bucket)) {
        buckets.add(state.bucket);
        const bucket = new PrivateBucket(this, `state-${state.bucket}`, {
          provider,
          bucketName: state.bucket,
          versioned: true,
          preventDestroy: true,
          lifecycleRules: [
            // Keep old state versions long enough to recover from a bad apply, not forever.
            { id: 'expire-old-state-versions', status: 'Enabled', filter: [{ prefix: '' }], noncurrentVersionExpiration: [{ noncurrentDays: 90 }] },
          ],
        });
        new TerraformOutput(this, `bucket-${state.bucket}`, { value: bucket.bucketName, description: `State bucket in ${state.region}` });
      }
      if (state.dynamodbTable && !tables.has(state.dynamodbTable)) {
        tables.add(state.dynamodbTable);
        new DynamodbTable(this, `lock-${state.dynamodbTable}`, {
          provider,
          name: state.dynamodbTable,
          billingMode: 'PAY_PER_REQUEST',
          hashKey: 'LockID',
          attribute: [{ name: 'LockID', type: 'S' }],
          serverSideEncryption: { enabled: true },
          pointInTimeRecovery: { enabled: true },
          deletionProtectionEnabled: true,
          lifecycle: { preventDestroy: true },
        });
      }
    }
  }
}
