import { Context } from './context';
import { ManifestReader, isRecord } from './reader';
import { commandArgs, durationSeconds, parseCount } from './translate';
import { LOG_RETENTION_DAYS } from '../../config/validate';

/**
 * The sizes, count and scaling of a service or worker, and the options of its app container:
 * Copilot's `cpu`, `memory`, `count` (number, range, spot_from, cpu/memory percentage, requests,
 * response time, queue delay), `entrypoint`, `storage.ephemeral`, `image.healthcheck` and
 * `deployment.rollback_alarms`.
 */

export type ProcessKind = 'http' | 'internal' | 'worker';

/** `label`: the process's name in notes (`web`, or the workload's name). */
export function sizing(r: ManifestReader, ctx: Context, target: Record<string, unknown>, kind: ProcessKind, label: string): void {
  const cpu = r.take<number>('cpu');
  const memory = r.take<number>('memory');
  if (cpu !== undefined) target.cpu = cpu;
  if (memory !== undefined) target.memory = memory;
  let count;
  try {
    count = parseCount(r.peek('count'));
  } catch {
    // App Runner's `count` names an auto scaling configuration.
    r.skip('count', 'App Runner\'s auto scaling configuration is not carried over: set minCount, maxCount and requestsPerTarget');
    return;
  }
  if (!count) return;
  if (typeof r.peek('count.range') === 'object') {
    r.take('count.range.min');
    r.take('count.range.max');
  } else r.take('count.range');
  if (typeof r.peek('count') !== 'object') r.take('count');
  target.minCount = count.min;
  target.maxCount = Math.max(count.max, count.min, 1);
  const takeTarget = (field: string) => r.take(isRecord(r.peek(field)) ? `${field}.value` : field);
  if (count.cpuPercentage !== undefined) {
    takeTarget('count.cpu_percentage');
    target.cpuTarget = count.cpuPercentage;
  }
  if (kind === 'http' && count.requests !== undefined) {
    takeTarget('count.requests');
    target.requestsPerTarget = count.requests;
  }
  if (kind === 'http' && count.responseTimeSeconds !== undefined) {
    takeTarget('count.response_time');
    target.responseTimeTarget = count.responseTimeSeconds;
  }
  const queueWorker = kind === 'worker' && count.queueDelay !== undefined;
  if (count.memoryPercentage !== undefined) {
    if (queueWorker) r.skip('count.memory_percentage', 'a queue worker scales on its backlog per task alone here (count.queue_delay): a memory policy would scale in while messages wait');
    else {
      takeTarget('count.memory_percentage');
      target.memoryTarget = count.memoryPercentage;
    }
  }
  if (queueWorker) {
    r.take('count.queue_delay.acceptable_latency');
    r.take('count.queue_delay.msg_processing_time');
    if (count.queueDelay!.acceptableLatencySeconds !== undefined) target.acceptableLatencySeconds = count.queueDelay!.acceptableLatencySeconds;
    if (count.queueDelay!.processingSeconds !== undefined) target.processingSeconds = count.queueDelay!.processingSeconds;
  }
  if (count.spotFrom !== undefined) spotFrom(r, ctx, target, count.spotFrom, label);
}

/**
 * `count.spot_from` (and `count.spot`, every task on Spot): the task count from which tasks run on
 * Fargate Spot. Spot runs x86 tasks only; production keeps its minimum on demand (validated), so a
 * lower value is raised there, with a note.
 */
function spotFrom(r: ManifestReader, ctx: Context, target: Record<string, unknown>, from: number, label: string): void {
  const field = r.peek('count.range.spot_from') !== undefined ? 'count.range.spot_from' : r.peek('count.spot_from') !== undefined ? 'count.spot_from' : 'count.spot';
  if (ctx.compute.cpuArchitecture === 'ARM64') {
    r.skip(field, 'Fargate Spot runs x86 tasks only and this environment runs on ARM64 (compute.cpuArchitecture): its tasks run on demand');
    return;
  }
  // Production runs 2 tasks at least (the mapping raises lower minimums afterwards).
  const min = Math.max(Number(target.minCount ?? 1), ctx.production ? 2 : 0);
  const max = Math.max(Number(target.maxCount ?? 1), ctx.production ? 2 : 0);
  let value = Math.max(1, from);
  if (ctx.production && value <= min) {
    value = min + 1;
    ctx.notes.push(`${ctx.environment}: ${label} ran tasks from ${from} on Spot; production here keeps its ${min} always-running tasks on demand, so Spot starts at task ${value} (spotFrom)`);
  }
  if (value > max) {
    r.skip(field, `Spot would start at task ${value}, above the maximum of ${max}: every task runs on demand here (production keeps its minimum on demand)`);
    return;
  }
  r.take(field);
  target.spotFrom = value;
}

