/**
 * What a synthesized stack says about when things sleep: the scheduled scaling actions of its ECS
 * services and the EventBridge Scheduler stop/start pairs of its DB instances, turned into
 * running hours (schedule.ts reads the cron forms).
 */
import { Body, StackJson, firstBlock, referencedName, releasedCount, resourcesOf } from './stack-json';
import { ScheduleHours, runningHours } from './schedule';

export interface ServiceSchedule {
  hours: ScheduleHours;
  addresses: string[];
}

/** ` (time zone)` of scheduled resources when they name one (it moves the window, not its length). */
export function timezoneNote(zones: unknown[]): string {
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
export function referencedTarget(value: string): string | undefined {
  return /\baws_appautoscaling_target\.([A-Za-z0-9_-]+)\.(resource_id|id)\b/.exec(value)?.[1];
}

/**
 * Whether a scalable-target `resource_id` designates the ECS service `logical` (named `serviceName`):
 * by a reference to the service, by a reference to a scaling target whose own `resource_id` does,
 * or by the literal service name as its last segment.
 */
export function targetsService(json: StackJson, resourceId: unknown, logical: string, serviceName: unknown, seen: ReadonlySet<string> = new Set()): boolean {
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

export interface DbSchedule {
  hours: ScheduleHours;
  addresses: string[];
}

export function schedulerTarget(body: Body): { action: 'stop' | 'start' | undefined; input: string } {
  const target = firstBlock(body.target) ?? {};
  const arn = String(target.arn ?? '');
  const action = /rds:stopDBInstance$/i.test(arn) ? 'stop' : /rds:startDBInstance$/i.test(arn) ? 'start' : undefined;
  const input = typeof target.input === 'string' ? target.input : JSON.stringify(target.input ?? '');
  return { action, input };
}

/** EventBridge Scheduler stop/start pairs that target a DB instance. */
export function dbSchedule(json: StackJson, logical: string, identifier: unknown, onlyDb: boolean): DbSchedule | undefined {
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
