import { ManifestKind } from './spec';

/**
 * What the importer carries over of Copilot's documented fields (spec.ts), and why it does not carry
 * over the rest: the reasons the `unmapped` entries give. A test checks that the two cover the whole
 * specification and counts them (docs/migrating-from-copilot.md quotes the counts).
 */

/** Why a field is not carried over, by field (the first matching prefix wins). */
const REASONS: [RegExp, string][] = [
  [/^image\.(build|location|context|dockerfile|args|target|cache_from)/, 'images are released by tag into this project\'s ECR repository: build and push it there (help, "From zero to a released staging"), then `npm run release -- <env> <tag>`'],
  [/^image\.depends_on\./, 'the app container waits for sidecars of its own task only (dependsOn): this names no sidecar of the workload'],
  [/^image\.(labels|credentials)/, 'not carried over: set labels in the image (Dockerfile LABEL); images come from the environment\'s own ECR repository, which needs no credentials'],
  [/^platform/, 'the tasks of an environment share one CPU architecture here (compute.cpuArchitecture) and this workload\'s differs from the others\': build its image for theirs (docker build --platform), or multi-arch'],
  [/^storage\.readonly_fs/, 'root file systems stay writable here (web frameworks write caches and uploads to local disk: a deliberate exception in src/modules/service.ts)'],
  [/^storage(\.|$)/, 'EFS volumes are not supported: keep shared files in the media bucket (S3, MEDIA_BUCKET); a task\'s scratch space is its ephemeral storage (ephemeralStorageGiB, up to 200 GiB)'],
  [/^logging\.retention/, 'one log retention per environment here (compute.logRetentionDays), in the days CloudWatch Logs takes: the first workload\'s is carried over'],
  [/^logging(\.|$)/, 'logs go to CloudWatch Logs (awslogs, one group per service, compute.logRetentionDays); FireLens routing is not carried over'],
  [/^observability(\.|$)/, 'tracing sidecars are not carried over: add the collector as a sidecar (compute.*.sidecars)'],
  [/^taskdef_overrides/, 'task definition overrides are not carried over: each one needs a config field or a change in src/modules/service.ts'],
  [/^deployment\.rollback_alarms\.messages_delayed/, 'no queue alarm rolls a deployment back here: late work raises the queue-oldest-message alarm (a warning); to roll back on a queue metric, create the alarm and name it in rollbackAlarms'],
  [/^deployment(\.|$)/, 'deployments here are rolling (new tasks healthy before old ones stop: 100%/200%) and roll back on the service\'s own 5xx alarm and the ECS circuit breaker (docs/operations.md, "Releases"); "recreate" is not carried over'],
  [/^network\.(connect|vpc\.security_groups)/, 'security groups here reference each other per service (docs/security.md, "Security notes"); Service Connect is not carried over'],
  [/^network\.vpc\.placement/, 'tasks always run in the private subnets here'],
  [/^http\.healthcheck\.port/, 'the load balancer checks the port it sends traffic to (the app\'s, or targetContainer\'s)'],
  [/^http\.additional_rules\[\d*\]\./, 'an additional rule with a target, health check, stickiness, delay or source IPs of its own (or on a Backend Service\'s internal load balancer): a service here has one target group behind one rule; make it an HTTP service of its own (compute.services[] with these hosts/paths)'],
  [/^http\.(redirect_to_https|hosted_zone|alias\[\d+\]\.hosted_zone|version|target_port)/, 'not carried over: a service has one rule here, by host, path and source IP (compute.services[].hosts/paths/allowedSourceIps), HTTP always redirects to HTTPS, and the WAF protects it (waf.*)'],
  [/^nlb(\.|$)/, 'no Network Load Balancer here: TCP/UDP services are not supported'],
  [/^count\.(memory_percentage|response_time)/, 'a queue worker scales on its backlog per task alone (count.queue_delay); a Backend or Worker Service has no load balancer, so no response time: not carried over'],
  [/cooldown/, 'scaling cooldowns are the project\'s (target tracking: 60 s out, 300 s in)'],
  [/^count\.(spot_from|spot|range\.spot_from)/, 'Fargate Spot runs x86 tasks only, and production keeps its minimum count on demand (spotFrom above minCount)'],
  [/^subscribe\.(topics\[\]\.)?queue\.fifo\.(deduplication_scope|throughput_limit|high_throughput)/, 'FIFO queues here deduplicate per queue with the default throughput; high-throughput FIFO is not carried over'],
  [/^secrets\.\*\.from_cfn|^secrets\.[^.]+\.from_cfn/, 'CloudFormation exports are not read: keep the value in a secret of your own (compute.secrets, npm run secret)'],
  [/^sidecars\.[^.]+\.(image\.|credentialsParameter|mount_points|labels)/, 'sidecar images are given by name (compute.*.sidecars[].image; public.ecr.aws images come through the pull-through cache); sidecar builds, registry credentials, mounts and labels are not carried over'],
  [/^http\.alb/, 'an imported Copilot load balancer: each environment here has its own'],
  [/^http(\.(path|healthcheck|deregistration_delay|target_container|alias|target_port|stickiness|allowed_source_ips|additional_rules)|$)/, 'a backend service\'s internal load balancer is not carried over: an internal service here is reached by name (Cloud Map DNS, <NAME>_URL) without a load balancer'],
  [/^http\.alias\[\]\.hosted_zone/, 'the hosted zone is found by the domain\'s name (domain.dns.zoneName), not by id'],
  [/^http\.private(\.|$)/, 'private endpoints and internal load balancers are not supported yet'],
  [/^tags(\.|$)/, 'tags are per environment here (tags), on every resource: set the ones you need there'],
  [/^(http\.certificate|files)/, 'Static Site: the environment\'s CloudFront serves the app\'s own static files (collectstatic into the static bucket); a separate static site is not carried over'],
  [/^network\.vpc\.subnets\.(public|private)\[(\d+|)\]\.cidr/, 'subnet CIDRs are derived from the VPC CIDR here (docs/configuration.md, "Configure an environment"): the subnets\' count (azCount) and zones (availabilityZones) are carried over'],
  [/^network\.vpc\.security_group/, 'the environment-wide security group rules are not carried over: security groups here are per service and reference each other (docs/security.md, "Security notes")'],
  [/^network\.vpc\.flow_logs\.retention/, 'flow logs are kept as long as the other logs (compute.logRetentionDays)'],
  [/^cdn\.(static_assets|terminate_tls)/, 'CloudFront here serves the static files bucket (assets.*); a CDN in front of the load balancer and TLS termination at it are not carried over'],
  [/^http\.public\.access_logs/, 'load balancer access logs go to the stack\'s own bucket (loadBalancer.accessLogs, on in production)'],
  [/^http\.(public\.)?ssl_policy/, 'the TLS policy is the project\'s (TLS 1.2 and 1.3 only)'],
  [/^http\.public\.(ingress|security_groups)/, 'the load balancer takes 80 and 443 from the internet, behind the WAF (waf.*); CDN-only ingress is not carried over (source IPs are: each service\'s allowedSourceIps)'],
  [/^variables\./, 'a job\'s variable that differs from the other workloads\': jobs share the one-off task here (compute.environment for all of them); set it in the command, e.g. ["env", "NAME=value", ...]'],
];
/**
 * The documented fields (spec.ts paths) the importer carries over; every other documented field
 * has a reason in REASONS. A test checks that the two cover the whole specification, and counts them.
 */
