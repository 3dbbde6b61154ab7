import { Construct } from 'constructs';
import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformOutput } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { EnvironmentConfig } from '../config/types';
import { EmulatorSettings, emulatorBackendConfig } from '../lib/emulator';
import { defaultTags, resourceName } from '../lib/naming';
import { NetworkModule } from '../modules/network';
import { DatabaseModule } from '../modules/database';
import { CacheModule } from '../modules/cache';
import { DnsModule } from '../modules/dns';
import { CertificateModule } from '../modules/certificates';
import { AssetsModule } from '../modules/assets';
import { RegistryModule } from '../modules/registry';
import { ImageVersion } from '../modules/image-version';
import { GeneratedSecret } from '../modules/generated-secret';
import { ClusterModule } from '../modules/cluster';
import { LoadBalancerModule } from '../modules/load-balancer';
import { APP_CONTAINER, ServiceModule } from '../modules/service';
import { appContract, appHostNames, appTaskPolicy } from '../modules/app-contract';
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

/**
 * One environment: network, then data, then edge, then compute. Every environment is a
 * self-contained stack (no cross-stack references) with its own state.
 */
export class WebAppStack extends SelfContainedStack {
  readonly config: EnvironmentConfig;
  readonly provider: AwsProvider;
  /** us-east-1 provider for what CloudFront requires there (its certificate). */
  readonly usEast1: AwsProvider;
  readonly network: NetworkModule;
  readonly database: DatabaseModule;
  readonly cache: CacheModule;
  readonly dns: DnsModule;
  readonly certificates: CertificateModule;
  readonly assets: AssetsModule;
  readonly registry: RegistryModule;
  readonly imageVersion: ImageVersion;
  readonly cluster: ClusterModule;
  readonly loadBalancer: LoadBalancerModule;
  readonly web: ServiceModule;
  readonly workers: ServiceModule[];
  /** Task definition (no service) for migrations and other one-off commands. */
  readonly oneOffTask: ServiceModule;

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

    // --- Network ---
    this.network = new NetworkModule(this, 'network', {
      namePrefix: prefix,
      region: config.region,
      cidr: config.network.cidr,
      azCount: config.network.azCount,
      natMode: config.network.natMode,
      flowLogs: config.network.flowLogs,
      flowLogRetentionDays: config.compute.logRetentionDays,
    });
    this.output('vpc_id', this.network.vpcId, 'VPC id');

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
    this.dataOutputs();

    // --- Edge (certificates, DNS, assets + CloudFront) ---
    const domain = config.domain;
    const cdnName = `${domain.staticLabel}.${domain.name}`;
    this.dns = new DnsModule(this, 'dns', { domainName: domain.name, dns: domain.dns });
    this.certificates = new CertificateModule(this, 'certificates', {
      loadBalancerNames: appHostNames(domain),
      cdnName,
      dns: this.dns,
      usEast1: this.usEast1,
    });
    this.assets = new AssetsModule(this, 'assets', {
      namePrefix: prefix,
      cdnName,
      cdnCertificateArn: this.certificates.cdnCertificateArn,
      appOrigins: appHostNames(domain).map((host) => `https://${host}`),
      priceClass: config.assets.priceClass,
      ipv6: domain.ipv6,
      accessLogs: config.assets.cdnAccessLogs,
      mediaNoncurrentVersionDays: config.assets.mediaNoncurrentVersionDays,
      production: config.production,
    });
    this.dns.addAlias('static', cdnName, { dnsName: this.assets.distributionDomainName, zoneId: this.assets.distributionHostedZoneId }, { ipv6: domain.ipv6 });
    this.edgeOutputs();

    // --- Compute (registry, load balancer, services) ---
    const compute = config.compute;
    this.registry = new RegistryModule(this, 'registry', {
      repositoryName: prefix,
      keepImages: compute.keepImages,
      forceDelete: !config.production,
    });
    this.imageVersion = new ImageVersion(this, 'image-version', {
      parameterName: `/${config.project}/${config.name}/image-tag`,
      imageTag: options.imageTag,
    });
    const secretKey = new GeneratedSecret(this, 'secret-key', {
      name: `${prefix}/django-secret-key`,
      description: `SECRET_KEY of the ${prefix} application`,
      length: 64,
      recoveryWindowInDays: config.production ? 7 : 0,
    });
    this.cluster = new ClusterModule(this, 'cluster', { clusterName: prefix });

    this.loadBalancer = new LoadBalancerModule(this, 'load-balancer', {
      namePrefix: prefix,
      vpcId: this.network.vpcId,
      publicSubnetIds: this.network.publicSubnetIds,
      certificateArn: this.certificates.loadBalancerCertificateArn,
      containerPort: compute.web.containerPort,
      healthCheckPath: compute.web.healthCheckPath,
      deregistrationDelay: config.loadBalancer.deregistrationDelay,
      deletionProtection: config.loadBalancer.deletionProtection,
      accessLogs: config.loadBalancer.accessLogs,
      forceDestroyLogs: !config.production,
    });
    // The ALB has no IPv6 addresses (IPv4-only VPC), so only A records point at it.
    for (const host of appHostNames(config.domain)) {
      this.dns.addAlias(`app-${host}`.replace(/\./g, '-'), host, { dnsName: this.loadBalancer.dnsName, zoneId: this.loadBalancer.zoneId }, { ipv6: false });
    }

