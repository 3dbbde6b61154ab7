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
import { arn } from '../../lib/naming';
import { HOURS_PER_MONTH, ScheduleHours, runningHours } from './schedule';

export { HOURS_PER_MONTH } from './schedule';

// ---------------------------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------------------------

/** The parts of a synthesized stack the estimate reads. */
export interface StackJson {
  provider?: Record<string, unknown>;
  resource?: Record<string, Record<string, any>>;
  data?: Record<string, Record<string, any>>;
  [key: string]: unknown;
}

/** Usage the floor cannot know: each one becomes an assumption line with its price. */
export interface Assumptions {
  /** Average Load Balancer Capacity Units per hour, per ALB. */
  albLcuAverage: number;
  /** GB per month served to the internet from the region (ALB responses). */
  dataTransferOutGb: number;
  /** GB per month processed by the NAT gateways (image pulls, API calls, outbound traffic). */
  natProcessedGb: number;
  /** GB per month through interface VPC endpoints. */
  endpointProcessedGb: number;
  /** GB per month delivered by CloudFront. */
  cloudfrontTransferGb: number;
  /** GB per month ingested into CloudWatch Logs (app logs, RDS logs, flow logs). */
  logsIngestedGb: number;
  /** GB stored in S3 Standard (all buckets). */
  s3StorageGb: number;
  /** Thousands of S3 PUT/COPY/POST/LIST requests per month. */
  s3PutThousands: number;
  /** Thousands of S3 GET requests per month. */
  s3GetThousands: number;
  /** Millions of SQS requests per month. */
  sqsMillionRequests: number;
  /** Millions of requests inspected by WAF per month. */
  wafMillionRequests: number;
  /** Thousands of e-mails sent through SES per month (the email section). */
  sesThousandEmails: number;
}

export const DEFAULT_ASSUMPTIONS: Readonly<Assumptions> = {
  albLcuAverage: 1,
  dataTransferOutGb: 50,
  natProcessedGb: 20,
  endpointProcessedGb: 20,
  cloudfrontTransferGb: 50,
  logsIngestedGb: 10,
  s3StorageGb: 20,
  s3PutThousands: 100,
  s3GetThousands: 1000,
  sqsMillionRequests: 1,
  wafMillionRequests: 5,
  sesThousandEmails: 10,
};

export const ASSUMPTION_DOCS: Readonly<Record<keyof Assumptions, string>> = {
  albLcuAverage: 'average LCUs per hour per ALB (1 LCU = 25 new conn/s, 3,000 active conn/min, 1 GB/h or 1,000 rule evals/s)',
  dataTransferOutGb: 'GB/month served to the internet from the region (ALB responses)',
  natProcessedGb: 'GB/month through the NAT gateways (image pulls, AWS API calls, outbound calls)',
  endpointProcessedGb: 'GB/month through interface VPC endpoints',
  cloudfrontTransferGb: 'GB/month delivered by CloudFront',
  logsIngestedGb: 'GB/month ingested into CloudWatch Logs',
  s3StorageGb: 'GB stored in S3 Standard, all buckets',
  s3PutThousands: 'thousands of S3 PUT/COPY/POST/LIST requests per month',
  s3GetThousands: 'thousands of S3 GET requests per month',
  sqsMillionRequests: 'millions of SQS requests per month',
  wafMillionRequests: 'millions of requests inspected by WAF per month',
  sesThousandEmails: 'thousands of e-mails sent through SES per month',
};

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

/** Interface endpoints the stack needs without NAT (ECR pulls, logs, secrets; S3 stays a gateway endpoint). */
export const NAT_FREE_ENDPOINTS = ['ecr.api', 'ecr.dkr', 'logs', 'secretsmanager'] as const;

/** The night schedule the switch models when a stack has none. */
export const NIGHT_SCHEDULE = {
  up: 'cron(0 7 ? * MON-FRI *)',
  down: 'cron(0 20 ? * MON-FRI *)',
  timezone: 'Europe/Dublin',
} as const;

