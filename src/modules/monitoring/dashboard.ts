import { Construct } from 'constructs';
import { Lazy } from 'cdktf';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { AlarmSpec } from './alarms';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';

/** A graph that is not an alarm (traffic): metrics as the dashboard JSON wants them. */
export interface ExtraGraph {
  readonly section: string;
  readonly title: string;
  /** `[namespace, metric, dimName, dimValue, ..., { stat }]` rows. */
  readonly metrics: unknown[][];
  readonly region?: string;
}

/**
 * One dashboard per environment, generated from the alarm definitions: every alarm is a graph of
 * the metric it watches with its threshold drawn in (an alarm annotation), grouped in sections
 * (traffic, errors, latency, each service, database, cache, CDN, network). Rendered at synth time,
 * after every layer has added its alarms.
 */
export class EnvironmentDashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;
  readonly name: string;
  readonly url: string;

  constructor(scope: Construct, id: string, props: { name: string; region: string; sections: string[]; alarms: () => { spec: AlarmSpec; alarm: CloudwatchMetricAlarm }[]; extra: () => ExtraGraph[] }) {
    super(scope, id);
    this.name = props.name;
    this.url = `https://${props.region}.console.aws.amazon.com/cloudwatch/home?region=${props.region}#dashboards/dashboard/${props.name}`;
    this.dashboard = new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: props.name,
      dashboardBody: Lazy.stringValue({ produce: () => JSON.stringify({ widgets: layout(props.region, props.sections, props.alarms(), props.extra()) }) }),
    });
  }
}

const WIDTH = 8;
const HEIGHT = 6;

function layout(region: string, order: string[], alarms: { spec: AlarmSpec; alarm: CloudwatchMetricAlarm }[], extra: ExtraGraph[]): unknown[] {
  const widgets: unknown[] = [];
  let y = 0;
  const sections = [...new Set([...order, ...alarms.map((a) => a.spec.section), ...extra.map((e) => e.section)])];
  for (const section of sections) {
    const graphs = [
      ...extra.filter((e) => e.section === section).map((e) => ({ title: e.title, region: e.region ?? region, metrics: e.metrics })),
      ...alarms
        .filter((a) => a.spec.section === section)
        .map((a) => ({ title: a.spec.title, region: a.spec.usEast1 ? 'us-east-1' : region, annotations: { alarms: [a.alarm.arn] } })),
    ];
    if (graphs.length === 0) continue;
    widgets.push({ type: 'text', x: 0, y, width: 24, height: 1, properties: { markdown: `## ${section}` } });
    y += 1;
    graphs.forEach((g, i) => {
      widgets.push({
        type: 'metric',
        x: (i % 3) * WIDTH,
        y: y + Math.floor(i / 3) * HEIGHT,
        width: WIDTH,
        height: HEIGHT,
        properties: { view: 'timeSeries', stacked: false, period: 60, ...g },
      });
    });
    y += Math.ceil(graphs.length / 3) * HEIGHT;
  }
  return widgets;
}
