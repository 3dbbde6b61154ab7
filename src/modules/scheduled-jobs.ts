import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SchedulerScheduleGroup } from '@cdktf/provider-aws/lib/scheduler-schedule-group';
import { JobConfig } from '../config/types';
import { assumeRolePolicy, policyDocument } from '../lib/iam';
import { arn } from '../lib/naming';
import { QueueModule } from './queue';
import { APP_CONTAINER } from './service';

export interface ScheduledJobsProps {
  /** `<project>-<env>`: the schedule group, its role and the dead-letter queue are named after it. */
  readonly namePrefix: string;
  readonly region: string;
  readonly accountId: string;
  readonly jobs: JobConfig[];
  readonly clusterArn: string;
  /** The one-off task definition: jobs always run its latest revision, the released image. */
  readonly taskFamily: string;
  readonly executionRoleArn: string;
  readonly taskRoleArn: string;
  readonly subnetIds: string[];
  readonly securityGroupId: string;
  readonly fargateSpot: boolean;
}

/** Retries of a failed start (RunTask errors, capacity): twice, within an hour. */
export const JOB_RETRY = { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 };

/** Seconds between the tries of a job with retries (Copilot's Step Functions retry starts at 10 s). */
export const JOB_RETRY_DELAY_SECONDS = 10;

/**
 * What the job's container runs: its command under `timeout` (exit 124 when it runs out of time).
 * With `retries` (Copilot's), a run that fails is run again in the same task up to that many
 * times, 10 s apart, each try under the timeout; the task exits with the last try's code. The
 * shell forwards SIGTERM (StopTask, a Spot reclaim) to the running try and retries nothing after
 * it (exit 143). The image needs a POSIX `sh`, as it needs `timeout`.
 */
export function jobCommand(job: Pick<JobConfig, 'command' | 'timeoutMinutes' | 'retries'>, delaySeconds = JOB_RETRY_DELAY_SECONDS): string[] {
  const seconds = String(job.timeoutMinutes * 60);
  if (!job.retries) return ['timeout', seconds, ...job.command];
  const script = [
    'trap \'if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null; wait "$child"; fi; exit 143\' TERM INT',
    'n=0',
    'while :; do',
    '  timeout "$0" "$@" & child=$!',
    '  wait "$child"; rc=$?; child=',
    '  if [ "$rc" -eq 0 ]; then exit 0; fi',
    '  n=$((n+1))',
    `  if [ "$n" -gt ${job.retries} ]; then exit "$rc"; fi`,
    `  echo "job failed (exit $rc): try $((n+1)) of ${job.retries + 1} in ${delaySeconds} s" >&2`,
    `  sleep ${delaySeconds} & wait $!`,
    'done',
  ].join('\n');
  return ['sh', '-c', script, seconds, ...job.command];
}

/** The ECS `group` of a job's tasks: failures are found by it. */
export const jobGroup = (name: string) => `job:${name}`;

/**
 * Jobs on a schedule: each is an EventBridge Scheduler schedule (with its time zone) that starts
 * the one-off task definition (the family, so always the released image) with the job's command,
 * under `timeout` so a stuck run ends with exit 124. Starts that fail are retried, then go to a
 * dead-letter queue. The scheduler's role may start only that task family on that cluster and
 * pass only its two roles.
 *
 * A job that *runs* and exits non-zero is not a failed start: `failurePattern()` is the
 * EventBridge pattern of its stopped tasks, which the monitoring layer routes to the alert topic.
 */
export class ScheduledJobs extends Construct {
  readonly group: SchedulerScheduleGroup;
  readonly role: IamRole;
  readonly deadLetters: QueueModule;
  readonly schedules: SchedulerSchedule[] = [];
  private readonly props: ScheduledJobsProps;

  constructor(scope: Construct, id: string, props: ScheduledJobsProps) {
    super(scope, id);
    this.props = props;
    this.group = new SchedulerScheduleGroup(this, 'group', { name: props.namePrefix });
    this.deadLetters = new QueueModule(this, 'dead-letters', { queueName: `${props.namePrefix}-jobs`, visibilityTimeoutSeconds: 30, retentionDays: 14, maxReceiveCount: 5 });

    const family = arn(props.region, 'ecs', props.region, props.accountId, `task-definition/${props.taskFamily}`);
    this.role = new IamRole(this, 'role', {
      name: `${props.namePrefix}-jobs-scheduler`,
      description: `EventBridge Scheduler starts the scheduled jobs of ${props.namePrefix}`,
      assumeRolePolicy: assumeRolePolicy('scheduler.amazonaws.com', props.accountId),
    });
    new IamRolePolicy(this, 'policy', {
      role: this.role.id,
      name: 'run-jobs',
      policy: policyDocument([
        {
          Sid: 'RunTheOneOffTaskOnThisCluster',
          Effect: 'Allow',
          Action: 'ecs:RunTask',
          Resource: [`${family}:*`, family],
          Condition: { ArnEquals: { 'ecs:cluster': props.clusterArn } },
        },
        {
          Sid: 'PassItsTwoRoles',
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: [props.executionRoleArn, props.taskRoleArn],
          Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
        },
        {
          Sid: 'TagTheTasksItStarts',
          Effect: 'Allow',
          Action: 'ecs:TagResource',
          Resource: arn(props.region, 'ecs', props.region, props.accountId, `task/*`),
          Condition: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
        },
        { Sid: 'DeadLetters', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: this.deadLetters.queue.arn },
      ]),
    });

    for (const job of props.jobs) {
      this.schedules.push(
        new SchedulerSchedule(this, job.name, {
          name: `${props.namePrefix}-${job.name}`,
          groupName: this.group.name,
          description: `${job.command.join(' ')} (${job.schedule} ${job.timezone})`,
          scheduleExpression: job.schedule,
          scheduleExpressionTimezone: job.timezone,
          // Exactly on time: a job is not a batch that may drift.
          flexibleTimeWindow: { mode: 'OFF' },
          state: 'ENABLED',
          target: {
            arn: props.clusterArn,
            roleArn: this.role.arn,
            // RunTask overrides: the command under `timeout` (coreutils and busybox both take seconds), the job's size.
            input: JSON.stringify({
              containerOverrides: [{ name: APP_CONTAINER, command: jobCommand(job) }],
              cpu: String(job.cpu),
              memory: String(job.memory),
            }),
            retryPolicy: JOB_RETRY,
            deadLetterConfig: { arn: this.deadLetters.queue.arn },
            ecsParameters: {
              // The family without a revision: the latest active one, i.e. the released image.
              taskDefinitionArn: family,
              taskCount: 1,
              group: jobGroup(job.name),
              ...(props.fargateSpot ? { capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] } : { launchType: 'FARGATE' }),
              networkConfiguration: { subnets: props.subnetIds, securityGroups: [props.securityGroupId], assignPublicIp: false },
              enableEcsManagedTags: true,
              tags: { job: job.name },
            },
          },
        }),
      );
    }
  }

  /** EventBridge pattern of a job's task that stopped with a non-zero exit code or never started. */
  failurePatterns(): Record<string, unknown>[] {
    const groups = this.props.jobs.map((j) => jobGroup(j.name));
    const base = { source: ['aws.ecs'], 'detail-type': ['ECS Task State Change'], detail: { clusterArn: [this.props.clusterArn], group: groups, lastStatus: ['STOPPED'] } };
    return [
      { ...base, detail: { ...base.detail, containers: { name: [APP_CONTAINER], exitCode: [{ 'anything-but': 0 }] } } },
      { ...base, detail: { ...base.detail, stopCode: ['TaskFailedToStart'] } },
    ];
  }
}
