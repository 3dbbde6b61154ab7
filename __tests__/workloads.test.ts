import { prod, staging } from '../src/config/environments';
import { rulePriority } from '../src/config/routing';
import { EnvironmentConfig } from '../src/config/types';
import { scheduleProblem } from '../src/config/validate';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn, spawnSync } from 'child_process';
import { JOB_RETRY, jobCommand } from '../src/modules/scheduled-jobs';
import { estimateStack } from '../src/ops/cost/estimate';
import { workloadBoundaryStatements } from '../src/delivery/boundary';
import { expectRejected } from './helpers/config';
import { policyOf, resourcesOf, shipped, synthEnv, TfJson, withConfig } from './helpers/synth';

const ENVS = [staging, prod];
const json = (env: EnvironmentConfig): TfJson => shipped(env.name as 'staging' | 'prod');
const named = (j: TfJson, type: string, part: string) => {
  const found = resourcesOf(j, type).filter(([n]) => n.includes(part));
  if (found.length !== 1) throw new Error(`expected one ${type} *${part}*, found ${found.map(([n]) => n).join(', ')}`);
  return found[0];
};
const containers = (j: TfJson, family: string) => JSON.parse(resourcesOf(j, 'aws_ecs_task_definition').find(([, t]) => t.family === family)![1].container_definitions);
const taskPolicy = (j: TfJson, process: string) => policyOf(named(j, 'aws_iam_role_policy', `${process}_task-policy_`)[1].policy).Statement;

describe('HTTP services behind the shared load balancer', () => {
  test.each(ENVS)('$name: the api service has its own target group, health check and host rule; web stays the default route', (env) => {
    const j = json(env);
    const [tgName, tg] = named(j, 'aws_lb_target_group', 'service-api-tg');
    expect(tg).toMatchObject({ name_prefix: 'api-', target_type: 'ip', port: 8080, health_check: { path: '/healthz', matcher: '200-399' }, lifecycle: { create_before_destroy: true } });
    const [, rule] = named(j, 'aws_lb_listener_rule', 'service-api-rule');
    expect(rule.condition).toEqual([{ host_header: { values: [`api.${env.domain.name}`] } }]);
    expect(rule.action).toEqual([{ type: 'forward', target_group_arn: `\${aws_lb_target_group.${tgName}.arn}` }]);
    expect(rule.priority).toBe(rulePriority(env.compute.services[0]));
    expect(rule.priority).toBeLessThan(named(j, 'aws_lb_listener_rule', '_web-rule_')[1].priority);
    // Its host name is on the certificate and aliases the load balancer.
    const records = resourcesOf(j, 'aws_route53_record').map(([, r]) => r).filter((r) => r.name === `api.${env.domain.name}`);
    expect(records.map((r) => r.type)).toEqual(['A']);
  });

  test('rule priorities are deterministic: adding a service moves no other rule; more specific rules come first', () => {
    const api = { name: 'api', hosts: ['api'], paths: [], priority: undefined };
    const before = rulePriority(api);
    const withMore = withConfig(staging, (c) => c.compute.services.unshift({ ...c.compute.services[0], name: 'admin', hosts: [], paths: ['/admin/*'], sidecars: [], targetContainer: undefined }));
    const j = synthEnv(withMore);
    expect(named(j, 'aws_lb_listener_rule', 'service-api-rule')[1].priority).toBe(before);
    expect(rulePriority({ name: 'x', hosts: ['a'], paths: ['/p/*'] })).toBeLessThan(11000);
    expect(rulePriority({ name: 'x', hosts: [], paths: ['/p/*'] })).toBeGreaterThanOrEqual(11000);
    expect(rulePriority({ name: 'x', hosts: ['a'], paths: [] })).toBeGreaterThanOrEqual(21000);
    expect(rulePriority({ name: 'x', hosts: ['a'], paths: [], priority: 7 })).toBe(7);
    // A path-only service is routed on the app's host names, so unknown hosts still get the 404.
    const [, admin] = named(j, 'aws_lb_listener_rule', 'service-admin-rule');
    expect(admin.condition).toEqual([{ host_header: { values: ['staging.example.com'] } }, { path_pattern: { values: ['/admin/*'] } }]);
  });

  test.each(ENVS)('$name: nginx beside the api container; the load balancer targets nginx; sidecars get no app secrets', (env) => {
    const j = json(env);
    const [app, nginx] = containers(j, `webapp-${env.name}-api`);
    expect(app).toMatchObject({ name: 'app', portMappings: [{ containerPort: 8001, hostPort: 8001, protocol: 'tcp' }], command: ['gunicorn', 'webapp.wsgi', '--bind', '127.0.0.1:8001'] });
    expect(nginx).toMatchObject({
      name: 'nginx',
      essential: true,
      portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
      dependsOn: [{ containerName: 'app', condition: 'START' }],
      secrets: [],
      environment: [],
      cpu: 64,
      memoryReservation: 64,
      // public.ecr.aws through the environment's pull-through cache.
      image: `${env.accountId}.dkr.ecr.${env.region}.amazonaws.com/webapp-${env.name}-pub/nginx/nginx:1.27-alpine`,
      logConfiguration: { logDriver: 'awslogs' },
    });
    const service = resourcesOf(j, 'aws_ecs_service').find(([, s]) => s.name === `webapp-${env.name}-api`)![1];
    expect(service.load_balancer).toEqual([{ target_group_arn: expect.stringContaining('service-api-tg'), container_name: 'nginx', container_port: 8080 }]);
    const execution = policyOf(named(j, 'aws_iam_role_policy', 'service-api_execution-policy_')[1].policy).Statement;
    expect(execution.map((s: any) => s.Sid)).toContain('PullThroughPublicCache');
    expect(app.environment).toContainEqual({ name: 'APP_HOSTS', value: `api.${env.domain.name}` });
  });

  test('a sidecar gets a declared secret only when it asks for it', () => {
    const j = synthEnv(withConfig(staging, (c) => (c.compute.services[0].sidecars[0].secrets = ['SENTRY_DSN'])));
    const [, nginx] = containers(j, 'webapp-staging-api');
    expect(nginx.secrets).toEqual([{ name: 'SENTRY_DSN', valueFrom: expect.stringMatching(/aws_secretsmanager_secret\.app-secrets_SENTRY_DSN_\w+\.arn/) }]);
  });
});

