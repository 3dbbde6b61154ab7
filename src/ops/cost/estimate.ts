/**
 * `npm run cost`: a monthly (730 h) estimate of an environment's fixed cost floor, offline, from
 * its synthesized Terraform JSON (cdktf.out/stacks/<env>/cdk.tf.json) and the checked-in price
 * table (src/ops/cost/prices.ts), plus explicit usage assumptions and what each cost switch saves.
 *
 * Pure logic only (no process, no fs): src/ops/cost/cli.ts and scripts/cost.ts are the command
 * line around it. What it reads from the JSON, and the conventions it applies:
 *
 * - Counts of ECS services are Terraform expressions such as
 *   `${(aws_ssm_parameter.tag.insecure_value == "unreleased") ? 0 : 2}` (0 until the first image
 *   is released): the estimate uses the released count, the number after the `:`. The minimum of a
 *   service is its `aws_appautoscaling_target.min_capacity` (else its `desired_count`).
 * - Multi-AZ RDS is priced as twice the Single-AZ instance and storage (AWS lists it at about
 *   twice). Performance Insights with 7 days of retention is free; backup storage up to the size
 *   of the database is free.
 * - Fargate Spot is a floating price (see its entry in prices.ts for the date it was read).
 * - Scheduled scale-to-zero (`aws_appautoscaling_scheduled_action`, matched to a service through
 *   the scaling target its `resource_id` references, or the service itself) and RDS stop/start
 *   (`aws_scheduler_schedule` → rds:stopDBInstance / startDBInstance) reduce running hours: the
 *   Fargate (and task public IPv4) hours of a scheduled service and the instance hours of a stopped
 *   DB are the awake hours between the up and down crons; see schedule.ts for the forms understood.
 * - Usage-driven charges are never hidden: they are assumption lines with their price, from an
 *   `Assumptions` object the user can change.
 */
import {
  Architecture, OFFICIAL_PAGES, PRICES, Price, RegionPrices, pricesFor,
} from './prices';
import { HOURS_PER_MONTH } from './schedule';
import { Body, StackJson, blocks, firstBlock, instances, isTrue, referencedName, regionOf, resourcesOf, releasedCount } from './stack-json';
import { dbSchedule, serviceSchedule, targetsService } from './stack-schedules';
import { costSwitches } from './switches';
import { Assumptions, DEFAULT_ASSUMPTIONS, assumptionLines, fmtNum } from './assumptions';

export { HOURS_PER_MONTH } from './schedule';
export { ASSUMPTION_DOCS, DEFAULT_ASSUMPTIONS } from './assumptions';
export type { Assumptions } from './assumptions';
export type { StackJson } from './stack-json';
export { releasedCount } from './stack-json';
export { NAT_FREE_ENDPOINTS, NIGHT_SCHEDULE, withMultiAzOff, withNatMode, withNightSchedule, withSpot, withoutSchedules } from './switches';

// ---------------------------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------------------------


