import type { NetworkConfiguration, TaskOverride } from '@aws-sdk/client-ecs';
import { assertLoopback } from './aws-env';

/**
 * The test's controls of the moto shims (`moto_launcher.py`, /moto-shim/... on the emulator, which
 * answers loopback clients only): outcomes of one-off ECS tasks (shim 9), the RunTask requests the
 * emulator received (shim 9), and a circuit-breaker rollback of a service's next deployment (shim 10).
 * Test harness only.
 */

/** Which RunTask requests a rule applies to; every field optional, all given ones must hold. */
export interface TaskOutcomeMatch {
  /** Cluster name or ARN. */
  readonly cluster?: string;
  /** Task definition family, e.g. `webapp-staging-task`. */
  readonly family?: string;
  /** Task definition revision. */
  readonly revision?: number;
  /** `startedBy` exactly as sent. */
  readonly startedBy?: string;
  /** Substring of the command (the override's, else the task definition's), words joined by spaces. */
  readonly commandContains?: string;
}

/** What a matching one-off task does; the first matching rule wins, no match: exit code 0 after ~2 s. */
export interface TaskOutcomeRule {
  readonly match?: TaskOutcomeMatch;
  /**
   * Exit code of the essential container (default 0: stopCode EssentialContainerExited). `null`: the
   * container never starts (stopCode TaskFailedToStart, stoppedReason CannotPullContainerError: ...,
   * no exit code).
   */
  readonly exitCode?: number | null;
  /** Seconds from RunTask to STOPPED (default: the launcher's MOTO_SHIM_ECS_TASK_SECONDS, 2). */
  readonly afterSeconds?: number;
}

/** One RunTask request as the emulator received it. */
export interface RunTaskCall {
  /** ISO 8601 (UTC) time of the request. */
  readonly time: string;
  /** Cluster as sent (moto's default: `default`). */
  readonly cluster: string;
  /** Task definition as sent: family, family:revision or ARN. */
  readonly taskDefinition: string;
  /** The task definition revision it resolved to (null if it did not exist). */
  readonly taskDefinitionArn: string | null;
  readonly overrides: TaskOverride | null;
  readonly startedBy: string | null;
  readonly group: string | null;
  readonly launchType: string | null;
  readonly networkConfiguration: NetworkConfiguration | null;
  readonly count: number;
  /** Tasks started; empty if RunTask failed. */
  readonly taskArns: string[];
  /** Why RunTask failed, if it did. */
  readonly error?: string;
}

async function shim<T>(endpoint: string, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  assertLoopback(endpoint);
  const res = await fetch(`${endpoint.replace(/\/$/, '')}${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} on the emulator: HTTP ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Replaces the outcome rules for the one-off tasks started from now on (tasks already started keep theirs). */
export async function setTaskOutcomes(endpoint: string, rules: TaskOutcomeRule[]): Promise<void> {
  await shim(endpoint, 'POST', '/moto-shim/ecs/task-outcomes', { rules });
}

/** Removes every rule: tasks started from now on exit 0 after the default delay. */
export async function resetTaskOutcomes(endpoint: string): Promise<void> {
  await shim(endpoint, 'DELETE', '/moto-shim/ecs/task-outcomes');
}

/** Every RunTask request since the emulator started (or the last reset), oldest first. */
export async function runTaskCalls(endpoint: string): Promise<RunTaskCall[]> {
  return (await shim<{ calls: RunTaskCall[] }>(endpoint, 'GET', '/moto-shim/ecs/run-task-calls')).calls;
}

/** Forgets the recorded RunTask requests. */
export async function resetRunTaskCalls(endpoint: string): Promise<void> {
  await shim(endpoint, 'DELETE', '/moto-shim/ecs/run-task-calls');
}

/**
 * Makes the next UpdateService of `service` that deploys a new task definition fail and roll back,
 * as the deployment circuit breaker does: the service keeps its previous task definition, and for
 * `holdSeconds` (default: the launcher's MOTO_SHIM_ECS_ROLLBACK_SECONDS, 10) DescribeServices lists
 * the rollback deployment (PRIMARY, IN_PROGRESS) and the failed one (rolloutState FAILED,
 * "ECS deployment circuit breaker: tasks failed to start."), then only the rollback, COMPLETED.
 * `cluster` and `service` are names or ARNs.
 */
export async function rollbackNextUpdate(endpoint: string, cluster: string, service: string, holdSeconds?: number): Promise<void> {
  await shim(endpoint, 'POST', '/moto-shim/ecs/rollback-next', { cluster, service, ...(holdSeconds === undefined ? {} : { holdSeconds }) });
}
