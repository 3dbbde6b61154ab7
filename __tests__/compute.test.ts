import { Testing } from 'cdktf';
import { buildApp } from '../src/app';
import { prod, staging } from '../src/config/environments';
import { SECRET_LOOKING_NAME } from '../src/config/validate';
import { ALB_SSL_POLICY } from '../src/modules/load-balancer';
import { UNRELEASED_TAG } from '../src/modules/image-version';
import { EnvironmentConfig } from '../src/config/types';
import { HEALTH_CHECK_GRACE_SECONDS, steadyStateTimeoutMinutes } from '../src/modules/service';
import { processNames } from '../src/config/names';
import { expectRejected } from './helpers/config';
import { onlyResource, policyOf, resourcesOf, rulesOfGroup, securityGroupName, shipped, synthEnv, TfJson, withConfig } from './helpers/synth';

const ENVS = [staging, prod];
const envJson = (name: string): TfJson => shipped(name as 'staging' | 'prod');
const services = (json: TfJson) => resourcesOf(json, 'aws_ecs_service').map(([, s]) => s);
const serviceNamed = (json: TfJson, name: string) => services(json).find((s) => s.name === name);
const allContainers = (json: TfJson) =>
  resourcesOf(json, 'aws_ecs_task_definition').map(([, t]) => ({ family: t.family as string, container: JSON.parse(t.container_definitions)[0] }));
/** The containers running the app image (web, workers, one-off); not the database-admin task. */
const containers = (json: TfJson) => allContainers(json).filter((c) => !c.family.endsWith('-db-admin'));

describe('registry', () => {
  test.each(ENVS)('$name: one ECR repository, immutable tags, scan on push, lifecycle keeps N images', (env) => {
    const json = envJson(env.name);
    const repo = onlyResource(json, 'aws_ecr_repository');
    expect(repo).toMatchObject({ name: `webapp-${env.name}`, image_tag_mutability: 'IMMUTABLE', image_scanning_configuration: { scan_on_push: true } });
    expect(repo.force_delete).toBe(!env.production);
    const rules = JSON.parse(onlyResource(json, 'aws_ecr_lifecycle_policy').policy).rules;
    expect(rules).toContainEqual(expect.objectContaining({ selection: expect.objectContaining({ tagStatus: 'untagged' }) }));
    expect(rules).toContainEqual(expect.objectContaining({ selection: expect.objectContaining({ countType: 'imageCountMoreThan', countNumber: env.compute.keepImages }) }));
  });
});

