import { serviceNames, stackOutputsFrom } from '../src/ops/aws';
import { ReleaseDeps, ReleaseError, ReleaseTarget, formatSummary, release, releaseTarget, withImage } from '../src/ops/release';
import { missingSecrets, rollServices, setSecret, valueFromInput } from '../src/ops/secrets';
import { shipped } from './helpers/synth';

/**
 * The release and secret commands against stubbed AWS SDK clients: a small in-memory account
 * (ECR images, SSM parameters, secrets, ECS task definitions, services and tasks) that answers
 * the commands by name and records every call.
 */

const REPO = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/webapp-staging';
const CLUSTER = 'webapp-staging';

/** Outputs as `terraform output -json` prints them for staging. */
function outputs() {
  const values: Record<string, unknown> = {
    aws_region: 'eu-west-1', ecs_cluster_name: CLUSTER, ecr_repository_name: 'webapp-staging', ecr_repository_url: REPO,
    image_tag_parameter: '/webapp/staging/image-tag', web_service_name: 'webapp-staging-web', worker_service_names: ['webapp-staging-celery'],
    service_names: ['webapp-staging-web', 'webapp-staging-celery'], ecr_repositories: { app: REPO },
    oneoff_task_definition_family: 'webapp-staging-task', private_subnet_ids: ['subnet-1'], oneoff_security_group_id: 'sg-task',
    oneoff_log_group_name: '/ecs/webapp-staging/task', app_container_name: 'app', app_url: 'https://staging.example.com',
    db_admin_task_definition_family: 'webapp-staging-db-admin', db_admin_security_group_id: 'sg-admin', db_admin_log_group_name: '/ecs/webapp-staging/db-admin',
    database_setup_version: 'abc123', app_secret_arns: { SENTRY_DSN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:webapp-staging/app/SENTRY_DSN-x' },
    release: {
      migration_command: ['python', 'manage.py', 'migrate_locked', '--noinput'], migration_timeout_minutes: 30,
      lock_parameter: '/webapp/staging/release-lock', database_setup_parameter: '/webapp/staging/database-setup', min_counts: { web: 1, celery: 1 },
    },
  };
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v, type: 'x', sensitive: false }]));
}

interface Fake {
  images: Set<string>;
  params: Map<string, string>;
  secretSet: boolean;
  /** Exit code per command text (undefined: no exit code at all). */
  exitCodes: (command: string | undefined, taskDefinition: string) => number | undefined;
  /** What the deploy does to the services: 'roll' them to the tag, or 'rollback' (circuit breaker). */
  deployBehaviour: 'roll' | 'rollback' | 'fail';
  calls: { name: string; input: any }[];
  deploys: string[];
  services: Record<string, { taskDefinition: string; desired: number; running: number; deployments: any[]; events: any[] }>;
  taskDefinitions: Map<string, any>;
  putSecrets: { SecretId: string; SecretString: string }[];
}