export const MAPPED_FIELDS: RegExp[] = [
  /^(name|type|platform(\.(osfamily|architecture))?|image\.port|http\.path|http\.target_container|http\.deregistration_delay|cpu|memory|exec|command|entrypoint|env_file|timeout|retries|on\.schedule|on)$/,
  /^image\.healthcheck(\.(command|interval|retries|timeout|start_period))?$/, /^storage(\.ephemeral)?$/, /^logging(\.retention)?$/, /^deployment(\.rollback_alarms(\.(cpu_utilization|memory_utilization))?)?$/,
  /^http\.alias(\[\]\.name)?$/, /^http\.additional_rules(\[\]\.(path|alias|alias\[\]\.name|target_container|target_port))?$/, /^http\.healthcheck(\.(path|success_codes|healthy_threshold|unhealthy_threshold|interval|timeout|grace_period))?$/, /^http\.(stickiness|allowed_source_ips)$/, /^http$/, /^image$/,
  /^count(\.range(\.(min|max|spot_from))?|\.spot(_from)?|\.(cpu_percentage|memory_percentage|requests|response_time)(\.value)?|\.queue_delay(\.(acceptable_latency|msg_processing_time))?)?$/,
  /^variables(\.\*)?$/, /^secrets(\.\*(\.secretsmanager)?)?$/, /^image\.depends_on(\.\*)?$/,
  /^sidecars(\.\*(\.(image|port|essential|command|entrypoint|env_file|healthcheck(\.(command|interval|retries|timeout|start_period))?|depends_on(\.\*)?|variables(\.\*)?|secrets(\.\*(\.secretsmanager)?)?))?)?$/,
  /^subscribe(\.queue(\.(timeout|retention|delay|dead_letter(\.tries)?|fifo(\.content_based_deduplication)?))?)?$/,
  /^subscribe\.topics(\[\]\.(name|service|filter_policy(\.\*\*)?|queue(\.(timeout|retention|delay|dead_letter(\.tries)?|fifo(\.content_based_deduplication)?))?))?$/,
  /^publish(\.topics(\[\]\.(name|fifo(\.content_based_deduplication)?))?)?$/,
  // Environment manifests.
  /^network(\.vpc(\.(id|cidr|flow_logs|subnets(\.(public|private)(\[\]\.(id|az))?)?))?)?$/,
  /^http\.public(\.certificates|\.ingress(\.source_ips)?)?$/, /^cdn(\.certificate)?$/, /^observability(\.container_insights)?$/,
];

