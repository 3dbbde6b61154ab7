/**
 * `npm run release -- <env> <tag>`: a release that cannot half-happen.
 *
 *   1. the image tag must exist in the environment's ECR repository;
 *   2. every declared secret must have a value;
 *   3. one release per environment at a time (an SSM parameter created only if absent: atomic);
 *      with --guard (and --deploy-with terraform) the deploy is planned here, and a plan that
 *      destroys or replaces a stateful resource stops the release before anything changes;
 *   4. the database setup SQL runs (database-admin task) when it changed since the last release;
 *   5. the migration command runs once, as a one-off task on the *new* image (a task definition
 *      revision of its own; the running services are untouched), and a non-zero or missing exit
 *      code stops the release: nothing else changes, the old version keeps serving;
 *   6. the deploy (cdktf deploy / terraform apply with IMAGE_TAG) rolls every service;
 *   7. it waits until every service is stable on the new image; when the circuit breaker (or a
 *      deployment alarm) rolls back, it says so, re-deploys the previous tag so the recorded tag
 *      is what actually runs, and fails;
 *   8. a summary: tag, migration exit code and duration, services and their counts, URL.
 *
 * Migrations never run concurrently: the lock of step 3 covers releases, and the app contract
 * adds a Postgres advisory lock around migrate for anything else (docs/operations.md, "Releases").
 */
import { DeregisterTaskDefinitionCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand, RegisterTaskDefinitionCommand, Service, TaskDefinition } from '@aws-sdk/client-ecs';
import { DescribeImagesCommand } from '@aws-sdk/client-ecr';
import { DeleteParameterCommand, GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { Sender, StackOutputs, awsErrorName, serviceNames } from './aws';
import { RunResult, TaskOutputs, databaseAdminTask, oneOffTask, runOneOffTask } from './one-off-task';
import { missingSecrets } from './secrets';
import { CommandError } from './command';

export const RELEASE_USAGE = `usage: npm run release -- <environment> <image-tag> [options]
  e.g. npm run release -- staging 3f2c1ab
       npm run release -- prod 3f2c1ab --deploy-with terraform --guard
options:
  --outputs <file>        stack outputs file (default: terraform output in cdktf.out/stacks/<env>)
  --outdir <dir>          where cdktf synthesizes (default cdktf.out)
  --deploy-with <how>     cdktf (default: npx cdktf deploy) or terraform (synth, then terraform apply)
  --deploy-arg <arg>      extra argument for the deploy command (repeatable; with --guard, for terraform plan)
  --guard                 with --deploy-with terraform: plan to a file first (before the migration) and stop
                          when it destroys or replaces a stateful resource not named in ALLOW_DESTROY
                          (npm run plan-guard); then apply exactly that plan
  --timeout <minutes>     how long to wait for the services to be stable (default 30)
  --verbose, -v           cdktf's and Terraform's output on stderr (default: <outdir>/release-<env>-<tag>.log,
                          named at each step; always on stderr in GitHub Actions)
  --unlock                remove a stale release lock of the environment (after a crashed release) and exit
Roll back by releasing the previous tag: npm run release -- <environment> <previous-tag>`;

/** A failed release: what happened, and the exit code the command ends with. */
export class ReleaseError extends CommandError {}

/** What the release needs from the environment's stack outputs. */
export interface ReleaseTarget {
  readonly environment: string;
  readonly region: string;
  readonly cluster: string;
  readonly repositoryName: string;
  readonly repositoryUrl: string;
  /** Services with their own repository: the release needs the same tag there too. */
  readonly otherRepositories: string[];
  readonly imageTagParameter: string;
  readonly lockParameter: string;
  readonly databaseSetupParameter: string;
  readonly databaseSetupVersion: string;
  readonly migrationCommand: string[];
  readonly migrationTimeoutMinutes: number;
  /** ECS service name -> minimum running tasks once released. */
  readonly services: Record<string, number>;
  readonly appSecretArns: Record<string, string>;
  readonly migrationTask: TaskOutputs;
  readonly databaseAdminTask: TaskOutputs;
  readonly url: string;
}

/** What the stack's `release` output holds: an older stack's outputs lack some. */
const RELEASE_SETTINGS = ['min_counts', 'lock_parameter', 'database_setup_parameter', 'migration_command', 'migration_timeout_minutes'];

export function releaseTarget(outputs: StackOutputs): ReleaseTarget {
  const settings = outputs.map<any>('release');
  const absent = RELEASE_SETTINGS.filter((k) => settings[k] === undefined);
  if (absent.length > 0) throw new ReleaseError(`the stack output "release" of "${outputs.environment}" has no ${absent.join(', ')}: deploy the current version of the stack first (npx cdktf deploy ${outputs.environment})`);
  const cluster = outputs.string('ecs_cluster_name');
  const minCounts = settings.min_counts as Record<string, number>;
  const services = Object.fromEntries(serviceNames(outputs).map((name) => [name, Number(minCounts[name.slice(cluster.length + 1)] ?? 1)]));
  const migrationTask = oneOffTask(outputs);
  return {
    environment: outputs.environment,
    region: outputs.string('aws_region'),
    cluster,
    repositoryName: outputs.string('ecr_repository_name'),
    repositoryUrl: outputs.string('ecr_repository_url'),
    otherRepositories: outputs.has('ecr_repositories') ? Object.entries(outputs.map<string>('ecr_repositories')).filter(([n]) => n !== 'app').map(([, url]) => url) : [],
    imageTagParameter: outputs.string('image_tag_parameter'),
    lockParameter: String(settings.lock_parameter),
    databaseSetupParameter: String(settings.database_setup_parameter),
    databaseSetupVersion: outputs.string('database_setup_version'),
    migrationCommand: (settings.migration_command as unknown[]).map(String),
    migrationTimeoutMinutes: Number(settings.migration_timeout_minutes),
    services,
    appSecretArns: outputs.has('app_secret_arns') ? outputs.map<string>('app_secret_arns') : {},
    migrationTask,
    databaseAdminTask: databaseAdminTask(outputs),
    url: outputs.string('app_url'),
  };
}

export interface ReleaseClients {
  readonly ecs: Sender;
  readonly ecr: Sender;
  readonly ssm: Sender;
  readonly secrets: Sender;
  readonly logs?: Sender;
}

export interface ReleaseDeps extends ReleaseClients {
  /** Applies the stack with this image tag (cdktf deploy, or synth + terraform apply). */
  deploy(tag: string): Promise<void>;
  /**
   * Runs under the lock before anything changes (database setup, migration, deploy): the
   * destructive-plan guard plans here, so a blocked plan leaves the environment as it was.
   */
  prepare?(tag: string): Promise<void>;
  log(line: string): void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Poll interval for tasks and services (default 5 s). */
  pollMs?: number;
  /** Who releases (recorded in the lock). */
  actor?: string;
}

export interface ServiceState {
  readonly name: string;
  readonly running: number;
  readonly desired: number;
  readonly image?: string;
}

export interface ReleaseSummary {
  readonly environment: string;
  readonly tag: string;
  readonly previousTag?: string;
  readonly databaseSetup: 'ran' | 'up to date';
  readonly migration: { exitCode: number; seconds: number };
  readonly services: ServiceState[];
  readonly url: string;
}

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Runs a release; resolves with its summary or rejects with a ReleaseError saying what happened. */
export async function release(deps: ReleaseDeps, target: ReleaseTarget, tag: string, opts: { stableTimeoutMs: number }): Promise<ReleaseSummary> {
  if (!TAG.test(tag)) throw new ReleaseError(`"${tag}" is not a valid image tag: use 1-128 letters, digits, '.', '_' or '-' (e.g. a git SHA)`, 2);
  const { log } = deps;
  const image = `${target.repositoryUrl}:${tag}`;

  await assertImageExists(deps.ecr, target, tag);
  const missing = await missingSecrets(deps.secrets, target.appSecretArns);
  if (missing.length > 0) {
    throw new ReleaseError(`${target.environment}: no value yet for ${missing.join(', ')}: set each with \`npm run secret -- set ${target.environment} <NAME>\` (nothing was changed)`);
  }
  await acquireLock(deps, target, tag);
  try {
    const previousTag = await currentTag(deps.ssm, target);
    log(`releasing ${image} to ${target.environment} (running now: ${previousTag ?? 'nothing'})`);
    if (deps.prepare) await deps.prepare(tag);

    const databaseSetup = await setUpDatabase(deps, target);
    const migration = await migrate(deps, target, image, tag);

    let deployError: unknown;
    try {
      log(`deploying ${tag}`);
      await deps.deploy(tag);
    } catch (e) {
      deployError = e;
      log(`the deploy failed: ${(e as Error).message}`);
    }
    const outcome = await waitForServices(deps, target, image, opts.stableTimeoutMs);
    if (deployError || outcome.kind !== 'stable') {
      const why = deployError
        ? `the deploy failed (${(deployError as Error).message})${outcome.kind === 'rolled back' ? `; ${outcome.service}: ${outcome.reason}` : ''}`
        : outcome.kind === 'rolled back'
          ? `the deployment of ${outcome.service} was rolled back (${outcome.reason})`
          : `the services were not stable on ${tag} after ${Math.round(opts.stableTimeoutMs / 60000)} minutes (${outcome.kind === 'timeout' ? outcome.reason : ''})`;
      await reconcile(deps, target, previousTag, outcome.services);
      throw new ReleaseError(`${target.environment}: release of ${tag} failed: ${why}. The migration of ${tag} has run (keep migrations backward compatible: old tasks serve during every rollout).`);
    }
    return { environment: target.environment, tag, previousTag, databaseSetup, migration, services: outcome.services, url: target.url };
  } finally {
    await releaseLock(deps.ssm, target);
  }
}

async function assertImageExists(ecr: Sender, target: ReleaseTarget, tag: string): Promise<void> {
  for (const url of [target.repositoryUrl, ...target.otherRepositories]) {
    const repositoryName = url === target.repositoryUrl ? target.repositoryName : url.slice(url.indexOf('/') + 1);
    try {
      const out = await ecr.send(new DescribeImagesCommand({ repositoryName, imageIds: [{ imageTag: tag }] }));
      if ((out.imageDetails ?? []).length > 0) continue;
    } catch (e) {
      if (awsErrorName(e) !== 'ImageNotFoundException') throw e;
    }
    throw new ReleaseError(
      `${target.environment}: image ${url}:${tag} is not in ECR: build your app's folder and push it first ` +
        `(docker build --platform linux/amd64 -t ${url}:${tag} examples/django && docker push ${url}:${tag}; ` +
        'your own app\'s folder instead of examples/django, linux/arm64 with compute.cpuArchitecture ARM64); nothing was changed',
    );
  }
}

async function acquireLock(deps: ReleaseDeps, target: ReleaseTarget, tag: string): Promise<void> {
  const holder = { tag, by: deps.actor ?? 'unknown', startedAt: new Date((deps.now ?? Date.now)()).toISOString() };
  try {
    await deps.ssm.send(new PutParameterCommand({ Name: target.lockParameter, Value: JSON.stringify(holder), Type: 'String', Overwrite: false, Description: 'Lock of a running npm run release' }));
  } catch (e) {
    if (awsErrorName(e) !== 'ParameterAlreadyExists') throw e;
    let other = 'another release';
    try {
      const current = JSON.parse((await deps.ssm.send(new GetParameterCommand({ Name: target.lockParameter }))).Parameter?.Value ?? '{}');
      other = `the release of ${current.tag} by ${current.by} (started ${current.startedAt})`;
    } catch {
      // The lock went away meanwhile: still refuse, the caller can simply retry.
    }
    throw new ReleaseError(`${target.environment}: ${other} is still running: wait for it. If it crashed, remove its lock with \`npm run release -- ${target.environment} --unlock\`.`);
  }
}

async function releaseLock(ssm: Sender, target: ReleaseTarget): Promise<void> {
  try {
    await ssm.send(new DeleteParameterCommand({ Name: target.lockParameter }));
  } catch (e) {
    if (awsErrorName(e) !== 'ParameterNotFound') throw e;
  }
}

/** Removes a stale lock (`--unlock`). */
export async function unlock(ssm: Sender, target: Pick<ReleaseTarget, 'lockParameter'>): Promise<void> {
  await releaseLock(ssm, target as ReleaseTarget);
}

async function getParameter(ssm: Sender, name: string): Promise<string | undefined> {
  try {
    return (await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
  } catch (e) {
    if (awsErrorName(e) === 'ParameterNotFound') return undefined;
    throw e;
  }
}

async function currentTag(ssm: Sender, target: ReleaseTarget): Promise<string | undefined> {
  const tag = await getParameter(ssm, target.imageTagParameter);
  return tag === undefined || tag === 'unreleased' ? undefined : tag;
}

const runOptions = (deps: ReleaseDeps, timeoutMs: number, startedBy: string, group: string) => ({
  timeoutMs,
  pollMs: deps.pollMs,
  log: deps.log,
  logs: deps.logs,
  startedBy,
  group,
  now: deps.now,
  sleep: deps.sleep,
});

/** Runs the database setup SQL when it changed (or never ran); records the version on success. */
async function setUpDatabase(deps: ReleaseDeps, target: ReleaseTarget): Promise<'ran' | 'up to date'> {
  if ((await getParameter(deps.ssm, target.databaseSetupParameter)) === target.databaseSetupVersion) return 'up to date';
  deps.log(`database setup ${target.databaseSetupVersion}: creating the application role (database-admin task)`);
  const result = await runOneOffTask(deps.ecs, target.databaseAdminTask, undefined, runOptions(deps, 15 * 60_000, 'release-db-setup', 'release:db-setup'));
  assertSucceeded(result, `${target.environment}: the database setup task`);
  await deps.ssm.send(new PutParameterCommand({ Name: target.databaseSetupParameter, Value: target.databaseSetupVersion, Type: 'String', Overwrite: true, Description: 'Database setup SQL version applied by npm run release' }));
  return 'ran';
}

function assertSucceeded(result: RunResult, what: string): void {
  if (!result.hasExitCode) throw new ReleaseError(`${what} stopped without an exit code (${result.stoppedReason ?? 'unknown reason'}); nothing was deployed`);
  if (result.exitCode !== 0) throw new ReleaseError(`${what} exited ${result.exitCode}; nothing was deployed, the running version keeps serving (logs above)`);
}

/**
 * The migration on the new image: a revision of the one-off task definition with the new tag
 * (the running services and their task definitions are untouched), run once, then deregistered
 * so `npm run task` keeps running the released image.
 */
async function migrate(deps: ReleaseDeps, target: ReleaseTarget, image: string, tag: string): Promise<{ exitCode: number; seconds: number }> {
  const { taskDefinition } = await deps.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: target.migrationTask.taskDefinition }));
  const revision = await deps.ecs.send(new RegisterTaskDefinitionCommand(withImage(taskDefinition, target.migrationTask.containerName, image)));
  const revisionArn: string = revision.taskDefinition.taskDefinitionArn;
  deps.log(`migration: ${target.migrationCommand.join(' ')} on ${tag} (${revisionArn.split('/').pop()})`);
  try {
    const result = await runOneOffTask(
      deps.ecs,
      { ...target.migrationTask, taskDefinition: revisionArn },
      target.migrationCommand,
      runOptions(deps, target.migrationTimeoutMinutes * 60_000, 'release-migrate', `release:${tag}`.slice(0, 255)),
    );
    assertSucceeded(result, `${target.environment}: the migration of ${tag}`);
    deps.log(`migration done in ${result.seconds}s`);
    return { exitCode: result.exitCode, seconds: result.seconds };
  } finally {
    await deps.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: revisionArn }));
  }
}