function fakeAccount(overrides: Partial<Fake> = {}): Fake & { deps: ReleaseDeps; lines: string[] } {
  let revision = 10;
  const td = (image: string, family = 'webapp-staging-task') => {
    revision++;
    const arn = `arn:aws:ecs:eu-west-1:123456789012:task-definition/${family}:${revision}`;
    fake.taskDefinitions.set(arn, { taskDefinitionArn: arn, family, containerDefinitions: [{ name: 'app', image }], cpu: '256', memory: '512', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'] });
    return arn;
  };
  const fake: Fake = {
    images: new Set(['v1', 'v2']),
    params: new Map([['/webapp/staging/image-tag', 'v1'], ['/webapp/staging/database-setup', 'abc123']]),
    secretSet: true,
    exitCodes: () => 0,
    deployBehaviour: 'roll',
    calls: [],
    deploys: [],
    services: {},
    taskDefinitions: new Map(),
    putSecrets: [],
    ...overrides,
  };
  const families = new Map<string, string>();
  families.set('webapp-staging-task', td(`${REPO}:v1`));
  families.set('webapp-staging-db-admin', td('postgres:17-alpine', 'webapp-staging-db-admin'));
  for (const name of ['webapp-staging-web', 'webapp-staging-celery']) {
    fake.services[name] = { taskDefinition: td(`${REPO}:v1`, name), desired: 1, running: 1, deployments: [{ status: 'PRIMARY', rolloutState: 'COMPLETED' }], events: [] };
  }
  const tasks = new Map<string, any>();
  const error = (name: string) => Object.assign(new Error(name), { name });
  const handlers: Record<string, (input: any) => any> = {
    DescribeImagesCommand: (i) => {
      if (!fake.images.has(i.imageIds[0].imageTag)) throw error('ImageNotFoundException');
      return { imageDetails: [{ imageTags: [i.imageIds[0].imageTag] }] };
    },
    DescribeSecretCommand: () => ({ VersionIdsToStages: fake.secretSet ? { v1: ['AWSCURRENT'] } : {} }),
    PutSecretValueCommand: (i) => fake.putSecrets.push(i),
    GetParameterCommand: (i) => {
      if (!fake.params.has(i.Name)) throw error('ParameterNotFound');
      return { Parameter: { Value: fake.params.get(i.Name) } };
    },
    PutParameterCommand: (i) => {
      if (fake.params.has(i.Name) && !i.Overwrite) throw error('ParameterAlreadyExists');
      fake.params.set(i.Name, i.Value);
      return {};
    },
    DeleteParameterCommand: (i) => {
      if (!fake.params.delete(i.Name)) throw error('ParameterNotFound');
      return {};
    },
    DescribeTaskDefinitionCommand: (i) => ({ taskDefinition: fake.taskDefinitions.get(families.get(i.taskDefinition) ?? i.taskDefinition) }),
    RegisterTaskDefinitionCommand: (i) => ({ taskDefinition: fake.taskDefinitions.get(td(i.containerDefinitions[0].image, i.family)) }),
    DeregisterTaskDefinitionCommand: (i) => ({ taskDefinition: { ...fake.taskDefinitions.get(i.taskDefinition), status: 'INACTIVE' } }),
    RunTaskCommand: (i) => {
      const taskArn = `arn:aws:ecs:eu-west-1:123456789012:task/${CLUSTER}/t${tasks.size + 1}`;
      const command = i.overrides?.containerOverrides?.[0]?.command?.join(' ');
      const definition = families.get(i.taskDefinition) ?? i.taskDefinition;
      tasks.set(taskArn, { taskArn, lastStatus: 'STOPPED', containers: [{ name: 'app', exitCode: fake.exitCodes(command, definition) }], stoppedReason: 'Essential container in task exited' });
      return { tasks: [{ taskArn, lastStatus: 'PROVISIONING' }] };
    },
    DescribeTasksCommand: (i) => ({ tasks: i.tasks.map((a: string) => tasks.get(a)) }),
    DescribeServicesCommand: (i) => ({
      services: i.services.map((name: string) => {
        const s = fake.services[name];
        return { serviceName: name, taskDefinition: s.taskDefinition, desiredCount: s.desired, runningCount: s.running, deployments: s.deployments, events: s.events };
      }),
    }),
    UpdateServiceCommand: (i) => ({ service: { serviceName: i.service } }),
    GetLogEventsCommand: () => ({ events: [{ message: 'Applying core.0001_initial... OK' }], nextForwardToken: 'f/1' }),
  };
  const client = {
    send: async (command: any) => {
      const name = command.constructor.name;
      fake.calls.push({ name, input: command.input });
      const handler = handlers[name];
      if (!handler) throw new Error(`unexpected ${name}`);
      return handler(command.input);
    },
  };
  const lines: string[] = [];
  const deps: ReleaseDeps = {
    ecs: client, ecr: client, ssm: client, secrets: client, logs: client,
    log: (line) => lines.push(line),
    sleep: async () => undefined,
    pollMs: 0,
    actor: 'tester',
    deploy: async (tag) => {
      fake.deploys.push(tag);
      if (fake.deployBehaviour === 'fail' && tag === 'v2') throw new Error('terraform apply failed');
      for (const name of Object.keys(fake.services)) {
        const s = fake.services[name];
        if (fake.deployBehaviour === 'rollback' && tag === 'v2') {
          // The circuit breaker: the new deployment failed, the service is back on the old task definition.
          s.deployments = [{ status: 'PRIMARY', rolloutState: 'FAILED', rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.' }];
          s.events = [{ id: `e-${name}`, message: `(service ${name}) rolling back to deployment ecs-svc/1` }];
        } else {
          s.taskDefinition = td(`${REPO}:${tag}`, name);
          s.deployments = [{ status: 'PRIMARY', rolloutState: 'COMPLETED' }];
        }
      }
      fake.params.set('/webapp/staging/image-tag', tag);
    },
  };
  return Object.assign(fake, { deps, lines });
}

const target = (): ReleaseTarget => releaseTarget(stackOutputsFrom(outputs(), 'staging'));
const names = (f: Fake) => f.calls.map((c) => c.name);
const run = (f: ReturnType<typeof fakeAccount>, tag = 'v2') => release(f.deps, target(), tag, { stableTimeoutMs: 60_000 });

describe('release', () => {
  test('the whole path: migration on the new image first, then the deploy, then stable services and a summary', async () => {
    const f = fakeAccount();
    const summary = await run(f);
    expect(f.deploys).toEqual(['v2']);
    // The migration ran on a revision of the one-off task definition with the new image, before the deploy.
    const registered = f.calls.find((c) => c.name === 'RegisterTaskDefinitionCommand')!.input;
    expect(registered.family).toBe('webapp-staging-task');
    expect(registered.containerDefinitions[0].image).toBe(`${REPO}:v2`);
    const migration = f.calls.find((c) => c.name === 'RunTaskCommand')!.input;
    expect(migration.taskDefinition).toMatch(/webapp-staging-task:\d+$/);
    expect(migration.overrides.containerOverrides[0].command).toEqual(['python', 'manage.py', 'migrate_locked', '--noinput']);
    expect(migration).toMatchObject({ startedBy: 'release-migrate', group: 'release:v2' });
    // ... and that revision is deregistered again, so `npm run task` keeps running the released image.
    expect(f.calls.find((c) => c.name === 'DeregisterTaskDefinitionCommand')!.input.taskDefinition).toBe(migration.taskDefinition);
    expect(names(f).indexOf('RunTaskCommand')).toBeLessThan(names(f).indexOf('DescribeServicesCommand'));
    // Its logs were streamed; the lock is gone; the database setup was up to date.
    expect(f.lines).toContain('  | Applying core.0001_initial... OK');
    expect(f.params.has('/webapp/staging/release-lock')).toBe(false);
    expect(summary).toMatchObject({ tag: 'v2', previousTag: 'v1', databaseSetup: 'up to date', migration: { exitCode: 0 } });
    expect(summary.services).toEqual([
      { name: 'webapp-staging-web', running: 1, desired: 1, image: `${REPO}:v2` },
      { name: 'webapp-staging-celery', running: 1, desired: 1, image: `${REPO}:v2` },
    ]);
    expect(formatSummary(summary)).toMatch(/released v2 to staging \(was v1\)[\s\S]*migration: +exit 0[\s\S]*webapp-staging-web +1\/1 running[\s\S]*https:\/\/staging\.example\.com/);
  });

  test('an image that is not in ECR stops it before anything changes', async () => {
    const f = fakeAccount();
    await expect(run(f, 'v9')).rejects.toThrow(/image 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/webapp-staging:v9 is not in ECR: build your app's folder and push it first \(docker build --platform linux\/amd64 -t \S+:v9 examples\/django && docker push .*linux\/arm64 with compute\.cpuArchitecture ARM64\); nothing was changed/);
    expect(names(f)).toEqual(['DescribeImagesCommand']);
  });

  test('a service with its own repository needs the same tag there too', async () => {
    const f = fakeAccount();
    const t = { ...target(), otherRepositories: ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/webapp-staging-api'] };
    const describe = f.deps.ecr.send.bind(f.deps.ecr);
    (f.deps as { ecr: unknown }).ecr = { send: async (c: any) => (c.input.repositoryName === 'webapp-staging-api' ? Promise.reject(Object.assign(new Error('x'), { name: 'ImageNotFoundException' })) : describe(c)) };
    await expect(release(f.deps, t, 'v2', { stableTimeoutMs: 1000 })).rejects.toThrow(/webapp-staging-api:v2 is not in ECR/);
    expect(f.deploys).toEqual([]);
  });

  test('a migration that exits 1 stops the release: no deploy, the old version keeps serving, the lock is released', async () => {
    const f = fakeAccount({ exitCodes: (command) => (command?.includes('migrate') ? 1 : 0) });
    await expect(run(f)).rejects.toThrow(new ReleaseError('staging: the migration of v2 exited 1; nothing was deployed, the running version keeps serving (logs above)'));
    expect(f.deploys).toEqual([]);
    expect(names(f)).not.toContain('DescribeServicesCommand');
    expect(names(f)).toContain('DeregisterTaskDefinitionCommand');
    expect(f.params.get('/webapp/staging/image-tag')).toBe('v1');
    expect(f.params.has('/webapp/staging/release-lock')).toBe(false);
  });

  test('a blocked plan (the guard in prepare) stops the release before the database setup and migration; the lock is released', async () => {
    const f = fakeAccount();
    const prepared: string[] = [];
    f.deps.prepare = async (tag) => {
      prepared.push(tag);
      expect(f.params.has('/webapp/staging/release-lock')).toBe(true);
      throw new ReleaseError('staging: the plan would replace aws_db_instance.database_instance');
    };
    await expect(run(f)).rejects.toThrow(/would replace aws_db_instance/);
    expect(prepared).toEqual(['v2']);
    expect(names(f)).not.toContain('RunTaskCommand');
    expect(names(f)).not.toContain('RegisterTaskDefinitionCommand');
    expect(f.deploys).toEqual([]);
    expect(f.params.get('/webapp/staging/image-tag')).toBe('v1');
    expect(f.params.has('/webapp/staging/release-lock')).toBe(false);
  });

  test('a migration without an exit code (never started) stops the release too', async () => {
    const f = fakeAccount({ exitCodes: () => undefined });
    await expect(run(f)).rejects.toThrow(/the migration of v2 stopped without an exit code .*nothing was deployed/);
    expect(f.deploys).toEqual([]);
  });

  test('a release already running is refused, naming it', async () => {
    const f = fakeAccount();
    f.params.set('/webapp/staging/release-lock', JSON.stringify({ tag: 'v7', by: 'ci', startedAt: '2026-11-23T10:00:00.000Z' }));
    await expect(run(f)).rejects.toThrow(/the release of v7 by ci \(started 2026-11-23T10:00:00\.000Z\) is still running: wait for it\. If it crashed, remove its lock with `npm run release -- staging --unlock`/);
    expect(names(f)).not.toContain('RunTaskCommand');
    // The other release's lock stays.
    expect(f.params.has('/webapp/staging/release-lock')).toBe(true);
  });

  test('a circuit-breaker rollback is reported, the previous tag is deployed again so the record matches what runs, and it fails', async () => {
    const f = fakeAccount({ deployBehaviour: 'rollback' });
    await expect(run(f)).rejects.toThrow(/release of v2 failed: the deployment of webapp-staging-web was rolled back \(ECS deployment circuit breaker: tasks failed to start\.\)/);
    expect(f.deploys).toEqual(['v2', 'v1']);
    expect(f.params.get('/webapp/staging/image-tag')).toBe('v1');
    expect(f.lines.join('\n')).toMatch(/rolling back to deployment/);
    expect(f.params.has('/webapp/staging/release-lock')).toBe(false);
  });

  test('a failed deploy is reported and reconciled the same way', async () => {
    const f = fakeAccount({ deployBehaviour: 'fail' });
    await expect(run(f)).rejects.toThrow(/the deploy failed \(terraform apply failed\)/);
    expect(f.deploys).toEqual(['v2', 'v1']);
  });

  test('when even the repair deploy fails, the original failure is what the command says, with the way out', async () => {
    const f = fakeAccount({ deployBehaviour: 'fail' });
    const deploy = f.deps.deploy;
    f.deps.deploy = async (tag) => {
      await deploy(tag);
      if (tag === 'v1') throw new Error('state locked');
    };
    await expect(run(f)).rejects.toThrow(/the deploy failed \(terraform apply failed\)/);
    expect(f.lines.join('\n')).toMatch(/could not deploy v1 again \(state locked\): run npm run release -- staging v1/);
  });

  test('a declared secret without a value blocks the release before anything runs', async () => {
    const f = fakeAccount({ secretSet: false });
    await expect(run(f)).rejects.toThrow(/no value yet for SENTRY_DSN: set each with `npm run secret -- set staging <NAME>` \(nothing was changed\)/);
    expect(names(f)).not.toContain('PutParameterCommand');
  });

  test('the database setup runs once per version, as the database-admin task, before the migration', async () => {
    const f = fakeAccount();
    f.params.delete('/webapp/staging/database-setup');
    const summary = await run(f);
    expect(summary.databaseSetup).toBe('ran');
    const runs = f.calls.filter((c) => c.name === 'RunTaskCommand').map((c) => c.input);
    expect(runs[0]).toMatchObject({ taskDefinition: 'webapp-staging-db-admin', startedBy: 'release-db-setup', networkConfiguration: { awsvpcConfiguration: { securityGroups: ['sg-admin'] } } });
    expect(runs[0].overrides).toBeUndefined();
    expect(f.params.get('/webapp/staging/database-setup')).toBe('abc123');
    const again = await run(f, 'v1');
    expect(again.databaseSetup).toBe('up to date');
  });

  test('a failing database setup stops the release', async () => {
    const f = fakeAccount({ exitCodes: (_c, td) => (td.includes('db-admin') ? 3 : 0) });
    f.params.delete('/webapp/staging/database-setup');
    await expect(run(f)).rejects.toThrow(/the database setup task exited 3/);
    expect(f.params.has('/webapp/staging/database-setup')).toBe(false);
    expect(f.deploys).toEqual([]);
  });

  test('an invalid tag is a usage error', async () => {
    await expect(run(fakeAccount(), 'v 2')).rejects.toMatchObject({ exitCode: 2 });
  });

  test('the release target reads the shipped stack outputs (every name the command needs is an output of the stack)', () => {
    const synthesized = shipped('staging').output!;
    const needed = Object.keys(outputs());
    expect(needed.filter((n) => !(n in synthesized))).toEqual([]);
    expect((synthesized.release.value as any).min_counts).toEqual({ web: 1, api: 1, celery: 1, mailer: 1 });
  });

  test('withImage copies a task definition and swaps only the app image', () => {
    const copy = withImage({ family: 'f', containerDefinitions: [{ name: 'app', image: 'a:1' }, { name: 'side', image: 'n:1' }], cpu: '256' } as any, 'app', 'a:2');
    expect(copy.containerDefinitions).toEqual([{ name: 'app', image: 'a:2' }, { name: 'side', image: 'n:1' }]);
  });
});

describe('secrets', () => {
  const arns = { SENTRY_DSN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:webapp-staging/app/SENTRY_DSN-x' };

  test('set stores the value as the new current version; the value appears in no log line', async () => {
    const f = fakeAccount();
    await setSecret(f.deps.secrets, arns, 'staging', 'SENTRY_DSN', 'https://k@sentry.example/1');
    expect(f.putSecrets).toEqual([{ SecretId: arns.SENTRY_DSN, SecretString: 'https://k@sentry.example/1' }]);
    expect(f.lines.join('\n')).not.toContain('sentry.example');
  });

  test('an undeclared name and an empty value are refused', async () => {
    const f = fakeAccount();
    await expect(setSecret(f.deps.secrets, arns, 'staging', 'STRIPE', 'x')).rejects.toThrow(/staging declares no secret "STRIPE" \(declared: SENTRY_DSN\): add it to compute\.secrets/);
    await expect(setSecret(f.deps.secrets, arns, 'staging', 'SENTRY_DSN', '')).rejects.toThrow(/empty value/);
  });

  test('check finds declared secrets without a value, without reading any value', async () => {
    const f = fakeAccount({ secretSet: false });
    expect(await missingSecrets(f.deps.secrets, arns)).toEqual(['SENTRY_DSN']);
    expect(names(f)).toEqual(['DescribeSecretCommand']);
  });

  test('rolling restarts every service on its current task definition', async () => {
    const f = fakeAccount();
    await rollServices(f.deps.ecs, CLUSTER, ['webapp-staging-web', 'webapp-staging-celery'], () => undefined);
    expect(f.calls.map((c) => c.input)).toEqual([
      { cluster: CLUSTER, service: 'webapp-staging-web', forceNewDeployment: true },
      { cluster: CLUSTER, service: 'webapp-staging-celery', forceNewDeployment: true },
    ]);
  });

  test('the services rolled (and released) are every long-running one: web, HTTP services and workers', () => {
    const all = ['webapp-staging-web', 'webapp-staging-api', 'webapp-staging-celery', 'webapp-staging-mailer'];
    const withServices = { ...outputs(), service_names: { value: all, type: 'x', sensitive: false } };
    // web_service_name + worker_service_names would miss the api service.
    expect(serviceNames(stackOutputsFrom(withServices, 'staging'))).toEqual(all);
    expect(Object.keys(releaseTarget(stackOutputsFrom(withServices, 'staging')).services)).toEqual(all);
    // An older stack without service_names: web and workers.
    const { service_names: _dropped, ...older } = outputs();
    expect(serviceNames(stackOutputsFrom(older, 'staging'))).toEqual(['webapp-staging-web', 'webapp-staging-celery']);
  });

  test('one trailing newline from echo or the terminal is not part of the value', () => {
    expect(valueFromInput('abc\n')).toBe('abc');
    expect(valueFromInput('abc\r\n')).toBe('abc');
    expect(valueFromInput('a\nb\n\n')).toBe('a\nb\n');
  });
});

describe('the commands', () => {
  const { spawnSync } = require('child_process') as typeof import('child_process');
  const tsx = (script: string, args: string[]) =>
    spawnSync(process.execPath, [require.resolve('tsx/cli'), script, ...args], { cwd: `${__dirname}/..`, encoding: 'utf8', env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' } });

  test('a secret value on the command line is refused before anything else happens', () => {
    const out = tsx('scripts/secret.ts', ['set', 'staging', 'SENTRY_DSN', 'hunter2']);
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/read from stdin, never from the command line/);
    expect(out.stdout + out.stderr).not.toMatch(/hunter2/);
  });

  test('release and secret print their usage; a missing tag is a usage error', () => {
    expect(tsx('scripts/release.ts', ['--help']).stdout).toMatch(/usage: npm run release -- <environment> <image-tag>/);
    expect(tsx('scripts/secret.ts', ['--help']).stdout).toMatch(/usage: npm run secret -- <command> <environment>/);
    const missing = tsx('scripts/release.ts', ['staging']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/expected <environment> <image-tag>/);
  });
});