describe('load balancer', () => {
  test.each(ENVS)('$name: internet-facing ALB in the public subnets, invalid headers dropped', (env) => {
    const json = envJson(env.name);
    const alb = onlyResource(json, 'aws_lb');
    expect(alb).toMatchObject({ internal: false, load_balancer_type: 'application', drop_invalid_header_fields: true });
    expect(alb.subnets.every((s: string) => s.includes('aws_subnet.network_public'))).toBe(true);
    expect(alb.enable_deletion_protection).toBe(env.production);
    if (env.production) expect(alb.access_logs).toMatchObject({ enabled: true, prefix: 'alb' });
    else expect(alb.access_logs).toBeUndefined();
  });

  test.each(ENVS)('$name: HTTP redirects (301) to HTTPS; HTTPS uses TLS 1.2+ and the validated regional certificate', (env) => {
    const listeners = resourcesOf(envJson(env.name), 'aws_lb_listener').map(([, l]) => l);
    const http = listeners.find((l) => l.port === 80);
    const https = listeners.find((l) => l.port === 443);
    expect(http.default_action[0]).toMatchObject({ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' } });
    expect(https).toMatchObject({ protocol: 'HTTPS', ssl_policy: ALB_SSL_POLICY });
    expect(https.certificate_arn).toMatch(/aws_acm_certificate_validation\..*\.certificate_arn/);
    // Host names the environment does not serve never reach the app (scanners, the ALB's own DNS name).
    expect(https.default_action[0]).toEqual({ type: 'fixed-response', fixed_response: { content_type: 'text/plain', status_code: '404', message_body: 'Not found' } });
  });

  test.each(ENVS)('$name: the web service is the default route: a rule for every app host name, last in priority', (env) => {
    const json = envJson(env.name);
    const [tgName] = resourcesOf(json, 'aws_lb_target_group').find(([n]) => n.includes('_web-tg_'))!;
    const [ruleName, rule] = resourcesOf(json, 'aws_lb_listener_rule').find(([n]) => n.includes('_web-rule_'))!;
    expect(rule).toMatchObject({ priority: 50000, action: [{ type: 'forward', target_group_arn: `\${aws_lb_target_group.${tgName}.arn}` }] });
    expect(rule.condition).toEqual([{ host_header: { values: [env.domain.name, ...env.domain.appAliases.map((a) => `${a}.${env.domain.name}`)] } }]);
    expect(rule.listener_arn).toMatch(/aws_lb_listener\.load-balancer_https/);
    // The service attaches to the group once the rule routes to it.
    expect(serviceNamed(json, `webapp-${env.name}-web`).depends_on).toEqual([`aws_lb_listener_rule.${ruleName}`]);
  });

  test.each(ENVS)('$name: ip target group with the configured health check and deregistration delay', (env) => {
    const tg = resourcesOf(envJson(env.name), 'aws_lb_target_group').find(([n]) => n.includes('_web-tg_'))![1];
    // A name prefix and create_before_destroy: changing the port creates the new group before the
    // old one (still in use) is deleted; a fixed name would fail with ResourceInUse/DuplicateName.
    expect(tg.name).toBeUndefined();
    expect(tg.name_prefix).toBe('web-');
    expect(tg.lifecycle).toEqual({ create_before_destroy: true });
    expect(tg).toMatchObject({
      target_type: 'ip',
      port: env.compute.web.containerPort,
      deregistration_delay: String(env.loadBalancer.deregistrationDelay),
      health_check: { path: env.compute.web.healthCheckPath, matcher: '200-399' },
    });
  });

  test('prod access logs: bucket policy lets only ELB log delivery write, under this account', () => {
    const json = envJson('prod');
    const [, policy] = resourcesOf(json, 'aws_s3_bucket_policy').find(([n]) => n.includes('access-logs'))!;
    const statements = policyOf(policy.policy).Statement;
    const writers = statements.filter((s) => s.Effect === 'Allow');
    expect(writers.map((s) => s.Action)).toEqual(['s3:PutObject', 's3:PutObject']);
    writers.forEach((s) => expect(s.Resource).toMatch(new RegExp(`/alb/AWSLogs/${prod.accountId}/\\*$`)));
  });

  test.each(ENVS)('$name: ALB security group: world ingress only on 80/443, egress only to the web tasks', (env) => {
    const json = envJson(env.name);
    const albSg = `webapp-${env.name}-alb`;
    const ingress = rulesOfGroup(json, 'ingress', albSg);
    expect(ingress.map((r) => r.from_port).sort()).toEqual([443, 80]);
    ingress.forEach((r) => expect(r.cidr_ipv4).toBe('0.0.0.0/0'));
    // Egress only to the HTTP services' groups, each on the port it is targeted on.
    const egress = rulesOfGroup(json, 'egress', albSg).map((r) => [securityGroupName(json, r.referenced_security_group_id), r.from_port, r.to_port]);
    expect(egress.sort()).toEqual([
      [`webapp-${env.name}-web`, env.compute.web.containerPort, env.compute.web.containerPort],
      ...env.compute.services.map((svc) => {
        const port = svc.targetContainer ? svc.sidecars.find((c) => c.name === svc.targetContainer)!.port! : svc.containerPort;
        return [`webapp-${env.name}-${svc.name}`, port, port];
      }),
    ].sort());
  });
});

describe('services', () => {
  test.each(ENVS)('$name: web and workers on Fargate in private subnets without public IPs, circuit breaker with rollback', (env) => {
    const json = envJson(env.name);
    const names = services(json).map((s) => s.name).sort();
    expect(names).toEqual(['web', ...env.compute.services.map((x) => x.name), ...env.compute.workers.map((w) => w.name)].map((n) => `webapp-${env.name}-${n}`).sort());
    for (const s of services(json)) {
      expect(s.network_configuration.assign_public_ip).toBe(false);
      expect(s.network_configuration.subnets.every((id: string) => id.includes('aws_subnet.network_private'))).toBe(true);
      expect(s.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
      expect(s.lifecycle.ignore_changes).toContain('desired_count');
      expect(s.enable_execute_command).toBe(env.compute.enableExec);
      if (env.compute.fargateSpot) {
        expect(s.capacity_provider_strategy).toEqual([{ capacity_provider: 'FARGATE_SPOT', weight: 1 }]);
        expect(s.launch_type).toBeUndefined();
      } else {
        expect(s.launch_type).toBe('FARGATE');
      }
    }
    expect(env.production ? env.compute.enableExec : !env.compute.enableExec).toBe(false);
  });

  test.each(ENVS)('$name: only the web service is behind the load balancer, with a health-check grace period', (env) => {
    const json = envJson(env.name);
    const web = serviceNamed(json, `webapp-${env.name}-web`);
    expect(web.load_balancer).toEqual([{ target_group_arn: expect.stringContaining('aws_lb_target_group'), container_name: 'app', container_port: env.compute.web.containerPort }]);
    expect(web.health_check_grace_period_seconds).toBeGreaterThan(0);
    for (const w of env.compute.workers) expect(serviceNamed(json, `webapp-${env.name}-${w.name}`).load_balancer).toBeUndefined();
  });

  test.each(ENVS)('$name: autoscaling on CPU and on ALB requests per target, bounds from config', (env) => {
    const json = envJson(env.name);
    const targets = resourcesOf(json, 'aws_appautoscaling_target').map(([, t]) => t);
    const webTarget = targets.find((t) => /aws_ecs_service\.web_/.test(t.resource_id));
    // Zero until the first release (no image to run yet), then the configured minimum.
    const gated = (n: number) => expect.stringMatching(new RegExp(`^\\$\\{\\(aws_ssm_parameter\\.image-version_tag_\\w+\\.insecure_value == "unreleased"\\) \\? 0 : ${n}\\}$`));
    expect(webTarget).toMatchObject({ min_capacity: gated(env.compute.web.minCount), max_capacity: env.compute.web.maxCount, scalable_dimension: 'ecs:service:DesiredCount' });
    expect(serviceNamed(json, `webapp-${env.name}-web`).desired_count).toEqual(gated(env.compute.web.minCount));
    if (env.production) expect(env.compute.web.minCount).toBeGreaterThanOrEqual(2);
    const policies = resourcesOf(json, 'aws_appautoscaling_policy').map(([n, p]) => ({ n, ...p.target_tracking_scaling_policy_configuration }));
    const metrics = policies.map((p) => p.predefined_metric_specification?.predefined_metric_type ?? 'backlog');
    const http = 1 + env.compute.services.length;
    const queueWorkers = env.compute.workers.filter((w) => w.queues.length > 0).length;
    expect(metrics.filter((m) => m === 'ALBRequestCountPerTarget')).toHaveLength(http);
    // Queue workers scale on backlog only; everything else on CPU too.
    expect(metrics.filter((m) => m === 'ECSServiceAverageCPUUtilization')).toHaveLength(http + env.compute.workers.length - queueWorkers);
    expect(metrics.filter((m) => m === 'backlog')).toHaveLength(queueWorkers);
    const requests = policies.find((p) => p.n.startsWith('web_requests'))!;
    expect(requests.target_value).toBe(env.compute.web.requestsPerTarget);
    expect(requests.predefined_metric_specification.resource_label).toMatch(/aws_lb\..*arn_suffix.*\/.*aws_lb_target_group\..*arn_suffix/);
    expect(targets).toHaveLength(http + env.compute.workers.length);
  });

  test.each(ENVS)('$name: cluster has Container Insights and both Fargate capacity providers', (env) => {
    const json = envJson(env.name);
    expect(onlyResource(json, 'aws_ecs_cluster').setting).toEqual([{ name: 'containerInsights', value: 'enabled' }]);
    expect(onlyResource(json, 'aws_ecs_cluster_capacity_providers').capacity_providers).toEqual(['FARGATE', 'FARGATE_SPOT']);
  });

  test.each(ENVS)('$name: each process has its own log group with the configured retention and awslogs driver', (env) => {
    const json = envJson(env.name);
    const groups = resourcesOf(json, 'aws_cloudwatch_log_group').map(([, g]) => g).filter((g) => g.name.startsWith('/ecs/'));
    expect(groups.map((g) => g.name).sort()).toEqual(processNames(env).map((p) => `/ecs/webapp-${env.name}/${p.name}`).sort());
    groups.forEach((g) => expect(g.retention_in_days).toBe(env.compute.logRetentionDays));
    for (const { container } of allContainers(json)) {
      expect(container.logConfiguration.logDriver).toBe('awslogs');
      expect(container.logConfiguration.options['awslogs-group']).toMatch(/aws_cloudwatch_log_group/);
    }
  });

  test.each(ENVS)('$name: workers run their own command from config, same image', (env) => {
    const json = envJson(env.name);
    const all = containers(json);
    const images = new Set(all.map((c) => c.container.image));
    expect(images.size).toBe(1);
    for (const w of env.compute.workers) {
      expect(all.find((c) => c.family === `webapp-${env.name}-${w.name}`)!.container.command).toEqual(w.command);
    }
  });

  test.each(ENVS)('$name: one-off task definition without a service', (env) => {
    const json = envJson(env.name);
    expect(containers(json).map((c) => c.family)).toContain(`webapp-${env.name}-task`);
    expect(services(json).map((s) => s.name)).not.toContain(`webapp-${env.name}-task`);
    expect(json.output?.oneoff_task_definition_family).toBeDefined();
  });
});

describe('IAM', () => {
  const rolePolicies = (json: TfJson, suffix: string) =>
    resourcesOf(json, 'aws_iam_role_policy')
      .filter(([n]) => n.includes(`_${suffix}_`))
      .map(([n, p]) => [n, policyOf(p.policy)] as const);

  test.each(ENVS)('$name: execution roles pull from this repository, write their log group, read exactly the app secrets', (env) => {
    const json = envJson(env.name);
    const policies = rolePolicies(json, 'execution-policy').filter(([n]) => !n.startsWith('database-admin'));
    expect(policies).toHaveLength(2 + env.compute.services.length + env.compute.workers.length);
    for (const [, doc] of policies) {
      const bySid = Object.fromEntries(doc.Statement.map((s: any) => [s.Sid, s]));
      expect(bySid.PullImage.Resource).toEqual([expect.stringMatching(/aws_ecr_repository\..*\.arn/)]);
      expect(bySid.WriteLogs.Resource).toMatch(/aws_cloudwatch_log_group\..*\.arn/);
      expect(bySid.ReadSecrets.Action).toBe('secretsmanager:GetSecretValue');
      expect(bySid.ReadSecrets.Resource).toHaveLength(2 + env.compute.secrets.length);
      bySid.ReadSecrets.Resource.forEach((r: string) => expect(r).toMatch(/^\$\{aws_secretsmanager_secret\./));
    }
  });

  test.each(ENVS)('$name: the database-admin execution role pulls only through the ECR Public cache prefix and reads only the master secret', (env) => {
    const [[, doc]] = rolePolicies(envJson(env.name), 'execution-policy').filter(([n]) => n.startsWith('database-admin'));
    const bySid = Object.fromEntries(doc.Statement.map((s: any) => [s.Sid, s]));
    expect(bySid.PullImage).toBeUndefined();
    expect(bySid.PullThroughPublicCache).toEqual({
      Sid: 'PullThroughPublicCache',
      Effect: 'Allow',
      Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage', 'ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'],
      Resource: `arn:aws:ecr:${env.region}:${env.accountId}:repository/webapp-${env.name}-pub/*`,
    });
    expect(bySid.ReadSecrets.Resource).toEqual([expect.stringMatching(/aws_db_instance\..*\.master_user_secret\[0\]\.secret_arn/)]);
    const rule = onlyResource(envJson(env.name), 'aws_ecr_pull_through_cache_rule');
    expect(rule).toEqual(expect.objectContaining({ ecr_repository_prefix: `webapp-${env.name}-pub`, upstream_registry_url: 'public.ecr.aws' }));
  });

  test.each(ENVS)('$name: task roles reach the two buckets and nothing else (plus ECS Exec channels where enabled)', (env) => {
    const json = envJson(env.name);
    const taskPolicies = rolePolicies(json, 'task-policy');
    expect(taskPolicies).toHaveLength(2 + env.compute.services.length + env.compute.workers.length);
    for (const [, doc] of taskPolicies) {
      const resources = doc.Statement.flatMap((s: any) => [s.Resource].flat());
      // Beyond S3, the database role, the queues this process works with (tested in workloads), and
      // sending e-mail for the processes in email.sentBy (email.test.ts).
      doc.Statement.forEach((st: any) => [st.Action].flat().forEach((a: string) => expect(a).toMatch(/^(s3|rds-db|sqs|ssmmessages|ses):/)));
      const s3 = doc.Statement.filter((s: any) => [s.Action].flat().every((a: string) => a.startsWith('s3:')));
      s3.flatMap((s: any) => [s.Resource].flat()).forEach((r: string) => expect(r).toMatch(/aws_s3_bucket\.assets_(static|media)/));
      const exec = doc.Statement.filter((s: any) => s.Sid === 'EcsExec');
      expect(exec).toHaveLength(env.compute.enableExec ? 1 : 0);
      expect(resources.filter((r: string) => r === '*')).toHaveLength(env.compute.enableExec ? 1 : 0);
      doc.Statement.forEach((s: any) => [s.Action].flat().forEach((a: string) => expect(a).not.toMatch(/\*/)));
    }
  });

  test.each(ENVS)('$name: execution and task roles are separate', (env) => {
    const json = envJson(env.name);
    for (const { family } of containers(json)) {
      const [, td] = resourcesOf(json, 'aws_ecs_task_definition').find(([, t]) => t.family === family)!;
      expect(td.execution_role_arn).not.toEqual(td.task_role_arn);
    }
  });
});

describe('app contract', () => {
  const CONTRACT = ['DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_NAME', 'DATABASE_USER', 'DATABASE_AUTH', 'REDIS_URL', 'REDIS_HOST', 'REDIS_PORT',
    'AWS_STORAGE_BUCKET_NAME', 'AWS_PRIVATE_STORAGE_BUCKET_NAME', 'CDN_DOMAIN_NAME', 'DOMAIN_NAME', 'APP_HOSTS', 'AWS_REGION', 'ENVIRONMENT', 'SERVICE_NAME'];

  test.each(ENVS)('$name: every container gets the contract; secrets arrive only through ECS secrets', (env) => {
    for (const { container } of containers(envJson(env.name))) {
      const plain = Object.fromEntries(container.environment.map((e: any) => [e.name, e.value]));
      for (const name of CONTRACT) expect(plain[name]).toBeDefined();
      expect(plain.DOMAIN_NAME).toBe(env.domain.name);
      expect(plain.CDN_DOMAIN_NAME).toBe(`${env.domain.staticLabel}.${env.domain.name}`);
      expect(plain.REDIS_URL).toMatch(/^rediss:\/\//);
      expect(plain.DJANGO_SETTINGS_MODULE).toBe(env.compute.environment.DJANGO_SETTINGS_MODULE);
      // ALLOWED_HOSTS comes from here: exactly the names the load balancer routes to this process.
      const svc = env.compute.services.find((x) => plain.SERVICE_NAME === x.name);
      expect(plain.APP_HOSTS).toBe(svc ? svc.hosts.map((h) => `${h}.${env.domain.name}`).join(',') : [env.domain.name, ...env.domain.appAliases.map((a) => `${a}.${env.domain.name}`)].join(','));
      const secrets = Object.fromEntries(container.secrets.map((s: any) => [s.name, s.valueFrom]));
      expect(Object.keys(secrets).sort()).toEqual(['REDIS_AUTH_TOKEN', 'SECRET_KEY', ...env.compute.secrets].sort());
    }
  });

  test.each(ENVS)('$name: the web container is told its health path (answered before any host check, see docs/app-contract.md)', (env) => {
    const json = envJson(env.name);
    const vars = (family: string) => Object.fromEntries(containers(json).find((c) => c.family === family)!.container.environment.map((e: any) => [e.name, e.value]));
    expect(vars(`webapp-${env.name}-web`)).toMatchObject({ HEALTH_CHECK_PATH: env.compute.web.healthCheckPath, SERVICE_NAME: 'web' });
    expect(vars(`webapp-${env.name}-task`).HEALTH_CHECK_PATH).toBeUndefined();
    expect(resourcesOf(json, 'aws_lb_target_group').find(([n]) => n.includes('_web-tg_'))![1].health_check.path).toBe(env.compute.web.healthCheckPath);
  });

  test.each(ENVS)('$name: no plain environment variable has a secret-looking name or value', (env) => {
    for (const { container } of containers(envJson(env.name))) {
      for (const { name, value } of container.environment) {
        expect(name).not.toMatch(SECRET_LOOKING_NAME);
        // No credentials in URLs, no long random-looking literals, no reference to a secret value.
        expect(value).not.toMatch(/:\/\/[^/]*:[^/]*@/);
        expect(value).not.toMatch(/random_password|secret_string|auth_token/);
        expect(value).not.toMatch(/^[A-Za-z0-9+/=]{32,}$/);
      }
    }
  });
});

describe('image version', () => {
  const image = (json: TfJson) => containers(json)[0].container.image as string;

  test('without IMAGE_TAG the deployed tag is kept: SSM value ignored, image reads it back', () => {
    const json = shipped('staging');
    const param = onlyResource(json, 'aws_ssm_parameter');
    expect(param).toMatchObject({ name: '/webapp/staging/image-tag', insecure_value: UNRELEASED_TAG, lifecycle: { ignore_changes: ['insecure_value'] } });
    // insecure_value, not the always-sensitive value: a release diff shows the image it rolls out.
    expect(param.value).toBeUndefined();
    expect(image(json)).toMatch(/^\$\{aws_ecr_repository\..*\.repository_url\}:\$\{aws_ssm_parameter\..*\.insecure_value\}$/);
  });

  test.each(['', 'v1 2', 'a:b', '-leading-dash', 'x'.repeat(129)])('IMAGE_TAG %j is rejected at synth with the fix', (tag) => {
    expect(() => buildApp(Testing.app(), [staging], { imageTag: tag })).toThrow(/IMAGE_TAG .* is not a valid image tag: use 1-128 letters/);
  });

  test('IMAGE_TAG releases that tag to every container', () => {
    const json = synthEnv(staging, { imageTag: 'abc123' });
    const param = onlyResource(json, 'aws_ssm_parameter');
    expect(param.insecure_value).toBe('abc123');
    expect(param.lifecycle).toBeUndefined();
    containers(json).forEach(({ container }) => expect(container.image).toMatch(/aws_ssm_parameter\..*\.insecure_value\}$/));
  });
});

describe('outputs', () => {
  test.each(ENVS)('$name: app URL, ALB, ECR, cluster, services, one-off task and log groups', (env) => {
    const outputs = envJson(env.name).output!;
    for (const name of ['app_url', 'alb_dns_name', 'ecr_repository_url', 'ecs_cluster_name', 'web_service_name', 'worker_service_names',
      'oneoff_task_definition_family', 'oneoff_security_group_id', 'private_subnet_ids', 'log_group_names', 'aws_region', 'app_container_name']) {
      expect(outputs[name]).toBeDefined();
    }
    expect(outputs.app_url.value).toBe(`https://${env.domain.name}`);
  });
});

describe('releases: deploys wait, first deploy runs nothing', () => {
  test.each(ENVS)('$name: every service deploy waits for a steady state, with a timeout beyond the grace period and draining', (env) => {
    for (const s of services(envJson(env.name))) {
      expect(s.wait_for_steady_state).toBe(true);
      const minutes = Number(/^(\d+)m$/.exec(s.timeouts.update)![1]);
      expect(minutes * 60).toBeGreaterThan(HEALTH_CHECK_GRACE_SECONDS + env.loadBalancer.deregistrationDelay + 2 * 15);
      expect(s.timeouts.create).toBe(s.timeouts.update);
    }
    expect(steadyStateTimeoutMinutes({ deregistrationDelay: 3600 })).toBeGreaterThan(60);
  });

  test.each(ENVS)('$name: before the first release every service and scaling target is at zero tasks', (env) => {
    const json = envJson(env.name);
    const zeroUntilReleased = /^\$\{\(aws_ssm_parameter\.image-version_tag_\w+\.insecure_value == "unreleased"\) \? 0 : \d+\}$/;
    for (const s of services(json)) expect(s.desired_count).toMatch(zeroUntilReleased);
    for (const [, t] of resourcesOf(json, 'aws_appautoscaling_target')) expect(t.min_capacity).toMatch(zeroUntilReleased);
    expect(UNRELEASED_TAG).toBe('unreleased');
  });
});

describe('secrets of your own', () => {
  test.each(ENVS)('$name: one secret per declared name, without any value in Terraform', (env) => {
    const json = envJson(env.name);
    const declared = resourcesOf(json, 'aws_secretsmanager_secret').filter(([, s]) => s.name.includes('/app/'));
    expect(declared.map(([, s]) => s.name)).toEqual(env.compute.secrets.map((n) => `webapp-${env.name}/app/${n}`));
    expect(env.compute.secrets).toEqual(['SENTRY_DSN']);
    const versions = resourcesOf(json, 'aws_secretsmanager_secret_version').map(([, v]) => v.secret_id);
    for (const [name] of declared) expect(versions).not.toContain(`\${aws_secretsmanager_secret.${name}.id}`);
    expect(json.output!.app_secret_arns.value).toEqual({ SENTRY_DSN: `\${aws_secretsmanager_secret.${declared[0][0]}.arn}` });
  });

  test.each(ENVS)('$name: injected into every app container through ECS secrets; the execution roles read exactly the app secrets', (env) => {
    const json = envJson(env.name);
    const [secretName] = resourcesOf(json, 'aws_secretsmanager_secret').find(([, s]) => s.name.endsWith('/app/SENTRY_DSN'))!;
    const arn = `\${aws_secretsmanager_secret.${secretName}.arn}`;
    for (const { container } of containers(json)) expect(container.secrets).toContainEqual({ name: 'SENTRY_DSN', valueFrom: arn });
    const admin = allContainers(json).find((c) => c.family.endsWith('-db-admin'))!;
    expect(JSON.stringify(admin.container.secrets)).not.toContain(secretName);
    const executionPolicies = resourcesOf(json, 'aws_iam_role_policy').filter(([n]) => n.includes('_execution-policy_') && !n.startsWith('database-admin'));
    for (const [, p] of executionPolicies) {
      const read = policyOf(p.policy).Statement.find((s: any) => s.Sid === 'ReadSecrets');
      expect(read.Resource).toContain(arn);
      expect(read.Resource).toHaveLength(3);
    }
  });

  test('an existing secret is referenced by ARN; IAM gets the ARN without the JSON key', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shared/stripe-AbCdEf';
    const json = synthEnv(withConfig(staging, (c) => (c.compute.externalSecrets = { STRIPE_API_KEY: `${arn}:api_key::` })));
    for (const { container } of containers(json)) expect(container.secrets).toContainEqual({ name: 'STRIPE_API_KEY', valueFrom: `${arn}:api_key::` });
    const read = resourcesOf(json, 'aws_iam_role_policy').filter(([n]) => n.startsWith('compute_web') || n.startsWith('web_')).map(([, p]) => policyOf(p.policy).Statement.find((s: any) => s.Sid === 'ReadSecrets')).find(Boolean);
    expect(read.Resource).toContain(arn);
  });

  test.each([
    ['a name that is not a variable', (c: EnvironmentConfig) => (c.compute.secrets = ['stripe-key']), 'compute.secrets[0]', /letters, digits and underscores/],
    ['a contract name', (c: EnvironmentConfig) => (c.compute.secrets = ['SECRET_KEY']), 'compute.secrets[0]', /provides itself/],
    ['also a plain variable', (c: EnvironmentConfig) => ((c.compute.secrets = ['DJANGO_SETTINGS_MODULE'])), 'compute.secrets[0]', /also a plain variable/],
    ['an external secret without an ARN', (c: EnvironmentConfig) => (c.compute.externalSecrets = { STRIPE: 'stripe-key' }), 'compute.externalSecrets.STRIPE', /give the secret's ARN .*or without the -AbCdEf suffix/],
    ['no migration command', (c: EnvironmentConfig) => (c.release.migrationCommand = []), 'release.migrationCommand', /is empty/],
  ])('config: %s is rejected', (_label, change, field, fix) => {
    expectRejected(withConfig(staging, change), field, fix);
  });
});
