import { Construct } from 'constructs';
import { EnvironmentConfig } from '../config/types';
import { globalBucketName, resourceName } from '../lib/naming';
import { appContract, appTaskPolicy } from '../modules/app-contract';
import { AppSecrets } from '../modules/app-secrets';
import { CacheModule } from '../modules/cache';
import { ClusterModule } from '../modules/cluster';
import { DatabaseModule } from '../modules/database';
import { DatabaseAdminTask } from '../modules/database-admin';
import { GeneratedSecret } from '../modules/generated-secret';
import { ImageVersion } from '../modules/image-version';
import { LoadBalancerModule } from '../modules/load-balancer';
import { NetworkModule } from '../modules/network';
import { RegistryModule } from '../modules/registry';
import { ServiceModule } from '../modules/service';
import { EdgeLayer } from './edge';
import { Layer } from './layer';

export interface ComputeLayerProps {
  readonly config: EnvironmentConfig;
  readonly network: NetworkModule;
  readonly database: DatabaseModule;
  readonly cache: CacheModule;
  readonly edge: EdgeLayer;
  /** Image tag to release (IMAGE_TAG); undefined keeps the deployed one. */
  readonly imageTag?: string;
}

/** Listener rule priority of the web service: the last rule, so every other route is matched first. */
export const DEFAULT_ROUTE_PRIORITY = 50000;

/**
 * Everything that runs the app: the image registry and the released tag, the generated
 * SECRET_KEY, the cluster, the load balancer with its DNS names, the web and worker services,
 * the one-off task definition (migrations, commands) and the database-admin task.
 */
export class ComputeLayer extends Layer {
  readonly registry: RegistryModule;
  readonly imageVersion: ImageVersion;
  readonly cluster: ClusterModule;
  readonly loadBalancer: LoadBalancerModule;
  readonly web: ServiceModule;
  readonly workers: ServiceModule[];
  /** Task definition (no service) for migrations and other one-off commands. */
  readonly oneOffTask: ServiceModule;
  readonly databaseAdmin: DatabaseAdminTask;
  readonly appSecrets: AppSecrets;

  constructor(scope: Construct, id: string, props: ComputeLayerProps) {
    super(scope, id);
    const { config, network, database, cache, edge } = props;
    const compute = config.compute;
    const prefix = resourceName(config);

    this.registry = new RegistryModule(this, 'registry', {
      repositoryName: prefix,
      keepImages: compute.keepImages,
      forceDelete: !config.production,
      region: config.region,
      accountId: config.accountId,
      publicCachePrefix: resourceName(config, 'pub'),
    });
    this.imageVersion = new ImageVersion(this, 'image-version', {
      parameterName: `/${config.project}/${config.name}/image-tag`,
      imageTag: props.imageTag,
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
      accountId: config.accountId,
      vpcId: network.vpcId,
      publicSubnetIds: network.publicSubnetIds,
      certificateArn: edge.certificates.loadBalancerCertificateArn,
      deletionProtection: config.loadBalancer.deletionProtection,
      accessLogs: config.loadBalancer.accessLogs,
      accessLogBucketName: globalBucketName(config, 'alb-logs'),
      forceDestroyLogs: !config.production,
    });
    // The ALB has no IPv6 addresses (IPv4-only VPC), so only A records point at it.
    for (const host of edge.appHosts) {
      edge.dns.addAlias(`app-${host}`.replace(/\./g, '-'), host, { dnsName: this.loadBalancer.dnsName, zoneId: this.loadBalancer.zoneId, evaluateTargetHealth: true }, { ipv6: false });
    }

    this.appSecrets = new AppSecrets(this, 'app-secrets', {
      namePrefix: prefix,
      environmentName: config.name,
      names: compute.secrets,
      external: compute.externalSecrets,
      recoveryWindowInDays: config.production ? 7 : 0,
    });
    const base = appContract({
      environmentName: config.name,
      region: config.region,
      domainName: config.domain.name,
      appHosts: edge.appHosts,
      cdnDomainName: edge.assets.cdnDomainName,
      database,
      cache,
      staticBucketName: edge.assets.staticBucket.bucketName,
      mediaBucketName: edge.assets.mediaBucket.bucketName,
      secretKeyArn: secretKey.secretArn,
      extra: compute.environment,
    });
    const contract = {
      environment: base.environment,
      secrets: { ...base.secrets, ...this.appSecrets.valueFrom },
      secretArns: [...base.secretArns, ...this.appSecrets.secretArns],
    };
    // No tasks before the first release: there is no image to run yet.
    const gate = (count: number) => this.imageVersion.countOnceReleased(count);
    const common = {
      namePrefix: prefix,
      region: config.region,
      clusterArn: this.cluster.clusterArn,
      clusterName: this.cluster.clusterName,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      endpoints: network,
      logRetentionDays: compute.logRetentionDays,
      enableExec: compute.enableExec,
      fargateSpot: compute.fargateSpot,
    };
    const app = {
      ...common,
      image: `${this.registry.repositoryUrl}:${this.imageVersion.tag}`,
      repositoryArns: [this.registry.repositoryArn],
      contract,
      taskPolicy: appTaskPolicy(database.appConnectArn, edge.assets.staticBucket, edge.assets.mediaBucket),
      dataStores: [database, cache],
    };

    const webTarget = this.loadBalancer.addTarget('web', {
      name: 'web',
      port: compute.web.containerPort,
      healthCheckPath: compute.web.healthCheckPath,
      deregistrationDelay: config.loadBalancer.deregistrationDelay,
      hosts: edge.appHosts,
      priority: DEFAULT_ROUTE_PRIORITY,
    });
    this.web = new ServiceModule(this, 'web', {
      ...app,
      name: 'web',
      command: compute.web.command,
      cpu: compute.web.cpu,
      memory: compute.web.memory,
      environment: { HEALTH_CHECK_PATH: compute.web.healthCheckPath },
      loadBalancer: { module: this.loadBalancer, target: webTarget },
      scaling: { ...compute.web, gate },
    });
    this.workers = compute.workers.map(
      (worker) => new ServiceModule(this, `worker-${worker.name}`, { ...app, name: worker.name, command: worker.command, cpu: worker.cpu, memory: worker.memory, scaling: { ...worker, gate } }),
    );
    // One-off commands (migrations, createsuperuser): a task definition without a service, sized like web.
    this.oneOffTask = new ServiceModule(this, 'oneoff', { ...app, name: 'task', cpu: compute.web.cpu, memory: compute.web.memory });

    this.databaseAdmin = new DatabaseAdminTask(this, 'database-admin', {
      ...common,
      database,
      image: this.registry.publicImage(`docker/library/postgres:${database.majorVersion}-alpine`),
      repositoryArns: [],
      executionStatements: [this.registry.publicCachePullStatement()],
      // ECS Exec into the task holding the master password serves no purpose.
      enableExec: false,
    });
  }
}
