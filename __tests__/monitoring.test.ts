import * as fs from 'fs';
import * as path from 'path';
import { prod, staging } from '../src/config/environments';
import { postgresMaxConnections } from '../src/config/instance-classes';
import { EnvironmentConfig } from '../src/config/types';
import { ALARM_KINDS, alarmTableMarkdown } from '../src/modules/monitoring/alarm-kinds';
import { expectRejected } from './helpers/config';
import { resourcesOf, shipped, synthEnv, TfJson, withConfig } from './helpers/synth';

const ENVS = [staging, prod];
const json = (env: EnvironmentConfig): TfJson => shipped(env.name as 'staging' | 'prod');
const alarms = (j: TfJson) => resourcesOf(j, 'aws_cloudwatch_metric_alarm').map(([name, a]) => ({ name, ...a }));
const alarm = (j: TfJson, suffix: string) => {
  const found = alarms(j).filter((a) => a.alarm_name.endsWith(`-${suffix}`));
  if (found.length !== 1) throw new Error(`expected one alarm *-${suffix}, found ${found.map((a) => a.alarm_name).join(', ')}`);
  return found[0];
};
/** The metric an alarm watches: its own, or m1 of its metric math (`m1` of a sleeping alarm). */
const watched = (a: any) => (a.metric_name ? { namespace: a.namespace, metric_name: a.metric_name, dimensions: a.dimensions, statistic: a.statistic } : { ...a.metric_query.find((q: any) => q.id === 'm1').metric, statistic: a.metric_query.find((q: any) => q.id === 'm1').metric.stat });
/** The alert topics (not the app's, nor the SES feedback topic: email.test.ts). */
const alertTopics = (j: TfJson) => resourcesOf(j, 'aws_sns_topic').filter(([, t]) => t.name.includes('-alerts-'));
/** Topic logical name -> its name. */
const topics = (j: TfJson) => Object.fromEntries(alertTopics(j).map(([n, t]) => [`\${aws_sns_topic.${n}.arn}`, t]));

