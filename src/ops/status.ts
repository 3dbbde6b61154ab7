/**
 * `npm run status -- <env>`: what an environment runs right now, read from AWS (Copilot's
 * `copilot svc status`): per service the desired / running / pending tasks, the image tag its
 * primary deployment runs and the rollout state; the released tag and when it was released, a
 * release under way; the alarms in ALARM; whether the environment is asleep (night schedule);
 * the URLs. A table for people, `--json` for scripts.
 */
import { DescribeServicesCommand, DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { Sender, StackOutputs, awsErrorName, serviceNames } from './aws';
import { UNRELEASED_TAG } from '../modules/image-version';
import { Paint, table } from './terminal';

export interface ServiceStatus {
  readonly name: string;
  readonly desired: number;
  readonly running: number;
  readonly pending: number;
  /** The app container's image tag in the primary deployment (what new tasks run). */
  readonly imageTag: string;
  /** ECS's rollout state of the primary deployment: COMPLETED, IN_PROGRESS or FAILED. */
  readonly rollout: string;
  readonly rolloutReason?: string;
  /** Deployments still draining (an older task definition being replaced). */
  readonly otherDeployments: number;
}

export interface EnvironmentStatus {
  readonly environment: string;
  readonly region: string;
  readonly services: ServiceStatus[];
  readonly release: { readonly tag: string; readonly at?: string; readonly inProgress?: { readonly since?: string; readonly holder?: string } };
  readonly alarms: { readonly name: string; readonly reason: string; readonly since?: string }[];
  /** `asleep`: released, and every service at 0 (the night schedule); `unreleased`: nothing released yet. */
  readonly state: 'running' | 'asleep' | 'unreleased' | 'degraded';
  readonly urls: { readonly app?: string; readonly dashboard?: string };
}

export interface StatusClients {
  readonly ecs: Sender;
  readonly ssm: Sender;
  readonly cloudwatch: Sender;
}

/** The image tag of an image reference (`repo:tag`, `repo@sha256:...` keeps the digest). */
export function imageTagOf(image: string | undefined): string {
  if (!image) return '?';
  const at = image.indexOf('@');
  if (at >= 0) return image.slice(at + 1);
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? image.slice(colon + 1) : 'latest';
}

async function parameter(ssm: Sender, name: string): Promise<{ value: string; at?: string } | undefined> {
  try {
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name }));
    return { value: String(Parameter?.Value ?? ''), at: Parameter?.LastModifiedDate ? new Date(Parameter.LastModifiedDate).toISOString() : undefined };
  } catch (error) {
    if (awsErrorName(error) === 'ParameterNotFound') return undefined;
    throw error;
  }
}

