import { Construct, IConstruct } from 'constructs';
import { Aspects, CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformElement, TerraformOutput } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { workloadBoundaryArn } from '../delivery/names';
import { EnvironmentConfig } from '../config/types';
import { EmulatorSettings, emulatorBackendConfig } from '../lib/emulator';
import { defaultTags, resourceName } from '../lib/naming';
import { ComputeLayer } from '../layers/compute';
import { EdgeLayer } from '../layers/edge';
import { Layer } from '../layers/layer';
import { MonitoringLayer } from '../layers/monitoring';
import { ProtectionLayer } from '../layers/protection';
import { WorkloadsLayer } from '../layers/workloads';
import { CacheModule } from '../modules/cache';
import { DatabaseModule } from '../modules/database';
import { ExistingNetworkModule } from '../modules/existing-network';
import { Network, NetworkModule } from '../modules/network';
import { APP_CONTAINER } from '../modules/service';
import { awsProvider } from './providers';
import { SelfContainedStack } from './self-contained-stack';

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

/** AWS APIs the tasks call, reached through interface endpoints when the VPC has no NAT. */
export function interfaceEndpointServices(config: EnvironmentConfig): string[] {
  return [
    'ecr.api', 'ecr.dkr', 'logs', 'secretsmanager',
    ...(config.compute.enableExec ? ['ssmmessages'] : []),
    // Producers and consumers call SQS from the private subnets.
    ...(config.compute.queues.length > 0 || config.email ? ['sqs'] : []),
  ];
}

/** The environment's own VPC, or the one it adopts (`network.existing`). */
function environmentNetwork(scope: Construct, config: EnvironmentConfig, prefix: string): Network {
  const net = config.network;
  const common = { namePrefix: prefix, region: config.region, accountId: config.accountId, natMode: net.natMode, interfaceEndpointServices: interfaceEndpointServices(config) };
  if (net.existing) return new ExistingNetworkModule(scope, 'network', { ...common, ...net.existing });
  return new NetworkModule(scope, 'network', {
    ...common,
    cidr: net.cidr!,
    azCount: net.azCount,
    availabilityZones: net.availabilityZones,
    flowLogs: net.flowLogs,
    flowLogRetentionDays: config.compute.logRetentionDays,
  });
}

/**
 * One environment: network, data, edge, compute, workloads, protection, monitoring. Every
 * environment is a self-contained stack (no cross-stack references) with its own state.
 */
export class WebAppStack extends SelfContainedStack {
  readonly config: EnvironmentConfig;
  readonly provider: AwsProvider;
  /** us-east-1 provider for what CloudFront requires there (its certificate). */
  readonly usEast1: AwsProvider;
  readonly network: Network;
  readonly database: DatabaseModule;
  readonly cache: CacheModule;
  readonly edge: EdgeLayer;
  readonly compute: ComputeLayer;
  readonly workloads: WorkloadsLayer;
  readonly protection: ProtectionLayer;
  readonly monitoring: MonitoringLayer;
  private readonly logicalIds = new Map<string, string>();