/** RegisterTaskDefinition input copying a task definition with another image for one container. */
export function withImage(td: TaskDefinition, containerName: string, image: string) {
  if (!td.containerDefinitions?.some((c) => c.name === containerName)) throw new ReleaseError(`task definition ${td.family} has no container "${containerName}"`);
  return {
    family: td.family,
    taskRoleArn: td.taskRoleArn,
    executionRoleArn: td.executionRoleArn,
    networkMode: td.networkMode,
    containerDefinitions: td.containerDefinitions.map((c) => (c.name === containerName ? { ...c, image } : c)),
    volumes: td.volumes,
    placementConstraints: td.placementConstraints,
    requiresCompatibilities: td.requiresCompatibilities,
    cpu: td.cpu,
    memory: td.memory,
    runtimePlatform: td.runtimePlatform,
    ephemeralStorage: td.ephemeralStorage,
  };
}

type Outcome =
  | { kind: 'stable'; services: ServiceState[] }
  | { kind: 'rolled back'; service: string; reason: string; services: ServiceState[] }
  | { kind: 'timeout'; reason: string; services: ServiceState[] };

/** Waits until every service runs the image at its minimum count with one completed deployment. */
export async function waitForServices(deps: Pick<ReleaseDeps, 'ecs' | 'log' | 'now' | 'sleep' | 'pollMs'>, target: Pick<ReleaseTarget, 'cluster' | 'services' | 'migrationTask'>, image: string, timeoutMs: number): Promise<Outcome> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = now() + timeoutMs;
  const images = new Map<string, string | undefined>();
  const imageOf = async (taskDefinition?: string) => {
    if (!taskDefinition) return undefined;
    if (!images.has(taskDefinition)) {
      const { taskDefinition: td } = await deps.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }));
      images.set(taskDefinition, td?.containerDefinitions?.find((c: { name?: string }) => c.name === target.migrationTask.containerName)?.image);
    }
    return images.get(taskDefinition);
  };
  const seenEvents = new Set<string>();
  const names = Object.keys(target.services);
  for (;;) {
    const described: Service[] = [];
    for (let i = 0; i < names.length; i += 10) {
      const out = await deps.ecs.send(new DescribeServicesCommand({ cluster: target.cluster, services: names.slice(i, i + 10) }));
      described.push(...(out.services ?? []));
    }
    const states: ServiceState[] = [];
    const pending: string[] = [];
    for (const name of names) {
      const s = described.find((d) => d.serviceName === name);
      if (!s) return { kind: 'rolled back', service: name, reason: 'the service does not exist', services: states };
      for (const event of [...(s.events ?? [])].reverse()) {
        if (event.id && !seenEvents.has(event.id)) {
          seenEvents.add(event.id);
          if (event.message) deps.log(`  ${event.message}`);
        }
      }
      const running = s.runningCount ?? 0;
      const desired = s.desiredCount ?? 0;
      const current = await imageOf(s.taskDefinition);
      states.push({ name, running, desired, image: current });
      const deployments = s.deployments ?? [];
      const failed = deployments.find((d) => d.rolloutState === 'FAILED');
      if (failed) return { kind: 'rolled back', service: name, reason: failed.rolloutStateReason ?? 'rollout failed', services: states };
      const settled = deployments.length === 1 && (deployments[0].rolloutState ?? 'COMPLETED') === 'COMPLETED';
      if (settled && current !== image) return { kind: 'rolled back', service: name, reason: `it runs ${current} instead of ${image}`, services: states };
      if (!(settled && running === desired && desired >= target.services[name])) pending.push(`${name} ${running}/${desired}${settled ? '' : ' deploying'}`);
    }
    if (pending.length === 0) return { kind: 'stable', services: states };
    if (now() > deadline) return { kind: 'timeout', reason: `still waiting for ${pending.join(', ')}`, services: states };
    await sleep(deps.pollMs ?? 5000);
  }
}

