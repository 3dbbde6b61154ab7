import { prod, staging } from '../src/config/environments';
import { EnvironmentConfig } from '../src/config/types';
import { ALARM_KINDS } from '../src/modules/monitoring/alarm-kinds';
import { ALARM_MATH_FUNCTIONS, ALARM_MATH_OPERATORS, EVENTS, METRICS } from './helpers/aws-catalogue';
import { resourcesOf, shipped, synthEnv, TfJson, withConfig } from './helpers/synth';

/**
 * Every metric an alarm, a dashboard graph or a scaling policy reads, and every event a rule
 * waits for, is one AWS documents (__tests__/helpers/aws-catalogue.ts, each entry citing its
 * page): namespace, metric name, dimension names, statistic; event source, detail-type, detail
 * fields and values. The emulator publishes none of them, so this is where an alarm on a metric
 * that never exists (the WAF alarm on the ACL's name, the cache alarms without CacheNodeId) or a
 * rule on an event shape that never comes is caught.
 */

interface MetricUse {
  readonly where: string;
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: string[];
  readonly stat: string;
  /** Dimension values, where known (alarms). */
  readonly values?: Record<string, unknown>;
}

const statOf = (body: any) => body.statistic ?? body.extended_statistic ?? body.stat;

/** Every metric of the stack's alarms, dashboard widgets and scaling policies. */
export function metricUses(json: TfJson): MetricUse[] {
  const uses: MetricUse[] = [];
  for (const [name, a] of resourcesOf(json, 'aws_cloudwatch_metric_alarm')) {
    if (a.metric_name) uses.push({ where: `alarm ${a.alarm_name}`, namespace: a.namespace, name: a.metric_name, dimensions: Object.keys(a.dimensions ?? {}), stat: statOf(a), values: a.dimensions });
    for (const q of a.metric_query ?? []) {
      if (q.metric) uses.push({ where: `alarm ${a.alarm_name ?? name} ${q.id}`, namespace: q.metric.namespace, name: q.metric.metric_name, dimensions: Object.keys(q.metric.dimensions ?? {}), stat: q.metric.stat, values: q.metric.dimensions });
    }
  }
  for (const [, d] of resourcesOf(json, 'aws_cloudwatch_dashboard')) {
    for (const w of JSON.parse(d.dashboard_body).widgets) {
      for (const row of w.properties?.metrics ?? []) {
        const options = typeof row[row.length - 1] === 'object' ? row[row.length - 1] : {};
        const [namespace, metric, ...rest] = row.filter((x: unknown) => typeof x !== 'object');
        uses.push({ where: `dashboard "${w.properties.title}"`, namespace, name: metric, dimensions: rest.filter((_: unknown, i: number) => i % 2 === 0), stat: options.stat ?? 'Average' });
      }
    }
  }
  for (const [name, p] of resourcesOf(json, 'aws_appautoscaling_policy')) {
    for (const m of p.target_tracking_scaling_policy_configuration?.customized_metric_specification?.metrics ?? []) {
      if (m.metric_stat) uses.push({ where: `scaling policy ${name} ${m.id}`, namespace: m.metric_stat.metric.namespace, name: m.metric_stat.metric.metric_name, dimensions: m.metric_stat.metric.dimensions.map((d: any) => d.name), stat: m.metric_stat.stat });
    }
  }
  return uses;
}

/** What is not documented about a metric use, or undefined. */
export function metricProblem(use: MetricUse): string | undefined {
  const entry = METRICS.find((m) => m.namespace === use.namespace && m.name === use.name);
  if (!entry) return `${use.where}: ${use.namespace} ${use.name} is not a metric AWS documents (add it to the catalogue from its AWS page, or fix the name)`;
  const dims = [...use.dimensions].sort().join(',');
  if (!entry.dimensions.some((set) => [...set].sort().join(',') === dims)) {
    return `${use.where}: ${use.namespace} ${use.name} is not published with the dimensions [${dims}] (${entry.dimensions.map((d) => `[${[...d].sort().join(',')}]`).join(' or ')}: ${entry.doc})`;
  }
  const percentile = /^p\d+(\.\d+)?$/.test(use.stat);
  if (!(entry.statistics.includes(use.stat) || (percentile && entry.percentiles))) return `${use.where}: ${use.stat} of ${use.name} is not a documented statistic (${entry.statistics.join(', ')}: ${entry.doc})`;
  return undefined;
}

/**
 * WAF metrics name the web ACL by its metric name and a rule by its metric name, or ALL (WAF
 * developer guide, "AWS WAF metrics and dimensions"): values the stack must get right, since a
 * wrong one is a metric that simply never exists.
 */