describe('alert topics', () => {
  test.each(ENVS)('$name: a critical and a warning topic per region (the stack\'s and us-east-1), encrypted with a key CloudWatch and EventBridge may use', (env) => {
    const j = json(env);
    const names = alertTopics(j).map(([, t]) => t.name).sort();
    expect(names).toEqual([`webapp-${env.name}-alerts-critical`, `webapp-${env.name}-alerts-critical-us-east-1`, `webapp-${env.name}-alerts-warning`, `webapp-${env.name}-alerts-warning-us-east-1`].sort());
    const keys = Object.fromEntries(resourcesOf(j, 'aws_kms_key').map(([n, k]) => [`\${aws_kms_key.${n}.arn}`, k]));
    for (const [, topic] of alertTopics(j)) {
      const key = keys[topic.kms_master_key_id];
      expect(key).toBeDefined();
      expect(key.enable_key_rotation).toBe(true);
      // Not the AWS-managed alias/aws/sns key: CloudWatch cannot use that one and drops the notifications.
      expect(topic.kms_master_key_id).not.toMatch(/alias\/aws\/sns/);
      // The us-east-1 topics and their key come from the aliased provider.
      const usEast1 = topic.name.endsWith('-us-east-1');
      const region = usEast1 ? 'us-east-1' : env.region;
      const statements = JSON.parse(key.policy).Statement;
      // CloudWatch: only alarms of this account and region (SNS developer guide, key management, step 3).
      expect(statements.find((s: any) => s.Principal?.Service === 'cloudwatch.amazonaws.com')).toEqual({
        Sid: 'AlarmsOfThisAccountPublish', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:GenerateDataKey*', 'kms:Decrypt'], Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': env.accountId }, ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${region}:${env.accountId}:alarm:*` } },
      });
      // EventBridge: no condition at all. The same page: "Adding the aws:SourceAccount, aws:SourceArn,
      // and aws:SourceOrgID to a AWS KMS policy is not supported for EventBridge-to-encrypted topics"
      // (the previous statement, events.amazonaws.com with aws:SourceAccount, dropped every event).
      expect(statements.find((s: any) => s.Principal?.Service === 'events.amazonaws.com')).toEqual({
        Sid: 'EventBridgePublishes', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:GenerateDataKey*', 'kms:Decrypt'], Resource: '*',
      });
      expect(statements.filter((s: any) => s.Principal?.Service)).toHaveLength(2);
      expect(topic.provider).toBe(usEast1 ? 'aws.us_east_1' : undefined);
      expect(key.provider).toBe(topic.provider);
    }
  });

  test.each(ENVS)('$name: topic policies: CloudWatch for this account\'s alarms of the region, EventBridge without a condition (EventBridge user guide: no Condition blocks in SNS topic policies for EventBridge), TLS only', (env) => {
    const j = json(env);
    const byArn = topics(j);
    const policies = resourcesOf(j, 'aws_sns_topic_policy').filter(([, p]) => byArn[p.arn]).map(([, p]) => ({ topic: byArn[p.arn], statements: JSON.parse(p.policy).Statement }));
    expect(policies).toHaveLength(4);
    for (const { topic, statements } of policies) {
      const region = topic.name.endsWith('-us-east-1') ? 'us-east-1' : env.region;
      const arn = expect.stringMatching(/^\$\{aws_sns_topic\.[\w-]+\.arn\}$/);
      expect(statements).toEqual([
        { Sid: 'AlarmsOfThisAccount', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Resource: arn, Condition: { StringEquals: { 'aws:SourceAccount': env.accountId }, ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${region}:${env.accountId}:alarm:*` } } },
        { Sid: 'EventBridgeRules', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish', Resource: arn },
        { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Resource: arn, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      ]);
    }
    // The rules target the topics directly: no RoleArn (EventBridge user guide: it may fail delivery to KMS-encrypted SNS).
    expect(resourcesOf(j, 'aws_cloudwatch_event_target').every(([, t]) => t.role_arn === undefined)).toBe(true);
  });

  test.each(ENVS)('$name: e-mail subscribers of each route, on both regions\' topics', (env) => {
    const j = json(env);
    const byTopic = topics(j);
    const subscriptions = resourcesOf(j, 'aws_sns_topic_subscription').filter(([, s]) => byTopic[s.topic_arn]).map(([, s]) => ({ topic: byTopic[s.topic_arn].name, email: s.endpoint, protocol: s.protocol }));
    const expected = (['critical', 'warning'] as const).flatMap((severity) =>
      env.monitoring[severity].emails.flatMap((email) => ['', '-us-east-1'].map((suffix) => ({ topic: `webapp-${env.name}-alerts-${severity}${suffix}`, email, protocol: 'email' }))),
    );
    expect(subscriptions.sort((a, b) => `${a.topic}${a.email}`.localeCompare(`${b.topic}${b.email}`))).toEqual(expected.sort((a, b) => `${a.topic}${a.email}`.localeCompare(`${b.topic}${b.email}`)));
  });
});

