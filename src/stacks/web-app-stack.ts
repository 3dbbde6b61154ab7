import { Construct } from 'constructs';
import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { EnvironmentConfig } from '../config/types';
import { EmulatorSettings, emulatorBackendConfig } from '../lib/emulator';
import { defaultTags, resourceName } from '../lib/naming';
import { NetworkModule } from '../modules/network';
import { DatabaseModule } from '../modules/database';
import { CacheModule } from '../modules/cache';
import { awsProvider } from './providers';

export interface WebAppStackOptions {
  /** Image tag to deploy (IMAGE_TAG); when unset the tag already deployed is kept. */
  readonly imageTag?: string;
  /** Keep state in a local file instead of the configured backend (experiments only). */
  readonly localBackend?: boolean;
  /** Point every AWS endpoint (and the S3 backend) at a local emulator. Tests only. */
  readonly emulator?: EmulatorSettings;
}

/** The state key of an environment in the S3 backend. */
export function stateKey(config: EnvironmentConfig): string {
  return config.state.backend === 's3' && config.state.key ? config.state.key : `${config.project}/${config.name}/terraform.tfstate`;
}

/**
 * One environment: network, then data, then edge, then compute. Every environment is a
 * self-contained stack (no cross-stack references) with its own state.
 */
export class WebAppStack extends TerraformStack {
  readonly config: EnvironmentConfig;
  readonly provider: AwsProvider;
  /** us-east-1 provider for what CloudFront requires there (its certificate). */
  readonly usEast1: AwsProvider;
  readonly network: NetworkModule;
  readonly database: DatabaseModule;
  readonly cache: CacheModule;

  constructor(scope: Construct, config: EnvironmentConfig, options: WebAppStackOptions = {}) {
    super(scope, config.name);
    this.config = config;
    this.configureBackend(config, options);

    const providerProps = {
      allowedAccountIds: config.allowedAccountIds,
      tags: defaultTags(config),
      emulator: options.emulator,
    };
    this.provider = awsProvider(this, 'aws', { ...providerProps, region: config.region });
    this.usEast1 = awsProvider(this, 'aws-us-east-1', { ...providerProps, region: 'us-east-1', alias: 'us_east_1' });

    const prefix = resourceName(config);

    // Network
    this.network = new NetworkModule(this, 'network', {
      namePrefix: prefix,
      region: config.region,
      cidr: config.network.cidr,
      azCount: config.network.azCount,
      natMode: config.network.natMode,
      flowLogs: config.network.flowLogs,
      flowLogRetentionDays: config.compute.logRetentionDays,
    });
    new TerraformOutput(this, 'vpc_id', { value: this.network.vpcId, description: 'VPC id' });

    // --- Data (database, cache) ---
    this.database = new DatabaseModule(this, 'database', {
      namePrefix: prefix,
      vpcId: this.network.vpcId,
      subnetIds: this.network.privateSubnetIds,
      ...config.database,
      production: config.production,
      logRetentionDays: config.compute.logRetentionDays,
    });
    this.cache = new CacheModule(this, 'cache', {
      namePrefix: prefix,
      vpcId: this.network.vpcId,
      subnetIds: this.network.privateSubnetIds,
      ...config.cache,
      production: config.production,
    });
    new TerraformOutput(this, 'database_endpoint', { value: this.database.endpoint, description: 'Postgres endpoint (host:port), private' });
    new TerraformOutput(this, 'database_secret_arn', { value: this.database.masterSecretArn, description: 'Secrets Manager ARN of the RDS-managed master credentials (JSON username/password)' });
    new TerraformOutput(this, 'redis_primary_endpoint', { value: this.cache.primaryEndpoint, description: 'Redis primary endpoint (TLS, AUTH required), private' });
    new TerraformOutput(this, 'redis_auth_token_secret_arn', { value: this.cache.authTokenSecretArn, description: 'Secrets Manager ARN of the Redis AUTH token' });

    // --- Edge (certificates, DNS, assets + CloudFront) ---

    // --- Compute (registry, load balancer, services) ---
  }

  private configureBackend(config: EnvironmentConfig, options: WebAppStackOptions): void {
    if (options.localBackend) {
      new LocalBackend(this, { path: `terraform.${config.name}.tfstate` });
      return;
    }
    const state = config.state;
    if (state.backend === 'cloud') {
      new CloudBackend(this, {
        organization: state.organization,
        hostname: state.hostname,
        workspaces: new NamedCloudWorkspace(state.workspace ?? resourceName(config)),
      });
      return;
    }
    new S3Backend(this, {
      bucket: state.bucket,
      key: stateKey(config),
      region: state.region,
      encrypt: true,
      dynamodbTable: state.dynamodbTable,
    });
    // S3-native state locking (Terraform 1.10+); cdktf 0.21's S3Backend has no typed field for it.
    this.addOverride('terraform.backend.s3.use_lockfile', true);
    if (options.emulator) {
      for (const [key, value] of Object.entries(emulatorBackendConfig(options.emulator))) {
        this.addOverride(`terraform.backend.s3.${key}`, value);
      }
    }
  }
}