export function wafValueProblems(json: TfJson, uses: MetricUse[]): string[] {
  const acls = resourcesOf(json, 'aws_wafv2_web_acl').map(([, a]) => ({ metric: a.visibility_config.metric_name, rules: a.rule.map((r: any) => r.visibility_config.metric_name) }));
  return uses.filter((u) => u.namespace === 'AWS/WAFV2' && u.values).flatMap((u) => {
    const acl = acls.find((a) => a.metric === u.values!.WebACL);
    if (!acl) return [`${u.where}: WebACL "${u.values!.WebACL}" is not the metric name of a web ACL of the stack (${acls.map((a) => a.metric).join(', ')})`];
    const rule = String(u.values!.Rule);
    if (u.name === 'CountedRequests' ? !acl.rules.includes(rule) : !(rule === 'ALL' || acl.rules.includes(rule))) return [`${u.where}: Rule "${rule}" is not ${u.name === 'CountedRequests' ? 'the metric name of a rule of the ACL (counted requests are reported per rule)' : 'ALL or a rule of the ACL'}`];
    return [];
  });
}

/** Functions and operators of alarm expressions that are not documented for alarms. */
export function expressionProblems(json: TfJson): string[] {
  const allowed = new Set<string>([...ALARM_MATH_FUNCTIONS, ...ALARM_MATH_OPERATORS]);
  return resourcesOf(json, 'aws_cloudwatch_metric_alarm').flatMap(([, a]) =>
    (a.metric_query ?? []).filter((q: any) => q.expression).flatMap((q: any) => [...String(q.expression).replace(/'[^']*'|"[^"]*"/g, "''").matchAll(/\b([A-Z][A-Z_]+)\b/g)].map((m) => m[1]).filter((f) => !allowed.has(f)).map((f) => `alarm ${a.alarm_name} ${q.id}: ${f} is not a metric math function documented for alarms`)),
  );
}

/** What is not documented about an event pattern. */
export function eventProblems(where: string, pattern: Record<string, any>): string[] {
  const problems: string[] = [];
  const known = ['source', 'detail-type', 'resources', 'detail'];
  for (const key of Object.keys(pattern)) if (!known.includes(key)) problems.push(`${where}: top-level field "${key}" is not part of an AWS event`);
  for (const source of pattern.source ?? []) {
    for (const detailType of pattern['detail-type'] ?? []) {
      const entry = EVENTS.find((e) => e.source === source && e.detailType === detailType);
      if (!entry) {
        problems.push(`${where}: ${source} "${detailType}" is not an event AWS documents`);
        continue;
      }
      for (const [field, value] of Object.entries(pattern.detail ?? {})) {
        if (!entry.detailFields.includes(field)) {
          problems.push(`${where}: detail.${field} is not a field of "${detailType}" (${entry.doc})`);
          continue;
        }
        const documented = entry.values?.[field];
        const literals = Array.isArray(value) ? value.filter((v) => typeof v === 'string' && !v.startsWith('${')) : [];
        if (documented) for (const v of literals) if (!documented.includes(v)) problems.push(`${where}: detail.${field} "${v}" is not a value AWS documents (${entry.doc})`);
        const nested = entry.nested?.[field];
        if (nested && !Array.isArray(value)) for (const k of Object.keys(value as object)) if (!nested.includes(k)) problems.push(`${where}: detail.${field}.${k} is not documented (${entry.doc})`);
      }
    }
  }
  if (!pattern.source || !pattern['detail-type']) problems.push(`${where}: no source and detail-type: the rule would match events nobody checked`);
  return problems;
}

const eventPatterns = (json: TfJson) => resourcesOf(json, 'aws_cloudwatch_event_rule').map(([, r]) => ({ where: `rule ${r.name}`, pattern: JSON.parse(r.event_pattern) }));

/** The shipped environments and variants that switch on what they leave off (every alarm kind, both WAF modes). */
const SUBJECTS: [string, () => TfJson][] = [
  ['staging', () => shipped('staging')],
  ['prod', () => shipped('prod')],
  ['staging in block mode, with CloudFront logs and WAF', () => synthEnv(withConfig(staging, (c: EnvironmentConfig) => ((c.waf.mode = 'block'), (c.waf.cloudfront = true), (c.assets.cdnAccessLogs = true))))],
  ['prod in count mode', () => synthEnv(withConfig(prod, (c: EnvironmentConfig) => (c.waf.mode = 'count')))],
];

describe.each(SUBJECTS)('%s', (_label, json) => {
  const j = json();

  test('every alarm, dashboard and scaling metric is documented: namespace, name, dimension names, statistic', () => {
    const uses = metricUses(j);
    expect(uses.length).toBeGreaterThan(30);
    expect(uses.map(metricProblem).filter(Boolean)).toEqual([]);
  });

  test('WAF metrics name the web ACL and its rules by their metric names', () => {
    expect(wafValueProblems(j, metricUses(j))).toEqual([]);
    expect(metricUses(j).filter((u) => u.namespace === 'AWS/WAFV2').length).toBeGreaterThan(0);
  });

  test('every alarm expression uses only metric math documented for alarms', () => {
    expect(expressionProblems(j)).toEqual([]);
  });

  test('every event pattern is an event AWS documents: source, detail-type, detail fields and values', () => {
    const patterns = eventPatterns(j);
    expect(patterns.length).toBeGreaterThan(3);
    expect(patterns.flatMap((p) => eventProblems(p.where, p.pattern))).toEqual([]);
  });
});

test('the subjects create every kind of alarm (nothing escapes the catalogue for want of a variant)', () => {
  const kinds = new Set(SUBJECTS.flatMap(([, json]) => resourcesOf(json(), 'aws_cloudwatch_metric_alarm').map(([, a]) => Object.keys(ALARM_KINDS).find((k) => a.alarm_description.startsWith(`[${(ALARM_KINDS as any)[k].severity}] ${(ALARM_KINDS as any)[k].meaning}`)))));
  expect([...kinds].sort()).toEqual(Object.keys(ALARM_KINDS).sort());
});

describe('an alarm or rule on something AWS does not publish fails', () => {
  const base = { where: 'alarm x' };
  test.each([
    ['an undocumented metric', { ...base, namespace: 'AWS/ECS', name: 'RunningTaskCount', dimensions: ['ClusterName', 'ServiceName'], stat: 'Minimum' }, /is not a metric AWS documents/],
    ['the cache alarms as they were (no CacheNodeId)', { ...base, namespace: 'AWS/ElastiCache', name: 'Evictions', dimensions: ['CacheClusterId'], stat: 'Sum' }, /not published with the dimensions \[CacheClusterId\]/],
    ['the load balancer\'s own 5xx per target group (no such dimension)', { ...base, namespace: 'AWS/ApplicationELB', name: 'HTTPCode_ELB_5XX_Count', dimensions: ['LoadBalancer', 'TargetGroup'], stat: 'Sum' }, /not published with the dimensions/],
    ['a statistic CloudFront does not offer', { ...base, namespace: 'AWS/CloudFront', name: '5xxErrorRate', dimensions: ['DistributionId', 'Region'], stat: 'Sum' }, /Sum of 5xxErrorRate is not a documented statistic/],
  ])('%s', (_label, use, problem) => {
    expect(metricProblem(use)).toMatch(problem);
  });

  test('the WAF alarm as it was (the ACL\'s name as WebACL, Rule ALL for counted requests) fails', () => {
    const j = structuredClone(shipped('staging'));
    const acl: any = Object.values(j.resource.aws_wafv2_web_acl)[0];
    j.resource.aws_cloudwatch_metric_alarm.old = { alarm_name: 'old', namespace: 'AWS/WAFV2', metric_name: 'CountedRequests', statistic: 'Sum', dimensions: { WebACL: acl.name, Region: 'eu-west-1', Rule: 'ALL' } };
    expect(wafValueProblems(j, metricUses(j).filter((u) => u.where === 'alarm old'))).toEqual([expect.stringMatching(/WebACL "webapp-staging" is not the metric name of a web ACL/)]);
    j.resource.aws_cloudwatch_metric_alarm.old.dimensions.WebACL = acl.visibility_config.metric_name;
    expect(wafValueProblems(j, metricUses(j).filter((u) => u.where === 'alarm old'))).toEqual([expect.stringMatching(/Rule "ALL" is not the metric name of a rule of the ACL \(counted requests are reported per rule\)/)]);
  });

  test('a new alarm on an undocumented metric fails the stack check', () => {
    const j = structuredClone(shipped('staging'));
    j.resource.aws_cloudwatch_metric_alarm.bogus = { alarm_name: 'webapp-staging-bogus', namespace: 'AWS/ECS', metric_name: 'TaskCount', dimensions: { ClusterName: 'x' }, statistic: 'Sum' };
    expect(metricUses(j).map(metricProblem).filter(Boolean)).toEqual(['alarm webapp-staging-bogus: AWS/ECS TaskCount is not a metric AWS documents (add it to the catalogue from its AWS page, or fix the name)']);
  });

  test('SEARCH in an alarm, an unknown event, field or value', () => {
    const j = structuredClone(shipped('staging'));
    (Object.values(j.resource.aws_cloudwatch_metric_alarm).find((a: any) => a.metric_query) as any).metric_query[0].expression = "SEARCH('{AWS/EC2} CPU', 'Average')";
    expect(expressionProblems(j)).toEqual([expect.stringMatching(/SEARCH is not a metric math function documented for alarms/)]);
    expect(eventProblems('r', { source: ['aws.ecs'], 'detail-type': ['ECS Deployment Failed'] })).toEqual(['r: aws.ecs "ECS Deployment Failed" is not an event AWS documents']);
    expect(eventProblems('r', { source: ['aws.rds'], 'detail-type': ['RDS DB Instance Event'], detail: { EventId: ['RDS-EVENT-0087'] } })).toEqual([expect.stringMatching(/detail\.EventId is not a field/)]);
    expect(eventProblems('r', { source: ['aws.rds'], 'detail-type': ['RDS DB Instance Event'], detail: { EventID: ['RDS-EVENT-9999'] } })).toEqual([expect.stringMatching(/"RDS-EVENT-9999" is not a value AWS documents/)]);
    expect(eventProblems('r', { source: ['aws.ecs'], 'detail-type': ['ECS Task State Change'], detail: { containers: { exit: [1] } } })).toEqual([expect.stringMatching(/detail\.containers\.exit is not documented/)]);
  });
});
