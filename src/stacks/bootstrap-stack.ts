import { Construct } from 'constructs';
import { AnnotationMetadataEntryType, LocalBackend, TerraformOutput } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { EnvironmentConfig } from '../config/types';
import { EmulatorSettings } from '../lib/emulator';
import { DeliveryRoles, GithubOidcProvider } from '../modules/github-delivery';
import { PrivateBucket } from '../modules/private-bucket';
import { awsProvider } from './providers';
import { SelfContainedStack } from './self-contained-stack';

export const BOOTSTRAP_STACK = 'bootstrap';

/** Whether an environment needs anything from a bootstrap stack (its S3 state, or delivery roles). */
const needsBootstrap = (env: EnvironmentConfig) => env.state.backend === 's3' || env.delivery !== undefined;

/**
 * One bootstrap stack per AWS account (credentials reach one account at a time): `bootstrap` for
 * the account of the first environment, `bootstrap-<account>` for each other account. Adding an
 * account later never renames an existing bootstrap stack (its state is a local file).
 */
export function bootstrapStacks(scope: Construct, environments: EnvironmentConfig[], emulator?: EmulatorSettings): BootstrapStack[] {
  const accounts = [...new Set(environments.filter(needsBootstrap).map((e) => e.accountId))];
  const first = environments[0]?.accountId;
  return accounts.map((account) => new BootstrapStack(scope, account === first ? BOOTSTRAP_STACK : `${BOOTSTRAP_STACK}-${account}`, account, environments.filter((e) => e.accountId === account), emulator));
}

/**
 * What one account needs before the first deploy of its environments, applied once by an
 * administrator (`npm run bootstrap`):
 * - each distinct S3 state bucket (versioned, encrypted, private, TLS-only, never destroyed) and
 *   any DynamoDB lock table;
 * - with delivery configured: the GitHub OIDC provider (unless the config names an existing one)
 *   and, per environment, its plan and deploy roles and the permissions boundary of its roles.
 * Its own state is a local file (terraform.<stack>.tfstate): the bucket cannot hold the state of
 * the stack that creates it.
 */
export class BootstrapStack extends SelfContainedStack {
  readonly account: string;
  readonly delivery: DeliveryRoles[] = [];

  constructor(scope: Construct, id: string, account: string, environments: EnvironmentConfig[], emulator?: EmulatorSettings) {
    super(scope, id);
    this.account = account;
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });

    const providers = new Map<string, AwsProvider>();
    const providerFor = (region: string, tags: Record<string, string>) => {
      let provider = providers.get(region);
      if (!provider) {
        const alias = providers.size === 0 ? undefined : region.replace(/-/g, '_');
        provider = awsProvider(this, `aws-${region}`, { region, alias, tags, emulator, allowedAccountIds: [account] });
        providers.set(region, provider);
      }
      return provider;
    };

    this.stateStorage(environments, providerFor);

    const delivered = environments.filter((e) => e.delivery);
    if (delivered.length === 0) return;
    const production = delivered.filter((e) => e.production).map((e) => e.name);
    const other = delivered.filter((e) => !e.production).map((e) => e.name);
    if (production.length > 0 && other.length > 0) {
      // A synth warning (cdktf prints it), without a stack trace: the manifest stays reproducible.
      this.node.addMetadata(
        AnnotationMetadataEntryType.WARN,
        `account ${account} holds production (${production.join(', ')}) and non-production (${other.join(', ')}) environments with delivery: ` +
          'a few grants cannot be scoped to one environment (docs/delivery.md, "Continuous delivery", What the design accepts), so the deploy role of ' +
          `${other.join(', ')} (no reviewers) could reach production through them. Give production its own account.`,
        { stackTrace: false },
      );
    }
    // IAM is global: the roles go through the provider of the first delivered environment's region.
    const first = delivered[0];
    const provider = providerFor(first.region, { project: first.project, 'managed-by': 'cdktf', stack: 'bootstrap' });
    // Validation guarantees the environments of one account agree on the provider.
    const oidcProviderArn = first.delivery!.github.oidcProviderArn ?? new GithubOidcProvider(this, 'github-oidc', { provider }).arn;
    for (const env of delivered) {
      this.delivery.push(new DeliveryRoles(this, `delivery-${env.name}`, { env, provider, oidcProviderArn }));
    }
  }

  private stateStorage(environments: EnvironmentConfig[], providerFor: (region: string, tags: Record<string, string>) => AwsProvider): void {
    const buckets = new Set<string>();
    const tables = new Set<string>();
    for (const env of environments) {
      const state = env.state;
      if (state.backend !== 's3') continue;
      const provider = providerFor(state.region, { project: env.project, 'managed-by': 'cdktf', stack: 'bootstrap' });
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
