import { Construct } from 'constructs';
import { TerraformProvider } from 'cdktf';
import { CloudwatchMetricAlarm, CloudwatchMetricAlarmMetricQuery } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { ALARM_KINDS, AlarmKindId, Severity } from './alarm-kinds';
import { AlertTopics } from './alerts';
import { AwakeWindow } from './awake';

/** One CloudWatch metric. */
export interface MetricRef {
  readonly namespace: string;
  readonly name: string;
  /** `Sum`, `Average`, `Minimum`, `Maximum` or a percentile such as `p95`. */
  readonly stat: string;
  readonly dimensions: Record<string, string>;
}

/** Metric math: the returned expression over `metrics` (ids m1, m2...), and helper expressions it uses. */
export interface AlarmExpression {
  readonly expression: string;
  readonly label: string;
  readonly metrics: Record<string, MetricRef>;
  /** Non-returned expressions by id, in the order they build on each other. */
  readonly helpers?: Record<string, string>;
}

/** An alarm of the environment: its kind (severity, rule, runbook) plus what it watches and its threshold. */
export interface AlarmSpec {
  readonly kind: AlarmKindId;
  /** Unique in the environment: `web-target-5xx-rate`, `celery-running-tasks`. */
  readonly id: string;
  /** Dashboard section. */
  readonly section: string;
  /** Short title for the dashboard graph. */
  readonly title: string;
  readonly threshold: number;
  readonly comparison: 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold';
  /** Seconds per datapoint (60 unless the metric is daily). */
  readonly period?: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  /** A single metric, or metric math over `metrics` (ids m1, m2...). */
  readonly metric?: MetricRef;
  readonly expression?: AlarmExpression;
  /**
   * What the night schedule stops (tasks, healthy targets, a stopped database): judged only while
   * the environment is awake, a constant that does not breach otherwise (see awake.ts).
   */
  readonly sleeps?: boolean;
  /** Alarm in us-east-1 (CloudFront metrics exist only there). */
  readonly usEast1?: boolean;
  /** Notifications on only once an image has been released (Terraform expression, boolean). */
  readonly actionsEnabled?: boolean;
  /** Watched by the web service's deployments (rollback when it fires). */
  readonly deploymentGuard?: boolean;
}

const stat = (s: string) => (/^p\d+(\.\d+)?$/.test(s) ? { extendedStatistic: s } : { statistic: s });

/** A value that never breaches the threshold: what a sleeping alarm reads while the environment is asleep. */
export function quietValue(spec: Pick<AlarmSpec, 'comparison' | 'threshold'>): number {
  return spec.comparison === 'GreaterThanOrEqualToThreshold' ? spec.threshold - 1 : spec.threshold;
}

/** The spec an alarm is created from: a sleeping one judged only inside the awake window. */
export function judgedWhileAwake(spec: AlarmSpec, awake: AwakeWindow | undefined): AlarmSpec {
  if (!spec.sleeps || !awake) return spec;
  const inner: AlarmExpression = spec.expression ?? { expression: 'm1', label: spec.title, metrics: { m1: spec.metric! } };
  if (!('m1' in inner.metrics)) throw new Error(`alarm ${spec.id}: a sleeping alarm reads its time stamps from m1`);
  return {
    ...spec,
    metric: undefined,
    expression: {
      ...inner,
      expression: `IF(${awake.condition}, ${inner.expression === 'm1' ? 'm1' : `(${inner.expression})`}, ${quietValue(spec)})`,
      helpers: { ...inner.helpers, ...awake.expressions },
    },
  };
}

/** The alarms of an environment, created from their specs; kept for the dashboard and the deployment guard. */
export class EnvironmentAlarms extends Construct {
  readonly created: { spec: AlarmSpec; alarm: CloudwatchMetricAlarm }[] = [];

  constructor(scope: Construct, id: string, private readonly props: { namePrefix: string; alerts: AlertTopics; alertsUsEast1: AlertTopics; usEast1: TerraformProvider; awake?: AwakeWindow }) {
    super(scope, id);
  }

  add(input: AlarmSpec): CloudwatchMetricAlarm {
    const spec = judgedWhileAwake(input, this.props.awake);
    const kind = ALARM_KINDS[spec.kind];
    const topics = spec.usEast1 ? this.props.alertsUsEast1 : this.props.alerts;
    const actions = topics.targets(kind.severity as Severity);
    const period = spec.period ?? 60;
    const metricQuery: CloudwatchMetricAlarmMetricQuery[] | undefined = spec.expression
      ? [
          { id: 'e1', expression: spec.expression.expression, label: spec.expression.label, returnData: true },
          ...Object.entries(spec.expression.helpers ?? {}).map(([hid, expression]) => ({ id: hid, expression, returnData: false })),
          ...Object.entries(spec.expression.metrics).map(([mid, m]) => ({
            id: mid,
            returnData: false,
            metric: { namespace: m.namespace, metricName: m.name, stat: m.stat, period, dimensions: m.dimensions },
          })),
        ]
      : undefined;
    const alarm = new CloudwatchMetricAlarm(this, spec.id, {
      provider: spec.usEast1 ? this.props.usEast1 : undefined,
      alarmName: `${this.props.namePrefix}-${spec.id}`,
      // What it means, what to do first, and how the threshold was chosen: on the page itself.
      alarmDescription: `[${kind.severity}] ${kind.meaning} First: ${kind.runbook} (Threshold: ${kind.rule}.)`.slice(0, 1024),
      comparisonOperator: spec.comparison,
      threshold: spec.threshold,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm,
      treatMissingData: kind.missingData,
      ...(spec.metric
        ? { namespace: spec.metric.namespace, metricName: spec.metric.name, dimensions: spec.metric.dimensions, period, ...stat(spec.metric.stat) }
        : { metricQuery }),
      alarmActions: actions,
      // Back to OK is worth knowing for a page; warnings only notify when they start.
      okActions: kind.severity === 'critical' ? actions : undefined,
      actionsEnabled: spec.actionsEnabled,
    });
    this.created.push({ spec, alarm });
    return alarm;
  }
}