  constructor(scope: Construct, config: EnvironmentConfig, options: WebAppStackOptions = {}) {
    super(scope, config.name);
    this.config = config;
    this.configureBackend(config, options);

    const providerProps = {
      // Terraform refuses to touch any account but the environment's own.
      allowedAccountIds: [config.accountId],
      tags: defaultTags(config),
      emulator: options.emulator,
    };
    this.provider = awsProvider(this, 'aws', { ...providerProps, region: config.region });
    this.usEast1 = awsProvider(this, 'aws-us-east-1', { ...providerProps, region: 'us-east-1', alias: 'us_east_1' });
    const prefix = resourceName(config);

    this.network = environmentNetwork(this, config, prefix);

    const data = { namePrefix: prefix, vpcId: this.network.vpcId, subnetIds: this.network.privateSubnetIds, production: config.production };
    this.database = new DatabaseModule(this, 'database', {
      ...data,
      ...config.database,
      region: config.region,
      accountId: config.accountId,
      logRetentionDays: config.compute.logRetentionDays,
    });
    this.cache = new CacheModule(this, 'cache', { ...data, ...config.cache });

    this.edge = new EdgeLayer(this, 'edge', { config, usEast1: this.usEast1 });

    this.compute = new ComputeLayer(this, 'compute', {
      config,
      network: this.network,
      database: this.database,
      cache: this.cache,
      edge: this.edge,
      imageTag: options.imageTag,
    });

    this.workloads = new WorkloadsLayer(this, 'workloads', {
      config,
      network: this.network,
      database: this.database,
      cache: this.cache,
      edge: this.edge,
      compute: this.compute,
    });

    this.protection = new ProtectionLayer(this, 'protection', {
      config,
      usEast1: this.usEast1,
      database: this.database,
      edge: this.edge,
      compute: this.compute,
      workloads: this.workloads,
    });

    this.monitoring = new MonitoringLayer(this, 'monitoring', {
      config,
      usEast1: this.usEast1,
      network: this.network,
      database: this.database,
      cache: this.cache,
      edge: this.edge,
      compute: this.compute,
      workloads: this.workloads,
      protection: this.protection,
    });

    if (config.delivery) {
      // The deploy role may create and change this stack's roles only with this boundary (created
      // by the bootstrap stack) attached: whatever it writes into them, no role exceeds it.
      const boundary = workloadBoundaryArn(config);
      Aspects.of(this).add({
        visit: (node) => {
          if (node instanceof IamRole) node.permissionsBoundary = boundary;
        },
      });
    }

    this.outputs();
  }

  /**
   * Terraform addresses come from the construct path without its layers (see Layer), and must
   * be unique: two constructs that would share an address fail the synth instead of one silently
   * replacing the other in the JSON.
   */
  allocateLogicalId(element: TerraformElement | import('constructs').Node): string {
    const node = TerraformElement.isTerraformElement(element) ? element.node : element;
    const scopes = node.scopes.filter((scope: IConstruct) => !Layer.isLayer(scope));
    const id = super.allocateLogicalId({ scopes } as unknown as import('constructs').Node);
    const path = node.path;
    const other = this.logicalIds.get(id);
    if (other !== undefined && other !== path) throw new Error(`${path} and ${other} would both be Terraform address "${id}": rename one construct`);
    this.logicalIds.set(id, path);
    return id;
  }

  private output(id: string, value: unknown, description: string): TerraformOutput {
    return new TerraformOutput(this, id, { value, description });
  }