describe('queues and their workers', () => {
  test.each(ENVS)('$name: the queue is encrypted, long-polling, with a dead-letter queue and a redrive policy', (env) => {
    const j = json(env);
    const [, queue] = named(j, 'aws_sqs_queue', 'queue-emails_queue');
    const [dlqName, dlq] = named(j, 'aws_sqs_queue', 'queue-emails_dlq');
    expect(queue).toMatchObject({ name: `webapp-${env.name}-emails`, sqs_managed_sse_enabled: true, receive_wait_time_seconds: 20, visibility_timeout_seconds: 900, message_retention_seconds: 4 * 86400 });
    expect(JSON.parse(queue.redrive_policy)).toEqual({ deadLetterTargetArn: `\${aws_sqs_queue.${dlqName}.arn}`, maxReceiveCount: 5 });
    expect(dlq).toMatchObject({ name: `webapp-${env.name}-emails-dlq`, sqs_managed_sse_enabled: true, message_retention_seconds: 14 * 86400 });
    expect(resourcesOf(j, 'aws_sqs_queue_redrive_allow_policy')).toEqual([]);
  });

  test.each(ENVS)('$name: the mailer may consume exactly its queues (e-mails, SES feedback); web may only send to e-mails; both find its URL in their environment', (env) => {
    const j = json(env);
    const [queueName] = named(j, 'aws_sqs_queue', 'queue-emails_queue');
    const [feedbackName] = named(j, 'aws_sqs_queue', 'queue-email-feedback_queue');
    const arn = `\${aws_sqs_queue.${queueName}.arn}`;
    const sqs = (process: string) => taskPolicy(j, process).filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('sqs:')));
    const consume = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'];
    expect(sqs('worker-mailer')).toEqual([
      { Sid: 'Consumeemails', Effect: 'Allow', Action: consume, Resource: arn },
      { Sid: 'Consumeemailfeedback', Effect: 'Allow', Action: consume, Resource: `\${aws_sqs_queue.${feedbackName}.arn}` },
    ]);
    expect(sqs('web')).toEqual([{ Sid: 'Sendemails', Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], Resource: arn }]);
    expect(sqs('worker-celery')).toEqual([]);
    for (const family of [`webapp-${env.name}-web`, `webapp-${env.name}-mailer`]) {
      const vars = Object.fromEntries(containers(j, family)[0].environment.map((e: any) => [e.name, e.value]));
      expect(vars.QUEUE_URL_EMAILS).toBe(`\${aws_sqs_queue.${queueName}.url}`);
      expect(vars.QUEUE_NAME_EMAILS).toBe(`\${aws_sqs_queue.${queueName}.name}`);
    }
  });

  test.each(ENVS)('$name: the mailer scales on backlog per task (visible messages / running tasks), target = latency / processing time; no CPU policy', (env) => {
    const j = json(env);
    const mailer = env.compute.workers.find((w) => w.name === 'mailer')!;
    const [, policy] = named(j, 'aws_appautoscaling_policy', 'worker-mailer_backlog');
    const config = policy.target_tracking_scaling_policy_configuration;
    expect(config.target_value).toBe(mailer.acceptableLatencySeconds / mailer.processingSeconds);
    const metrics = config.customized_metric_specification.metrics;
    expect(metrics[0]).toMatchObject({ id: 'visible0', return_data: false, metric_stat: { stat: 'Sum', metric: { namespace: 'AWS/SQS', metric_name: 'ApproximateNumberOfMessagesVisible', dimensions: [{ name: 'QueueName', value: `webapp-${env.name}-emails` }] } } });
    // Both of its queues' backlogs (the SES feedback queue is the second).
    expect(metrics[1]).toMatchObject({ id: 'visible1', metric_stat: { stat: 'Sum', metric: { namespace: 'AWS/SQS', metric_name: 'ApproximateNumberOfMessagesVisible', dimensions: [{ name: 'QueueName', value: `webapp-${env.name}-email-feedback` }] } } });
    expect(metrics[2]).toMatchObject({ id: 'tasks', metric_stat: { metric: { namespace: 'ECS/ContainerInsights', metric_name: 'RunningTaskCount' } } });
    expect(metrics[3]).toEqual({ id: 'backlogPerTask', expression: '(visible0 + visible1) / tasks', label: 'Visible messages per running task', return_data: true });
    expect(resourcesOf(j, 'aws_appautoscaling_policy').filter(([n]) => n.startsWith('worker-mailer_'))).toHaveLength(1);
    // The queue's alarms: late work and dead letters.
    const alarms = resourcesOf(j, 'aws_cloudwatch_metric_alarm').map(([, a]) => a);
    const late = alarms.find((a) => a.alarm_name === `webapp-${env.name}-queue-emails-oldest-message`);
    expect(late).toMatchObject({ threshold: 3 * mailer.acceptableLatencySeconds });
    // Staging sleeps at night: the age is judged through metric math (monitoring.test.ts).
    expect(late.metric_name ?? late.metric_query.find((q: any) => q.id === 'm1').metric.metric_name).toBe('ApproximateAgeOfOldestMessage');
    expect(alarms.find((a) => a.alarm_name === `webapp-${env.name}-queue-emails-dead-letters`)).toMatchObject({ threshold: 0, dimensions: { QueueName: `\${aws_sqs_queue.${named(j, 'aws_sqs_queue', 'queue-emails_dlq')[0]}.name}` } });
  });
});

