import { prod, staging } from '../src/config/environments';
import { EnvironmentConfig } from '../src/config/types';
import { estimateStack } from '../src/ops/cost/estimate';
import { workloadBoundaryStatements } from '../src/delivery/boundary';
import { externalSecretResources, isFullSecretArn } from '../src/lib/naming';
import { expectRejected } from './helpers/config';
import { policyOf, resourcesOf, shipped, synthEnv, TfJson, withConfig } from './helpers/synth';

/**
 * The container and placement options of a process (what Copilot's entrypoint, storage.ephemeral,
 * image.healthcheck, deployment.rollback_alarms and count.spot_from / memory_percentage /
 * response_time become): synthesized properties, the refusals at synth, and the cost of Spot from a count.
 */
const taskOf = (j: TfJson, family: string) => resourcesOf(j, 'aws_ecs_task_definition').find(([, t]) => t.family === family)![1];
const serviceOf = (j: TfJson, name: string) => resourcesOf(j, 'aws_ecs_service').find(([, s]) => s.name === name)![1];
const policyNamed = (j: TfJson, name: string) => resourcesOf(j, 'aws_appautoscaling_policy').find(([, p]) => p.name === name)?.[1];

describe('set: what each option synthesizes', () => {
  const options = withConfig(staging, (c) => {
    Object.assign(c.compute.web, {
      entryPoint: ['/docker-entrypoint.sh'],
      ephemeralStorageGiB: 50,
      containerHealthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:8000/healthz || exit 1'], intervalSeconds: 15, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 60 },
      rollbackAlarms: ['payments-errors'],
      spotFrom: 2,
      memoryTarget: 70,
      responseTimeTarget: 0.8,
    });
    c.compute.services[0].sidecars[0].healthCheck = { command: ['CMD', 'nginx', '-t'] };
    c.compute.services[0].sidecars[0].entryPoint = ['/docker-entrypoint.sh'];
  });
  const j = synthEnv(options);

  test('the app container: entry point before the command, its health check in ECS\'s names; the task\'s ephemeral storage', () => {
    const task = taskOf(j, 'webapp-staging-web');
    expect(task.ephemeral_storage).toEqual({ size_in_gib: 50 });
    const app = JSON.parse(task.container_definitions)[0];
    expect(app.entryPoint).toEqual(['/docker-entrypoint.sh']);
    expect(app.healthCheck).toEqual({ command: ['CMD-SHELL', 'curl -f http://localhost:8000/healthz || exit 1'], interval: 15, timeout: 5, retries: 3, startPeriod: 60 });
  });

  test('a sidecar\'s own entry point and health check; absent numbers are left to ECS', () => {
    const nginx = JSON.parse(taskOf(j, 'webapp-staging-api').container_definitions).find((c: any) => c.name === 'nginx');
    expect(nginx.healthCheck).toEqual({ command: ['CMD', 'nginx', '-t'] });
    expect(nginx.entryPoint).toEqual(['/docker-entrypoint.sh']);
  });

  test('unset, nothing changes: no entry point, no health check, Fargate\'s 20 GiB', () => {
    const task = taskOf(shipped('staging'), 'webapp-staging-web');
    expect(task.ephemeral_storage).toBeUndefined();
    const app = JSON.parse(task.container_definitions)[0];
    expect([app.entryPoint, app.healthCheck]).toEqual([undefined, undefined]);
    expect(policyNamed(shipped('staging'), 'webapp-staging-web-memory')).toBeUndefined();
  });

  test('the rollback alarms join the stack\'s own 5xx guard on the service', () => {
    const guard = resourcesOf(j, 'aws_cloudwatch_metric_alarm').find(([, a]) => a.alarm_name === 'webapp-staging-web-target-5xx-rate')![0];
    expect(serviceOf(j, 'webapp-staging-web').alarms).toEqual({ alarm_names: ['payments-errors', `\${aws_cloudwatch_metric_alarm.${guard}.alarm_name}`], enable: true, rollback: true });
    expect(serviceOf(shipped('staging'), 'webapp-staging-web').alarms.alarm_names).toEqual([`\${aws_cloudwatch_metric_alarm.${guard}.alarm_name}`]);
  });

  test('Spot from the second task: the first on demand (FARGATE base 1), the others on Spot, whatever compute.fargateSpot says', () => {
    expect(serviceOf(j, 'webapp-staging-web').capacity_provider_strategy).toEqual([{ capacity_provider: 'FARGATE', base: 1, weight: 0 }, { capacity_provider: 'FARGATE_SPOT', weight: 1 }]);
    // A later change of the base is a forced new deployment (the AWS provider refuses it otherwise).
    expect(serviceOf(j, 'webapp-staging-web').force_new_deployment).toBe(true);
    expect(serviceOf(j, 'webapp-staging-api').force_new_deployment).toBeUndefined();
    // Other services keep the environment's choice.
    expect(serviceOf(j, 'webapp-staging-api').capacity_provider_strategy).toEqual([{ capacity_provider: 'FARGATE_SPOT', weight: 1 }]);
  });

  test('memory and response-time target tracking beside CPU and requests; the response time on the service\'s own target group', () => {
    expect(policyNamed(j, 'webapp-staging-web-memory')!.target_tracking_scaling_policy_configuration).toMatchObject({ target_value: 70, predefined_metric_specification: { predefined_metric_type: 'ECSServiceAverageMemoryUtilization' } });
    const latency = policyNamed(j, 'webapp-staging-web-response-time')!.target_tracking_scaling_policy_configuration;
    expect(latency).toMatchObject({ target_value: 0.8, scale_in_cooldown: 300, scale_out_cooldown: 60, customized_metric_specification: { namespace: 'AWS/ApplicationELB', metric_name: 'TargetResponseTime', statistic: 'Average' } });
    const [webGroup] = resourcesOf(j, 'aws_lb_target_group').find(([n]) => /_web-tg_/.test(n))!;
    const [lb] = resourcesOf(j, 'aws_lb')[0];
    expect(latency.customized_metric_specification.dimensions).toEqual([
      { name: 'LoadBalancer', value: `\${aws_lb.${lb}.arn_suffix}` },
      { name: 'TargetGroup', value: `\${aws_lb_target_group.${webGroup}.arn_suffix}` },
    ]);
    for (const name of ['cpu', 'requests']) expect(policyNamed(j, `webapp-staging-web-${name}`)).toBeDefined();
  });
});