  /** What users and scripts read after a deploy (`cdktf output <env>`, `npm run task`, `npm run release`). */
  private outputs(): void {
    const { config, network, database, cache, edge, compute, workloads } = this;
    this.output('vpc_id', network.vpcId, 'VPC id');

    this.output('database_endpoint', database.endpoint, 'Postgres endpoint (host:port), private');
    this.output('database_master_secret_arn', database.masterSecretArn, 'Secrets Manager ARN of the RDS-managed master credentials (database-admin task only)');
    this.output('database_app_user', database.appUsername, 'Postgres role of the application (IAM authentication)');
    this.output('redis_primary_endpoint', cache.primaryEndpoint, 'Redis primary endpoint (TLS, AUTH required), private');
    this.output('redis_auth_token_secret_arn', cache.authTokenSecretArn, 'Secrets Manager ARN of the Redis AUTH token');

    const assets = edge.assets;
    this.output('static_bucket_name', assets.staticBucket.bucketName, 'Static files bucket (served by CloudFront)');
    this.output('media_bucket_name', assets.mediaBucket.bucketName, 'Private media bucket');
    this.output('cdn_domain_name', assets.cdnDomainName, 'Static files host name');
    this.output('cloudfront_distribution_id', assets.distributionId, 'CloudFront distribution id (for invalidations)');
    this.output('cloudfront_domain_name', assets.distributionDomainName, 'CloudFront domain name');
    this.output('load_balancer_certificate_arn', edge.certificates.loadBalancerCertificateArn, 'Regional ACM certificate of the load balancer');
    this.output('cdn_certificate_arn', edge.certificates.cdnCertificateArn, 'us-east-1 ACM certificate of CloudFront');
    if (edge.dns.zoneId) this.output('route53_zone_id', edge.dns.zoneId, 'Route53 hosted zone');
    if (edge.dns.nameServers) this.output('route53_name_servers', edge.dns.nameServers, 'Delegate the domain to these name servers');

    this.output('app_url', `https://${config.domain.name}`, 'Public URL of the application');
    this.output('alb_dns_name', compute.loadBalancer.dnsName, 'DNS name of the load balancer');
    this.output('ecr_repository_url', compute.registry.repositoryUrl, 'Push release images here');
    this.output('ecr_repository_name', compute.registry.repositoryName, 'ECR repository of the app image');
    this.output('image_tag_parameter', compute.imageVersion.parameter.name, 'SSM parameter holding the deployed image tag');
    this.output('ecs_cluster_name', compute.cluster.clusterName, 'ECS cluster');
    this.output('web_service_name', workloads.web.serviceName, 'ECS service of the web process');
    this.output('worker_service_names', Object.values(workloads.workers).map((w) => w.serviceName), 'ECS services of the workers');
    this.output('service_names', workloads.longRunning.map((s) => s.module.serviceName), 'Every long-running ECS service (web, HTTP services, workers)');
    this.output('ecr_repositories', { app: compute.registry.repositoryUrl, ...Object.fromEntries(Object.entries(compute.serviceRegistries).map(([n, r]) => [n, r.repositoryUrl])) }, 'Every ECR repository a release pushes the same tag to');
    this.output('queue_urls', Object.fromEntries(Object.entries(workloads.queues).map(([n, q]) => [n, q.queue.url])), 'SQS queues by name');
    this.output('log_group_names', [...workloads.longRunning.map((s) => s.module), workloads.oneOffTask].map((s) => s.logGroupName), 'CloudWatch log groups of the containers');
    this.output('aws_region', config.region, 'Region of the environment');
    this.output('private_subnet_ids', network.privateSubnetIds, 'Subnets for one-off tasks');
    this.output('app_container_name', APP_CONTAINER, 'Container name in every task definition');
    this.output('oneoff_task_definition_family', workloads.oneOffTask.taskDefinitionFamily, 'Task definition family for one-off commands (npm run task)');
    this.output('oneoff_security_group_id', workloads.oneOffTask.securityGroupId, 'Security group for one-off tasks');
    this.output('oneoff_log_group_name', workloads.oneOffTask.logGroupName, 'Log group of one-off tasks');
    const admin = workloads.databaseAdmin;
    this.output('db_admin_task_definition_family', admin.task.taskDefinitionFamily, 'Task definition family of the database-admin task (run by npm run release)');
    this.output('db_admin_security_group_id', admin.task.securityGroupId, 'Security group of the database-admin task');
    this.output('db_admin_log_group_name', admin.task.logGroupName, 'Log group of the database-admin task');
    this.output('database_setup_version', admin.setupVersion, 'Hash of the database setup SQL; the release reruns it when this changes');
    this.output('app_secret_arns', compute.appSecrets.created, 'Secrets of your own created by the stack, by variable name (set with npm run secret)');
    this.output('dashboard_url', this.monitoring.dashboard.url, 'CloudWatch dashboard of the environment');
    this.output('alert_topic_arns', {
      critical: this.monitoring.alerts.topics.critical.arn,
      warning: this.monitoring.alerts.topics.warning.arn,
      critical_us_east_1: this.monitoring.alertsUsEast1.topics.critical.arn,
      warning_us_east_1: this.monitoring.alertsUsEast1.topics.warning.arn,
    }, 'SNS topics of the alarms (subscribe more endpoints to them)');
    this.output('release', {
      migration_command: config.release.migrationCommand,
      migration_timeout_minutes: config.release.migrationTimeoutMinutes,
      // Written by npm run release, not by Terraform: the lock of a running release, the database setup done.
      lock_parameter: `/${config.project}/${config.name}/release-lock`,
      database_setup_parameter: `/${config.project}/${config.name}/database-setup`,
      min_counts: Object.fromEntries(workloads.longRunning.map((s) => [s.name, s.minCount])),
    }, 'Settings of npm run release');
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