/**
 * After a rollback or a failed deploy: the recorded tag (SSM, Terraform state, task definitions)
 * must name what actually runs. When every service runs the previous release, deploy that tag
 * again; anything else cannot be repaired automatically and is reported.
 */
async function reconcile(deps: ReleaseDeps, target: ReleaseTarget, previousTag: string | undefined, services: ServiceState[]): Promise<void> {
  if (!previousTag) {
    deps.log('there is no previous release to return to: the services stay at what the deploy left');
    return;
  }
  const previousImage = `${target.repositoryUrl}:${previousTag}`;
  const running = new Set(services.map((s) => s.image));
  if (running.size === 1 && running.has(previousImage)) {
    deps.log(`every service runs ${previousTag} again: recording ${previousTag} as the deployed tag (deploy of ${previousTag})`);
    try {
      await deps.deploy(previousTag);
    } catch (e) {
      // Keep the original failure as the message; say how to finish the repair by hand.
      deps.log(`could not deploy ${previousTag} again (${(e as Error).message}): run npm run release -- ${target.environment} ${previousTag}`);
    }
    return;
  }
  deps.log(`services run ${[...running].join(', ')}: fix by releasing a tag explicitly (npm run release -- ${target.environment} <tag>)`);
}

/** The summary printed at the end of a release. */
export function formatSummary(s: ReleaseSummary): string {
  const width = Math.max(...s.services.map((x) => x.name.length));
  return [
    `released ${s.tag} to ${s.environment}${s.previousTag ? ` (was ${s.previousTag})` : ' (first release)'}`,
    `  database setup: ${s.databaseSetup}`,
    `  migration:      exit ${s.migration.exitCode} in ${s.migration.seconds}s`,
    '  services:',
    ...s.services.map((x) => `    ${x.name.padEnd(width)}  ${x.running}/${x.desired} running`),
    `  url:            ${s.url}`,
  ].join('\n');
}