describe('scheduled jobs', () => {
  test.each(ENVS)('$name: a schedule per job starts the one-off task family (the released image) with the command under timeout, in its time zone, with retries and a DLQ', (env) => {
    const j = json(env);
    const job = env.compute.jobs[0];
    const [, schedule] = named(j, 'aws_scheduler_schedule', `jobs_${job.name}`);
    expect(schedule).toMatchObject({
      name: `webapp-${env.name}-${job.name}`,
      schedule_expression: env.compute.jobs[0].schedule,
      schedule_expression_timezone: 'Europe/Dublin',
      flexible_time_window: { mode: 'OFF' },
      state: 'ENABLED',
    });
    const target = schedule.target;
    expect(target.arn).toMatch(/aws_ecs_cluster\..*\.arn/);
    expect(target.retry_policy).toEqual({ maximum_retry_attempts: JOB_RETRY.maximumRetryAttempts, maximum_event_age_in_seconds: JOB_RETRY.maximumEventAgeInSeconds });
    expect(target.dead_letter_config.arn).toMatch(/aws_sqs_queue\.jobs_dead-letters_queue_\w+\.arn/);
    // The family without a revision: always the latest, i.e. the released image.
    expect(target.ecs_parameters.task_definition_arn).toBe(`arn:aws:ecs:${env.region}:${env.accountId}:task-definition/\${aws_ecs_task_definition.oneoff_task_E29E2622.family}`);
    expect(target.ecs_parameters).toMatchObject({ task_count: 1, group: `job:${job.name}`, network_configuration: { assign_public_ip: false } });
    expect(JSON.parse(target.input)).toEqual({ containerOverrides: [{ name: 'app', command: ['timeout', String(job.timeoutMinutes * 60), ...job.command] }], cpu: String(job.cpu), memory: String(job.memory) });
  });

  test.each(ENVS)('$name: the scheduler role may run only the one-off family on this cluster and pass only its two roles', (env) => {
    const j = json(env);
    const [, role] = named(j, 'aws_iam_role', 'jobs_role');
    expect(policyOf(role.assume_role_policy).Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': env.accountId } } }]);
    const statements = policyOf(named(j, 'aws_iam_role_policy', 'jobs_policy')[1].policy).Statement;
    const bySid = Object.fromEntries(statements.map((s: any) => [s.Sid, s]));
    expect(bySid.RunTheOneOffTaskOnThisCluster).toMatchObject({ Action: 'ecs:RunTask', Condition: { ArnEquals: { 'ecs:cluster': expect.stringMatching(/aws_ecs_cluster\..*\.arn/) } } });
    for (const r of bySid.RunTheOneOffTaskOnThisCluster.Resource) expect(r).toMatch(/task-definition\/\$\{aws_ecs_task_definition\.oneoff_task_\w+\.family\}/);
    expect(bySid.PassItsTwoRoles).toMatchObject({ Action: 'iam:PassRole', Resource: [expect.stringMatching(/oneoff_execution-role/), expect.stringMatching(/oneoff_task-role/)], Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } });
    expect(bySid.TagTheTasksItStarts.Condition).toEqual({ StringEquals: { 'ecs:CreateAction': 'RunTask' } });
    expect(bySid.DeadLetters).toMatchObject({ Action: 'sqs:SendMessage', Resource: expect.stringMatching(/jobs_dead-letters_queue/) });
    expect(statements).toHaveLength(4);
  });

  test.each(ENVS)('$name: a job that exits non-zero or fails to start reaches the warning topic; failed starts have an alarm', (env) => {
    const j = json(env);
    const rules = resourcesOf(j, 'aws_cloudwatch_event_rule').map(([n, r]) => ({ n, ...r, pattern: JSON.parse(r.event_pattern) }));
    const exited = rules.find((r) => r.name === `webapp-${env.name}-job-failed`)!;
    expect(exited.pattern).toMatchObject({ source: ['aws.ecs'], 'detail-type': ['ECS Task State Change'], detail: { group: [`job:${env.compute.jobs[0].name}`], lastStatus: ['STOPPED'], containers: { name: ['app'], exitCode: [{ 'anything-but': 0 }] } } });
    const notStarted = rules.find((r) => r.name === `webapp-${env.name}-job-failed-to-start`)!;
    expect(notStarted.pattern.detail.stopCode).toEqual(['TaskFailedToStart']);
    const targets = resourcesOf(j, 'aws_cloudwatch_event_target').map(([, t]) => t).filter((t) => [exited.n, notStarted.n].some((n) => t.rule.includes(n)));
    expect(targets.map((t) => t.arn)).toEqual([expect.stringMatching(/alerts_warning/), expect.stringMatching(/alerts_warning/)]);
    const alarm = resourcesOf(j, 'aws_cloudwatch_metric_alarm').map(([, a]) => a).find((a) => a.alarm_name === `webapp-${env.name}-jobs-start-failures`)!;
    expect(alarm.metric_query.map((q: any) => q.metric?.metric_name).filter(Boolean)).toEqual(['InvocationsSentToDeadLetterCount', 'TargetErrorCount']);
  });
});

