import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { EnvironmentConfig } from '../config/types';
import { assetBucketNames } from '../config/names';
import { loadBalancerHostNames } from '../config/routing';
import { globalBucketName, resourceName } from '../lib/naming';
import { appHostNames } from '../modules/app-contract';
import { AssetsModule } from '../modules/assets';
import { CertificateModule } from '../modules/certificates';
import { DnsModule } from '../modules/dns';
import { Layer } from './layer';

/** DNS, the two certificates, and the static/media buckets with CloudFront in front of static. */
export class EdgeLayer extends Layer {
  readonly dns: DnsModule;
  readonly certificates: CertificateModule;
  readonly assets: AssetsModule;
  /** The app's host names (domain + aliases): the web service's default route. */
  readonly appHosts: string[];
  /** Every host name the load balancer serves (the app's and other services'): its certificate's names. */
  readonly loadBalancerHosts: string[];
  /** `static.<domain>`. */
  readonly cdnName: string;

  constructor(scope: Construct, id: string, props: { config: EnvironmentConfig; usEast1: AwsProvider }) {
    super(scope, id);
    const { config } = props;
    const domain = config.domain;
    this.appHosts = appHostNames(domain);
    this.loadBalancerHosts = loadBalancerHostNames(config);
    this.cdnName = `${domain.staticLabel}.${domain.name}`;
    this.dns = new DnsModule(this, 'dns', { domainName: domain.name, dns: domain.dns });
    this.certificates = new CertificateModule(this, 'certificates', {
      loadBalancerNames: this.loadBalancerHosts,
      cdnName: this.cdnName,
      dns: this.dns,
      usEast1: props.usEast1,
      existing: domain.certificates,
    });
    this.assets = new AssetsModule(this, 'assets', {
      namePrefix: resourceName(config),
      bucketNames: { ...assetBucketNames(config), cdnLogs: globalBucketName(config, 'cdn-logs') },
      adopted: { static: config.assets.adopt?.static !== undefined, media: config.assets.adopt?.media !== undefined },
      cdnName: this.cdnName,
      cdnCertificateArn: this.certificates.cdnCertificateArn,
      appOrigins: this.loadBalancerHosts.map((host) => `https://${host}`),
      priceClass: config.assets.priceClass,
      ipv6: domain.ipv6,
      accessLogs: config.assets.cdnAccessLogs,
      usEast1: props.usEast1,
      accountId: config.accountId,
      region: config.region,
      mediaNoncurrentVersionDays: config.assets.mediaNoncurrentVersionDays,
      production: config.production,
    });
    this.dns.addAlias(
      'static',
      this.cdnName,
      { dnsName: this.assets.distributionDomainName, zoneId: this.assets.distributionHostedZoneId, evaluateTargetHealth: false },
      { ipv6: domain.ipv6 },
    );
  }
}
