import { Construct } from 'constructs';
import { ServiceDiscoveryPrivateDnsNamespace } from '@cdktf/provider-aws/lib/service-discovery-private-dns-namespace';
import { ServiceDiscoveryService } from '@cdktf/provider-aws/lib/service-discovery-service';

export interface ServiceDiscoveryProps {
  /** e.g. `webapp-prod`: the namespace is `<namePrefix>.internal`. */
  readonly namePrefix: string;
  readonly vpcId: string;
  /** Outside production, a service's registrations are removed with it (ECS deregisters its tasks anyway). */
  readonly production: boolean;
}

/**
 * How internal services are found: a Cloud Map private DNS namespace `<project>-<env>.internal`
 * (a Route 53 private hosted zone of the VPC) and one Cloud Map service per internal service,
 * whose A records ECS keeps to the addresses of its running tasks (awsvpc). Chosen over ECS Service
 * Connect: any client resolves plain DNS (the app, a sidecar, a one-off task, psql-style tools),
 * with no Envoy proxy in every task of every caller and no per-caller Service Connect
 * configuration; what Service Connect adds (retries, per-request metrics) is left to the app.
 * A 10-second TTL keeps clients from holding on to stopped tasks for long.
 */
export class ServiceDiscovery extends Construct {
  readonly namespace: ServiceDiscoveryPrivateDnsNamespace;
  /** `<project>-<env>.internal` */
  readonly domain: string;
  private readonly production: boolean;

  constructor(scope: Construct, id: string, props: ServiceDiscoveryProps) {
    super(scope, id);
    this.domain = `${props.namePrefix}.internal`;
    this.production = props.production;
    this.namespace = new ServiceDiscoveryPrivateDnsNamespace(this, 'namespace', {
      name: this.domain,
      vpc: props.vpcId,
      description: `Internal services of ${props.namePrefix}, by name`,
    });
  }

  /** The Cloud Map service of an internal service: `<name>.<domain>`. */
  register(name: string): { readonly arn: string; readonly hostName: string } {
    const service = new ServiceDiscoveryService(this, `service-${name}`, {
      name,
      description: `Tasks of the internal service ${name}`,
      dnsConfig: { namespaceId: this.namespace.id, dnsRecords: [{ type: 'A', ttl: 10 }], routingPolicy: 'MULTIVALUE' },
      forceDestroy: !this.production,
    });
    return { arn: service.arn, hostName: `${name}.${this.domain}` };
  }
}