// ---------------------------------------------------------------------------------------------
// Small readers of Terraform JSON values
// ---------------------------------------------------------------------------------------------

type Body = Record<string, any>;

function resourcesOf(json: StackJson, type: string): [string, Body][] {
  return Object.entries(json.resource?.[type] ?? {});
}

/** A nested block: cdktf renders single blocks as objects and repeated ones as arrays. */
function blocks(value: unknown): Body[] {
  if (Array.isArray(value)) return value.filter((v) => v && typeof v === 'object');
  return value && typeof value === 'object' ? [value as Body] : [];
}

function firstBlock(value: unknown): Body | undefined {
  return blocks(value)[0];
}

/** Logical name of `${<type>.<name>.<attr>}` references in a string (first match). */
function referencedName(value: unknown, type: string): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = new RegExp(`\\b${type}\\.([A-Za-z0-9_-]+)\\.`).exec(value);
  return m?.[1];
}

/**
 * A count as the estimate reads it: a number, a numeric string, or a conditional expression
 * whose released branch is the number after the `:` (`${(... == "unreleased") ? 0 : 2}` → 2).
 */
export function releasedCount(value: unknown): { count: number; expression: boolean } | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return { count: value, expression: false };
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return { count: Number(text), expression: false };
  const m = /:\s*(\d+)\s*\)?\s*\}$/.exec(text);
  if (m && text.startsWith('${') && text.includes('?')) return { count: Number(m[1]), expression: true };
  return undefined;
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/** The `count` meta-argument: 1 when absent, the number when literal, undefined otherwise. */
function instances(body: Body): number | undefined {
  if (body.count === undefined) return 1;
  const c = releasedCount(body.count);
  return c?.count;
}

function regionOf(json: StackJson): string | undefined {
  const aws = json.provider?.aws;
  const list = Array.isArray(aws) ? aws : aws ? [aws] : [];
  const main = list.find((p: any) => p && typeof p === 'object' && !p.alias) ?? list[0];
  const region = (main as any)?.region;
  return typeof region === 'string' && !region.includes('${') ? region : undefined;
}

const fmtNum = (n: number): string => (Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000));

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

interface ServiceSchedule {
  hours: ScheduleHours;
  addresses: string[];
}

/** ` (time zone)` of scheduled resources when they name one (it moves the window, not its length). */
function timezoneNote(zones: unknown[]): string {
  const named = [...new Set(zones.filter((z): z is string => typeof z === 'string' && z !== ''))];
  return named.length > 0 ? ` (${named.join(', ')})` : '';
}

/**
 * Scheduled actions that scale a service: their `resource_id` designates the service directly
 * (`service/${aws_ecs_cluster.c.name}/${aws_ecs_service.s.name}` or a literal
 * `service/<cluster>/<name>`) or through its scaling target (`${aws_appautoscaling_target.t.resource_id}`,
 * what src/modules/night-schedule.ts renders). Up/down: an action that sets min and max to 0 is
 * "down", any other is "up"; the running hours are those between them (schedule.ts).
 */
export function serviceSchedule(json: StackJson, logical: string, serviceName: unknown): ServiceSchedule | undefined {
  const actions = resourcesOf(json, 'aws_appautoscaling_scheduled_action')
    .filter(([, a]) => (a.service_namespace ?? 'ecs') === 'ecs' && targetsService(json, a.resource_id, logical, serviceName));
  if (actions.length === 0) return undefined;
  const up: string[] = [];
  const down: string[] = [];
  for (const [, a] of actions) {
    const target = firstBlock(a.scalable_target_action) ?? {};
    const min = releasedCount(target.min_capacity)?.count;
    const max = releasedCount(target.max_capacity)?.count;
    const schedule = String(a.schedule ?? '');
    if (min === 0 && (max === 0 || max === undefined)) down.push(schedule);
    else up.push(schedule);
  }
  const hours = runningHours(up, down);
  const zone = down.length > 0 ? timezoneNote(actions.map(([, a]) => a.timezone)) : '';
  return {
    hours: { ...hours, description: `${hours.description}${zone}` },
    addresses: actions.map(([n]) => `aws_appautoscaling_scheduled_action.${n}`),
  };
}