/** Copilot keeps a workload's logs 30 days unless `logging.retention` says otherwise. */
export const COPILOT_LOG_RETENTION_DAYS = 30;

/**
 * `logging.retention`: the days a workload's logs are kept. One retention per environment here
 * (compute.logRetentionDays), so no workload keeps its logs shorter than it did: the longest of the
 * environment's workloads (those without `logging.retention` count Copilot's 30 days), set once
 * any workload names one. A shorter one is listed; a value CloudWatch does not take is listed.
 * `longest`: that maximum, computed over every workload of the environment beforehand.
 */
export function logRetention(r: ManifestReader, ctx: Context, longest: number | undefined): void {
  const days = r.peek('logging.retention');
  if (typeof days !== 'number' || longest === undefined) return;
  if (!LOG_RETENTION_DAYS.includes(days)) r.skip('logging.retention', `${days} days is not a retention CloudWatch Logs takes (${LOG_RETENTION_DAYS.join(', ')}): set compute.logRetentionDays to the nearest`);
  else if (days !== longest) r.skip('logging.retention', `the log retention is one per environment here (compute.logRetentionDays): ${longest} days, the longest of the environment's workloads (Copilot's default 30 counts for those without one), so no logs are kept shorter than before`);
  else r.take('logging.retention');
  ctx.compute.logRetentionDays = longest;
}

/** The longest retention of the workloads (Copilot's 30 days where unset), if any names one CloudWatch takes. */
export function longestRetention(bodies: Record<string, unknown>[]): number | undefined {
  const named = bodies.map((b) => (isRecord(b.logging) ? b.logging.retention : undefined));
  if (!named.some((d) => typeof d === 'number' && LOG_RETENTION_DAYS.includes(d))) return undefined;
  return Math.max(...named.map((d) => (typeof d === 'number' && LOG_RETENTION_DAYS.includes(d) ? d : COPILOT_LOG_RETENTION_DAYS)));
}

/** The app container's options: entrypoint, ephemeral storage, container health check, rollback alarms. */
export function containerOptions(r: ManifestReader, target: Record<string, unknown>): void {
  const entryPoint = commandArgs(r.take('entrypoint'));
  if (entryPoint) target.entryPoint = entryPoint;
  const ephemeral = r.peek('storage.ephemeral');
  if (typeof ephemeral === 'number') {
    r.take('storage.ephemeral');
    // 20 GiB is Fargate's default, which needs no setting.
    if (ephemeral > 20) target.ephemeralStorageGiB = ephemeral;
  }
  const check = healthCheckAt(r, 'image.healthcheck');
  if (check) target.containerHealthCheck = check;
  const alarms = r.peek('deployment.rollback_alarms');
  if (Array.isArray(alarms)) {
    r.take('deployment.rollback_alarms');
    target.rollbackAlarms = alarms.map(String);
  } else if (isRecord(alarms)) {
    // Copilot's thresholds: alarms of the service's own that roll its deployments back.
    const on: Record<string, number> = {};
    for (const [from, to] of [['cpu_utilization', 'cpuPercent'], ['memory_utilization', 'memoryPercent']] as const) {
      const v = r.take(`deployment.rollback_alarms.${from}`);
      if (typeof v === 'number') on[to] = v;
    }
    if (Object.keys(on).length > 0) target.rollbackOn = on;
    r.skip('deployment.rollback_alarms.messages_delayed', 'no queue alarm rolls a deployment back here: late work raises the queue-oldest-message alarm (a warning); to roll back on a queue metric, create the alarm and name it in rollbackAlarms');
  }
}

/** A container health check (`image.healthcheck`, `sidecars.<name>.healthcheck`), with Copilot's defaults where the manifest says nothing. */
export function healthCheckAt(r: ManifestReader, field: string): Record<string, unknown> | undefined {
  const check = r.peek(field);
  if (!isRecord(check) || check.command === undefined) return undefined;
  // Copilot's defaults (manifest reference, image.healthcheck), which differ from ECS's own (30 s, 3 retries).
  const seconds = (key: string, fallback: number) => {
    const v = r.take(`${field}.${key}`);
    return v === undefined ? fallback : Math.round(durationSeconds(v as string));
  };
  return {
    command: commandArgs(r.take(`${field}.command`)),
    intervalSeconds: seconds('interval', 10),
    timeoutSeconds: seconds('timeout', 5),
    retries: Number(r.take(`${field}.retries`) ?? 2),
    startPeriodSeconds: seconds('start_period', 0),
  };
}