/** Whether the importer carries this documented field of this kind of manifest over. */
export function isMapped(kind: ManifestKind, field: string): boolean {
  // Static sites are listed whole; a backend service has no route (its http.* is listed).
  if (kind === 'Static Site') return field === 'name' || field === 'type';
  if (kind === 'Backend Service' && /^http/.test(field)) return false;
  if (kind === 'Backend Service' && /^network\.connect/.test(field)) return true;
  // Jobs share the one-off task: no sidecars or volumes of their own (their entrypoint goes in front of the command).
  if (kind === 'Scheduled Job' && /^(sidecars|storage|image\.depends_on|logging)/.test(field)) return false;
  return MAPPED_FIELDS.some((re) => re.test(field));
}

/** Why a whole kind of workload is not carried over (undefined: it is). */
export function kindReason(kind: ManifestKind): string | undefined {
  if (kind === 'Static Site') return 'Static Site: the environment\'s CloudFront serves the app\'s own static files (collectstatic into the static bucket); a separate static site is not carried over';
  return undefined;
}

/** Reasons that hold for one kind of workload only (checked first). */
const KIND_REASONS: Partial<Record<ManifestKind, [RegExp, string][]>> = {
  'Scheduled Job': [
    [/^image\.depends_on/, 'jobs run as the one-off task of the app\'s image here, without sidecars to wait for'],
    [/^logging/, 'the one-off task logs to CloudWatch Logs like every process (compute.logRetentionDays); FireLens routing is not carried over'],
    [/^sidecars/, 'jobs run as the one-off task of the app\'s image here, without sidecars: run what the sidecar did in the job\'s command, or as a service'],
    [/^storage/, 'jobs share the one-off task here: EFS volumes are not carried over; keep shared files in the media bucket'],
  ],
};

/** Why a documented field is not carried over (undefined: no specific reason). */
export function reasonFor(field: string, kind?: ManifestKind): string | undefined {
  return [...(kind ? KIND_REASONS[kind] ?? [] : []), ...REASONS].find(([re]) => re.test(field))?.[1];
}

/** The reason a leftover field is listed with. */
export const fallback = (field: string) => REASONS.find(([re]) => re.test(field))?.[1] ?? 'not carried over by the importer: see docs/migrating-from-copilot.md for the closest config field';