export async function environmentStatus(clients: StatusClients, outputs: StackOutputs): Promise<EnvironmentStatus> {
  const cluster = outputs.string('ecs_cluster_name');
  const names = serviceNames(outputs);
  const described: any[] = [];
  // DescribeServices takes 10 services a call.
  for (let i = 0; i < names.length; i += 10) {
    const { services = [] } = await clients.ecs.send(new DescribeServicesCommand({ cluster, services: names.slice(i, i + 10) }));
    described.push(...services);
  }
  const imageOf = new Map<string, string>();
  for (const arn of new Set(described.map((s) => (s.deployments ?? []).find((d: any) => d.status === 'PRIMARY')?.taskDefinition ?? s.taskDefinition))) {
    if (!arn) continue;
    const { taskDefinition } = await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
    const app = (taskDefinition?.containerDefinitions ?? []).find((c: any) => c.name === outputs.string('app_container_name')) ?? taskDefinition?.containerDefinitions?.[0];
    imageOf.set(arn, imageTagOf(app?.image));
  }
  const services: ServiceStatus[] = names.map((name) => {
    const s = described.find((d) => d.serviceName === name);
    if (!s) return { name, desired: 0, running: 0, pending: 0, imageTag: '?', rollout: 'MISSING', rolloutReason: 'not found in the cluster: deploy the stack (npx cdktf deploy)', otherDeployments: 0 };
    const primary = (s.deployments ?? []).find((d: any) => d.status === 'PRIMARY');
    return {
      name,
      desired: s.desiredCount ?? 0,
      running: s.runningCount ?? 0,
      pending: s.pendingCount ?? 0,
      imageTag: imageOf.get(primary?.taskDefinition ?? s.taskDefinition) ?? '?',
      rollout: primary?.rolloutState ?? 'COMPLETED',
      ...(primary?.rolloutStateReason ? { rolloutReason: primary.rolloutStateReason } : {}),
      otherDeployments: (s.deployments ?? []).filter((d: any) => d.status !== 'PRIMARY').length,
    };
  });

  const released = await parameter(clients.ssm, outputs.string('image_tag_parameter'));
  const settings = outputs.has('release') ? outputs.map<string>('release') : {};
  const lock = settings.lock_parameter ? await parameter(clients.ssm, String(settings.lock_parameter)) : undefined;
  const tag = released?.value ?? UNRELEASED_TAG;

  // The stack's alarms are named <project>-<env>-...: the cluster's name.
  const alarms: EnvironmentStatus['alarms'] = [];
  let next: string | undefined;
  do {
    const page: any = await clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: `${cluster}-`, StateValue: 'ALARM', NextToken: next }));
    for (const a of page.MetricAlarms ?? []) alarms.push({ name: a.AlarmName, reason: a.StateReason ?? '', since: a.StateUpdatedTimestamp ? new Date(a.StateUpdatedTimestamp).toISOString() : undefined });
    next = page.NextToken;
  } while (next);

  const state: EnvironmentStatus['state'] = tag === UNRELEASED_TAG
    ? 'unreleased'
    : services.length > 0 && services.every((s) => s.desired === 0)
      ? 'asleep'
      : services.some((s) => s.running < s.desired || s.rollout === 'FAILED' || s.rollout === 'MISSING') ? 'degraded' : 'running';
  return {
    environment: outputs.environment,
    region: outputs.string('aws_region'),
    services,
    release: { tag, ...(released?.at ? { at: released.at } : {}), ...(lock ? { inProgress: { since: lock.at, holder: lock.value } } : {}) },
    alarms,
    state,
    urls: { ...(outputs.has('app_url') ? { app: outputs.string('app_url') } : {}), ...(outputs.has('dashboard_url') ? { dashboard: outputs.string('dashboard_url') } : {}) },
  };
}

const STATE_TEXT: Record<EnvironmentStatus['state'], string> = {
  running: 'running',
  asleep: 'asleep (night schedule: every service at 0 tasks)',
  unreleased: 'not released yet: npm run release -- <env> <tag>',
  degraded: 'degraded: a service runs fewer tasks than it wants, or its rollout failed',
};

/** The status as people read it: a header, one row per service, the alarms, the URLs. */
export function formatStatus(status: EnvironmentStatus, paint: Paint): string {
  const stateColour = status.state === 'running' ? paint.green : status.state === 'degraded' ? paint.red : paint.yellow;
  const lines = [
    `${paint.bold(status.environment)} (${status.region}): ${stateColour(STATE_TEXT[status.state])}`,
    `release: ${status.release.tag}${status.release.at ? ` since ${status.release.at}` : ''}${status.release.inProgress ? paint.yellow(` (a release is under way${status.release.inProgress.since ? ` since ${status.release.inProgress.since}` : ''})`) : ''}`,
    '',
    table(
      ['service', 'desired', 'running', 'pending', 'image', 'rollout'],
      status.services.map((s) => [
        s.name,
        String(s.desired),
        s.running < s.desired ? paint.red(String(s.running)) : String(s.running),
        String(s.pending),
        s.imageTag === status.release.tag || status.release.tag === UNRELEASED_TAG ? s.imageTag : paint.yellow(`${s.imageTag} (released: ${status.release.tag})`),
        s.rollout === 'FAILED' || s.rollout === 'MISSING' ? paint.red(`${s.rollout}${s.rolloutReason ? `: ${s.rolloutReason}` : ''}`) : s.rollout === 'IN_PROGRESS' ? paint.yellow(`IN_PROGRESS${s.otherDeployments ? ` (${s.otherDeployments} older draining)` : ''}`) : s.rollout,
      ]),
    ),
    '',
    status.alarms.length === 0 ? `alarms: ${paint.green('none in ALARM')}` : `alarms in ALARM (${status.alarms.length}):`,
    // The first ten: a screenful that still shows the header; --json has them all.
    ...status.alarms.slice(0, 10).map((a) => `  ${paint.red(a.name)}${a.since ? ` since ${a.since}` : ''}: ${a.reason}`),
    ...(status.alarms.length > 10 ? [`  ... and ${status.alarms.length - 10} more (--json lists them all)`] : []),
  ];
  if (status.urls.app) lines.push(`app: ${status.urls.app}`);
  if (status.urls.dashboard) lines.push(`dashboard: ${status.urls.dashboard}`);
  return lines.join('\n');
}