describe('rollback thresholds of a service\'s own (rollbackOn)', () => {
  test.each(['staging', 'prod'] as const)('%s: the celery worker rolls a release back on its own CPU and memory alarms (it has no HTTP errors)', (name) => {
    const j = shipped(name);
    const alarms = resourcesOf(j, 'aws_cloudwatch_metric_alarm').filter(([, a]) => /-celery-rollback-/.test(a.alarm_name));
    expect(alarms.map(([, a]) => [a.alarm_name, a.metric_name, a.threshold, a.evaluation_periods, a.datapoints_to_alarm])).toEqual([
      [`webapp-${name}-celery-rollback-cpu`, 'CPUUtilization', 90, 3, 3],
      [`webapp-${name}-celery-rollback-memory`, 'MemoryUtilization', 90, 3, 3],
    ]);
    // The service's name as a string in the dimensions: the service refers to the alarms (no cycle).
    for (const [, a] of alarms) expect(a.dimensions.ServiceName).toBe(`webapp-${name}-celery`);
    expect(serviceOf(j, `webapp-${name}-celery`).alarms).toEqual({ alarm_names: alarms.map(([n]) => `\${aws_cloudwatch_metric_alarm.${n}.alarm_name}`), enable: true, rollback: true });
    // Alarms like every other: routed to the warning topic.
    for (const [, a] of alarms) expect(a.alarm_actions).toEqual([expect.stringMatching(/alerts_warning/)]);
  });
});

describe('Spot from a count in production, and what it costs', () => {
  const burst = withConfig(prod, (c) => (c.compute.services[0].spotFrom = 3));

  test('production may burst on Spot above its minimum; the estimate prices the minimum on demand', () => {
    const j = synthEnv(burst);
    expect(serviceOf(j, 'webapp-prod-api').capacity_provider_strategy).toEqual([{ capacity_provider: 'FARGATE', base: 2, weight: 0 }, { capacity_provider: 'FARGATE_SPOT', weight: 1 }]);
    // With the minimum of 2 priced, Spot (from the third task) costs nothing at the floor.
    const api = estimateStack(j as any).lines.filter((l) => /^Fargate webapp-prod-api /.test(l.item));
    expect(api.map((l) => l.item)).toEqual(['Fargate webapp-prod-api vCPU (on-demand, x86)', 'Fargate webapp-prod-api memory (on-demand, x86)']);
    expect(estimateStack(j as any).floorUsd).toBeCloseTo(estimateStack(shipped('prod') as any).floorUsd, 2);
  });
});

