/**
 * The cost switches of `npm run cost`: NAT per AZ → single → none, Multi-AZ off, Fargate Spot, the
 * night schedule. Each is a modified copy of the synthesized stack, priced again by the estimate.
 */
import { arn } from '../../lib/naming';
import type { RegionPrices } from './prices';
import type { SwitchResult } from './estimate';
import { Body, StackJson, blocks, firstBlock, isTrue, referencedName, resourcesOf } from './stack-json';
import { dbSchedule, schedulerTarget, serviceSchedule, targetsService } from './stack-schedules';

/** Interface endpoints the stack needs without NAT (ECR pulls, logs, secrets; S3 stays a gateway endpoint). */
export const NAT_FREE_ENDPOINTS = ['ecr.api', 'ecr.dkr', 'logs', 'secretsmanager'] as const;

/** The night schedule the switch models when a stack has none. */
export const NIGHT_SCHEDULE = {
  up: 'cron(0 7 ? * MON-FRI *)',
  down: 'cron(0 20 ? * MON-FRI *)',
  timezone: 'Europe/Dublin',
} as const;

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

/**
 * What each cost switch would save: the stack modified the way the switch would, priced again by
 * `floorOf` (the estimate's floor), against `floorUsd`.
 */
export function costSwitches(json: StackJson, prices: RegionPrices, floorUsd: number, production: boolean | undefined, floorOf: (modified: StackJson) => number): SwitchResult[] {
  const out: SwitchResult[] = [];
  const after = floorOf;
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