export interface EstimateOptions {
  /** Environment (stack) name, for the report. */
  name?: string;
  /** Production environments get no Spot or night-schedule switch (validate.ts forbids them). */
  production?: boolean;
  assumptions?: Partial<Assumptions>;
  /** Price table (default: src/ops/cost/prices.ts). */
  prices?: Readonly<Record<string, RegionPrices>>;
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

export interface CostLine {
  /** What is billed, e.g. "NAT gateway" or "Fargate webapp-prod-web vCPU (on-demand, x86)". */
  item: string;
  /** Billing quantity in `unit`s (hours, GB-months, months ...). */
  quantity: number;
  /** How the quantity was obtained, e.g. "3 × 730 h". */
  quantityLabel: string;
  /** Price per unit (undefined for a $0 informational line). */
  price?: Price;
  monthlyUsd: number;
  /** Terraform addresses the line comes from. */
  addresses: string[];
  notes: string[];
}

export interface NotPriced {
  address: string;
  reason: string;
}

export interface SwitchResult {
  id: 'nat-single' | 'nat-none' | 'multi-az-off' | 'spot' | 'night-schedule';
  label: string;
  applicable: boolean;
  /** Why it does not apply, or what it assumes. */
  detail: string;
  floorAfterUsd?: number;
  /** Positive: the floor drops by this much; negative: it grows. */
  savesUsd?: number;
}

export interface StackEstimate {
  name: string;
  region: string;
  production?: boolean;
  hoursPerMonth: number;
  /** Set when the region has no prices: nothing else is computed. */
  error?: string;
  lines: CostLine[];
  floorUsd: number;
  assumptions: Assumptions;
  assumptionLines: CostLine[];
  assumptionsUsd: number;
  totalUsd: number;
  notPriced: NotPriced[];
  /** Resource types billed only by usage (covered, or not, by the assumption lines). */
  usageDriven: { type: string; count: number; note: string }[];
  /** Resource types with no charge of their own. */
  noCharge: { type: string; count: number }[];
  switches: SwitchResult[];
  notes: string[];
  /** Lines whose price is an estimate (`source: 'estimate'`). */
  estimatedPrices: number;
}

// ---------------------------------------------------------------------------------------------
// Resource types
// ---------------------------------------------------------------------------------------------

/** Types priced by the floor (handled below). */
const PRICED_TYPES = new Set([
  'aws_nat_gateway', 'aws_eip', 'aws_lb', 'aws_alb', 'aws_ecs_service', 'aws_db_instance', 'aws_elasticache_replication_group',
  'aws_elasticache_cluster', 'aws_vpc_endpoint', 'aws_secretsmanager_secret', 'aws_route53_zone', 'aws_kms_key',
  'aws_cloudwatch_metric_alarm', 'aws_cloudwatch_dashboard', 'aws_wafv2_web_acl',
]);

/** Types that feed the floor of other resources (counts, hours): no charge of their own. */
const CONSUMED_TYPES = new Set([
  'aws_ecs_task_definition', 'aws_appautoscaling_target', 'aws_appautoscaling_scheduled_action', 'aws_scheduler_schedule',
]);

/** Types billed only by usage, with what covers them. */
const USAGE_TYPES: Readonly<Record<string, string>> = {
  aws_cloudfront_distribution: 'transfer and requests: the cloudfrontTransferGb assumption',
  aws_s3_bucket: 'storage and requests: the s3StorageGb / s3PutThousands / s3GetThousands assumptions',
  aws_cloudwatch_log_group: 'ingestion: the logsIngestedGb assumption (storage for the retention period is not estimated)',
  aws_flow_log: 'ingestion into its log group: part of the logsIngestedGb assumption',
  aws_sqs_queue: 'requests: the sqsMillionRequests assumption',
  aws_route53_record: 'DNS queries ($0.40 per million standard queries; alias queries to AWS resources are free): not estimated',
  aws_ecr_repository: 'image storage per GB-month and transfer: not estimated',
  aws_ecr_pull_through_cache_rule: 'cached image storage: not estimated',
  aws_sns_topic: 'publishes and deliveries: not estimated',
  aws_sesv2_email_identity: 'e-mails sent: the sesThousandEmails assumption',
  aws_lambda_function: 'requests and GB-seconds: not estimated',
};

/** Types with no charge of their own (configuration, networking plumbing, IAM ...). */
const FREE_TYPES = new Set([
  'aws_acm_certificate', 'aws_acm_certificate_validation', 'aws_appautoscaling_policy', 'aws_cloudfront_cache_policy',
  'aws_cloudfront_origin_access_control', 'aws_cloudfront_response_headers_policy', 'aws_cloudfront_origin_request_policy',
  'aws_cloudfront_function', 'aws_db_parameter_group', 'aws_db_subnet_group', 'aws_db_option_group', 'aws_default_security_group',
  'aws_default_network_acl', 'aws_default_route_table', 'aws_ecr_lifecycle_policy', 'aws_ecr_repository_policy',
  'aws_ecs_cluster', 'aws_ecs_cluster_capacity_providers', 'aws_elasticache_subnet_group', 'aws_elasticache_parameter_group',
  'aws_iam_role', 'aws_iam_role_policy', 'aws_iam_role_policy_attachment', 'aws_iam_policy', 'aws_iam_instance_profile',
  'aws_iam_service_linked_role', 'aws_internet_gateway', 'aws_egress_only_internet_gateway', 'aws_lb_listener',
  'aws_lb_listener_rule', 'aws_lb_listener_certificate', 'aws_lb_target_group', 'aws_route', 'aws_route_table',
  'aws_route_table_association', 'aws_s3_bucket_cors_configuration', 'aws_s3_bucket_lifecycle_configuration',
  'aws_s3_bucket_ownership_controls', 'aws_s3_bucket_policy', 'aws_s3_bucket_public_access_block',
  'aws_s3_bucket_server_side_encryption_configuration', 'aws_s3_bucket_versioning', 'aws_s3_bucket_logging',
  'aws_s3_bucket_notification', 'aws_secretsmanager_secret_version', 'aws_secretsmanager_secret_policy',
  'aws_secretsmanager_secret_rotation', 'aws_security_group', 'aws_security_group_rule', 'aws_ssm_parameter', 'aws_subnet',
  'aws_vpc', 'aws_vpc_security_group_egress_rule', 'aws_vpc_security_group_ingress_rule', 'aws_network_acl',
  'aws_kms_alias', 'aws_wafv2_web_acl_association', 'aws_wafv2_web_acl_logging_configuration',
  'aws_cloudwatch_log_resource_policy', 'aws_service_discovery_private_dns_namespace', 'aws_vpc_dhcp_options',
  'aws_vpc_dhcp_options_association', 'aws_scheduler_schedule_group', 'aws_sqs_queue_policy', 'aws_sns_topic_policy',
  'aws_sns_topic_subscription', 'aws_s3_object', 'aws_sesv2_configuration_set', 'aws_sesv2_configuration_set_event_destination',
  'aws_sesv2_email_identity_mail_from_attributes', 'aws_sesv2_account_suppression_attributes',
]);




// ---------------------------------------------------------------------------------------------
// Pricing
// ---------------------------------------------------------------------------------------------

class Pricer {
  readonly lines: CostLine[] = [];
  readonly notPriced: NotPriced[] = [];
  readonly notes: string[] = [];

