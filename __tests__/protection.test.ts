import { JOB_RETRY } from '../src/modules/scheduled-jobs';
import { prod, staging } from '../src/config/environments';
import { EnvironmentConfig } from '../src/config/types';
import { COUNTED_CORE_RULES, MANAGED_RULE_GROUPS, REDACTED_HEADERS } from '../src/modules/waf';
import { expectRejected } from './helpers/config';
import { policyOf, resourcesOf, shipped, synthEnv, TfJson, withConfig } from './helpers/synth';

const ENVS = [staging, prod];
const json = (env: EnvironmentConfig): TfJson => shipped(env.name as 'staging' | 'prod');
const acl = (j: TfJson, part = 'waf_acl') => resourcesOf(j, 'aws_wafv2_web_acl').find(([n]) => n.includes(part))![1];

describe('WAF in front of the load balancer', () => {
  test.each(ENVS)('$name: managed groups in order (IP reputation, known bad inputs, common, SQLi), then the re-blocks, then the rate limit', (env) => {
    const rules = acl(json(env)).rule;
    expect(rules.map((r: any) => r.name)).toEqual([...MANAGED_RULE_GROUPS, 'SizeRestrictions_BODY-outside-allowed-paths', 'CrossSiteScripting_BODY-outside-allowed-paths', 'rate-limit-per-ip']);
    expect(rules.map((r: any) => r.priority)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const r of rules) expect(r.visibility_config).toMatchObject({ cloudwatch_metrics_enabled: true, sampled_requests_enabled: true });
    expect(acl(json(env)).default_action).toEqual({ allow: {} });
    expect(acl(json(env)).scope).toBe('REGIONAL');
  });

  test.each(ENVS)('$name: the body-size and body-XSS rules of the common set only count; labelled requests are blocked outside the configured paths', (env) => {
    const rules = acl(json(env)).rule;
    const common = rules.find((r: any) => r.name === 'AWSManagedRulesCommonRuleSet');
    expect(common.statement.managed_rule_group_statement.rule_action_override).toEqual(Object.keys(COUNTED_CORE_RULES).map((name) => ({ name, action_to_use: { count: {} } })));
    const xss = rules.find((r: any) => r.name === 'CrossSiteScripting_BODY-outside-allowed-paths');
    const [label, ...outside] = xss.statement.and_statement.statement;
    expect(label).toEqual({ label_match_statement: { scope: 'LABEL', key: 'awswaf:managed:aws:core-rule-set:CrossSiteScripting_Body' } });
    expect(outside.map((o: any) => o.not_statement.statement.byte_match_statement.search_string)).toEqual(env.waf.richTextPaths);
    // No upload paths configured: every oversized body is blocked (in block mode).
    const size = rules.find((r: any) => r.name === 'SizeRestrictions_BODY-outside-allowed-paths');
    expect(size.statement).toEqual({ label_match_statement: { scope: 'LABEL', key: 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body' } });
    const rate = rules.find((r: any) => r.name === 'rate-limit-per-ip');
    expect(rate.statement.rate_based_statement).toEqual({ limit: env.waf.rateLimitPer5Min, aggregate_key_type: 'IP', evaluation_window_sec: 300 });
  });

  test('count mode counts everything; block mode lets the groups block and the own rules block', () => {
    const counting = acl(json(staging)).rule;
    expect(staging.waf.mode).toBe('count');
    for (const r of counting.filter((x: any) => x.statement.managed_rule_group_statement)) expect(r.override_action).toEqual({ count: {} });
    for (const r of counting.filter((x: any) => !x.statement.managed_rule_group_statement)) expect(r.action).toEqual({ count: {} });
    const blocking = acl(json(prod)).rule;
    expect(prod.waf.mode).toBe('block');
    for (const r of blocking.filter((x: any) => x.statement.managed_rule_group_statement)) expect(r.override_action).toEqual({ none: {} });
    for (const r of blocking.filter((x: any) => !x.statement.managed_rule_group_statement)) expect(r.action).toEqual({ block: {} });
  });

  test('upload paths exempt oversized bodies there', () => {
    const j = synthEnv(withConfig(staging, (c) => (c.waf.uploadPaths = ['/upload/', '/media/'])));
    const size = acl(j).rule.find((r: any) => r.name === 'SizeRestrictions_BODY-outside-allowed-paths');
    expect(size.statement.and_statement.statement.slice(1).map((o: any) => o.not_statement.statement.byte_match_statement)).toEqual([
      { field_to_match: { uri_path: {} }, positional_constraint: 'STARTS_WITH', search_string: '/upload/', text_transformation: [{ priority: 0, type: 'NONE' }] },
      { field_to_match: { uri_path: {} }, positional_constraint: 'STARTS_WITH', search_string: '/media/', text_transformation: [{ priority: 0, type: 'NONE' }] },
    ]);
  });

  test.each(ENVS)('$name: associated with the load balancer; logged to aws-waf-logs-<project>-<env> without Authorization and Cookie', (env) => {
    const j = json(env);
    const [aclName] = resourcesOf(j, 'aws_wafv2_web_acl')[0];
    const [[, association]] = resourcesOf(j, 'aws_wafv2_web_acl_association');
    expect(association).toEqual({ resource_arn: expect.stringMatching(/aws_lb\.load-balancer_alb_\w+\.arn/), web_acl_arn: `\${aws_wafv2_web_acl.${aclName}.arn}` });
    const [[groupName, group]] = resourcesOf(j, 'aws_cloudwatch_log_group').filter(([, g]) => g.name.startsWith('aws-waf-logs-'));
    expect(group).toMatchObject({ name: `aws-waf-logs-webapp-${env.name}`, retention_in_days: env.waf.logRetentionDays });
    const [[, logging]] = resourcesOf(j, 'aws_wafv2_web_acl_logging_configuration');
    expect(logging.log_destination_configs).toEqual([`\${aws_cloudwatch_log_group.${groupName}.arn}`]);
    expect(logging.redacted_fields).toEqual(REDACTED_HEADERS.map((name) => ({ single_header: { name } })));
    expect(REDACTED_HEADERS).toEqual(['authorization', 'cookie']);
  });

  test.each(ENVS)('$name: a spike of blocked (or, counting, would-be-blocked) requests is an alarm, on the web ACL\'s metric name (the WebACL dimension), not its name', (env) => {
    const j = json(env);
    const alarm = resourcesOf(j, 'aws_cloudwatch_metric_alarm').map(([, a]) => a).find((a) => a.alarm_name === `webapp-${env.name}-waf-blocked-requests`)!;
    const [, acl] = resourcesOf(j, 'aws_wafv2_web_acl').find(([, a]) => a.scope === 'REGIONAL')!;
    // WAF developer guide, "AWS WAF metrics and dimensions": WebACL is the metric name of the web ACL.
    // The alarm read the name ("webapp-staging"), a dimension value no metric has.
    const dimensions = { WebACL: acl.visibility_config.metric_name, Region: env.region };
    expect(acl.visibility_config.metric_name).not.toBe(acl.name);
    expect(alarm).toMatchObject({ threshold: env.waf.rateLimitPer5Min, comparison_operator: 'GreaterThanThreshold' });
    if (env.waf.mode === 'block') {
      expect(alarm).toMatchObject({ namespace: 'AWS/WAFV2', metric_name: 'BlockedRequests', statistic: 'Sum', period: 300, dimensions: { ...dimensions, Rule: 'ALL' } });
    } else {
      // Count mode blocks nothing, and counted requests are reported per rule: every rule of the ACL, summed.
      const metrics = alarm.metric_query.filter((q: any) => q.metric).map((q: any) => q.metric);
      expect(metrics.map((m: any) => m.dimensions.Rule)).toEqual(acl.rule.map((r: any) => r.visibility_config.metric_name));
      for (const m of metrics) expect(m).toMatchObject({ namespace: 'AWS/WAFV2', metric_name: 'CountedRequests', stat: 'Sum', period: 300, dimensions: { ...dimensions, Rule: expect.any(String) } });
      expect(alarm.metric_query[0].expression).toBe(metrics.map((_: unknown, i: number) => `FILL(m${i + 1}, 0)`).join(' + '));
    }
  });

  test('optional CloudFront ACL: in us-east-1, attached to the static distribution, without the app-body rules', () => {
    const j = synthEnv(withConfig(staging, (c) => (c.waf.cloudfront = true)));
    const [cdnName, cdn] = resourcesOf(j, 'aws_wafv2_web_acl').find(([n]) => n.includes('waf-cdn'))!;
    expect(cdn).toMatchObject({ scope: 'CLOUDFRONT', provider: 'aws.us_east_1', name: 'webapp-staging-cdn' });
    expect(cdn.rule.map((r: any) => r.name)).toEqual(['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesCommonRuleSet', 'rate-limit-per-ip']);
    expect(resourcesOf(j, 'aws_cloudfront_distribution')[0][1].web_acl_id).toBe(`\${aws_wafv2_web_acl.${cdnName}.arn}`);
    const logs = resourcesOf(j, 'aws_cloudwatch_log_group').map(([, g]) => g).find((g) => g.name === 'aws-waf-logs-webapp-staging-cdn')!;
    expect(logs.provider).toBe('aws.us_east_1');
  });

  test('off (non-production only) creates no ACL', () => {
    const j = synthEnv(withConfig(staging, (c) => (c.waf.mode = 'off')));
    expect(resourcesOf(j, 'aws_wafv2_web_acl')).toEqual([]);
    expectRejected(withConfig(prod, (c) => (c.waf.mode = 'off')), 'waf.mode', /production environment: .*use "count" while rolling out/);
  });
});

describe('night schedule (non-production)', () => {
  test('every service goes to 0/0 at down and back to its gated bounds at up, in the time zone; the actions are chained', () => {
    const j = json(staging);
    const sch = staging.schedule!;
    const actions = resourcesOf(j, 'aws_appautoscaling_scheduled_action');
    const services = resourcesOf(j, 'aws_ecs_service').length;
    expect(actions).toHaveLength(2 * services);
    for (const [, a] of actions) {
      expect(a.timezone).toBe(sch.timezone);
      if (a.name.endsWith('-down')) expect(a).toMatchObject({ schedule: sch.down, scalable_target_action: { min_capacity: 0, max_capacity: 0 } });
      else expect(a.schedule).toBe(sch.up);
    }
    const webUp = actions.find(([, a]) => a.name === 'webapp-staging-web-up')![1];
    expect(webUp.scalable_target_action.min_capacity).toMatch(/== "unreleased"\) \? 0 : 1\}$/);
    // One after the other: the actions form a single chain (each depends on exactly one other, one starts it).
    const previous = new Map(actions.map(([n, a]) => [n, a.depends_on.filter((d: string) => d.startsWith('aws_appautoscaling_scheduled_action.')).map((d: string) => d.split('.')[1])]));
    expect([...previous.values()].filter((p) => p.length === 0)).toHaveLength(1);
    expect([...previous.values()].every((p) => p.length <= 1)).toBe(true);
    const followed = new Set([...previous.values()].flat());
    expect(followed.size).toBe(actions.length - 1);
    for (const [, a] of actions) expect(a.depends_on[0]).toMatch(/^aws_appautoscaling_target\./);
  });

  test('the database stops at down and starts at up, through the universal targets, with a role that may do exactly that to exactly that instance', () => {
    const j = json(staging);
    const schedules = resourcesOf(j, 'aws_scheduler_schedule').map(([, s]) => s).filter((s) => s.name.startsWith('webapp-staging-database-'));
    expect(schedules.map((s) => [s.name, s.schedule_expression, s.target.arn]).sort().reverse()).toEqual([
      ['webapp-staging-database-stop', staging.schedule!.down, 'arn:aws:scheduler:::aws-sdk:rds:stopDBInstance'],
      ['webapp-staging-database-start', staging.schedule!.up, 'arn:aws:scheduler:::aws-sdk:rds:startDBInstance'],
    ]);
    for (const s of schedules) expect(JSON.parse(s.target.input)).toEqual({ DbInstanceIdentifier: expect.stringMatching(/aws_db_instance\.database_instance_\w+\.identifier/) });
    const [, policy] = resourcesOf(j, 'aws_iam_role_policy').find(([n]) => n.startsWith('night_policy'))!;
    const [deadLetters] = resourcesOf(j, 'aws_sqs_queue').find(([, q]) => q.name === 'webapp-staging-night')!;
    expect(policyOf(policy.policy).Statement).toEqual([
      { Sid: 'ThisInstanceOnly', Effect: 'Allow', Action: ['rds:StopDBInstance', 'rds:StartDBInstance'], Resource: expect.stringMatching(/^\$\{aws_db_instance\.database_instance_\w+\.arn\}$/) },
      { Sid: 'DeadLetters', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `\${aws_sqs_queue.${deadLetters}.arn}` },
    ]);
  });

  test('a stop or start that keeps failing is retried, dead-lettered and alarmed on, like a scheduled job (a failed morning start leaves staging down)', () => {
    const j = json(staging);
    const [deadLetters, queue] = resourcesOf(j, 'aws_sqs_queue').find(([, q]) => q.name === 'webapp-staging-night')!;
    expect(queue.sqs_managed_sse_enabled).toBe(true);
    const schedules = resourcesOf(j, 'aws_scheduler_schedule').map(([, s]) => s).filter((s) => s.name.startsWith('webapp-staging-database-'));
    expect(schedules).toHaveLength(2);
    for (const s of schedules) {
      expect(s.target.retry_policy).toEqual({ maximum_retry_attempts: JOB_RETRY.maximumRetryAttempts, maximum_event_age_in_seconds: JOB_RETRY.maximumEventAgeInSeconds });
      expect(s.target.dead_letter_config).toEqual({ arn: `\${aws_sqs_queue.${deadLetters}.arn}` });
    }
    const [group] = resourcesOf(j, 'aws_scheduler_schedule_group').find(([, g]) => g.name === 'webapp-staging-night')!;
    const alarm = resourcesOf(j, 'aws_cloudwatch_metric_alarm').map(([, a]) => a).find((a) => a.alarm_name === 'webapp-staging-night-schedule-failures')!;
    expect(alarm).toMatchObject({ threshold: 0, comparison_operator: 'GreaterThanThreshold', treat_missing_data: 'notBreaching' });
    expect(alarm.metric_query.filter((q: any) => q.metric).map((q: any) => [q.metric.namespace, q.metric.metric_name, q.metric.dimensions, q.metric.period])).toEqual([
      ['AWS/Scheduler', 'InvocationsSentToDeadLetterCount', { ScheduleGroup: `\${aws_scheduler_schedule_group.${group}.name}` }, 300],
      ['AWS/Scheduler', 'TargetErrorCount', { ScheduleGroup: `\${aws_scheduler_schedule_group.${group}.name}` }, 300],
    ]);
    // Without stopDatabase there is nothing to fail: no group, queue or alarm.
    const services = synthEnv(withConfig(staging, (c) => (c.schedule!.stopDatabase = false)));
    expect(resourcesOf(services, 'aws_sqs_queue').map(([, q]) => q.name)).not.toContain('webapp-staging-night');
    expect(resourcesOf(services, 'aws_cloudwatch_metric_alarm').map(([, a]) => a.alarm_name)).not.toContain('webapp-staging-night-schedule-failures');
  });

  test.each([
    ['a step in the minutes', 'cron(*/30 7 ? * MON-FRI *)', /needs one minute and one hour/],
    ['a list of hours', 'cron(0 7,8 ? * MON-FRI *)', /needs one minute and one hour/],
    ['days of the month', 'cron(0 7 1 * ? *)', /runs on days of the month/],
    ['one year only', 'cron(0 7 ? * MON-FRI 2027)', /every month of every year/],
  ])('the night schedule is a time of day on weekdays (the alarms\' awake window is computed from it): %s is refused', (_label, expression, message) => {
    expectRejected(withConfig(staging, (c) => (c.schedule!.up = expression)), 'schedule.up', message);
  });

  test('a schedule awake for less than the wake-up grace is refused', () => {
    expectRejected(withConfig(staging, (c) => Object.assign(c.schedule!, { up: 'cron(0 7 ? * MON-FRI *)', down: 'cron(10 7 ? * MON-FRI *)' })), 'schedule', /never awake for longer than the 15-minute wake-up/);
  });

  test('production has no schedule, and a schedule in production is refused', () => {
    expect(resourcesOf(json(prod), 'aws_appautoscaling_scheduled_action')).toEqual([]);
    expectRejected(withConfig(prod, (c) => (c.schedule = { ...staging.schedule! })), 'schedule', /production stays up/);
    expectRejected(withConfig(staging, (c) => (c.schedule!.down = 'rate(12 hours)')), 'schedule.down', /is a rate: use a cron/);
    expectRejected(withConfig(staging, (c) => (c.schedule!.timezone = 'Dublin')), 'schedule.timezone', /IANA/);
  });

  test('without stopDatabase only the services sleep', () => {
    const j = synthEnv(withConfig(staging, (c) => (c.schedule!.stopDatabase = false)));
    expect(resourcesOf(j, 'aws_scheduler_schedule').map(([, s]) => s.name)).not.toContain('webapp-staging-database-stop');
  });
});