describe('secrets by partial ARN (a Secrets Manager secret by name, as Copilot\'s secretsmanager: references)', () => {
  test('IAM gets the name and Secrets Manager\'s six-character suffix; a full ARN or a parameter stays as it is', () => {
    expect(externalSecretResources('arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/stripe:api_key::')).toEqual(['arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/stripe-??????']);
    // A name ending in a hyphen and six characters may be a full ARN or a partial one: both (Secrets Manager user guide, "Finding a secret from a partial ARN").
    expect(externalSecretResources('arn:aws:secretsmanager:eu-west-1:123456789012:secret:myapp-secret:api_key::')).toEqual(['arn:aws:secretsmanager:eu-west-1:123456789012:secret:myapp-secret', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:myapp-secret-??????']);
    expect(externalSecretResources('arn:aws:ssm:eu-west-1:123456789012:parameter/shop/key')).toEqual(['arn:aws:ssm:eu-west-1:123456789012:parameter/shop/key']);
    expect([isFullSecretArn('arn:aws:secretsmanager:eu-west-1:123456789012:secret:a-AbC123'), isFullSecretArn('arn:aws:secretsmanager:eu-west-1:123456789012:secret:a')]).toEqual([true, false]);
  });

  test('the execution roles and the workload boundary read exactly that secret; ECS gets the partial ARN with its JSON key', () => {
    const ref = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/stripe:api_key::';
    const config = withConfig(staging, (c) => (c.compute.externalSecrets = { STRIPE_KEY: ref }));
    const j = synthEnv(config);
    const read = policyOf(resourcesOf(j, 'aws_iam_role_policy').find(([n]) => /^web_execution-policy/.test(n))![1].policy).Statement.find((s: any) => s.Sid === 'ReadSecrets');
    expect(read.Resource).toContain('arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/stripe-??????');
    expect(JSON.parse(taskOf(j, 'webapp-staging-web').container_definitions)[0].secrets).toContainEqual({ name: 'STRIPE_KEY', valueFrom: ref });
    const boundary = workloadBoundaryStatements(config).find((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'))!;
    expect(boundary.Resource).toContain('arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/stripe-??????');
  });
});

describe('refused at synth, with the field and the fix', () => {
  const web = (c: EnvironmentConfig) => c.compute.web;
  test.each<[string, EnvironmentConfig, (c: EnvironmentConfig) => void, string, RegExp]>([
    ['an empty entry point', staging, (c) => (web(c).entryPoint = []), 'compute.web.entryPoint', /is empty or has an empty argument/],
    ['ephemeral storage Fargate does not offer', staging, (c) => (web(c).ephemeralStorageGiB = 500), 'compute.web.ephemeralStorageGiB', /Fargate takes 21 to 200 GiB/],
    ['ephemeral storage at the default', staging, (c) => (web(c).ephemeralStorageGiB = 20), 'compute.web.ephemeralStorageGiB', /remove it for the default 20 GiB/],
    ['a health check command without CMD or CMD-SHELL', staging, (c) => (web(c).containerHealthCheck = { command: ['curl', '-f', 'http://localhost'] }), 'compute.web.containerHealthCheck.command', /start with "CMD" or "CMD-SHELL"/],
    ['a health check retried too often', staging, (c) => (web(c).containerHealthCheck = { command: ['CMD', 'true'], retries: 20 }), 'compute.web.containerHealthCheck.retries', /ECS takes 1 to 10/],
    ['a health check timeout ECS refuses', staging, (c) => (web(c).containerHealthCheck = { command: ['CMD', 'true'], timeoutSeconds: 90 }), 'compute.web.containerHealthCheck.timeoutSeconds', /ECS takes 2 to 60/],
    ['a sidecar health check without CMD', staging, (c) => (c.compute.services[0].sidecars[0].healthCheck = { command: ['nginx', '-t'] }), 'compute.services[0].sidecars[0].healthCheck.command', /start with "CMD"/],
    ['waiting for a container without a health check to be HEALTHY', staging, (c) => (c.compute.services[0].sidecars[0].dependsOn = [{ container: 'app', condition: 'HEALTHY' }]), 'compute.services[0].sidecars[0].dependsOn[0].condition', /"app" has no health check, so it never turns healthy .*compute\.services\[0\]\.containerHealthCheck/],
    ['the app waiting for a container that is not a sidecar', staging, (c) => (c.compute.services[0].dependsOn = [{ container: 'envoy', condition: 'START' }]), 'compute.services[0].dependsOn[0].container', /not a sidecar of this task \(nginx\)/],
    ['the app and a sidecar waiting for each other', staging, (c) => (c.compute.services[0].dependsOn = [{ container: 'nginx', condition: 'START' }]), 'compute.services[0].dependsOn[0].container', /waits for the app container itself \(directly or through other sidecars\)/],
    ['a wait that comes back to the app through another sidecar', staging, (c) => {
      const svc = c.compute.services[0];
      svc.sidecars = [{ ...svc.sidecars[0], dependsOn: [{ container: 'envoy', condition: 'START' }] }, { ...svc.sidecars[0], name: 'envoy', port: 9901, dependsOn: [{ container: 'app', condition: 'START' }] }];
      svc.dependsOn = [{ container: 'nginx', condition: 'START' }];
    }, 'compute.services[0].dependsOn[0].container', /is "nginx", which waits for the app container itself \(directly or through other sidecars\)/],
    ['the app waiting for an essential sidecar to exit', staging, (c) => ((c.compute.services[0].sidecars[0].dependsOn = []), (c.compute.services[0].dependsOn = [{ container: 'nginx', condition: 'SUCCESS' }])), 'compute.services[0].dependsOn[0].condition', /an essential sidecar: when it exits the task stops/],
    ['the app waiting for a sidecar without a health check to be healthy', staging, (c) => ((c.compute.services[0].sidecars[0].dependsOn = []), (c.compute.services[0].dependsOn = [{ container: 'nginx', condition: 'HEALTHY' }])), 'compute.services[0].dependsOn[0].condition', /"nginx" has no health check/],
    ['a rollback alarm named twice', staging, (c) => (web(c).rollbackAlarms = ['a', 'a']), 'compute.web.rollbackAlarms[1]', /names "a" twice/],
    ['a rollback alarm name CloudWatch refuses', staging, (c) => (web(c).rollbackAlarms = ['x'.repeat(256)]), 'compute.web.rollbackAlarms[0]', /1 to 255 characters/],
    ['Spot from a count above the maximum', staging, (c) => (web(c).spotFrom = 5), 'compute.web.spotFrom', /above maxCount \(2\): no task would ever run on Spot/],
    ['Spot with ARM64', staging, (c) => Object.assign(c.compute, { cpuArchitecture: 'ARM64', fargateSpot: false, web: { ...web(c), spotFrom: 2 } }), 'compute.web.spotFrom', /Fargate Spot runs x86 tasks only/],
    ['Spot for the tasks production always runs', prod, (c) => (web(c).spotFrom = 2), 'compute.web.spotFrom', /production environment with minCount 2: the tasks always running stay on demand there; use 3 or more/],
    ['a memory target above 100%', staging, (c) => (web(c).memoryTarget = 120), 'compute.web.memoryTarget', /at most 100/],
    ['a memory target on a queue worker', staging, (c) => (c.compute.workers[1].memoryTarget = 70), 'compute.workers[1].memoryTarget', /scales on its backlog per task alone/],
    ['rollback thresholds without a threshold', staging, (c) => (web(c).rollbackOn = {}), 'compute.web.rollbackOn', /sets no threshold/],
    ['a rollback threshold above 100%', staging, (c) => (web(c).rollbackOn = { cpuPercent: 150 }), 'compute.web.rollbackOn.cpuPercent', /at most 100/],
    ['a response time beyond the load balancer\'s timeout', staging, (c) => (web(c).responseTimeTarget = 90), 'compute.web.responseTimeTarget', /at most 60/],
  ])('%s', (_label, base, change, field, fix) => {
    expectRejected(withConfig(base, change), field, fix);
  });
});
