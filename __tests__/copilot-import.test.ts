import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defineEnvironment } from '../src/config/defaults';
import { EnvironmentConfig } from '../src/config/types';
import { importCopilot, runImportCommand } from '../src/import/copilot/command';
import { isMapped, kindReason, reasonFor } from '../src/import/copilot/coverage';
import { mergedFor } from '../src/import/copilot/mapping';
import { MANIFEST_FIELDS, ManifestKind } from '../src/import/copilot/spec';
import { commandArgs, durationSeconds, parseCount, translateSchedule } from '../src/import/copilot/translate';
import { readWorkspace } from '../src/import/copilot/workspace';
import { onlyResource, resourcesOf, synthEnv } from './helpers/synth';

/**
 * `npm run import:copilot`: a Copilot workspace (fixtures written from Copilot's manifest
 * specification, aws.github.io/copilot-cli/docs/manifest/) becomes this project's config. The
 * fixture __tests__/fixtures/copilot/django is a Django app as Copilot users commonly deploy one:
 * web behind an nginx sidecar the load balancer targets, a startup sidecar that migrates, per
 * environment aliases, counts and secrets, a worker on its queue, a scheduled job, a backend
 * service, an imported VPC and certificates in prod, an RDS addon.
 */
const DJANGO = path.join(__dirname, 'fixtures', 'copilot', 'django');