describe('alarms', () => {
  test.each(ENVS)('$name: every alarm notifies the topic of its severity (critical pages only where paging is on), has a runbook description and a deliberate missing-data rule', (env) => {
    const j = json(env);
    const byTopic = topics(j);
    const list = alarms(j);
    expect(list.length).toBeGreaterThan(20);
    for (const a of list) {
      const kind = Object.entries(ALARM_KINDS).find(([id]) => a.alarm_name.endsWith(id) || a.alarm_description.startsWith(`[${ALARM_KINDS[id as keyof typeof ALARM_KINDS].severity}] ${ALARM_KINDS[id as keyof typeof ALARM_KINDS].meaning}`))![1];
      expect(a.alarm_description).toBe(`[${kind.severity}] ${kind.meaning} First: ${kind.runbook} (Threshold: ${kind.rule}.)`.slice(0, 1024));
      expect(a.treat_missing_data).toBe(kind.missingData);
      const route = kind.severity === 'critical' && !env.monitoring.paging ? 'warning' : kind.severity;
      const usEast1 = a.provider === 'aws.us_east_1';
      expect(a.alarm_actions.map((arn: string) => byTopic[arn]?.name)).toEqual([`webapp-${env.name}-alerts-${route}${usEast1 ? '-us-east-1' : ''}`]);
      if (kind.severity === 'critical') expect(a.ok_actions).toEqual(a.alarm_actions);
    }
    expect(env.monitoring.paging).toBe(env.production);
  });

  test('every kind of alarm is used, and every alarm is of a known kind', () => {
    const used = new Set<string>();
    for (const env of ENVS) for (const a of alarms(json(env))) used.add(Object.keys(ALARM_KINDS).find((k) => a.alarm_description.startsWith(`[${(ALARM_KINDS as any)[k].severity}] ${(ALARM_KINDS as any)[k].meaning}`))!);
    expect([...used].sort()).toEqual(Object.keys(ALARM_KINDS).sort());
  });

  test.each(ENVS)('$name: the web errors are rates over requests (metric math) judged only above the request floor', (env) => {
    const a = alarm(json(env), 'web-target-5xx-rate');
    expect(a).toMatchObject({ threshold: env.monitoring.errorRatePercent, comparison_operator: 'GreaterThanThreshold', evaluation_periods: 5, datapoints_to_alarm: 3 });
    const [e1, m1, m2] = a.metric_query;
    expect(e1).toMatchObject({ id: 'e1', return_data: true, expression: `IF(m2 >= ${env.monitoring.minRequestsPerMinute}, 100 * FILL(m1, 0) / m2, 0)` });
    expect(m1.metric).toMatchObject({ namespace: 'AWS/ApplicationELB', metric_name: 'HTTPCode_Target_5XX_Count', stat: 'Sum', period: 60 });
    expect(m2.metric).toMatchObject({ metric_name: 'RequestCount', stat: 'Sum' });
    expect(m1.metric.dimensions).toEqual({ LoadBalancer: expect.stringMatching(/aws_lb\..*\.arn_suffix/), TargetGroup: expect.stringMatching(/aws_lb_target_group\..*\.arn_suffix/) });
    expect(alarm(json(env), 'web-elb-5xx-rate').metric_query[1].metric.metric_name).toBe('HTTPCode_ELB_5XX_Count');
    const p95 = alarm(json(env), 'web-latency-p95');
    expect(p95.threshold).toBe(env.monitoring.latency.p95Ms / 1000);
    expect(p95.metric_query[1].metric).toMatchObject({ metric_name: 'TargetResponseTime', stat: 'p95' });
    expect(alarm(json(env), 'web-latency-p99').threshold).toBe(env.monitoring.latency.p99Ms / 1000);
  });

  test.each(ENVS)('$name: running tasks below each service\'s minimum; CPU above its autoscaling target; no notification before the first release', (env) => {
    const j = json(env);
    for (const s of [{ name: 'web', ...env.compute.web }, ...env.compute.workers]) {
      const tasks = alarm(j, `${s.name}-running-tasks`);
      expect(tasks).toMatchObject({ threshold: s.minCount, comparison_operator: 'LessThanThreshold', treat_missing_data: 'breaching' });
      expect(watched(tasks)).toMatchObject({ namespace: 'ECS/ContainerInsights', metric_name: 'RunningTaskCount' });
      expect(tasks.actions_enabled).toMatch(/^\$\{\(?aws_ssm_parameter\.image-version_tag_\w+\.insecure_value != "unreleased"\)?\}$/);
      expect(alarm(j, `${s.name}-cpu`).threshold).toBe(Math.min(95, s.cpuTarget + 25));
    }
    expect(alarm(j, 'web-healthy-hosts').actions_enabled).toMatch(/!= "unreleased"/);
    expect(alarm(j, 'web-target-5xx-rate').actions_enabled).toBeUndefined();
  });

  test('with a night schedule, what the night stops is judged only while awake, by the clock: a constant that does not breach outside the window, whatever the metric does', () => {
    expect(staging.schedule).toMatchObject({ timezone: 'Europe/Dublin', up: 'cron(0 7 ? * MON-FRI *)', down: 'cron(0 20 ? * MON-FRI *)', stopDatabase: true });
    const j = json(staging);
    // Mon-Fri 07:15-19:00 UTC: awake in Dublin both in winter (UTC) and in summer (UTC+1), after a 15-minute wake-up.
    const window = { utcday: 'DAY(m1)', utcminute: '60 * HOUR(m1) + MINUTE(m1)', awake: '((utcday >= 1 AND utcday <= 5)) AND ((utcminute >= 435 AND utcminute < 1140))' };
    const judged = (a: any) => {
      const byId = Object.fromEntries(a.metric_query.map((q: any) => [q.id, q]));
      for (const [id, expression] of Object.entries(window)) expect(byId[id]).toEqual({ id, expression, return_data: false });
      return byId.e1;
    };
    // Asleep, each reads a value at the threshold that does not breach it (LessThan: the threshold itself; GreaterThan: the threshold).
    expect(judged(alarm(j, 'web-running-tasks'))).toMatchObject({ expression: `IF(awake, m1, ${staging.compute.web.minCount})`, return_data: true });
    expect(judged(alarm(j, 'api-healthy-hosts')).expression).toBe('IF(awake, m1, 1)');
    expect(watched(alarm(j, 'api-healthy-hosts'))).toMatchObject({ metric_name: 'HealthyHostCount', statistic: 'Minimum' });
    expect(judged(alarm(j, 'queue-emails-oldest-message')).expression).toBe(`IF(awake, m1, ${alarm(j, 'queue-emails-oldest-message').threshold})`);
    // The database is stopped at night: its alarms sleep with it (no INSUFFICIENT_DATA -> OK mail every morning).
    expect(judged(alarm(j, 'db-free-storage')).expression).toBe(`IF(awake, m1, ${alarm(j, 'db-free-storage').threshold})`);
    expect(judged(alarm(j, 'db-cpu')).expression).toBe('IF(awake, m1, 90)');
    // Missing data while awake is still down (nothing runs, no target registered).
    expect(alarm(j, 'web-running-tasks').treat_missing_data).toBe('breaching');
    expect(alarm(j, 'api-healthy-hosts')).toMatchObject({ treat_missing_data: 'breaching', evaluation_periods: 2, datapoints_to_alarm: 2 });
    // What keeps running at night is judged all the time: the cache, the CDN, errors.
    expect(alarm(j, 'cache-memory').metric_query).toBeUndefined();
    expect(alarm(j, 'web-target-5xx-rate').metric_query.map((q: any) => q.id)).toEqual(['e1', 'm1', 'm2']);
    // Without stopDatabase, the database runs at night and its alarms are plain.
    const awakeDb = synthEnv(withConfig(staging, (c) => (c.schedule!.stopDatabase = false)));
    expect(alarm(awakeDb, 'db-cpu')).toMatchObject({ metric_name: 'CPUUtilization' });
    // No schedule (prod): the plain metrics.
    const p = json(prod);
    expect(alarm(p, 'web-running-tasks')).toMatchObject({ metric_name: 'RunningTaskCount' });
    expect(alarm(p, 'web-running-tasks').metric_query).toBeUndefined();
    expect(alarm(p, 'queue-emails-oldest-message')).toMatchObject({ metric_name: 'ApproximateAgeOfOldestMessage' });
    expect(alarm(p, 'db-cpu')).toMatchObject({ metric_name: 'CPUUtilization' });
  });

  test('database thresholds follow the instance: a bigger class allows more connections and more freeable-memory floor; more storage, a larger free-space floor', () => {
    const small = shipped('staging');
    const big = synthEnv(withConfig(staging, (c) => ((c.database.instanceClass = 'db.r7g.xlarge'), (c.database.allocatedStorage = 200), (c.database.maxAllocatedStorage = 400))));
    expect(alarm(small, 'db-connections').threshold).toBe(Math.floor(0.8 * postgresMaxConnections('db.t4g.micro')!));
    expect(alarm(big, 'db-connections').threshold).toBe(Math.floor(0.8 * postgresMaxConnections('db.r7g.xlarge')!));
    expect(alarm(big, 'db-connections').threshold).toBeGreaterThan(alarm(small, 'db-connections').threshold);
    expect(alarm(small, 'db-freeable-memory').threshold).toBe(Math.round(0.1 * 2 ** 30));
    expect(alarm(big, 'db-freeable-memory').threshold).toBe(Math.round(0.1 * 32 * 2 ** 30));
    expect(alarm(small, 'db-free-storage').threshold).toBe(Math.round(0.05 * 20 * 2 ** 30));
    expect(watched(alarm(small, 'db-free-storage'))).toMatchObject({ metric_name: 'FreeStorageSpace', statistic: 'Minimum' });
    expect(alarm(big, 'db-free-storage').threshold).toBe(Math.round(0.05 * 200 * 2 ** 30));
    expect(alarm(small, 'db-transaction-ids').threshold).toBe(1_000_000_000);
    expect(watched(alarm(small, 'db-transaction-ids')).metric_name).toBe('MaximumUsedTransactionIDs');
    expect(postgresMaxConnections('db.t4g.micro')).toBeGreaterThanOrEqual(79);
    expect(postgresMaxConnections('db.t4g.micro')).toBeLessThanOrEqual(87);
  });

  test('cache alarms watch every node of the replication group, by cluster and node id (ElastiCache publishes Redis metrics per cache node)', () => {
    const p = json(prod);
    // The node id was missing: "you must supply both the CacheClusterId and CacheNodeId dimensions".
    expect(alarm(p, 'cache-1-engine-cpu').dimensions).toEqual({ CacheClusterId: expect.stringMatching(/-001$/), CacheNodeId: '0001' });
    expect(alarm(p, 'cache-2-evictions').dimensions).toEqual({ CacheClusterId: expect.stringMatching(/-002$/), CacheNodeId: '0001' });
    expect(alarm(json(staging), 'cache-memory')).toMatchObject({ metric_name: 'DatabaseMemoryUsagePercentage', threshold: 80 });
  });

  test.each(ENVS)('$name: the CloudFront alarm and its topic are in us-east-1; NAT and certificate alarms follow what the stack has', (env) => {
    const j = json(env);
    const cdn = alarm(j, 'cdn-5xx-rate');
    expect(cdn).toMatchObject({ provider: 'aws.us_east_1', namespace: 'AWS/CloudFront', metric_name: '5xxErrorRate', dimensions: { Region: 'Global', DistributionId: expect.stringMatching(/aws_cloudfront_distribution/) } });
    expect(topics(j)[cdn.alarm_actions[0]].provider).toBe('aws.us_east_1');
    const nats = alarms(j).filter((a) => a.metric_name === 'ErrorPortAllocation');
    expect(nats).toHaveLength(resourcesOf(j, 'aws_nat_gateway').length);
    expect(alarm(j, 'certificate-cdn-expiry')).toMatchObject({ provider: 'aws.us_east_1', threshold: 45, period: 86400, statistic: 'Minimum' });
    expect(alarm(j, 'certificate-load-balancer-expiry').provider).toBeUndefined();
  });

  test.each(ENVS)('$name: each HTTP service\'s deployments roll back on its own target group\'s errors only', (env) => {
    const j = json(env);
    const named = (ref: string) => alarms(j).find((a) => ref === `\${aws_cloudwatch_metric_alarm.${a.name}.alarm_name}`);
    for (const name of ['web', ...env.compute.services.map((s) => s.name)]) {
      const service = resourcesOf(j, 'aws_ecs_service').find(([, s]) => s.name === `webapp-${env.name}-${name}`)![1];
      expect(service.alarms).toMatchObject({ enable: true, rollback: true });
      // References to the alarms themselves: Terraform creates them before the service watches them.
      const guards = service.alarms.alarm_names.map(named);
      expect(guards.map((a: any) => a.alarm_name)).toEqual([`webapp-${env.name}-${name}-target-5xx-rate`]);
      // ... and that alarm reads this service's target group, not another's, nor the whole load balancer.
      const tg = resourcesOf(j, 'aws_lb_target_group').find(([, t]) => t.tags?.Name === `webapp-${env.name}-${name}`)![0];
      for (const q of guards[0].metric_query.filter((m: any) => m.metric)) expect(q.metric.dimensions.TargetGroup).toBe(`\${aws_lb_target_group.${tg}.arn_suffix}`);
      expect(service.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
    }
    // The load balancer's own 5xx (no target-group dimension exists) still pages, but rolls nothing back
    // (it used to roll web back when api broke).
    expect(alarm(j, 'web-elb-5xx-rate').alarm_actions.length).toBeGreaterThan(0);
  });
});

describe('events', () => {
  test.each(ENVS)('$name: ECS deployment failures and RDS events reach the topics', (env) => {
    const j = json(env);
    const byTopic = topics(j);
    const rules = Object.fromEntries(resourcesOf(j, 'aws_cloudwatch_event_rule').map(([n, r]) => [n, { ...r, pattern: JSON.parse(r.event_pattern) }]));
    const targets = resourcesOf(j, 'aws_cloudwatch_event_target').map(([, t]) => t);
    const routed = (suffix: string) => {
      const [logical, rule] = Object.entries(rules).find(([, r]) => r.name === `webapp-${env.name}-${suffix}`)!;
      return { rule, topics: targets.filter((t) => t.rule === `\${aws_cloudwatch_event_rule.${logical}.name}`).map((t) => byTopic[t.arn]?.name) };
    };
    const critical = env.monitoring.paging ? 'critical' : 'warning';
    const deploy = routed('ecs-deployment-failed');
    expect(deploy.rule.pattern).toMatchObject({ source: ['aws.ecs'], 'detail-type': ['ECS Deployment State Change'], detail: { eventName: ['SERVICE_DEPLOYMENT_FAILED'] } });
    expect(deploy.rule.pattern.resources).toHaveLength(1 + env.compute.services.length + env.compute.workers.length);
    expect(deploy.topics).toEqual([`webapp-${env.name}-alerts-${critical}`]);
    // Only events to act on, by id, for this instance (matched on its ARN): never the night
    // schedule's stop/start (RDS-EVENT-0087/0088), the 7-day auto-start (0154), configuration changes or patches.
    const instanceArn = expect.stringMatching(/^\$\{aws_db_instance\.database_instance_\w+\.arn\}$/);
    const rds = routed('rds-critical');
    expect(rds.rule.pattern).toEqual({ source: ['aws.rds'], 'detail-type': ['RDS DB Instance Event'], resources: [instanceArn], detail: { EventID: expect.arrayContaining(['RDS-EVENT-0007', 'RDS-EVENT-0089', 'RDS-EVENT-0221', 'RDS-EVENT-0031']) } });
    expect(rds.topics).toEqual([`webapp-${env.name}-alerts-${critical}`]);
    const warning = routed('rds-warning');
    expect(warning.rule.pattern.detail.EventID).toEqual(expect.arrayContaining(['RDS-EVENT-0049', 'RDS-EVENT-0225']));
    expect(warning.topics).toEqual([`webapp-${env.name}-alerts-warning`]);
    const routedIds = [...rds.rule.pattern.detail.EventID, ...warning.rule.pattern.detail.EventID];
    for (const routine of ['RDS-EVENT-0087', 'RDS-EVENT-0088', 'RDS-EVENT-0154', 'RDS-EVENT-0016', 'RDS-EVENT-0047']) expect(routedIds).not.toContain(routine);
    expect(new Set(routedIds).size).toBe(routedIds.length);
    expect(Object.values(rules).some((r: any) => r.pattern.detail?.EventCategories)).toBe(false);
    expect(routed('ecs-task-start-impaired').topics).toEqual([`webapp-${env.name}-alerts-warning`]);
  });
});

describe('dashboard', () => {
  test.each(ENVS)('$name: one dashboard with every alarm drawn on its graph, grouped in sections', (env) => {
    const j = json(env);
    const [[, dashboard]] = resourcesOf(j, 'aws_cloudwatch_dashboard');
    expect(dashboard.dashboard_name).toBe(`webapp-${env.name}`);
    const body = JSON.parse(dashboard.dashboard_body);
    const annotated = body.widgets.flatMap((w: any) => w.properties.annotations?.alarms ?? []);
    const arns = alarms(j).map((a) => `\${aws_cloudwatch_metric_alarm.${a.name}.arn}`);
    expect(annotated.sort()).toEqual(arns.sort());
    const sections = body.widgets.filter((w: any) => w.type === 'text').map((w: any) => w.properties.markdown);
    expect(sections).toEqual(expect.arrayContaining(['## Traffic', '## Errors', '## Latency', '## Services', '## Database', '## Cache', '## CDN']));
    const cdn = body.widgets.find((w: any) => w.properties.title === 'CloudFront 5xx error rate %');
    expect(cdn.properties.region).toBe('us-east-1');
    // No two widgets overlap.
    const cells = new Set<string>();
    for (const w of body.widgets) for (let x = w.x; x < w.x + w.width; x++) for (let y = w.y; y < w.y + w.height; y++) {
      expect(cells.has(`${x},${y}`)).toBe(false);
      cells.add(`${x},${y}`);
    }
    expect(j.output!.dashboard_url.value).toBe(`https://${env.region}.console.aws.amazon.com/cloudwatch/home?region=${env.region}#dashboards/dashboard/webapp-${env.name}`);
    expect(Object.keys(j.output!.alert_topic_arns.value as object).sort()).toEqual(['critical', 'critical_us_east_1', 'warning', 'warning_us_east_1']);
  });
});

describe('config', () => {
  test('extra topics of the region are notified too; only on alarms of that region', () => {
    const topic = 'arn:aws:sns:eu-west-1:123456789012:pagerduty';
    const j = synthEnv(withConfig(prod, (c) => (c.monitoring.critical.topicArns = [topic])));
    expect(alarm(j, 'web-target-5xx-rate').alarm_actions).toEqual([expect.stringMatching(/aws_sns_topic/), topic]);
    expect(alarm(j, 'db-cpu').alarm_actions).not.toContain(topic);
    expect(alarm(j, 'cdn-5xx-rate').alarm_actions).not.toContain(topic);
  });

  test.each([
    ['a malformed e-mail', (c: EnvironmentConfig) => (c.monitoring.warning.emails = ['team at example.com']), 'monitoring.warning.emails[0]', /e-mail address/],
    ['a topic in another region', (c: EnvironmentConfig) => (c.monitoring.warning.topicArns = ['arn:aws:sns:us-east-1:123456789012:chat']), 'monitoring.warning.topicArns[0]', /is in us-east-1: CloudWatch alarms notify topics of their own region only/],
    ['not a topic ARN', (c: EnvironmentConfig) => (c.monitoring.warning.topicArns = ['chat']), 'monitoring.warning.topicArns[0]', /SNS topic ARN/],
    ['too many topics', (c: EnvironmentConfig) => (c.monitoring.warning.topicArns = [1, 2, 3, 4, 5].map((i) => `arn:aws:sns:eu-west-1:123456789012:t${i}`)), 'monitoring.warning.topicArns', /at most 5/],
    ['p99 below p95', (c: EnvironmentConfig) => (c.monitoring.latency = { p95Ms: 800, p99Ms: 500 }), 'monitoring.latency', /p95 <= p99/],
    ['an error rate of 0', (c: EnvironmentConfig) => (c.monitoring.errorRatePercent = 0), 'monitoring.errorRatePercent', /above 0/],
    ['a database class that cannot be sized', (c: EnvironmentConfig) => (c.database.instanceClass = 'db.x9.huge'), 'database.instanceClass', /cannot size .*instance-classes\.ts/],
  ])('%s is rejected', (_label, change, field, fix) => {
    expectRejected(withConfig(staging, change), field, fix);
  });

  test('production must page', () => {
    expectRejected(withConfig(prod, (c) => (c.monitoring.paging = false)), 'monitoring.paging', /must page someone/);
  });
});

test('the alarm table of docs/monitoring.md is generated from the alarm kinds (npm run docs)', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'docs', 'monitoring.md'), 'utf8');
  const section = /<!-- alarms:start -->\n([\s\S]*?)\n<!-- alarms:end -->/.exec(readme);
  expect(section).not.toBeNull();
  expect(section![1]).toBe(alarmTableMarkdown());
});
