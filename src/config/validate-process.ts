import { EnvironmentConfig, SidecarConfig, WorkerServiceConfig } from './types';

/** What a long-running process may set beside its sizes (schema.ts `process`). */
type ProcessOptions = Pick<WorkerServiceConfig, 'entryPoint' | 'ephemeralStorageGiB' | 'containerHealthCheck' | 'rollbackAlarms' | 'rollbackOn' | 'spotFrom' | 'memoryTarget' | 'minCount' | 'maxCount'> & {
  readonly responseTimeTarget?: number;
};

const whole = (n: unknown, min: number, max: number) => typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;

/**
 * The container and placement options of a service or worker: entry point, ephemeral storage,
 * container health check, rollback alarms, Spot from a count, memory and response-time scaling.
 * Ranges are ECS's, Fargate's and CloudWatch's (each message says which).
 */
export function processOptionProblems(env: EnvironmentConfig, p: ProcessOptions, field: string, fail: (field: string, message: string) => void, kind: { queueWorker?: boolean } = {}): void {
  if (p.entryPoint !== undefined && (p.entryPoint.length === 0 || p.entryPoint.some((a) => a === ''))) {
    fail(`${field}.entryPoint`, 'is empty or has an empty argument: give the executable and its arguments, e.g. ["/docker-entrypoint.sh"], or remove it to keep the image\'s');
  }
  // ECS developer guide, "Fargate task ephemeral storage": 21 to 200 GiB; 20 is the default without the parameter.
  if (p.ephemeralStorageGiB !== undefined && !whole(p.ephemeralStorageGiB, 21, 200)) {
    fail(`${field}.ephemeralStorageGiB`, `is ${p.ephemeralStorageGiB}: Fargate takes 21 to 200 GiB (remove it for the default 20 GiB)`);
  }
  if (p.containerHealthCheck) healthCheckProblems(p.containerHealthCheck, `${field}.containerHealthCheck`, fail);
  const alarms = p.rollbackAlarms ?? [];
  alarms.forEach((name, i) => {
    // CloudWatch alarm names: 1 to 255 characters, no control characters.
    if (name.length < 1 || name.length > 255 || /[\u0000-\u001f]/.test(name)) fail(`${field}.rollbackAlarms[${i}]`, `is "${name}": give the name of a CloudWatch alarm of ${env.region} (1 to 255 characters)`);
    if (alarms.indexOf(name) !== i) fail(`${field}.rollbackAlarms[${i}]`, `names "${name}" twice: list each alarm once`);
  });
  if (p.rollbackOn) {
    const on = p.rollbackOn;
    if (on.cpuPercent === undefined && on.memoryPercent === undefined) fail(`${field}.rollbackOn`, 'sets no threshold: give cpuPercent and/or memoryPercent, or remove it');
    for (const key of ['cpuPercent', 'memoryPercent'] as const) {
      if (on[key] !== undefined && !(on[key]! > 0 && on[key]! <= 100)) fail(`${field}.rollbackOn.${key}`, `is ${on[key]}: give a utilisation percentage above 0 and at most 100, e.g. 80`);
    }
  }
  if (p.spotFrom !== undefined) {
    const f = `${field}.spotFrom`;
    if (!whole(p.spotFrom, 1, 1000)) fail(f, `is ${p.spotFrom}: give the task count from which tasks run on Spot, 1 or more (1: all on Spot)`);
    // ECS developer guide, "AWS Fargate capacity providers": ARM64 Linux tasks cannot use Fargate Spot.
    else if (env.compute.cpuArchitecture === 'ARM64') fail(f, 'is set with compute.cpuArchitecture "ARM64": Fargate Spot runs x86 tasks only; remove it (ARM64 on demand is about 20% below x86 on demand)');
    else if (p.spotFrom > p.maxCount) fail(f, `is ${p.spotFrom}, above maxCount (${p.maxCount}): no task would ever run on Spot; lower it or remove it`);
    // Production keeps the tasks it always runs on demand: Spot may take a task back at two minutes' notice.
    else if (env.production && p.spotFrom <= p.minCount) fail(f, `is ${p.spotFrom} in a production environment with minCount ${p.minCount}: the tasks always running stay on demand there; use ${p.minCount + 1} or more (Spot for the burst only)`);
  }
  if (p.memoryTarget !== undefined) {
    if (kind.queueWorker) fail(`${field}.memoryTarget`, 'is set on a queue worker: it scales on its backlog per task alone (a second policy would scale in while messages wait); remove it');
    else if (!(p.memoryTarget > 0 && p.memoryTarget <= 100)) fail(`${field}.memoryTarget`, `is ${p.memoryTarget}: give a utilisation percentage above 0 and at most 100, e.g. 70`);
  }
  // The load balancer's idle timeout (60 s) ends any request that takes longer.
  if (p.responseTimeTarget !== undefined && !(p.responseTimeTarget > 0 && p.responseTimeTarget <= 60)) {
    fail(`${field}.responseTimeTarget`, `is ${p.responseTimeTarget}: give the average response time to keep, in seconds above 0 and at most 60, e.g. 0.5`);
  }
}

/** A container health check (the app's or a sidecar's) at `f`: ECS's command forms and ranges. */
export function healthCheckProblems(hc: NonNullable<SidecarConfig['healthCheck']>, f: string, fail: (field: string, message: string) => void): void {
  // ECS API reference, HealthCheck: "CMD" runs the command directly, "CMD-SHELL" with the container's default shell.
  if (!['CMD', 'CMD-SHELL'].includes(hc.command[0]) || hc.command.length < 2 || hc.command.some((a) => a === '')) {
    fail(`${f}.command`, `is ${JSON.stringify(hc.command)}: start with "CMD" or "CMD-SHELL", then the command, e.g. ["CMD-SHELL", "curl -f http://localhost:8000/healthz || exit 1"]`);
  }
  const ranges: ['intervalSeconds' | 'timeoutSeconds' | 'retries' | 'startPeriodSeconds', number, number][] = [['intervalSeconds', 5, 300], ['timeoutSeconds', 2, 60], ['retries', 1, 10], ['startPeriodSeconds', 0, 300]];
  for (const [key, min, max] of ranges) {
    if (hc[key] !== undefined && !whole(hc[key], min, max)) fail(`${f}.${key}`, `is ${hc[key]}: ECS takes ${min} to ${max}`);
  }
  // ECS relates no two of these (unlike a target group's check, whose timeout must be below its interval).
}
