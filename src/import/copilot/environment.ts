import { Context } from './context';
import { ManifestReader, isRecord } from './reader';
import { CopilotImportError } from './workspace';

/**
 * A Copilot environment manifest in this project's terms: the VPC (imported or with Copilot's CIDR
 * and zones), the certificates, the CDN, Container Insights, and the load balancer's source IPs
 * on every service's listener rule. What does not carry over is listed by the caller.
 */

/** The environment manifest: an imported VPC, its certificates, the load balancer's source IPs; the rest listed. */
export function environmentManifest(r: ManifestReader, out: Record<string, unknown>, index: number): { sourceIps?: string[] } {
  const vpcId = r.take<string>('network.vpc.id');
  const publicSubnets = r.peek<Record<string, unknown>[]>('network.vpc.subnets.public') ?? [];
  const privateSubnets = r.peek<Record<string, unknown>[]>('network.vpc.subnets.private') ?? [];
  const network: Record<string, unknown> = {};
  if (vpcId) {
    r.take('network.vpc.subnets');
    network.existing = { vpcId, publicSubnetIds: publicSubnets.map((s) => String(s.id)), privateSubnetIds: privateSubnets.map((s) => String(s.id)) };
    if (publicSubnets.length >= 2 && publicSubnets.length <= 3) network.azCount = publicSubnets.length;
  } else {
    const cidr = r.take<string>('network.vpc.cidr');
    network.cidr = cidr ?? `10.${10 + index * 10}.0.0/16`;
    if (publicSubnets.length >= 2 && publicSubnets.length <= 3) network.azCount = publicSubnets.length;
  }
  // The zones Copilot placed the subnets in are the region's (and, with a CIDR of ours, the subnets' zones).
  const zones = publicSubnets.map((s) => s.az).filter((z): z is string => typeof z === 'string');
  if (zones.length > 0) {
    out.region = zones[0].replace(/[a-z]$/, '');
    if (!vpcId && zones.length === publicSubnets.length && zones.length >= 2 && zones.length <= 3) network.availabilityZones = zones;
  }
  // The zones are carried over (the region, and the subnets' zones with a CIDR of ours); the subnet CIDRs are listed.
  if (zones.length > 0) (['public', 'private'] as const).forEach((tier) => (r.peek<unknown[]>(`network.vpc.subnets.${tier}`) ?? []).forEach((_, i) => r.take(`network.vpc.subnets.${tier}[${i}].az`)));
  const flowLogs = r.peek('network.vpc.flow_logs');
  if (flowLogs === true || isRecord(flowLogs)) {
    network.flowLogs = true;
    if (flowLogs === true) r.take('network.vpc.flow_logs');
  }
  out.network = network;
  const certificates = r.peek<string[]>('http.public.certificates') ?? [];
  if (certificates.length === 1) r.take('http.public.certificates');
  if (certificates.length > 1) r.skip('http.public.certificates', 'the load balancer takes one certificate here (domain.certificates.loadBalancer): the first is used; give it every host name the environment serves');
  const cdn = r.peek('cdn');
  const cdnCertificate = isRecord(cdn) ? r.take<string>('cdn.certificate') : undefined;
  const regionOfCertificate = /^arn:[\w-]+:acm:([a-z0-9-]+):/.exec(certificates[0] ?? '')?.[1];
  if (regionOfCertificate && zones.length === 0) out.region = regionOfCertificate;
  if (certificates.length > 0 || cdnCertificate) {
    (out.domain as Record<string, unknown>).certificates = { ...(certificates[0] ? { loadBalancer: certificates[0] } : {}), ...(cdnCertificate ? { cdn: cdnCertificate } : {}) };
  }
  if (cdn === true) r.skip('cdn', 'a CDN in front of the load balancer is not carried over: CloudFront here serves the static files bucket (assets.*)');
  r.take('observability.container_insights');
  // Only these clients reach the public load balancer: here, the source-IP condition of every
  // service's listener rule (the others get the load balancer's 404).
  const sourceIps = r.take<string[]>('http.public.ingress.source_ips');
  return sourceIps?.length ? { sourceIps: sourceIps.map(String) } : {};
}

/**
 * The environment's `http.public.ingress.source_ips` on every load-balanced service without source
 * IPs of its own; one whose rule would exceed ELB's 5 condition values is named in `unmapped`.
 */
export function restrictSources(ctx: Context, sourceIps: string[], file: string, appAliases: string[] = []): void {
  const services: [Record<string, unknown> | undefined, string, number][] = [
    [ctx.compute.web as Record<string, unknown> | undefined, 'web', 1 + appAliases.length],
    // A service without host names of its own is on the app's (the domain and its aliases).
    ...ctx.compute.services.map((s): [Record<string, unknown>, string, number] => [s, String(s.name), ((s.hosts as string[] | undefined)?.length ?? 1 + appAliases.length) + ((s.paths as string[] | undefined)?.length ?? 0)]),
  ];
  const restricted: string[] = [];
  for (const [service, name, values] of services) {
    if (!service) {
      ctx.compute.web = { allowedSourceIps: sourceIps };
      restricted.push(name);
      continue;
    }
    if (service.allowedSourceIps) {
      // Copilot let through what both lists allow; the service's own is kept: it should lie within these.
      ctx.notes.push(`${ctx.environment}: ${name} keeps its own allowed_source_ips (${(service.allowedSourceIps as string[]).join(', ')}); Copilot also limited the environment to ${sourceIps.join(', ')}: make sure its list lies within`);
      continue;
    }
    // Failing closed: left out, the service would be open to every client where Copilot admitted these only.
    if (values + sourceIps.length > 5) {
      throw new CopilotImportError(file, undefined, 'http.public.ingress.source_ips', `${name}'s listener rule already matches ${values} host names and paths, and a rule takes 5 values in all: these ${sourceIps.length} source IPs do not fit, and without them ${name} would be open to everyone. Give ${name} fewer host names or paths (or an allowed_source_ips of its own), then import again`);
    }
    service.allowedSourceIps = sourceIps;
    restricted.push(name);
  }
  if (restricted.length > 0) ctx.notes.push(`${ctx.environment}: only ${sourceIps.join(', ')} reach ${restricted.join(', ')} (http.public.ingress.source_ips): the source-IP condition of each one's listener rule (allowedSourceIps); other clients get the load balancer's 404`);
}