    const contract = appContract({
      environmentName: config.name,
      region: config.region,
      domainName: config.domain.name,
      cdnDomainName: this.assets.cdnDomainName,
      database: this.database,
      cache: this.cache,
      staticBucketName: this.assets.staticBucket.bucketName,
      mediaBucketName: this.assets.mediaBucket.bucketName,
      secretKeyArn: secretKey.secretArn,
      extra: compute.environment,
    });
    const common = {
      namePrefix: prefix,
      region: config.region,
      clusterArn: this.cluster.clusterArn,
      clusterName: this.cluster.clusterName,
      vpcId: this.network.vpcId,
      subnetIds: this.network.privateSubnetIds,
      image: `${this.registry.repositoryUrl}:${this.imageVersion.tag}`,
      repositoryArn: this.registry.repositoryArn,
      contract,
      logRetentionDays: compute.logRetentionDays,
      taskPolicy: appTaskPolicy(this.assets.staticBucket, this.assets.mediaBucket),
      dataStores: [this.database, this.cache],
      enableExec: compute.enableExec,
      fargateSpot: compute.fargateSpot,
    };
    this.web = new ServiceModule(this, 'web', {
      ...common,
      name: 'web',
      command: compute.web.command,
      cpu: compute.web.cpu,
      memory: compute.web.memory,
      loadBalancer: { module: this.loadBalancer, containerPort: compute.web.containerPort },
      scaling: compute.web,
    });
    this.workers = compute.workers.map(
      (worker) => new ServiceModule(this, `worker-${worker.name}`, { ...common, name: worker.name, command: worker.command, cpu: worker.cpu, memory: worker.memory, scaling: worker }),
    );
    // One-off commands (migrations, createsuperuser): a task definition without a service, sized like web.
    this.oneOffTask = new ServiceModule(this, 'oneoff', { ...common, name: 'task', cpu: compute.web.cpu, memory: compute.web.memory });

    this.computeOutputs(config);
  }

  private output(id: string, value: unknown, description: string): TerraformOutput {
    return new TerraformOutput(this, id, { value, description });
  }

  private dataOutputs(): void {
    this.output('database_endpoint', this.database.endpoint, 'Postgres endpoint (host:port), private');
    this.output('database_secret_arn', this.database.masterSecretArn, 'Secrets Manager ARN of the RDS-managed master credentials (JSON username/password)');
    this.output('redis_primary_endpoint', this.cache.primaryEndpoint, 'Redis primary endpoint (TLS, AUTH required), private');
    this.output('redis_auth_token_secret_arn', this.cache.authTokenSecretArn, 'Secrets Manager ARN of the Redis AUTH token');
  }

  private edgeOutputs(): void {
    this.output('static_bucket_name', this.assets.staticBucket.bucketName, 'Static files bucket (served by CloudFront)');
    this.output('media_bucket_name', this.assets.mediaBucket.bucketName, 'Private media bucket');
    this.output('cdn_domain_name', this.assets.cdnDomainName, 'Static files host name');
    this.output('cloudfront_distribution_id', this.assets.distributionId, 'CloudFront distribution id (for invalidations)');
    this.output('cloudfront_domain_name', this.assets.distributionDomainName, 'CloudFront domain name');
    this.output('load_balancer_certificate_arn', this.certificates.loadBalancerCertificateArn, 'Regional ACM certificate of the load balancer');
    this.output('cdn_certificate_arn', this.certificates.cdnCertificateArn, 'us-east-1 ACM certificate of CloudFront');
    if (this.dns.zoneId) this.output('route53_zone_id', this.dns.zoneId, 'Route53 hosted zone');
    if (this.dns.nameServers) this.output('route53_name_servers', this.dns.nameServers, 'Delegate the domain to these name servers');
  }
  /** What users and scripts read after a deploy (`cdktf output <env>`, `npm run task`). */
  private computeOutputs(config: EnvironmentConfig): void {
    this.output('app_url', `https://${config.domain.name}`, 'Public URL of the application');
    this.output('alb_dns_name', this.loadBalancer.dnsName, 'DNS name of the load balancer');
    this.output('ecr_repository_url', this.registry.repositoryUrl, 'Push release images here');
    this.output('image_tag_parameter', this.imageVersion.parameter.name, 'SSM parameter holding the deployed image tag');
    this.output('ecs_cluster_name', this.cluster.clusterName, 'ECS cluster');
    this.output('web_service_name', this.web.serviceName, 'ECS service of the web process');
    this.output('worker_service_names', this.workers.map((w) => w.serviceName), 'ECS services of the workers');
    this.output('log_group_names', [this.web, ...this.workers, this.oneOffTask].map((s) => s.logGroupName), 'CloudWatch log groups of the containers');
    this.output('aws_region', config.region, 'Region of the environment');
    this.output('private_subnet_ids', this.network.privateSubnetIds, 'Subnets for one-off tasks');
    this.output('app_container_name', APP_CONTAINER, 'Container name in every task definition');
    this.output('oneoff_task_definition_family', this.oneOffTask.taskDefinitionFamily, 'Task definition family for one-off commands (npm run task)');
    this.output('oneoff_security_group_id', this.oneOffTask.securityGroupId, 'Security group for one-off tasks');
    this.output('oneoff_log_group_name', this.oneOffTask.logGroupName, 'Log group of one-off tasks');
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