  constructor(readonly json: StackJson, readonly prices: RegionPrices) {}

  add(item: string, quantity: number, quantityLabel: string, price: Price | undefined, addresses: string[], notes: string[] = []): void {
    const monthlyUsd = price ? quantity * price.usd : 0;
    this.lines.push({ item, quantity, quantityLabel, price, monthlyUsd, addresses, notes });
  }

  skip(address: string, reason: string): void {
    this.notPriced.push({ address, reason });
  }

  /** [address, body, instances] of a type; resources with an unreadable `count` are reported. */
  each(type: string): [string, Body, number][] {
    const out: [string, Body, number][] = [];
    for (const [name, body] of resourcesOf(this.json, type)) {
      const n = instances(body);
      if (n === undefined) this.skip(`${type}.${name}`, `count ${JSON.stringify(body.count)} is an expression the estimate cannot read`);
      else if (n > 0) out.push([`${type}.${name}`, body, n]);
    }
    return out;
  }
}

const H = HOURS_PER_MONTH;

function priceNetwork(pr: Pricer): void {
  const nats = pr.each('aws_nat_gateway');
  const natCount = nats.reduce((s, [, , n]) => s + n, 0);
  if (natCount > 0) {
    pr.add('NAT gateway', natCount * H, `${natCount} × ${H} h`, pr.prices.natGatewayHour, nats.map(([a]) => a));
  }
  const eips = pr.each('aws_eip');
  const eipCount = eips.reduce((s, [, , n]) => s + n, 0);
  if (eipCount > 0) {
    const natEips = new Set(nats.map(([, b]) => referencedName(b.allocation_id, 'aws_eip')).filter(Boolean));
    const forNat = eips.filter(([a]) => natEips.has(a.split('.')[1])).length;
    pr.add('Elastic IP (public IPv4)', eipCount * H, `${eipCount} × ${H} h`, pr.prices.publicIpv4Hour, eips.map(([a]) => a),
      forNat > 0 ? [`${forNat} attached to NAT gateways`] : []);
  }

  for (const [address, body, n] of pr.each('aws_vpc_endpoint')) {
    const type = String(body.vpc_endpoint_type ?? 'Gateway');
    if (type === 'Gateway') continue; // no charge
    if (type !== 'Interface') {
      pr.skip(address, `${type} endpoints are not in the price table`);
      continue;
    }
    const subnets = Array.isArray(body.subnet_ids) ? body.subnet_ids.length : 0;
    const azs = Math.max(1, subnets);
    const service = String(body.service_name ?? '').replace(/^com\.amazonaws\.[a-z0-9-]+\./, '');
    pr.add(`Interface endpoint ${service || address}`, n * azs * H, `${n > 1 ? `${n} × ` : ''}${azs} AZ × ${H} h`,
      pr.prices.interfaceEndpointHour, [address], subnets === 0 ? ['no subnet_ids: counted as 1 AZ'] : []);
  }
}

function priceLoadBalancers(pr: Pricer): void {
  for (const type of ['aws_lb', 'aws_alb']) {
    for (const [address, body, n] of pr.each(type)) {
      const kind = String(body.load_balancer_type ?? 'application');
      if (kind !== 'application') {
        pr.skip(address, `${kind} load balancers are not in the price table`);
        continue;
      }
      const name = body.name ?? address;
      pr.add(`Application Load Balancer ${name}`, n * H, `${n > 1 ? `${n} × ` : ''}${H} h`, pr.prices.albHour, [address]);
      if (!isTrue(body.internal)) {
        const azs = Array.isArray(body.subnets) ? body.subnets.length : blocks(body.subnet_mapping).length;
        if (azs > 0) {
          pr.add(`ALB public IPv4 (${name})`, n * azs * H, `${azs} AZ × ${H} h`, pr.prices.publicIpv4Hour, [address],
            ['one public IPv4 address per AZ the load balancer spans']);
        }
      }
    }
  }
}

/** Tasks on Spot out of `count`, from a capacity provider strategy (base first, then weights). */
export function spotTasks(strategy: Body[], count: number): number {
  if (strategy.length === 0) return 0;
  let remaining = count;
  const tasks = strategy.map(() => 0);
  strategy.forEach((s, i) => {
    const base = Math.min(remaining, Number(s.base ?? 0) || 0);
    tasks[i] += base;
    remaining -= base;
  });
  const weights = strategy.map((s) => Number(s.weight ?? 0) || 0);
  const total = weights.reduce((a, b) => a + b, 0);
  strategy.forEach((_, i) => {
    tasks[i] += total > 0 ? (remaining * weights[i]) / total : i === 0 ? remaining : 0;
  });
  return strategy.reduce((sum, s, i) => sum + (s.capacity_provider === 'FARGATE_SPOT' ? tasks[i] : 0), 0);
}

function priceServices(pr: Pricer): void {
  const json = pr.json;
  const targets = resourcesOf(json, 'aws_appautoscaling_target');
  const clusterDefaults = resourcesOf(json, 'aws_ecs_cluster_capacity_providers');
  const usedTaskDefs = new Set<string>();

  for (const [address, svc, multiplicity] of pr.each('aws_ecs_service')) {
    const logical = address.split('.')[1];
    const label = typeof svc.name === 'string' && !svc.name.includes('${') ? svc.name : logical;
    const tdName = referencedName(svc.task_definition, 'aws_ecs_task_definition');
    const td = tdName ? json.resource?.aws_ecs_task_definition?.[tdName] : undefined;
    if (tdName) usedTaskDefs.add(tdName);
    if (!td) {
      pr.skip(address, `task definition ${JSON.stringify(svc.task_definition)} not found in the stack`);
      continue;
    }
    if (svc.launch_type && svc.launch_type !== 'FARGATE') {
      pr.skip(address, `launch type ${svc.launch_type}: only Fargate is in the price table`);
      continue;
    }
    const platform = firstBlock(td.runtime_platform) ?? {};
    if (String(platform.operating_system_family ?? 'LINUX').toUpperCase().startsWith('WINDOWS')) {
      pr.skip(address, 'Windows Fargate tasks are not in the price table');
      continue;
    }
    const arch: Architecture = String(platform.cpu_architecture ?? 'X86_64').toUpperCase() === 'ARM64' ? 'ARM64' : 'X86_64';
    const vcpu = Number(td.cpu) / 1024;
    const gb = Number(td.memory) / 1024;
    if (!(vcpu > 0) || !(gb > 0)) {
      pr.skip(address, `task definition ${tdName} has no readable task-level cpu/memory (${td.cpu}/${td.memory})`);
      continue;
    }

    // Minimum count: the scaling target's min_capacity, else desired_count (released branch).
    const target = targets.find(([, t]) => targetsService(json, t.resource_id, logical, svc.name));
    const raw = target ? target[1].min_capacity : svc.desired_count;
    const parsed = releasedCount(raw ?? 0);
    if (!parsed) {
      pr.skip(address, `minimum count ${JSON.stringify(raw)} is an expression the estimate cannot read`);
      continue;
    }
    const count = parsed.count * multiplicity;
    const countNotes = [
      `minimum count from ${target ? 'aws_appautoscaling_target.min_capacity' : 'desired_count'}${parsed.expression ? ', released count (the number after the ":")' : ''}`,
    ];
    if (count === 0) {
      pr.add(`Fargate ${label}`, 0, '0 tasks', undefined, [address], countNotes);
      continue;
    }

    // Capacity: the service's strategy, else its launch type, else the cluster's default strategy.
    let strategy = blocks(svc.capacity_provider_strategy);
    if (strategy.length === 0 && !svc.launch_type) {
      const clusterRef = referencedName(svc.cluster, 'aws_ecs_cluster');
      const defaults = clusterDefaults.find(([, c]) => referencedName(c.cluster_name, 'aws_ecs_cluster') === clusterRef) ?? clusterDefaults[0];
      strategy = defaults ? blocks(defaults[1].default_capacity_provider_strategy) : [];
    }
    const spot = spotTasks(strategy, count);
    const onDemand = count - spot;

    const schedule = serviceSchedule(json, logical, svc.name);
    const hours = schedule?.hours.monthlyHours ?? H;
    const hoursLabel = hours === H ? `${H} h` : `${fmtNum(Math.round(hours * 100) / 100)} h`;
    const notes = [...countNotes];
    if (schedule) notes.push(schedule.hours.description);
    const addresses = [address, `aws_ecs_task_definition.${tdName}`, ...(target ? [`aws_appautoscaling_target.${target[0]}`] : []), ...(schedule?.addresses ?? [])];
    const archLabel = arch === 'ARM64' ? 'ARM' : 'x86';

    const lineFor = (tasks: number, kind: 'on-demand' | 'Spot') => {
      const rate = kind === 'Spot' ? pr.prices.fargateSpot[arch] : pr.prices.fargate[arch];
      const taskLabel = `${fmtNum(tasks)} task${tasks === 1 ? '' : 's'}`;
      const extra = kind === 'Spot' ? ['Fargate Spot is a floating price: see prices.ts for the date it was read'] : [];
      pr.add(`Fargate ${label} vCPU (${kind}, ${archLabel})`, tasks * vcpu * hours, `${taskLabel} × ${fmtNum(vcpu)} vCPU × ${hoursLabel}`,
        rate.vcpuHour, addresses, [...notes, ...extra]);
      pr.add(`Fargate ${label} memory (${kind}, ${archLabel})`, tasks * gb * hours, `${taskLabel} × ${fmtNum(gb)} GB × ${hoursLabel}`,
        rate.gbHour, addresses);
    };
    if (onDemand > 0) lineFor(onDemand, 'on-demand');
    if (spot > 0) lineFor(spot, 'Spot');

    const network = firstBlock(svc.network_configuration);
    if (network && isTrue(network.assign_public_ip)) {
      pr.add(`Public IPv4 of ${label} tasks`, count * hours, `${fmtNum(count)} × ${hoursLabel}`, pr.prices.publicIpv4Hour, [address],
        ['assign_public_ip = true: one public IPv4 per task']);
    }
  }

  for (const [name] of resourcesOf(json, 'aws_ecs_task_definition')) {
    if (!usedTaskDefs.has(name)) {
      pr.notes.push(`aws_ecs_task_definition.${name}: no service runs it (one-off tasks are billed per second while they run, not part of the floor)`);
    }
  }
}

function priceDatabases(pr: Pricer): void {
  const dbs = pr.each('aws_db_instance');
  for (const [address, db, n] of dbs) {
    const logical = address.split('.')[1];
    const engine = String(db.engine ?? '');
    if (db.cluster_identifier || engine.startsWith('aurora')) {
      pr.skip(address, `Aurora (${engine}) is not in the price table`);
      continue;
    }
    const multi = isTrue(db.multi_az);
    const factor = multi ? 2 : 1;
    const az = multi ? ' × 2 (Multi-AZ)' : '';
    const klass = String(db.instance_class ?? '');
    const price = pr.prices.rdsInstanceHour[engine]?.[klass];
    const schedule = dbSchedule(pr.json, logical, db.identifier, dbs.length === 1);
    const hours = schedule?.hours.monthlyHours ?? H;
    const hoursLabel = hours === H ? `${H} h` : `${fmtNum(Math.round(hours * 100) / 100)} h`;
    const ident = typeof db.identifier === 'string' && !db.identifier.includes('${') ? db.identifier : logical;
    if (!price) {
      pr.skip(address, `no price for ${engine} ${klass} in ${pr.prices.region}: add it to src/ops/cost/prices.ts (rdsInstanceHour)`);
    } else {
      const notes = multi ? ['Multi-AZ priced as twice Single-AZ'] : [];
      if (schedule) notes.push(`${schedule.hours.description} (stopped instance: storage still billed)`);
      pr.add(`RDS ${engine} ${klass} (${ident})`, n * factor * hours, `${n > 1 ? `${n} × ` : ''}${hoursLabel}${az}`, price,
        [address, ...(schedule?.addresses ?? [])], notes);
    }

    const storageType = String(db.storage_type ?? 'gp2');
    const gb = Number(db.allocated_storage ?? 0);
    if (!['gp2', 'gp3'].includes(storageType)) {
      pr.skip(`${address} (storage)`, `${storageType} storage is not in the price table`);
    } else if (gb > 0) {
      const notes = ['backup storage up to the size of the database is free'];
      if (db.max_allocated_storage) notes.push(`storage autoscaling up to ${db.max_allocated_storage} GB may raise this`);
      if (db.iops || db.storage_throughput) notes.push('provisioned IOPS/throughput above the gp3 baseline are not priced');
      pr.add(`RDS ${storageType} storage (${ident})`, n * gb * factor, `${gb} GB${az}`, pr.prices.rdsGp3GbMonth, [address], notes);
    }

    if (isTrue(db.performance_insights_enabled)) {
      const retention = Number(db.performance_insights_retention_period ?? 7);
      if (retention <= 7) {
        pr.add(`RDS Performance Insights (${ident})`, 1, '7 days retention', undefined, [address], ['free tier (7 days of retention): $0']);
      } else {
        pr.skip(`${address} (Performance Insights)`, `${retention} days of Performance Insights retention is billed and not in the price table`);
      }
    }
    if (isTrue(db.manage_master_user_password)) {
      pr.add(`RDS-managed master password secret (${ident})`, n, `${n} × 1 month`, pr.prices.secretMonth, [address],
        ['created and kept by RDS in Secrets Manager, billed like any secret']);
    }
  }
}

function priceCaches(pr: Pricer): void {
  for (const [address, rg, n] of pr.each('aws_elasticache_replication_group')) {
    const engine = String(rg.engine ?? 'redis');
    const node = String(rg.node_type ?? '');
    let nodes: number | undefined = releasedCount(rg.num_cache_clusters)?.count;
    const notes: string[] = [];
    if (nodes === undefined && rg.num_node_groups !== undefined) {
      const groups = releasedCount(rg.num_node_groups)?.count;
      const replicas = releasedCount(rg.replicas_per_node_group ?? 0)?.count;
      if (groups !== undefined && replicas !== undefined) nodes = groups * (replicas + 1);
    }
    if (nodes === undefined) {
      nodes = 1;
      notes.push('no num_cache_clusters: 1 node assumed');
    }
    const price = pr.prices.elasticacheNodeHour[engine]?.[node];
    if (!price) {
      pr.skip(address, `no price for ${engine} ${node} in ${pr.prices.region}: add it to src/ops/cost/prices.ts (elasticacheNodeHour)`);
      continue;
    }
    pr.add(`ElastiCache ${engine} ${node} (${rg.replication_group_id ?? address})`, n * nodes * H, `${nodes} node${nodes === 1 ? '' : 's'} × ${H} h`,
      price, [address], notes);
  }
  for (const [address, c, n] of pr.each('aws_elasticache_cluster')) {
    if (c.replication_group_id) continue; // a member of a replication group priced above
    const engine = String(c.engine ?? 'redis');
    const node = String(c.node_type ?? '');
    const nodes = releasedCount(c.num_cache_nodes ?? 1)?.count ?? 1;
    const price = pr.prices.elasticacheNodeHour[engine]?.[node];
    if (!price) {
      pr.skip(address, `no price for ${engine} ${node} in ${pr.prices.region}: add it to src/ops/cost/prices.ts (elasticacheNodeHour)`);
      continue;
    }
    pr.add(`ElastiCache ${engine} ${node} (${c.cluster_id ?? address})`, n * nodes * H, `${nodes} node${nodes === 1 ? '' : 's'} × ${H} h`, price, [address]);
  }
}

function priceMonthly(pr: Pricer): void {
  const secrets = pr.each('aws_secretsmanager_secret');
  const secretCount = secrets.reduce((s, [, b, n]) => s + n * (1 + blocks(b.replica).length), 0);
  if (secretCount > 0) {
    pr.add('Secrets Manager secrets', secretCount, `${secretCount} × 1 month`, pr.prices.secretMonth, secrets.map(([a]) => a),
      secrets.some(([, b]) => blocks(b.replica).length > 0) ? ['replicas count as secrets'] : []);
  }

  for (const [address, zone, n] of pr.each('aws_route53_zone')) {
    pr.add(`Route 53 hosted zone ${zone.name ?? address}`, n, `${n} × 1 month`, pr.prices.hostedZoneMonth, [address], ['queries are usage-driven']);
  }
  for (const [name, zone] of Object.entries(pr.json.data?.aws_route53_zone ?? {})) {
    pr.add(`Route 53 hosted zone ${zone.name ?? name} (looked up)`, 0, 'shared, not counted', undefined, [`data.aws_route53_zone.${name}`],
      ['an existing zone shared with other stacks: its $0.50/month is not this stack\'s']);
  }

  const keys = pr.each('aws_kms_key');
  const keyCount = keys.reduce((s, [, , n]) => s + n, 0);
  if (keyCount > 0) {
    pr.add('KMS customer managed keys', keyCount, `${keyCount} × 1 month`, pr.prices.kmsKeyMonth, keys.map(([a]) => a),
      keys.some(([, k]) => isTrue(k.enable_key_rotation)) ? ['each automatic rotation adds $1/month per key (first two rotations): not included'] : []);
  }

  const alarms = pr.each('aws_cloudwatch_metric_alarm');
  const alarmCount = alarms.reduce((s, [, , n]) => s + n, 0);
  if (alarmCount > 0) {
    const notes: string[] = [];
    const math = alarms.filter(([, a]) => blocks(a.metric_query).length > 0).length;
    if (math > 0) notes.push(`${math} metric-math alarm(s) priced per alarm (AWS bills them per metric in the expression)`);
    if (alarms.some(([, a]) => Number(a.period) > 0 && Number(a.period) < 60)) notes.push('high-resolution alarms ($0.30) priced as standard');
    pr.add('CloudWatch alarms (standard resolution)', alarmCount, `${alarmCount} × 1 month`, pr.prices.alarmMonth, alarms.map(([a]) => a), notes);
  }
  for (const [name] of resourcesOf(pr.json, 'aws_cloudwatch_composite_alarm')) {
    pr.skip(`aws_cloudwatch_composite_alarm.${name}`, 'composite alarms are not in the price table');
  }

  const dashboards = pr.each('aws_cloudwatch_dashboard');
  const dashCount = dashboards.reduce((s, [, , n]) => s + n, 0);
  if (dashCount > 0) {
    pr.add('CloudWatch dashboards', dashCount, `${dashCount} × 1 month`, pr.prices.dashboardMonth, dashboards.map(([a]) => a),
      ['the first 3 dashboards per account are free (not deducted: the account may have others)']);
  }

  for (const [address, acl, n] of pr.each('aws_wafv2_web_acl')) {
    const name = acl.name ?? address;
    pr.add(`WAF web ACL ${name}`, n, `${n} × 1 month`, pr.prices.wafWebAclMonth, [address]);
    const rules = blocks(acl.rule);
    if (rules.length > 0) {
      pr.add(`WAF rules (${name})`, n * rules.length, `${rules.length} rule${rules.length === 1 ? '' : 's'} × 1 month`, pr.prices.wafRuleMonth, [address],
        ['a managed rule group counts as one rule']);
    }
    for (const rule of rules) {
      const statement = firstBlock(rule.statement) ?? {};
      const managed = firstBlock(statement.managed_rule_group_statement);
      const fee = managed ? pr.prices.wafManagedRuleGroupMonth[String(managed.name)] : undefined;
      if (fee) pr.add(`WAF managed rule group ${managed!.name} (${name})`, n, `${n} × 1 month`, fee, [address], ['the rule group\'s own fee']);
    }
  }
}

interface Floor {
  lines: CostLine[];
  floorUsd: number;
  notPriced: NotPriced[];
  notes: string[];
}

function priceFloor(json: StackJson, prices: RegionPrices): Floor {
  const pr = new Pricer(json, prices);
  priceNetwork(pr);
  priceLoadBalancers(pr);
  priceServices(pr);
  priceDatabases(pr);
  priceCaches(pr);
  priceMonthly(pr);
  for (const [type, entries] of Object.entries(json.resource ?? {})) {
    if (PRICED_TYPES.has(type) || CONSUMED_TYPES.has(type) || FREE_TYPES.has(type) || type in USAGE_TYPES) continue;
    for (const name of Object.keys(entries ?? {})) pr.skip(`${type}.${name}`, 'resource type not in the estimate (not priced)');
  }
  const floorUsd = pr.lines.reduce((s, l) => s + l.monthlyUsd, 0);
  return { lines: pr.lines, floorUsd, notPriced: pr.notPriced, notes: pr.notes };
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

function countTypes(json: StackJson, pick: (type: string) => boolean): { type: string; count: number }[] {
  return Object.entries(json.resource ?? {})
    .filter(([type]) => pick(type))
    .map(([type, entries]) => ({ type, count: Object.keys(entries ?? {}).length }))
    .sort((a, b) => a.type.localeCompare(b.type));
}

/** The monthly estimate of one synthesized stack. */
export function estimateStack(json: StackJson, options: EstimateOptions = {}): StackEstimate {
  const name = options.name ?? 'stack';
  const assumptions: Assumptions = { ...DEFAULT_ASSUMPTIONS, ...(options.assumptions ?? {}) };
  const region = regionOf(json);
  const empty = {
    name, region: region ?? 'unknown', production: options.production, hoursPerMonth: H, lines: [], floorUsd: 0, assumptions,
    assumptionLines: [], assumptionsUsd: 0, totalUsd: 0, notPriced: [], usageDriven: [], noCharge: [], switches: [], notes: [], estimatedPrices: 0,
  };
  if (!region) return { ...empty, error: 'no region found in provider.aws of the stack: cannot price it' };
  const prices = pricesFor(region, options.prices ?? PRICES);
  if (!prices) return { ...empty, error: `no prices for ${region}: add them to src/ops/cost/prices.ts` };

  const floor = priceFloor(json, prices);
  const aLines = assumptionLines(json, prices, assumptions);
  const assumptionsUsd = aLines.reduce((s, l) => s + l.monthlyUsd, 0);
  const usageDriven = countTypes(json, (t) => t in USAGE_TYPES).map((u) => ({ ...u, note: USAGE_TYPES[u.type] }));
  const noCharge = countTypes(json, (t) => FREE_TYPES.has(t) || t === 'aws_scheduler_schedule' || t === 'aws_appautoscaling_scheduled_action'
    || (t === 'aws_vpc_endpoint' && resourcesOf(json, t).every(([, e]) => (e.vpc_endpoint_type ?? 'Gateway') === 'Gateway')));
  const notes = [...floor.notes];
  if (resourcesOf(json, 'aws_scheduler_schedule').length > 0) {
    notes.push('EventBridge Scheduler: 14 million invocations per month are free; the schedules themselves are not priced');
  }
  const estimatedPrices = [...floor.lines, ...aLines].filter((l) => l.price?.source === 'estimate').length;
  return {
    name,
    region,
    production: options.production,
    hoursPerMonth: H,
    lines: floor.lines,
    floorUsd: floor.floorUsd,
    assumptions,
    assumptionLines: aLines,
    assumptionsUsd,
    totalUsd: floor.floorUsd + assumptionsUsd,
    notPriced: floor.notPriced,
    usageDriven,
    noCharge,
    switches: costSwitches(json, prices, floor.floorUsd, options.production, (modified) => priceFloor(modified, prices).floorUsd),
    notes,
    estimatedPrices,
  };
}

/** The official pricing pages, for the report's footer. */
export const PRICING_PAGES = OFFICIAL_PAGES;