/** A throwaway copy of a fixture with some files replaced. */
function workspaceWith(files: Record<string, string>, base = DJANGO): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'copilot-'));
  fs.cpSync(base, dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

describe('Copilot values in this project\'s terms', () => {
  test.each([
    ['@hourly', 'cron(0 * * * ? *)'],
    ['@daily', 'cron(0 0 * * ? *)'],
    ['@weekly', 'cron(0 0 ? * SUN *)'],
    ['@monthly', 'cron(0 0 1 * ? *)'],
    ['@yearly', 'cron(0 0 1 1 ? *)'],
    ['@every 30m', 'rate(30 minutes)'],
    ['@every 1h30m', 'rate(90 minutes)'],
    ['@every 2h', 'rate(2 hours)'],
    ['@every 24h', 'rate(1 day)'],
    ['0 3 * * *', 'cron(0 3 * * ? *)'],
    // cron's weekdays (0 = Sunday) become EventBridge's (1 = Sunday); one of the day fields is "?".
    ['30 2 * * 1-5', 'cron(30 2 ? * 2-6 *)'],
    ['0 9 * * 0,6', 'cron(0 9 ? * 1,7 *)'],
    ['0 9 * * 7', 'cron(0 9 ? * 1 *)'],
    ['0 0 1 * *', 'cron(0 0 1 * ? *)'],
    ['*/15 9-17 * * MON-FRI', 'cron(*/15 9-17 ? * MON-FRI *)'],
  ])('schedule %j is %s', (copilot, eventbridge) => {
    expect(translateSchedule(copilot)).toBe(eventbridge);
  });

  test('"none" has no trigger; impossible schedules are refused with the reason', () => {
    expect(translateSchedule('none')).toBeUndefined();
    expect(() => translateSchedule('@every 30s')).toThrow(/at most once a minute/);
    expect(() => translateSchedule('0 0 1 * 1')).toThrow(/both a day of the month and a day of the week/);
    expect(() => translateSchedule('every day')).toThrow(/not a Copilot schedule/);
    // Steps are not shifted, and EventBridge takes none in the day of the week.
    expect(() => translateSchedule('0 9 * * */2')).toThrow(/has a step: EventBridge does not take steps there/);
    expect(translateSchedule('*/10 */2 * * 1')).toBe('cron(*/10 */2 ? * 2 *)');
  });

  test('durations, counts and commands', () => {
    expect(durationSeconds('1h30m')).toBe(5400);
    expect(durationSeconds('250ms')).toBe(0.25);
    expect(() => durationSeconds('ten minutes')).toThrow(/not a duration/);
    expect(parseCount(3)).toEqual({ min: 3, max: 3 });
    expect(parseCount('1-10')).toEqual({ min: 1, max: 10 });
    expect(parseCount({ range: { min: 1, max: 6, spot_from: 3 }, cpu_percentage: 70, requests: 500, queue_delay: { acceptable_latency: '1m', msg_processing_time: '250ms' } })).toMatchObject({
      min: 1, max: 6, spotFrom: 3, cpuPercentage: 70, requests: 500, queueDelay: { acceptableLatencySeconds: 60, processingSeconds: 0.25 },
    });
    expect(commandArgs('gunicorn app.wsgi --bind "0.0.0.0:8000"')).toEqual(['gunicorn', 'app.wsgi', '--bind', '0.0.0.0:8000']);
    expect(commandArgs(["sh", "-c", "echo 'a b'"])).toEqual(['sh', '-c', "echo 'a b'"]);
    expect(() => commandArgs('echo "oops')).toThrow(/unclosed/);
  });
});

describe('reading the workspace as Copilot does', () => {
  test('every workload, the environments and the addons', () => {
    const ws = readWorkspace(DJANGO);
    expect(ws.application).toBe('shop');
    expect(ws.workloads.map((w) => `${w.name}: ${w.kind}`)).toEqual(['api-internal: Backend Service', 'cleanup: Scheduled Job', 'web: Load Balanced Web Service', 'worker: Worker Service']);
    expect(ws.environments.map((e) => e.name)).toEqual(['prod', 'test']);
    expect(ws.addons).toEqual([
      { file: 'copilot/web/addons/db.yml', resources: [{ name: 'webdbCluster', type: 'AWS::RDS::DBCluster' }, { name: 'webdbSecret', type: 'AWS::SecretsManager::Secret' }] },
      { file: 'copilot/web/addons/ses.yml', resources: [{ name: 'MailIdentity', type: 'AWS::SES::EmailIdentity' }, { name: 'MailConfigurationSet', type: 'AWS::SES::ConfigurationSet' }, { name: 'MailBounces', type: 'AWS::SES::ConfigurationSetEventDestination' }, { name: 'BounceTopic', type: 'AWS::SNS::Topic' }] },
    ]);
  });

  test('overrides merge as Copilot documents: maps merge, lists and scalars replace', () => {
    const web = readWorkspace(DJANGO).workloads.find((w) => w.name === 'web')!;
    const prod = mergedFor(web, 'prod') as any;
    expect(prod.count).toEqual({ range: '2-10', cpu_percentage: 60, memory_percentage: 80, requests: 800 });
    expect(prod.http.alias).toEqual(['shop.example.com', 'www.shop.example.com']);
    expect(prod.http.target_container).toBe('nginx');
    expect(prod.variables).toEqual({ DJANGO_SETTINGS_MODULE: 'shop.settings', LOG_LEVEL: 'warning' });
    expect((mergedFor(web, 'test') as any).http.alias).toBe('test.shop.example.com');
  });

  test.each([
    ['an unparsable manifest: the file and the line', { 'copilot/web/manifest.yml': 'name: web\ntype: Load Balanced Web Service\nhttp:\n  path: [unclosed\n' }, /^copilot\/web\/manifest\.yml:\d+: not valid YAML/],
    ['an unknown workload type: the file, the line and the field', { 'copilot/web/manifest.yml': 'name: web\ntype: Load Balanced Service\n' }, /^copilot\/web\/manifest\.yml:2: type: is "Load Balanced Service", not a Copilot workload type: use one of "Load Balanced Web Service"/],
    ['an unknown key: the file, the line, the field and the documented names', { 'copilot/web/manifest.yml': 'name: web\ntype: Load Balanced Web Service\nhttp:\n  path: /\n  helthcheck: /healthz\n' }, /^copilot\/web\/manifest\.yml:5: http\.helthcheck: is not a field Copilot documents for this manifest; documented here: .*healthcheck/],
    ['an unknown key in an environment override', { 'copilot/worker/manifest.yml': 'name: worker\ntype: Worker Service\nenvironments:\n  prod:\n    count:\n      rnage: 1-2\n' }, /^copilot\/worker\/manifest\.yml:6: environments\.prod\.count\.rnage: is not a field/],
    ['an environment manifest of another type', { 'copilot/environments/test/manifest.yml': 'name: test\ntype: Load Balanced Web Service\n' }, /^copilot\/environments\/test\/manifest\.yml:2: type: is "Load Balanced Web Service": an environment manifest has type "Environment"/],
    ['an env file line ECS would not read', { 'copilot/web/web.env': '# ok\nexport LOG_LEVEL=debug\n' }, /^copilot\/web\/web\.env:2: sets "export LOG_LEVEL", which ECS would take as the variable's name whole \(no shell: no "export", no spaces\)/],
    ['an env file that is not there', { 'copilot/web/manifest.yml': fs.readFileSync(path.join(DJANGO, 'copilot/web/manifest.yml'), 'utf8').replace('env_file: copilot/web/web.env', 'env_file: web.env') }, /^copilot\/web\/manifest\.yml:\d+: env_file: names "web\.env", which does not exist: Copilot reads env files relative to the repository root/],
  ])('%s', (_label, files, message) => {
    const dir = workspaceWith(files);
    try {
      expect(() => readWorkspace(dir)).toThrow(message);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an empty or missing copilot/ folder says what it looked for', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'copilot-empty-'));
    try {
      expect(() => readWorkspace(empty)).toThrow(/copilot: not found: point the command at the repository that holds the copilot\/ folder/);
      fs.mkdirSync(path.join(empty, 'copilot'));
      fs.writeFileSync(path.join(empty, 'copilot', '.workspace'), 'application: shop\n');
      expect(() => readWorkspace(empty)).toThrow(/^copilot\/: has no workload: looked for copilot\/<name>\/manifest\.yml/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  test('the field list it checks against covers every manifest type, from Copilot\'s reference', () => {
    for (const [kind, fields] of Object.entries(MANIFEST_FIELDS)) expect([kind, fields.length > 5]).toEqual([kind, true]);
    expect(MANIFEST_FIELDS['Load Balanced Web Service']).toEqual(expect.arrayContaining(['http.healthcheck.path', 'http.target_container', 'count.cpu_percentage', 'sidecars.*.image']));
    expect(MANIFEST_FIELDS['Scheduled Job']).toEqual(expect.arrayContaining(['on.schedule', 'retries', 'timeout']));
  });
});

describe('the Django app, imported', () => {
  const result = importCopilot(DJANGO);
  const env = (name: string) => result.environments.find((e) => e.name === name)! as any;
  const test_ = env('test');
  const prod = env('prod');

  test('one environment per Copilot environment, in the project named after the application', () => {
    expect(result.environments.map((e) => [e.name, e.project, e.production])).toEqual([['prod', 'shop', true], ['test', 'shop', false]]);
  });

  test('web: port, the nginx sidecar the load balancer targets, health check, sizes, counts and scaling targets per environment', () => {
    expect(test_.compute.web).toMatchObject({
      containerPort: 8000, targetContainer: 'nginx', healthCheckPath: '/healthz/', cpu: 512, memory: 1024, minCount: 1, maxCount: 4, cpuTarget: 65, requestsPerTarget: 800,
      command: ['gunicorn', 'shop.wsgi', '--bind', '127.0.0.1:8000', '--workers', '3'],
    });
    expect(test_.compute.web.sidecars).toEqual([{
      name: 'nginx', image: 'public.ecr.aws/nginx/nginx:1.27-alpine', port: 8080, dependsOn: [{ container: 'app', condition: 'START' }], environment: { NGINX_PORT: '8080' },
      // Copilot's health check defaults where the manifest says nothing (5 s timeout, 2 retries, no start period).
      healthCheck: { command: ['CMD-SHELL', 'wget -q -O /dev/null http://localhost:8080/nginx-health || exit 1'], intervalSeconds: 15, timeoutSeconds: 5, retries: 2, startPeriodSeconds: 0 },
    }]);
    expect(prod.compute.web).toMatchObject({ minCount: 2, maxCount: 10, cpuTarget: 60 });
    // count.memory_percentage, storage.ephemeral; the prod override's rollback alarm.
    expect(test_.compute.web).toMatchObject({ memoryTarget: 80, ephemeralStorageGiB: 30 });
    expect(test_.compute.web.rollbackAlarms).toBeUndefined();
    expect(prod.compute.web.rollbackAlarms).toEqual(['shop-prod-payments-errors']);
    expect(test_.loadBalancer).toEqual({ deregistrationDelay: 20 });
    expect(test_.compute.enableExec).toBe(true);
  });

  test('the startup sidecar that migrates becomes the release\'s migration command, and the report says so', () => {
    expect(test_.release).toEqual({ migrationCommand: ['python', 'manage.py', 'migrate', '--noinput'] });
    expect(result.notes).toContainEqual(expect.stringMatching(/startup sidecar "migrate" \(copilot\/web\/manifest\.yml\) ran migrations before the app started: here that is the release's migration command/));
    expect(JSON.stringify(test_.compute.web.sidecars)).not.toContain('migrate');
  });

  test('domains from the aliases per environment; variables and secrets', () => {
    expect(test_.domain.name).toBe('test.shop.example.com');
    expect(prod.domain).toMatchObject({ name: 'shop.example.com', appAliases: ['www'] });
    // The env file's variables too; the manifest's own win over the file's (LOG_LEVEL), as in ECS;
    // a variable without a value (UNSET_BY_ECS=) is skipped, as the ECS agent skips it.
    expect(test_.compute.environment).toEqual({ DJANGO_SETTINGS_MODULE: 'shop.settings', LOG_LEVEL: 'info', DEFAULT_FROM_EMAIL: 'shop@example.com', CACHE_TTL_SECONDS: '300' });
    expect(prod.compute.environment.LOG_LEVEL).toBe('warning');
    expect(result.unmapped.find((u) => u.field === 'env_file')).toBeUndefined();
    // Secrets stay where they are, read in place by ARN: SSM parameters, and Secrets Manager secrets by
    // name (a partial ARN, with the JSON key) as Copilot reads them.
    expect(test_.compute.externalSecrets).toEqual({
      DJANGO_SECRET: 'arn:aws:ssm:us-east-1:123456789012:parameter/copilot/shop/test/secrets/django_secret',
      STRIPE_KEY: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/stripe:api_key::',
    });
    expect(prod.compute.externalSecrets).toEqual({
      DJANGO_SECRET: 'arn:aws:ssm:eu-west-1:123456789012:parameter/copilot/shop/prod/secrets/django_secret',
      STRIPE_KEY: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/stripe:api_key::',
    });
    expect(test_.compute.secrets).toBeUndefined();
    expect(result.notes).toContainEqual(expect.stringMatching(/secret STRIPE_KEY \(copilot\/web\/manifest\.yml\): read in place from Secrets Manager .*customer managed KMS key/));
  });

  test('the backend service becomes an internal service, found by name, and the report says how it is reached', () => {
    expect(test_.compute.internalServices).toEqual([{
      name: 'api-internal', containerPort: 9000, cpu: 256, memory: 512, minCount: 1, maxCount: 1, command: expect.arrayContaining(['sh', '-c']), ephemeralStorageGiB: 40,
      // No load balancer: its image.healthcheck is how ECS judges its tasks.
      containerHealthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:9000/healthz || exit 1'], intervalSeconds: 20, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 30 },
    }]);
    expect(result.notes).toContainEqual(expect.stringMatching(/internal service api-internal .*Copilot ran its image's CMD; here it runs the app's image, so set compute\.internalServices\[\]\.command/));
    expect(prod.compute.internalServices[0]).toMatchObject({ minCount: 2, maxCount: 2 });
    expect(result.notes).toContainEqual(expect.stringMatching(/internal service api-internal \(copilot\/api-internal\/manifest\.yml\): the other processes reach it at http:\/\/api-internal\.<project>-<env>\.internal:9000 \(their API_INTERNAL_URL\)/));
  });

  test('the worker and its queue: timeout, retention, dead-letter tries, backlog scaling', () => {
    expect(test_.compute.workers).toEqual([expect.objectContaining({ name: 'worker', command: ['celery', '-A', 'shop', 'worker', '-l', 'info'], minCount: 1, maxCount: 5, queues: ['worker'], acceptableLatencySeconds: 60, processingSeconds: 0.25, taskTimeoutSeconds: 120 })]);
    expect(test_.compute.queues).toEqual([{ name: 'worker', visibilityTimeoutSeconds: 120, retentionDays: 4, maxReceiveCount: 5, subscribesTo: [{ topic: 'orders' }] }]);
    expect(prod.compute.workers[0]).toMatchObject({ minCount: 2, maxCount: 8 });
    // logging.retention: one per environment here, the longest (the others kept Copilot's 30 days).
    expect([test_.compute.logRetentionDays, prod.compute.logRetentionDays]).toEqual([30, 30]);
    expect(result.unmapped.find((u) => u.field === 'logging.retention')).toBeUndefined();
  });

  test('the scheduled job: its schedule per environment, in UTC, with its timeout', () => {
    expect(test_.compute.jobs).toEqual([{ name: 'cleanup', schedule: 'cron(30 2 ? * 2-6 *)', timezone: 'UTC', command: ['python', 'manage.py', 'clearsessions'], retries: 3, timeoutMinutes: 30, cpu: 256, memory: 512 }]);
    expect(prod.compute.jobs[0].schedule).toBe('cron(0 0 * * ? *)');
  });

  test('the environment\'s ingress source IPs restrict every load-balanced service (the source-IP condition of its rule)', () => {
    expect(prod.compute.web.allowedSourceIps).toEqual(['203.0.113.0/24']);
    expect(test_.compute.web.allowedSourceIps).toBeUndefined();
    expect(result.notes).toContainEqual(expect.stringMatching(/prod: only 203\.0\.113\.0\/24 reach web \(http\.public\.ingress\.source_ips\)/));
    const rule = resourcesOf(synthEnv(defineEnvironment(prod)), 'aws_lb_listener_rule').find(([n]) => /_web-rule_/.test(n))![1];
    expect(rule.condition).toContainEqual({ source_ip: { values: ['203.0.113.0/24'] } });
    // A service with source IPs of its own keeps them, with a note (Copilot let through what both allowed).
    const own = workspaceWith({ 'copilot/web/manifest.yml': fs.readFileSync(path.join(DJANGO, 'copilot/web/manifest.yml'), 'utf8').replace("  alias: test.shop.example.com", "  alias: test.shop.example.com\n  allowed_source_ips: ['203.0.113.7/32']") });
    try {
      const imported = importCopilot(own);
      expect((imported.environments.find((e) => e.name === 'prod') as any).compute.web.allowedSourceIps).toEqual(['203.0.113.7/32']);
      expect(imported.notes).toContainEqual(expect.stringMatching(/prod: web keeps its own allowed_source_ips \(203\.0\.113\.7\/32\); Copilot also limited the environment to 203\.0\.113\.0\/24/));
    } finally {
      fs.rmSync(own, { recursive: true, force: true });
    }
  });

  test('environment manifests: a VPC of its own with Copilot\'s CIDR and zones, or the imported one with its certificates', () => {
    expect(test_.network).toEqual({ cidr: '10.40.0.0/16', azCount: 2, availabilityZones: ['us-east-1a', 'us-east-1b'] });
    expect(test_.region).toBe('us-east-1');
    expect(prod.network.existing).toEqual({ vpcId: 'vpc-0a1b2c3d4e5f67890', publicSubnetIds: ['subnet-0aaa0000000000001', 'subnet-0aaa0000000000002', 'subnet-0aaa0000000000003'], privateSubnetIds: ['subnet-0bbb0000000000001', 'subnet-0bbb0000000000002', 'subnet-0bbb0000000000003'] });
    expect(prod.network.azCount).toBe(3);
    expect(prod.domain.certificates).toEqual({ loadBalancer: 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555', cdn: 'arn:aws:acm:us-east-1:123456789012:certificate/66666666-7777-8888-9999-000000000000' });
    expect(prod.region).toBe('eu-west-1');
  });

  test('nothing is dropped silently: every field not carried over is listed with the reason and what to do', () => {
    const listed = (file: string, field: string) => result.unmapped.find((u) => u.file === file && u.field === field);
    expect(listed('copilot/web/manifest.yml', 'storage.ephemeral')).toBeUndefined();
    expect(listed('copilot/web/manifest.yml', 'http.healthcheck.healthy_threshold')).toBeUndefined();
    expect(test_.compute.web.healthCheck).toEqual({ healthyThreshold: 2, intervalSeconds: 10 });
    expect(listed('copilot/web/manifest.yml', 'image.build')?.reason).toMatch(/npm run release/);
    expect(listed('copilot/worker/manifest.yml', 'subscribe.topics[0].name')).toBeUndefined();
    expect(test_.compute.topics).toEqual([{ name: 'orders' }]);
    expect(test_.compute.web.publishesTo).toEqual(['orders']);
    expect(test_.compute.queues).toEqual([expect.objectContaining({ name: 'worker', subscribesTo: [{ topic: 'orders' }] })]);
    expect(listed('copilot/cleanup/manifest.yml', 'retries')).toBeUndefined();
    expect(listed('copilot/api-internal/manifest.yml', 'image.port')).toBeUndefined();
    expect(listed('copilot/web/addons/db.yml', 'Resources.webdbCluster (AWS::RDS::DBCluster)')?.reason).toMatch(/docs\/migrating\.md/);
    // SES added by hand as an addon: pointed at the email section, with adoption of the identity.
    for (const r of ['MailIdentity (AWS::SES::EmailIdentity)', 'MailConfigurationSet (AWS::SES::ConfigurationSet)', 'MailBounces (AWS::SES::ConfigurationSetEventDestination)']) {
      expect(listed('copilot/web/addons/ses.yml', `Resources.${r}`)?.reason).toMatch(/the email section .*docs\/email\.md.*email\.adopt: true/);
    }
    // Each listed field exists in its manifest (no invented paths), and nothing is listed twice.
    const keys = result.unmapped.map((u) => `${u.file} ${u.field}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const u of result.unmapped) expect(u.reason.length).toBeGreaterThan(20);
  });

  test.each(['test', 'prod'])('%s synthesizes as imported: sizes, routing, sidecars, queue and schedule in the stack', (name) => {
    const config: EnvironmentConfig = defineEnvironment(env(name));
    const json = synthEnv(config);
    const web = resourcesOf(json, 'aws_ecs_task_definition').find(([n]) => /^web_/.test(n))![1];
    expect([web.cpu, web.memory]).toEqual(['512', '1024']);
    const containers = JSON.parse(web.container_definitions);
    expect(containers.map((c: any) => c.name).sort()).toEqual(['app', 'nginx']);
    const group = resourcesOf(json, 'aws_lb_target_group').find(([n]) => /web/.test(n))![1];
    expect([group.port, group.health_check.path]).toEqual([8080, '/healthz/']);
    expect(resourcesOf(json, 'aws_sqs_queue').some(([, q]) => q.name === `shop-${name}-worker` && q.visibility_timeout_seconds === 120 && q.message_retention_seconds === 4 * 86400)).toBe(true);
    expect(resourcesOf(json, 'aws_scheduler_schedule').some(([, s]) => s.name === `shop-${name}-cleanup` && s.schedule_expression === (name === 'prod' ? 'cron(0 0 * * ? *)' : 'cron(30 2 ? * 2-6 *)'))).toBe(true);
    if (name === 'prod') expect(onlyResource(json, 'aws_cloudfront_distribution').viewer_certificate.acm_certificate_arn).toMatch(/66666666/);
    // The task sizes its scratch space and health-checks nginx; the service scales on memory too.
    expect(web.ephemeral_storage).toEqual({ size_in_gib: 30 });
    expect(containers.find((c: any) => c.name === 'nginx').healthCheck).toEqual({ command: ['CMD-SHELL', 'wget -q -O /dev/null http://localhost:8080/nginx-health || exit 1'], interval: 15, timeout: 5, retries: 2, startPeriod: 0 });
    const memory = resourcesOf(json, 'aws_appautoscaling_policy').find(([n]) => /^web_memory/.test(n))![1];
    expect(memory.target_tracking_scaling_policy_configuration).toMatchObject({ target_value: 80, predefined_metric_specification: { predefined_metric_type: 'ECSServiceAverageMemoryUtilization' } });
    const internal = resourcesOf(json, 'aws_ecs_task_definition').find(([n]) => /^internal-api-internal_/.test(n))![1];
    expect(JSON.parse(internal.container_definitions)[0].healthCheck).toEqual({ command: ['CMD-SHELL', 'curl -f http://localhost:9000/healthz || exit 1'], interval: 20, timeout: 5, retries: 3, startPeriod: 30 });
    // The Secrets Manager secret by name: the execution role reads it by its name and Secrets Manager's suffix.
    const readSecrets = JSON.parse(resourcesOf(json, 'aws_iam_role_policy').find(([n]) => /^web_execution-policy/.test(n))![1].policy).Statement.find((st: any) => st.Sid === 'ReadSecrets');
    expect(readSecrets.Resource).toContain(`arn:aws:secretsmanager:${config.region}:123456789012:secret:shop/stripe-??????`);
    const service = resourcesOf(json, 'aws_ecs_service').find(([n]) => /^web_service/.test(n))![1];
    if (name === 'prod') expect(service.alarms.alarm_names).toContain('shop-prod-payments-errors');
    else expect(service.alarms.alarm_names).not.toContain('shop-prod-payments-errors');
  });
});

describe('every workload type and schedule form (fixture "catalog")', () => {
  const CATALOG = path.join(__dirname, 'fixtures', 'copilot', 'catalog');
  const result = importCopilot(CATALOG);
  const [dev, prod] = result.environments as any[];
  const listed = (file: string, field: string) => result.unmapped.find((u) => u.file === `copilot/${file}/manifest.yml` && u.field === field)?.reason;
  /** Each imported environment synthesized once for all the tests of this fixture (a synth takes a second). */
  const synthesized = new Map<number, ReturnType<typeof synthEnv>>();
  const synthOf = (i: number) => synthesized.get(i) ?? synthesized.set(i, synthEnv(defineEnvironment(result.environments[i]))).get(i)!;

  test('the application name becomes a valid project slug, and the report says so', () => {
    expect(dev.project).toBe('catalog-shop');
    expect(result.notes).toContainEqual(expect.stringMatching(/the Copilot application "Catalog_Shop" is "catalog-shop" here/));
  });

  test('a second load balanced service on a path, and an App Runner service on its own host, with what differs', () => {
    // The api's additional rule on /v2 widens its rule; the one to the admin-ui sidecar is listed.
    expect(dev.compute.services.map((s: any) => [s.name, s.paths, s.hosts])).toEqual([['api', ['/api', '/api/*', '/v2', '/v2/*'], undefined], ['hooks', undefined, ['hooks']]]);
    expect(listed('api', 'http.additional_rules[1].target_container')).toMatch(/has its own target_container, target_port: a service here has one target group .*compute\.services\[\]/);
    expect(listed('api', 'http.additional_rules[0].path')).toBeUndefined();
    // The web service's additional rule is on its own host names: answered by the default route.
    expect(listed('front', 'http.additional_rules[0].path')).toBeUndefined();
    expect(result.notes).toContainEqual(expect.stringMatching(/front \(copilot\/front\/manifest\.yml\): additional rule 0 \(legacy-health\) is answered by the web service/));
    const rule = resourcesOf(synthOf(0), 'aws_lb_listener_rule').find(([n]) => /service-api-rule/.test(n))![1];
    expect(rule.condition).toEqual([{ host_header: { values: ['dev.catalog.example.com'] } }, { path_pattern: { values: ['/api', '/api/*', '/v2', '/v2/*'] } }]);
    expect(prod.compute.services[1].hosts).toEqual(['hooks.catalog.example.com']);
    expect(dev.compute.services[0]).toMatchObject({ containerPort: 8080, healthCheckPath: '/api/health', minCount: 1, maxCount: 3, requestsPerTarget: 300, command: ['serve', '--port', '8080'], ownRepository: true });
    expect(result.notes).toContainEqual(expect.stringMatching(/hooks \(copilot\/hooks\/manifest\.yml\) was an App Runner service: here it runs on Fargate/));
    expect(result.unmapped.find((u) => u.file === 'copilot/hooks/manifest.yml' && u.field === 'type')?.reason).toMatch(/^Request-Driven Web Service was an App Runner service: .*scale to zero/);
    expect(listed('hooks', 'http.alias')).toMatch(/outside the environment's domain dev\.catalog\.example\.com/);
  });

  test('production runs two tasks at least: a lower Copilot count is raised, and the report says so', () => {
    expect(prod.compute.services[0]).toMatchObject({ name: 'api', minCount: 2, maxCount: 3 });
    expect(dev.compute.services[0]).toMatchObject({ minCount: 1, maxCount: 3 });
    expect(prod.compute.web).toMatchObject({ minCount: 2, maxCount: 2 });
    expect(dev.compute.web).toMatchObject({ minCount: 1, maxCount: 1 });
    expect(result.notes).toContainEqual(expect.stringMatching(/prod: api ran 1 task\(s\) at least; production here runs 2 at least/));
  });

  test('jobs: @hourly and @every in EventBridge form, "none" listed whole with the way to run it', () => {
    expect(dev.compute.jobs.map((j: any) => [j.name, j.schedule, j.timeoutMinutes])).toEqual([['every', 'rate(90 minutes)', 120], ['hourly', 'cron(0 * * * ? *)', undefined]]);
    // Jobs share the one-off task: a job's entrypoint goes in front of its command, as ECS would run them.
    expect(dev.compute.jobs[1].command).toEqual(['/usr/bin/dumb-init', '--', './report', 'hourly']);
    expect(listed('hourly', 'entrypoint')).toBeUndefined();
    expect(listed('manual', 'on.schedule')).toMatch(/"none".*npm run task/);
    expect(listed('manual', 'command')).toMatch(/"none"/);
  });

  test('topics: publish.topics on their publishers (camelCase names in kebab case, FIFO with deduplication), subscribe.topics on the worker\'s queue or a queue of the topic\'s own, filter policies kept', () => {
    expect(dev.compute.topics).toEqual([{ name: 'ledger-events', fifo: true, contentBasedDeduplication: true }, { name: 'signups' }]);
    expect(dev.compute.web.publishesTo).toEqual(['signups']);
    expect(dev.compute.services.find((s: any) => s.name === 'api').publishesTo).toEqual(['ledger-events']);
    expect(dev.compute.queues).toEqual([
      { name: 'mailer-ledger-events', subscribesTo: [{ topic: 'ledger-events' }], visibilityTimeoutSeconds: 60, fifo: true, contentBasedDeduplication: true },
      { name: 'mailer', subscribesTo: [{ topic: 'signups', filterPolicy: { plan: ['paid'] } }], delaySeconds: 5 },
    ]);
    expect(dev.compute.workers[0]).toMatchObject({ name: 'mailer', queues: ['mailer', 'mailer-ledger-events'], taskTimeoutSeconds: 60 });
    // image.depends_on: the worker's app container waits for its relay sidecar to be healthy.
    expect(dev.compute.workers[0].dependsOn).toEqual([{ container: 'relay', condition: 'HEALTHY' }]);
    const mailer = JSON.parse(resourcesOf(synthOf(0), 'aws_ecs_task_definition').find(([n]) => /^worker-mailer_task/.test(n))![1].container_definitions);
    expect(mailer[0].dependsOn).toEqual([{ containerName: 'relay', condition: 'HEALTHY' }]);
    expect(mailer[1].healthCheck.command).toEqual(['CMD-SHELL', 'nc -z localhost 2525']);
    expect(listed('mailer', 'subscribe.topics[0].filter_policy.plan')).toBeUndefined();
    expect(listed('mailer', 'subscribe.topics[1].queue.fifo.high_throughput')).toMatch(/high-throughput FIFO is not carried over/);
    expect(result.notes).toContainEqual(expect.stringMatching(/topic ledgerEvents of api .* is "ledger-events" here: its publishers read TOPIC_ARN_LEDGER_EVENTS/));
    const json = synthOf(0);
    const subscriptions = resourcesOf(json, 'aws_sns_topic_subscription').filter(([n]) => /^topics_/.test(n)).map(([, s]) => [s.filter_policy, s.endpoint.replace(/_queue_\w+\.arn}$/, '')]);
    expect(subscriptions.sort()).toEqual([[undefined, '${aws_sqs_queue.queue-mailer-ledger-events'], ['{"plan":["paid"]}', '${aws_sqs_queue.queue-mailer']]);
  });

  test('variables that differ between workloads: the first in compute.environment, the others in their process\'s own environment; a job\'s is listed (jobs share the one-off task)', () => {
    expect(dev.compute.environment.FEATURE_FLAGS).toBe('on');
    expect(dev.compute.web.environment).toEqual({ FEATURE_FLAGS: 'off' });
    expect(listed('front', 'variables.FEATURE_FLAGS')).toBeUndefined();
    expect(listed('hourly', 'variables.FEATURE_FLAGS')).toMatch(/jobs share the one-off task/);
    const json = synthOf(0);
    const variable = (family: RegExp) => JSON.parse(resourcesOf(json, 'aws_ecs_task_definition').find(([n]) => family.test(n))![1].container_definitions)[0].environment.find((e: any) => e.name === 'FEATURE_FLAGS')?.value;
    expect([variable(/^web_task/), variable(/^service-api_task/), variable(/^oneoff_task/)]).toEqual(['off', 'on', 'on']);
  });

  test('the api: entrypoint, Spot from its second task (production: above its minimum), response-time scaling; Copilot\'s threshold rollback alarms listed', () => {
    expect(dev.compute.services[0]).toMatchObject({ entryPoint: ['/bin/entry.sh'], spotFrom: 2, responseTimeTarget: 2 });
    expect(prod.compute.services[0]).toMatchObject({ spotFrom: 3, minCount: 2, maxCount: 3 });
    expect(result.notes).toContainEqual(expect.stringMatching(/prod: api ran tasks from 2 on Spot; production here keeps its 2 always-running tasks on demand, so Spot starts at task 3/));
    expect(listed('api', 'count.range.spot_from')).toBeUndefined();
    // Retentions of 14 (api) and 7 (front) days, and Copilot's 30 for the other workloads: the longest is kept, so no logs go sooner.
    expect(dev.compute.logRetentionDays).toBe(30);
    expect(listed('front', 'logging.retention')).toMatch(/one per environment here \(compute\.logRetentionDays\): 30 days, the longest/);
    expect(listed('api', 'logging.retention')).toMatch(/30 days, the longest/);
    // Copilot's threshold form: an alarm of the service's own that rolls its deployments back.
    expect(listed('api', 'deployment.rollback_alarms.cpu_utilization')).toBeUndefined();
    expect(dev.compute.services[0].rollbackOn).toEqual({ cpuPercent: 80 });
    const json = synthOf(1);
    const service = resourcesOf(json, 'aws_ecs_service').find(([n]) => /^service-api_service/.test(n))![1];
    expect(service.capacity_provider_strategy).toEqual([{ capacity_provider: 'FARGATE', base: 2, weight: 0 }, { capacity_provider: 'FARGATE_SPOT', weight: 1 }]);
    expect(service.launch_type).toBeUndefined();
    const api = JSON.parse(resourcesOf(json, 'aws_ecs_task_definition').find(([n]) => /^service-api_task/.test(n))![1].container_definitions)[0];
    expect([api.entryPoint, api.command]).toEqual([['/bin/entry.sh'], ['serve', '--port', '8080']]);
    const latency = resourcesOf(json, 'aws_appautoscaling_policy').find(([n]) => /^service-api_response-time/.test(n))![1].target_tracking_scaling_policy_configuration;
    expect(latency).toMatchObject({ target_value: 2, customized_metric_specification: { namespace: 'AWS/ApplicationELB', metric_name: 'TargetResponseTime', statistic: 'Average' } });
    expect(latency.customized_metric_specification.dimensions.map((d: any) => d.name)).toEqual(['LoadBalancer', 'TargetGroup']);
    const rollbackCpu = resourcesOf(json, 'aws_cloudwatch_metric_alarm').find(([, a]) => a.alarm_name === 'catalog-shop-prod-api-rollback-cpu')!;
    expect(rollbackCpu[1]).toMatchObject({ threshold: 80, metric_name: 'CPUUtilization', namespace: 'AWS/ECS', evaluation_periods: 3 });
    expect(service.alarms.alarm_names).toContain(`\${aws_cloudwatch_metric_alarm.${rollbackCpu[0]}.alarm_name}`);
  });

  test('what has no equivalent yet is listed with the reason: ARM64, static site, CDN, ingress; a queue delay carries over', () => {
    expect(listed('front', 'platform')).toMatch(/share one CPU architecture here \(compute\.cpuArchitecture\)/);
    expect(dev.compute.cpuArchitecture).toBeUndefined();
    expect(listed('mailer', 'subscribe.queue.delay')).toBeUndefined();
    expect(dev.compute.queues.find((q: any) => q.name === 'mailer').delaySeconds).toBe(5);
    const queue = resourcesOf(synthOf(0), 'aws_sqs_queue').find(([, q]) => q.name === 'catalog-shop-dev-mailer')![1];
    expect(queue.delay_seconds).toBe(5);
    expect(listed('docs', 'files[0].source')).toMatch(/Static Site/);
    expect(result.unmapped.find((u) => u.field === 'cdn')?.reason).toMatch(/CDN in front of the load balancer/);
    expect(result.unmapped.find((u) => u.field === 'http.public.ingress.cdn')?.reason).toMatch(/CDN-only ingress is not carried over/);
    expect(prod.network).toEqual({ cidr: '10.20.0.0/16', flowLogs: true });
    expect(result.unmapped.find((u) => u.field === 'network.vpc.flow_logs.retention')?.reason).toMatch(/logRetentionDays/);
  });

  test('source IPs that do not fit a full rule fail the import (the service would be open to everyone)', () => {
    const CATALOG_DIR = path.join(__dirname, 'fixtures', 'copilot', 'catalog');
    const env = fs.readFileSync(path.join(CATALOG_DIR, 'copilot/environments/prod/manifest.yml'), 'utf8').replace('      cdn: true', "      source_ips: ['10.0.0.0/8']");
    const dir = workspaceWith({ 'copilot/environments/prod/manifest.yml': env }, CATALOG_DIR);
    try {
      expect(() => importCopilot(dir)).toThrow(/copilot\/environments\/prod\/manifest\.yml: http\.public\.ingress\.source_ips: api's listener rule already matches 5 host names and paths.*without them api would be open to everyone/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an additional rule on other hosts of a service without aliases, or widening by hosts after paths, is listed', () => {
    const CATALOG_DIR = path.join(__dirname, 'fixtures', 'copilot', 'catalog');
    const api = fs.readFileSync(path.join(CATALOG_DIR, 'copilot/api/manifest.yml'), 'utf8').replace('    - path: v2\n', '    - path: v2\n    - path: api\n      alias: v3.catalog.example.com\n');
    const dir = workspaceWith({ 'copilot/api/manifest.yml': api }, CATALOG_DIR);
    try {
      const imported = importCopilot(dir);
      const reason = imported.unmapped.find((u) => u.file === 'copilot/api/manifest.yml' && u.field === 'http.additional_rules[1].path')?.reason;
      expect(reason).toMatch(/widening its rule by both host names and paths would route combinations no Copilot rule did/);
      expect((imported.environments[0] as any).compute.services[0].hosts).toBeUndefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each([0, 1])('environment %i synthesizes as imported', (i) => {
    const json = synthOf(i);
    expect(resourcesOf(json, 'aws_ecr_repository').map(([, r]) => r.name).sort()).toEqual([`catalog-shop-${result.environments[i].name}`, `catalog-shop-${result.environments[i].name}-api`, `catalog-shop-${result.environments[i].name}-hooks`]);
  });
});

test('linux/arm64 on every workload: the environment runs on ARM64 (Graviton), and every task definition says so', () => {
  const manifests = ['web', 'worker', 'cleanup', 'api-internal'].map((w) => `copilot/${w}/manifest.yml`);
  const dir = workspaceWith(Object.fromEntries(manifests.map((m) => [m, `${fs.readFileSync(path.join(DJANGO, m), 'utf8')}\nplatform: linux/arm64\n`])));
  try {
    const result = importCopilot(dir);
    const env = result.environments.find((e) => e.name === 'test')! as any;
    expect(env.compute.cpuArchitecture).toBe('ARM64');
    expect(env.compute.fargateSpot).toBe(false);
    expect(result.unmapped.filter((u) => u.field === 'platform')).toEqual([]);
    expect(result.notes).toContainEqual(expect.stringMatching(/test: every workload runs on linux\/arm64: compute\.cpuArchitecture is ARM64/));
    const json = synthEnv(defineEnvironment(env));
    const platforms = resourcesOf(json, 'aws_ecs_task_definition').map(([, t]) => t.runtime_platform.cpu_architecture);
    expect(new Set(platforms)).toEqual(new Set(['ARM64']));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('what would otherwise vanish is listed: an override for no environment, a second certificate, a second deregistration delay, an alias outside the domain; and guesses are marked', () => {
  const web = fs.readFileSync(path.join(DJANGO, 'copilot/web/manifest.yml'), 'utf8');
  const dir = workspaceWith({
    'copilot/web/manifest.yml': `${web}  tset:\n    count: 3\n`,
    'copilot/worker/manifest.yml': 'name: worker\ntype: Load Balanced Web Service\nimage:\n  port: 8080\nhttp:\n  path: worker\n  deregistration_delay: 2m\n',
    'copilot/environments/prod/manifest.yml': `${fs.readFileSync(path.join(DJANGO, 'copilot/environments/prod/manifest.yml'), 'utf8').replace('      - arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555', '      - arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555\n      - arn:aws:acm:eu-west-1:123456789012:certificate/22222222-2222-3333-4444-555555555555')}`,
  });
  try {
    const result = importCopilot(dir);
    const reason = (file: string, field: string) => result.unmapped.find((u) => u.file === file && u.field === field)?.reason;
    expect(reason('copilot/web/manifest.yml', 'environments.tset')).toMatch(/no Copilot environment "tset".*applies to nothing/);
    expect(reason('copilot/environments/prod/manifest.yml', 'http.public.certificates')).toMatch(/takes one certificate here/);
    expect(reason('copilot/worker/manifest.yml', 'http.deregistration_delay')).toMatch(/one per environment here \(loadBalancer\.deregistrationDelay\), already 20 s/);
    const prod = result.environments.find((e) => e.name === 'prod') as any;
    expect(prod.domain.dns).toEqual({ zoneMode: 'lookup', zoneName: 'example.com', exportRecords: false });
    expect(result.placeholders).toContainEqual({ environment: 'prod', field: 'domain.dns.zoneName', note: expect.stringMatching(/guessed/) });
    expect(result.placeholders).toContainEqual({ environment: 'test', field: 'production', note: expect.stringMatching(/set true for a production environment/) });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a value that cannot be translated fails with the manifest it is in', () => {
  const dir = workspaceWith({ 'copilot/cleanup/manifest.yml': 'name: cleanup\ntype: Scheduled Job\non:\n  schedule: "@every 90s"\ncommand: ./x\n' });
  try {
    expect(() => importCopilot(dir)).toThrow(/^copilot\/cleanup\/manifest\.yml: "@every 90s": EventBridge schedules run at most once a minute, in whole minutes/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('coverage of Copilot\'s manifest specification', () => {
  test('every documented field of every manifest type is either carried over or has its own reason', () => {
    const missing: string[] = [];
    for (const [kind, fields] of Object.entries(MANIFEST_FIELDS) as [ManifestKind, readonly string[]][]) {
      for (const field of fields.filter((f) => !f.endsWith('**'))) if (!isMapped(kind, field) && !reasonFor(field, kind) && !kindReason(kind)) missing.push(`${kind}: ${field}`);
    }
    expect(missing).toEqual([]);
  });

  test('the counts docs/migrating-from-copilot.md and the issue note report', () => {
    const counts = Object.fromEntries((Object.entries(MANIFEST_FIELDS) as [ManifestKind, readonly string[]][]).map(([kind, fields]) => {
      const real = fields.filter((f) => !f.endsWith('**'));
      return [kind, { documented: real.length, mapped: real.filter((f) => isMapped(kind, f)).length }];
    }));
    expect(counts['Load Balanced Web Service'].mapped).toBeGreaterThan(90);
    expect(counts['Backend Service'].mapped).toBeGreaterThan(70);
    // docs/migrating-from-copilot.md quotes these numbers: it must not go stale.
    const doc = fs.readFileSync(path.join(__dirname, '..', 'docs', 'migrating-from-copilot.md'), 'utf8').replace(/\s+/g, ' ');
    for (const [kind, c] of Object.entries(counts)) expect([kind, doc.includes(`${kind} ${c.mapped}/${c.documented}`)]).toEqual([kind, true]);
    process.stdout.write(`copilot field coverage: ${JSON.stringify(counts)}\n`);
  });
});

describe('the command', () => {
  const io = (cwd: string) => {
    const written: Record<string, string> = {};
    const printed: string[] = [];
    const errors: string[] = [];
    return { written, printed, errors, io: { cwd, exists: (f: string) => fs.existsSync(f) || f in written, write: (f: string, t: string) => (written[f] = t), out: (t: string) => printed.push(t), err: (t: string) => errors.push(t) } };
  };

  test('--json prints the environments and the unmapped fields; --env selects', () => {
    const run = io(process.cwd());
    expect(runImportCommand([DJANGO, '--json', '--env', 'prod'], run.io)).toBe(0);
    const out = JSON.parse(run.printed.join(''));
    expect(out.environments.map((e: any) => e.name)).toEqual(['prod']);
    expect(out.unmapped[0]).toEqual({ file: expect.any(String), field: expect.any(String), reason: expect.any(String) });
    const wrong = io(process.cwd());
    expect(runImportCommand([DJANGO, '--env', 'qa'], wrong.io)).toBe(2);
    expect(wrong.errors.join('')).toMatch(/--env qa: no such Copilot environment; the workspace has prod, test/);
  });

  test('writes the config, never over an existing file without --force, and the file synthesizes as written', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'copilot-out-'));
    try {
      const file = path.join(dir, 'environments.ts');
      const run = io(process.cwd());
      expect(runImportCommand([DJANGO, '--out', file], run.io)).toBe(0);
      const text = run.written[file];
      expect(text).toMatch(/accountId: '123456789012' \/\* FILL IN: the AWS account of this environment/);
      expect(text).toMatch(/\/\/ {3}- copilot\/cleanup\/manifest\.yml: image\.build: images are released by tag/);
      // The import path of defaults is relative to the file; point it at the source for this test.
      fs.writeFileSync(file, text.replace(/from '[^']*\/defaults'/, `from '${path.resolve('src/config/defaults')}'`).replace(/from '[^']*\/types'/, `from '${path.resolve('src/config/types')}'`));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const loaded = require(file) as { environments: EnvironmentConfig[] };
      expect(loaded.environments.map((e) => e.name)).toEqual(['prod', 'test']);
      for (const e of loaded.environments) expect(Object.keys(synthEnv(e).resource).length).toBeGreaterThan(20);

      const again = io(process.cwd());
      expect(runImportCommand([DJANGO, '--out', file], again.io)).toBe(2);
      expect(again.errors.join('')).toMatch(/exists: choose another --out, or --force to overwrite it/);
      expect(runImportCommand([DJANGO, '--out', file, '--force'], again.io)).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a broken manifest exits 2 with the file, line and field; no stack trace', () => {
    const dir = workspaceWith({ 'copilot/web/manifest.yml': 'name: web\ntype: Load Balanced Web Service\ncount:\n  rang: 1-2\n' });
    try {
      const run = io(process.cwd());
      expect(runImportCommand([dir], run.io)).toBe(2);
      expect(run.errors.join('')).toMatch(/copilot\/web\/manifest\.yml:4: count\.rang: is not a field Copilot documents/);
      expect(run.errors.join('')).not.toMatch(/\n\s+at /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