/** Logical name of the scaling target a `${aws_appautoscaling_target.<name>.resource_id}` (or `.id`) reference designates. */
function referencedTarget(value: string): string | undefined {
  return /\baws_appautoscaling_target\.([A-Za-z0-9_-]+)\.(resource_id|id)\b/.exec(value)?.[1];
}

/**
 * Whether a scalable-target `resource_id` designates the ECS service `logical` (named `serviceName`):
 * by a reference to the service, by a reference to a scaling target whose own `resource_id` does,
 * or by the literal service name as its last segment.
 */
function targetsService(json: StackJson, resourceId: unknown, logical: string, serviceName: unknown, seen: ReadonlySet<string> = new Set()): boolean {
  if (typeof resourceId !== 'string') return false;
  if (referencedName(resourceId, 'aws_ecs_service') === logical) return true;
  const targetName = referencedTarget(resourceId);
  if (targetName !== undefined) {
    const target = json.resource?.aws_appautoscaling_target?.[targetName];
    if (!target || seen.has(targetName)) return false;
    return targetsService(json, target.resource_id, logical, serviceName, new Set([...seen, targetName]));
  }
  return typeof serviceName === 'string' && serviceName !== '' && !serviceName.includes('${') && resourceId.endsWith(`/${serviceName}`);
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

interface DbSchedule {
  hours: ScheduleHours;
  addresses: string[];
}

function schedulerTarget(body: Body): { action: 'stop' | 'start' | undefined; input: string } {
  const target = firstBlock(body.target) ?? {};
  const arn = String(target.arn ?? '');
  const action = /rds:stopDBInstance$/i.test(arn) ? 'stop' : /rds:startDBInstance$/i.test(arn) ? 'start' : undefined;
  const input = typeof target.input === 'string' ? target.input : JSON.stringify(target.input ?? '');
  return { action, input };
}

/** EventBridge Scheduler stop/start pairs that target a DB instance. */
function dbSchedule(json: StackJson, logical: string, identifier: unknown, onlyDb: boolean): DbSchedule | undefined {
  const up: string[] = [];
  const down: string[] = [];
  const addresses: string[] = [];
  const zones: unknown[] = [];
  for (const [name, s] of resourcesOf(json, 'aws_scheduler_schedule')) {
    if (String(s.state ?? 'ENABLED').toUpperCase() === 'DISABLED') continue;
    const { action, input } = schedulerTarget(s);
    if (!action) continue;
    const matches = referencedName(input, 'aws_db_instance') === logical
      || (typeof identifier === 'string' && !identifier.includes('${') && input.includes(`"${identifier}"`))
      || (onlyDb && !/aws_db_instance\./.test(input) && !/DbInstanceIdentifier/.test(input));
    if (!matches) continue;
    (action === 'stop' ? down : up).push(String(s.schedule_expression ?? ''));
    addresses.push(`aws_scheduler_schedule.${name}`);
    zones.push(s.schedule_expression_timezone);
  }
  if (addresses.length === 0) return undefined;
  const hours = runningHours(up, down);
  const zone = down.length > 0 ? timezoneNote(zones) : '';
  return { hours: { ...hours, description: `${hours.description}${zone}` }, addresses };
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

function assumptionLines(json: StackJson, prices: RegionPrices, a: Assumptions): CostLine[] {
  const lines: CostLine[] = [];
  const add = (item: string, quantity: number, quantityLabel: string, price: Price, key: keyof Assumptions, notes: string[] = []) => {
    lines.push({ item, quantity, quantityLabel, price, monthlyUsd: quantity * price.usd, addresses: [], notes: [`assumption ${key}: ${ASSUMPTION_DOCS[key]}`, ...notes] });
  };
  const has = (type: string) => Object.keys(json.resource?.[type] ?? {}).length > 0;
  const albs = [...resourcesOf(json, 'aws_lb'), ...resourcesOf(json, 'aws_alb')].filter(([, b]) => String(b.load_balancer_type ?? 'application') === 'application');

  if (albs.length > 0) {
    add('ALB LCUs', albs.length * a.albLcuAverage * H, `${albs.length} ALB × ${fmtNum(a.albLcuAverage)} LCU × ${H} h`, prices.albLcuHour, 'albLcuAverage');
    add('Data transfer out to the internet', a.dataTransferOutGb, `${fmtNum(a.dataTransferOutGb)} GB`, prices.dataTransferOutGb, 'dataTransferOutGb',
      ['the first 100 GB/month per account are free: not deducted']);
  }
  if (has('aws_nat_gateway')) add('NAT data processing', a.natProcessedGb, `${fmtNum(a.natProcessedGb)} GB`, prices.natGatewayGb, 'natProcessedGb');
  if (resourcesOf(json, 'aws_vpc_endpoint').some(([, e]) => e.vpc_endpoint_type === 'Interface')) {
    add('Interface endpoint data processing', a.endpointProcessedGb, `${fmtNum(a.endpointProcessedGb)} GB`, prices.interfaceEndpointGb, 'endpointProcessedGb');
  }
  if (has('aws_cloudfront_distribution')) {
    add('CloudFront data transfer out', a.cloudfrontTransferGb, `${fmtNum(a.cloudfrontTransferGb)} GB`, prices.cloudfrontGb, 'cloudfrontTransferGb',
      ['CloudFront\'s always-free tier (1 TB and 10M requests per month per account) would make this $0: not deducted']);
  }
  if (has('aws_cloudwatch_log_group') || has('aws_flow_log')) {
    add('CloudWatch Logs ingestion', a.logsIngestedGb, `${fmtNum(a.logsIngestedGb)} GB`, prices.logsIngestedGb, 'logsIngestedGb',
      ['storage for the retention period (about $0.03/GB-month) is not included']);
  }
  if (has('aws_s3_bucket')) {
    add('S3 Standard storage', a.s3StorageGb, `${fmtNum(a.s3StorageGb)} GB-month`, prices.s3StandardGbMonth, 's3StorageGb');
    add('S3 PUT/COPY/POST/LIST requests', a.s3PutThousands, `${fmtNum(a.s3PutThousands)} × 1,000`, prices.s3PutThousand, 's3PutThousands');
    add('S3 GET requests', a.s3GetThousands, `${fmtNum(a.s3GetThousands)} × 1,000`, prices.s3GetThousand, 's3GetThousands');
  }
  if (has('aws_sqs_queue')) {
    add('SQS requests', a.sqsMillionRequests, `${fmtNum(a.sqsMillionRequests)} M`, prices.sqsMillionRequests, 'sqsMillionRequests',
      ['the first 1M requests per month are free: not deducted']);
  }
  if (has('aws_sesv2_email_identity')) {
    add('SES outbound e-mail', a.sesThousandEmails, `${fmtNum(a.sesThousandEmails)} × 1,000`, prices.sesThousandEmails, 'sesThousandEmails',
      ['receiving, attachments and dedicated IPs are not included']);
  }
  if (has('aws_wafv2_web_acl')) add('WAF requests', a.wafMillionRequests, `${fmtNum(a.wafMillionRequests)} M`, prices.wafMillionRequests, 'wafMillionRequests');
  return lines;
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
// Cost switches: re-price a modified copy of the stack
// ---------------------------------------------------------------------------------------------

function clone(json: StackJson): StackJson {
  return structuredClone(json);
}

function remove(json: StackJson, type: string, name: string): void {
  const group = json.resource?.[type];
  if (!group) return;
  delete group[name];
  if (Object.keys(group).length === 0) delete json.resource![type];
}

function put(json: StackJson, type: string, name: string, body: Body): void {
  json.resource ??= {};
  json.resource[type] ??= {};
  json.resource[type][name] = body;
}

/** Private subnets (as references) the services run in; else the DB subnet group's; else those no ALB/NAT uses. */
function privateSubnets(json: StackJson): string[] {
  const fromServices = new Set<string>();
  for (const [, svc] of resourcesOf(json, 'aws_ecs_service')) {
    for (const s of firstBlock(svc.network_configuration)?.subnets ?? []) fromServices.add(String(s));
  }
  if (fromServices.size > 0) return [...fromServices];
  for (const [, g] of resourcesOf(json, 'aws_db_subnet_group')) {
    if (Array.isArray(g.subnet_ids) && g.subnet_ids.length > 0) return g.subnet_ids.map(String);
  }
  const publicRefs = new Set<string>();
  for (const [, lb] of [...resourcesOf(json, 'aws_lb'), ...resourcesOf(json, 'aws_alb')]) for (const s of lb.subnets ?? []) publicRefs.add(String(s));
  for (const [, nat] of resourcesOf(json, 'aws_nat_gateway')) publicRefs.add(String(nat.subnet_id));
  return resourcesOf(json, 'aws_subnet').map(([n]) => `\${aws_subnet.${n}.id}`).filter((r) => !publicRefs.has(r));
}

/** NAT per AZ → a single NAT (keeps the first NAT and its EIP), or → none (adds the interface endpoints the stack needs). */
export function withNatMode(json: StackJson, mode: 'single' | 'none', region: string): StackJson {
  const out = clone(json);
  const nats = resourcesOf(out, 'aws_nat_gateway');
  const drop = mode === 'single' ? nats.slice(1) : nats;
  for (const [name, nat] of drop) {
    const eip = referencedName(nat.allocation_id, 'aws_eip');
    if (eip) remove(out, 'aws_eip', eip);
    remove(out, 'aws_nat_gateway', name);
  }
  if (mode === 'none') {
    const subnets = privateSubnets(out);
    const existing = new Set(resourcesOf(out, 'aws_vpc_endpoint').filter(([, e]) => e.vpc_endpoint_type === 'Interface').map(([, e]) => String(e.service_name)));
    for (const service of NAT_FREE_ENDPOINTS) {
      const serviceName = `com.amazonaws.${region}.${service}`;
      if (existing.has(serviceName)) continue;
      put(out, 'aws_vpc_endpoint', `cost_switch_${service.replace('.', '_')}`, {
        service_name: serviceName, vpc_endpoint_type: 'Interface', subnet_ids: subnets, private_dns_enabled: true,
      });
    }
  }
  return out;
}

export function withMultiAzOff(json: StackJson): StackJson {
  const out = clone(json);
  for (const [, db] of resourcesOf(out, 'aws_db_instance')) db.multi_az = false;
  return out;
}

export function withSpot(json: StackJson): StackJson {
  const out = clone(json);
  for (const [, svc] of resourcesOf(out, 'aws_ecs_service')) {
    delete svc.launch_type;
    svc.capacity_provider_strategy = [{ capacity_provider: 'FARGATE_SPOT', weight: 1 }];
  }
  return out;
}

/** Adds the weekday 07:00-20:00 night schedule: every ECS service scales to 0, every DB instance stops. */
export function withNightSchedule(json: StackJson, region: string): StackJson {
  const out = clone(json);
  for (const [name, svc] of resourcesOf(out, 'aws_ecs_service')) {
    // Like src/modules/night-schedule.ts: the actions act on the service's scaling target when it has one.
    const target = resourcesOf(out, 'aws_appautoscaling_target').find(([, t]) => targetsService(out, t.resource_id, name, svc.name));
    const resourceId = target
      ? `\${aws_appautoscaling_target.${target[0]}.resource_id}`
      : `service/\${aws_ecs_cluster.x.name}/\${aws_ecs_service.${name}.name}`;
    const min = target ? target[1].min_capacity : svc.desired_count ?? 1;
    const max = target ? target[1].max_capacity ?? min : svc.desired_count ?? 1;
    const base = { service_namespace: 'ecs', scalable_dimension: 'ecs:service:DesiredCount', resource_id: resourceId, timezone: NIGHT_SCHEDULE.timezone };
    put(out, 'aws_appautoscaling_scheduled_action', `cost_switch_${name}_down`, {
      ...base, name: `${name}-down`, schedule: NIGHT_SCHEDULE.down, scalable_target_action: { min_capacity: 0, max_capacity: 0 },
    });
    put(out, 'aws_appautoscaling_scheduled_action', `cost_switch_${name}_up`, {
      ...base, name: `${name}-up`, schedule: NIGHT_SCHEDULE.up, scalable_target_action: { min_capacity: min, max_capacity: max },
    });
  }
  for (const [name] of resourcesOf(out, 'aws_db_instance')) {
    for (const [action, cron] of [['stop', NIGHT_SCHEDULE.down], ['start', NIGHT_SCHEDULE.up]] as const) {
      put(out, 'aws_scheduler_schedule', `cost_switch_${name}_${action}`, {
        schedule_expression: cron, schedule_expression_timezone: NIGHT_SCHEDULE.timezone, flexible_time_window: { mode: 'OFF' },
        target: {
          arn: arn(region, 'scheduler', '', '', `aws-sdk:rds:${action}DBInstance`),
          input: `{"DbInstanceIdentifier":"\${aws_db_instance.${name}.identifier}"}`,
        },
      });
    }
  }
  return out;
}

/** The stack without its night schedule (to show what an existing schedule saves). */
export function withoutSchedules(json: StackJson): StackJson {
  const out = clone(json);
  delete out.resource?.aws_appautoscaling_scheduled_action;
  for (const [name, s] of resourcesOf(out, 'aws_scheduler_schedule')) if (schedulerTarget(s).action) remove(out, 'aws_scheduler_schedule', name);
  return out;
}

function hasSchedules(json: StackJson): boolean {
  return resourcesOf(json, 'aws_appautoscaling_scheduled_action').length > 0
    || resourcesOf(json, 'aws_scheduler_schedule').some(([, s]) => schedulerTarget(s).action !== undefined);
}

/** What a stack's own schedules put to sleep, e.g. "4 services scale to 0 and RDS stops, 65 h/week instead of 168". */
function scheduledSummary(json: StackJson): string {
  const services = resourcesOf(json, 'aws_ecs_service').map(([name, svc]) => serviceSchedule(json, name, svc.name)).filter((s) => s !== undefined);
  const dbs = resourcesOf(json, 'aws_db_instance');
  const stopped = dbs.map(([name, db]) => dbSchedule(json, name, db.identifier, dbs.length === 1)).filter((s) => s !== undefined);
  const parts: string[] = [];
  if (services.length > 0) parts.push(`${services.length} service${services.length === 1 ? '' : 's'} scale${services.length === 1 ? 's' : ''} to 0`);
  if (stopped.length > 0) parts.push(`${stopped.length === 1 ? 'RDS stops' : `${stopped.length} RDS instances stop`}`);
  const weekly = [...new Set([...services, ...stopped].map((s) => `${Math.round(s.hours.weeklyHours * 100) / 100} h/week`))];
  if (parts.length === 0) return 'schedules that match no service or DB instance';
  return `${parts.join(' and ')}, ${weekly.join(', ')} instead of 168`;
}

function switches(json: StackJson, prices: RegionPrices, floorUsd: number, production: boolean | undefined): SwitchResult[] {
  const out: SwitchResult[] = [];
  const after = (modified: StackJson) => priceFloor(modified, prices).floorUsd;
  const result = (id: SwitchResult['id'], label: string, modified: StackJson, detail: string): SwitchResult => {
    const floorAfterUsd = after(modified);
    return { id, label, applicable: true, detail, floorAfterUsd, savesUsd: floorUsd - floorAfterUsd };
  };
  const na = (id: SwitchResult['id'], label: string, detail: string): SwitchResult => ({ id, label, applicable: false, detail });

  const nats = resourcesOf(json, 'aws_nat_gateway').length;
  const mode = nats === 0 ? 'none' : nats === 1 ? 'single' : 'perAz';
  const endpoints = `adds interface endpoints ${NAT_FREE_ENDPOINTS.join(', ')} over the private subnets`;
  if (mode === 'perAz') {
    out.push(result('nat-single', 'NAT perAz → single', withNatMode(json, 'single', prices.region),
      `keeps 1 of ${nats} NAT gateways and its Elastic IP (one AZ then depends on another for egress)`));
  } else {
    out.push(na('nat-single', 'NAT perAz → single', `NAT mode is already ${mode}`));
  }
  out.push(mode === 'none'
    ? na('nat-none', 'NAT → none', 'there is no NAT gateway')
    : result('nat-none', `NAT ${mode} → none`, withNatMode(json, 'none', prices.region), `removes every NAT gateway and its Elastic IP, ${endpoints}`));

  const multi = resourcesOf(json, 'aws_db_instance').filter(([, db]) => isTrue(db.multi_az));
  out.push(multi.length === 0
    ? na('multi-az-off', 'Multi-AZ off (RDS)', resourcesOf(json, 'aws_db_instance').length === 0 ? 'no RDS instance' : 'already Single-AZ')
    : result('multi-az-off', 'Multi-AZ off (RDS)', withMultiAzOff(json), 'one instance and one copy of the storage instead of two'));

  const services = resourcesOf(json, 'aws_ecs_service');
  const allSpot = services.length > 0 && services.every(([, s]) => blocks(s.capacity_provider_strategy).every((c) => c.capacity_provider === 'FARGATE_SPOT')
    && blocks(s.capacity_provider_strategy).length > 0);
  if (production) out.push(na('spot', 'Fargate Spot for all services', 'production: validation forbids Fargate Spot'));
  else if (services.length === 0) out.push(na('spot', 'Fargate Spot for all services', 'no ECS service'));
  else if (allSpot) out.push(na('spot', 'Fargate Spot for all services', 'every service already runs on Fargate Spot'));
  else out.push(result('spot', 'Fargate Spot for all services', withSpot(json), 'Spot prices float; tasks may be interrupted with 2 minutes\' notice'));

  const scheduleLabel = 'night schedule (weekdays 07:00-20:00)';
  if (hasSchedules(json)) {
    const withoutFloor = after(withoutSchedules(json));
    out.push({
      id: 'night-schedule', label: 'night schedule (present)', applicable: true,
      detail: `already in the stack and in the total above: ${scheduledSummary(json)}; the saving shown is against running around the clock`,
      floorAfterUsd: floorUsd, savesUsd: withoutFloor - floorUsd,
    });
  } else if (production) {
    out.push(na('night-schedule', scheduleLabel, 'production: runs around the clock'));
  } else if (services.length === 0 && resourcesOf(json, 'aws_db_instance').length === 0) {
    out.push(na('night-schedule', scheduleLabel, 'nothing to schedule'));
  } else {
    out.push(result('night-schedule', scheduleLabel, withNightSchedule(json, prices.region),
      `services scale to 0 and RDS stops outside weekdays 07:00-20:00 (${NIGHT_SCHEDULE.timezone}): 65 h/week instead of 168; RDS storage still billed`));
  }
  return out;
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
    switches: switches(json, prices, floor.floorUsd, options.production),
    notes,
    estimatedPrices,
  };
}

/** The official pricing pages, for the report's footer. */
export const PRICING_PAGES = OFFICIAL_PAGES;