describe('validation of workloads', () => {
  const svc = (c: EnvironmentConfig) => c.compute.services[0];
  test.each<[string, (c: EnvironmentConfig) => void, string, RegExp]>([
    ['two services with the same name', (c) => c.compute.services.push({ ...svc(c), hosts: ['other'] }), 'compute.services[1].name', /already the name of compute\.services\[0\]\.name/],
    ['a service with the name of a worker', (c) => (svc(c).name = 'mailer'), 'compute.workers[1].name', /already the name of compute\.services\[0\]\.name/],
    ['a service routing nothing', (c) => ((svc(c).hosts = []), (svc(c).paths = [])), 'compute.services[0]', /routes nothing/],
    ['a host outside the domain', (c) => (svc(c).hosts = ['api.other.org']), 'compute.services[0].hosts[0]', /a full name inside staging\.example\.com/],
    ['two services claiming one host and path', (c) => c.compute.services.push({ ...svc(c), name: 'api2' }), 'compute.services[1]', /claims the same host and path as compute\.services\[0\]/],
    ['too many rule values', (c) => (svc(c).paths = ['/a/*', '/b/*', '/c/*', '/d/*', '/e/*']), 'compute.services[0]', /at most 5 values in all/],
    ['two services on one priority', (c) => c.compute.services.push({ ...svc(c), name: 'api2', hosts: ['api2'], priority: rulePriority(svc(c)) }), 'compute.services[1].priority', /also api's listener rule priority/],
    ['a target container that is not a sidecar', (c) => (svc(c).targetContainer = 'envoy'), 'compute.services[0].targetContainer', /not a sidecar of this service/],
    ['a sidecar port the app uses', (c) => (svc(c).sidecars[0].port = 8001), 'compute.services[0].sidecars[0].port', /which the app container already listens on/],
    ['a sidecar named app', (c) => (svc(c).sidecars[0].name = 'app'), 'compute.services[0].sidecars[0].name', /not "app"/],
    ['a sidecar depending on an unknown container', (c) => (svc(c).sidecars[0].dependsOn = [{ container: 'db', condition: 'START' }]), 'compute.services[0].sidecars[0].dependsOn[0].container', /not a container of this task/],
    ['a sidecar secret not declared', (c) => (svc(c).sidecars[0].secrets = ['NOPE']), 'compute.services[0].sidecars[0].secrets[0]', /not declared/],
    ['sidecars taking the whole task', (c) => (svc(c).sidecars[0].memory = 512), 'compute.services[0].sidecars', /leave room for the app container/],
    ['a worker bound to an unknown queue', (c) => (c.compute.workers[1].queues = ['sms']), 'compute.workers[1].queues[0]', /is "sms", which is not in compute\.queues/],
    ['a producer of an unknown queue', (c) => (c.compute.web.sendsTo = ['sms']), 'compute.web.sendsTo[0]', /not in compute\.queues/],
    ['a queue nobody consumes', (c) => c.compute.queues.push({ name: 'orphan', visibilityTimeoutSeconds: 60, retentionDays: 1, maxReceiveCount: 3, fifo: false, contentBasedDeduplication: false, subscribesTo: [] }), 'compute.queues[1].name', /consumed by no worker/],
    ['a visibility timeout shorter than the work', (c) => (c.compute.queues[0].visibilityTimeoutSeconds = 60), 'compute.workers[1].taskTimeoutSeconds', /longer than queue "emails"'s visibility timeout \(60 s\)/],
    ['a process variable the stack sets', (c) => (c.compute.workers[0].environment = { DATABASE_HOST: 'db' }), 'compute.workers[0].environment.DATABASE_HOST', /set by the stack itself/],
    ['a process variable that is a declared secret', (c) => (c.compute.services[0].environment = { SENTRY_DSN: 'https://x' }), 'compute.services[0].environment.SENTRY_DSN', /also a declared secret: keep one of them/],
    ['a process variable that looks like a secret', (c) => (c.compute.web.environment = { API_TOKEN: 'x' }), 'compute.web.environment.API_TOKEN', /looks like a secret/],
    ['a queue worker at zero', (c) => (c.compute.workers[1].minCount = 0), 'compute.workers[1].minCount', /backlog-per-task metric has no data/],
    ['retention SQS refuses', (c) => (c.compute.queues[0].retentionDays = 30), 'compute.queues[0].retentionDays', /1 to 14 days/],
    ['a 5-field cron', (c) => (c.compute.jobs[0].schedule = 'cron(0 3 * * *)'), 'compute.jobs[0].schedule', /has 5 cron fields: EventBridge needs 6/],
    ['a cron without ?', (c) => (c.compute.jobs[0].schedule = 'cron(0 3 * * * *)'), 'compute.jobs[0].schedule', /"\?" in exactly one of day-of-month and day-of-week/],
    ['a rate with the wrong unit', (c) => (c.compute.jobs[0].schedule = 'rate(1 hours)'), 'compute.jobs[0].schedule', /use "1 hour"/],
    ['an unknown time zone', (c) => (c.compute.jobs[0].timezone = 'Europe/Atlantis'), 'compute.jobs[0].timezone', /not an IANA time zone/],
    ['a job size Fargate does not offer', (c) => (c.compute.jobs[0].memory = 3000), 'compute.jobs[0].memory', /Fargate does not offer/],
  ])('%s', (_label, change, field, fix) => {
    expectRejected(withConfig(staging, change), field, fix);
  });

  test('schedule expressions', () => {
    for (const ok of ['cron(0 3 * * ? *)', 'cron(15 10 ? * MON-FRI *)', 'cron(0/15 * * * ? *)', 'cron(0 8 1 * ? 2026)', 'rate(1 hour)', 'rate(5 minutes)', 'rate(1 day)']) expect([ok, scheduleProblem(ok)]).toEqual([ok, undefined]);
    for (const bad of ['cron(60 3 * * ? *)', 'cron(0 24 * * ? *)', 'at(2026-01-01T00:00:00)', 'rate(0 minutes)', 'daily']) expect(scheduleProblem(bad)).toBeDefined();
  });
});

describe('CPU architecture (compute.cpuArchitecture)', () => {
  test('x86 by default; ARM64 (Graviton) puts every task definition on ARM64: web, services, workers, one-off, database admin', () => {
    const platforms = (json: TfJson) => resourcesOf(json, 'aws_ecs_task_definition').map(([name, t]) => [name.split('_')[0], t.runtime_platform]);
    expect(new Set(platforms(shipped('staging')).map(([, p]) => (p as any).cpu_architecture))).toEqual(new Set(['X86_64']));
    const arm = platforms(synthEnv(withConfig(staging, (c) => Object.assign(c.compute, { cpuArchitecture: 'ARM64', fargateSpot: false }))));
    expect(arm.map(([name]) => name).sort()).toEqual(['database-admin', 'oneoff', 'service-api', 'web', 'worker-celery', 'worker-mailer']);
    for (const [, platform] of arm) expect(platform).toEqual({ cpu_architecture: 'ARM64', operating_system_family: 'LINUX' });
  });

  test('the cost estimate prices ARM64 tasks at the Graviton rate, lower than x86', () => {
    const x86 = estimateStack(shipped('prod') as any).floorUsd;
    const arm = estimateStack(synthEnv(withConfig(prod, (c) => (c.compute.cpuArchitecture = 'ARM64'))) as any).floorUsd;
    expect(arm).toBeLessThan(x86);
  });

  test('ARM64 with Fargate Spot is refused: Spot runs x86 tasks only (ECS developer guide, "AWS Fargate capacity providers")', () => {
    expectRejected(withConfig(staging, (c) => (c.compute.cpuArchitecture = 'ARM64')), 'compute.cpuArchitecture', /Fargate Spot runs x86 tasks only; set compute\.fargateSpot to false/);
  });

  test('an architecture AWS Fargate does not have is refused with the field', () => {
    expectRejected(withConfig(staging, (c) => ((c.compute as any).cpuArchitecture = 'arm64')), 'compute.cpuArchitecture', /use one of "X86_64", "ARM64"/);
  });
});

describe('load-balanced services: health check, stickiness, source IPs (Copilot\'s http.healthcheck, stickiness, allowed_source_ips)', () => {
  test('the defaults are the project\'s: 2xx-3xx within 5 s every 15 s, 2 to be healthy, 3 to be unhealthy, 60 s of grace', () => {
    const json = shipped('staging');
    for (const [, group] of resourcesOf(json, 'aws_lb_target_group')) {
      expect(group.health_check).toMatchObject({ matcher: '200-399', interval: 15, timeout: 5, healthy_threshold: 2, unhealthy_threshold: 3 });
      expect(group.stickiness).toBeUndefined();
    }
    expect(resourcesOf(json, 'aws_ecs_service').filter(([, s]) => s.load_balancer).map(([, s]) => s.health_check_grace_period_seconds)).toEqual([60, 60]);
  });

  test('set per service: the target group\'s check, the ECS grace period, an lb_cookie, a source-ip condition on its rule', () => {
    const json = synthEnv(withConfig(staging, (c) => {
      c.compute.services[0].healthCheck = { successCodes: '200,301', healthyThreshold: 4, unhealthyThreshold: 2, intervalSeconds: 10, timeoutSeconds: 8, gracePeriodSeconds: 120 };
      c.compute.services[0].stickiness = true;
      c.compute.services[0].allowedSourceIps = ['10.24.34.0/23'];
    }));
    const [, group] = resourcesOf(json, 'aws_lb_target_group').find(([n]) => /service-api/.test(n))!;
    expect(group.health_check).toMatchObject({ matcher: '200,301', interval: 10, timeout: 8, healthy_threshold: 4, unhealthy_threshold: 2 });
    expect(group.stickiness).toEqual({ type: 'lb_cookie', enabled: true, cookie_duration: 86400 });
    const [, rule] = resourcesOf(json, 'aws_lb_listener_rule').find(([n]) => /service-api/.test(n))!;
    expect(rule.condition).toContainEqual({ source_ip: { values: ['10.24.34.0/23'] } });
    const [, service] = resourcesOf(json, 'aws_ecs_service').find(([n]) => /service-api/.test(n))!;
    expect(service.health_check_grace_period_seconds).toBe(120);
    // The web service keeps the defaults.
    const [, web] = resourcesOf(json, 'aws_lb_target_group').find(([n]) => /^load-balancer_web-tg/.test(n))!;
    expect(web.health_check.matcher).toBe('200-399');
  });

  test('validation: codes, thresholds, a timeout below the interval, CIDRs, the rule\'s 5 values', () => {
    const hc = (change: Partial<EnvironmentConfig['compute']['web']['healthCheck']>) => withConfig(staging, (c) => Object.assign(c.compute.web.healthCheck, change));
    expectRejected(hc({ successCodes: '2xx' }), 'compute.web.healthCheck.successCodes', /use HTTP codes such as "200", "200,301" or "200-399"/);
    expectRejected(hc({ healthyThreshold: 1 }), 'compute.web.healthCheck.healthyThreshold', /2 to 10 checks/);
    expectRejected(hc({ timeoutSeconds: 15 }), 'compute.web.healthCheck.timeoutSeconds', /not below intervalSeconds \(15 s\)/);
    expectRejected(withConfig(staging, (c) => (c.compute.web.allowedSourceIps = ['office'])), 'compute.web.allowedSourceIps[0]', /use a CIDR/);
    expectRejected(withConfig(staging, (c) => (c.compute.services[0].allowedSourceIps = ['10.0.0.0/8', '10.1.0.0/16', '10.2.0.0/16', '10.3.0.0/16', '10.4.0.0/16'])), 'compute.services[0].allowedSourceIps', /at most 5 values in all/);
  });
});

describe('external secrets from SSM Parameter Store (Copilot\'s SSM secrets)', () => {
  const parameter = 'arn:aws:ssm:eu-west-1:123456789012:parameter/copilot/shop/staging/secrets/django_secret';
  const env = withConfig(staging, (c) => (c.compute.externalSecrets = { DJANGO_SECRET: parameter }));

  test('reach the containers by ARN; the execution roles may read exactly them with ssm:GetParameters, and the boundary allows it', () => {
    const json = synthEnv(env);
    const [, web] = resourcesOf(json, 'aws_ecs_task_definition').find(([n]) => /^web_/.test(n))!;
    expect(JSON.parse(web.container_definitions)[0].secrets).toContainEqual({ name: 'DJANGO_SECRET', valueFrom: parameter });
    const [, policy] = resourcesOf(json, 'aws_iam_role_policy').find(([n]) => /^web_execution-policy/.test(n))!;
    const statements = policyOf(policy.policy).Statement;
    expect(statements.find((s: any) => s.Sid === 'ReadParameters')).toEqual({ Sid: 'ReadParameters', Effect: 'Allow', Action: 'ssm:GetParameters', Resource: [parameter] });
    expect(JSON.stringify(statements.find((s: any) => s.Sid === 'ReadSecrets').Resource)).not.toContain(':ssm:');
    const boundary = workloadBoundaryStatements(env);
    expect(boundary.find((s) => s.Sid === 'ReadTheConfiguredParameters')).toMatchObject({ Action: 'ssm:GetParameters', Resource: [parameter] });
  });

  test('a malformed reference is refused with both forms', () => {
    expectRejected(withConfig(staging, (c) => (c.compute.externalSecrets = { X: 'parameter/copilot/x' })), 'compute.externalSecrets.X', /or an SSM parameter ARN \(arn:aws:ssm:<region>:<account>:parameter\/<name>\)/);
  });
});

describe('job retries (Copilot\'s retries): a failed run is run again in the same task', () => {
  // The container's command, run by a real POSIX sh here: what ECS would run.
  const run = (command: string[], retries?: number) => {
    const [file, ...args] = jobCommand({ command, timeoutMinutes: 1, retries }, 0);
    return spawnSync(file, args, { encoding: 'utf8' });
  };
  const counter = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'job-')), 'tries');
  /** Fails until its `n`-th try, counting tries in a file. */
  const flaky = (file: string, n: number) => ['sh', '-c', `echo x >> ${file}; [ "$(wc -l < ${file})" -ge ${n} ]`];

  test('no retries: the command under timeout, as before', () => {
    expect(jobCommand({ command: ['python', 'manage.py', 'clearsessions'], timeoutMinutes: 30 })).toEqual(['timeout', '1800', 'python', 'manage.py', 'clearsessions']);
  });

  test('a run that fails twice and then succeeds, with 2 retries: exit 0 after 3 tries', () => {
    const file = counter();
    const result = run(flaky(file, 3), 2);
    expect([result.status, fs.readFileSync(file, 'utf8').trim().split('\n').length]).toEqual([0, 3]);
    expect(result.stderr).toMatch(/job failed \(exit 1\): try 2 of 3 in 0 s/);
  });

  test('a run that keeps failing: tries 1 + retries times, then exits with its own code', () => {
    const file = counter();
    const result = run(['sh', '-c', `echo x >> ${file}; exit 3`], 1);
    expect([result.status, fs.readFileSync(file, 'utf8').trim().split('\n').length]).toEqual([3, 2]);
  });

  test('SIGTERM (StopTask, a Spot reclaim) reaches the running try, and nothing is retried after it: exit 143', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-'));
    const [file, ...args] = jobCommand({ command: ['sh', '-c', `trap 'echo got-term > ${dir}/term; exit 0' TERM; echo started > ${dir}/started; while :; do sleep 0.1; done`], timeoutMinutes: 1, retries: 3 }, 0);
    const child = spawn(file, args, { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 100 && !fs.existsSync(path.join(dir, 'started')); i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(fs.readFileSync(path.join(dir, 'term'), 'utf8').trim()).toBe('got-term');
    expect(fs.readFileSync(path.join(dir, 'started'), 'utf8').trim().split('\n')).toHaveLength(1);
  });

  test('a try that runs out of time is retried like a failure; the last one ends with timeout\'s 124', () => {
    const file = counter();
    const [cmd, ...args] = jobCommand({ command: ['sh', '-c', `echo x >> ${file}; sleep 5`], timeoutMinutes: 1, retries: 1 }, 0);
    // One second instead of the minute: the same script with a shorter limit.
    const result = spawnSync(cmd, [args[0], args[1], '1', ...args.slice(3)], { encoding: 'utf8' });
    expect([result.status, fs.readFileSync(file, 'utf8').trim().split('\n').length]).toEqual([124, 2]);
  });

  test('arguments with spaces and quotes reach the command unchanged', () => {
    const result = run(['sh', '-c', 'printf "%s|" "$@"', 'x', 'a b', "it's"], 1);
    expect([result.status, result.stdout]).toEqual([0, "a b|it's|"]);
  });

  test('synthesized: the schedule runs the retrying command; refused beyond 10', () => {
    const j = synthEnv(withConfig(staging, (c) => (c.compute.jobs[0].retries = 2)));
    const schedule = resourcesOf(j, 'aws_scheduler_schedule').find(([, s]) => s.name === 'webapp-staging-clearsessions')![1];
    const command = JSON.parse(schedule.target.input).containerOverrides[0].command;
    expect([command[0], command[1], ...command.slice(3)]).toEqual(['sh', '-c', '1800', 'python', 'manage.py', 'clearsessions']);
    expect(command[2]).toMatch(/if \[ "\$n" -gt 2 \]; then exit "\$rc"; fi/);
    expect(command[2]).toMatch(/sleep 10 & wait/);
    expectRejected(withConfig(staging, (c) => (c.compute.jobs[0].retries = 11)), 'compute.jobs[0].retries', /0 to 10 more tries/);
  });
});
