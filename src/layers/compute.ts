import { Construct } from 'constructs';
import { EnvironmentConfig } from '../config/types';
import { globalBucketName, resourceName } from '../lib/naming';
import { appContract } from '../modules/app-contract';
import { AppSecrets } from '../modules/app-secrets';
import { CacheModule } from '../modules/cache';
import { ClusterModule } from '../modules/cluster';
import { DatabaseModule } from '../modules/database';
import { GeneratedSecret } from '../modules/generated-secret';
import { ImageVersion } from '../modules/image-version';
import { LoadBalancerModule } from '../modules/load-balancer';
import { Network } from '../modules/network';
import { RegistryModule } from '../modules/registry';
import { ContainerContract } from '../modules/service';
import { EdgeLayer } from './edge';
import { Layer } from './layer';

export interface ComputeLayerProps {
  readonly config: EnvironmentConfig;
  readonly network: Network;
  readonly database: DatabaseModule;
  readonly cache: CacheModule;
  readonly edge: EdgeLayer;
  /** Image tag to release (IMAGE_TAG); undefined keeps the deployed one. */
  readonly imageTag?: string;
}

/**
 * What every process of the app runs on: the image registries and the released tag, the generated
 * SECRET_KEY and the secrets of your own, the cluster, the load balancer with its DNS names, and
 * the app contract. The processes themselves are the workloads layer.
 */
export class ComputeLayer extends Layer {
  readonly registry: RegistryModule;
  /** Repositories of services that have their own (`ownRepository`), by service name. */
  readonly serviceRegistries: Record<string, RegistryModule> = {};
  readonly imageVersion: ImageVersion;
  readonly cluster: ClusterModule;
  readonly loadBalancer: LoadBalancerModule;
  readonly appSecrets: AppSecrets;
  /** The environment and secrets of every app container. */
  readonly contract: ContainerContract;

  constructor(scope: Construct, id: string, props: ComputeLayerProps) {
    super(scope, id);
    const { config, network, database, cache, edge } = props;
    const compute = config.compute;
    const prefix = resourceName(config);

    const registry = (id: string, name: string, cachePrefix?: string) =>
      new RegistryModule(this, id, {
        repositoryName: name,
        keepImages: compute.keepImages,
        forceDelete: !config.production,
        region: config.region,
        accountId: config.accountId,
        publicCachePrefix: cachePrefix,
      });
    this.registry = registry('registry', prefix, resourceName(config, 'pub'));
    for (const svc of compute.services.filter((s) => s.ownRepository)) {
      this.serviceRegistries[svc.name] = registry(`registry-${svc.name}`, resourceName(config, svc.name));
    }
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
    for (const host of edge.loadBalancerHosts) {
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
    this.contract = {
      environment: base.environment,
      secrets: { ...base.secrets, ...this.appSecrets.valueFrom },
      secretArns: [...base.secretArns, ...this.appSecrets.secretArns],
    };
  }

  /** Task counts: 0 until the first release (there is no image to run yet), then `count`. */
  gate(count: number): number {
    return this.imageVersion.countOnceReleased(count);
  }
}
