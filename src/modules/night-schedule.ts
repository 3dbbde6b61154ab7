import { Construct } from 'constructs';
import { ITerraformDependable, Token } from 'cdktf';
import { AppautoscalingScheduledAction } from '@cdktf/provider-aws/lib/appautoscaling-scheduled-action';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SchedulerScheduleGroup } from '@cdktf/provider-aws/lib/scheduler-schedule-group';
import { ScheduleConfig } from '../config/types';
import { assumeRolePolicy, policyDocument } from '../lib/iam';
import { arn } from '../lib/naming';
import { JOB_RETRY } from './scheduled-jobs';
import { QueueModule } from './queue';

/** A service the schedule puts to sleep: its scaling target and its daytime bounds. */
export interface SleepingService {
  readonly name: string;
  readonly resourceId: string;
  /** Daytime bounds (gated: 0 until the first release). */
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** The scaling target resource: the actions are created after it. */
  readonly target: ITerraformDependable;
}

export interface NightScheduleProps {
  readonly namePrefix: string;
  readonly schedule: ScheduleConfig;
  readonly services: SleepingService[];
  readonly accountId: string;
  readonly region: string;
  /** The RDS instance to stop at night (stopDatabase). */
  readonly database?: { readonly identifier: string; readonly arn: string };
}

/** A universal (AWS SDK) target of EventBridge Scheduler: `arn:<partition>:scheduler:::aws-sdk:rds:stopDBInstance`. */
export const sdkTarget = (region: string, action: string) => arn(region, 'scheduler', '', '', `aws-sdk:${action}`);

/**
 * A non-production environment asleep at night: each service's scaling target goes to 0/0 at
 * `down` and back to its bounds at `up` (Application Auto Scaling scheduled actions in the
 * configured time zone), and with `stopDatabase` EventBridge Scheduler stops and starts the RDS
 * instance, with a role that may do exactly that to exactly that instance. Held to the standard of
 * the scheduled jobs: a call that keeps failing (a morning start refused: staging stays down) is
 * retried, then sent to a dead-letter queue, which the monitoring layer alarms on.
 *
 * Scheduled actions on one scalable target must not be created concurrently (the API answers
 * ConcurrentUpdateException): each action depends on the one before, so Terraform creates, updates
 * and deletes them one at a time.
 */
export class NightSchedule extends Construct {
  readonly actions: AppautoscalingScheduledAction[] = [];
  readonly databaseSchedules: SchedulerSchedule[] = [];
  /** The schedule group of the database stop and start (its metrics are per group). */
  readonly group?: SchedulerScheduleGroup;
  /** Where a stop or start that failed after its retries goes. */
  readonly deadLetters?: QueueModule;

  constructor(scope: Construct, id: string, props: NightScheduleProps) {
    super(scope, id);
    const { schedule } = props;
    let previous: ITerraformDependable | undefined;
    for (const service of props.services) {
      for (const [when, expression, min, max] of [
        ['down', schedule.down, 0, 0],
        ['up', schedule.up, service.minCapacity, service.maxCapacity],
      ] as const) {
        const action: AppautoscalingScheduledAction = new AppautoscalingScheduledAction(this, `${service.name}-${when}`, {
          name: `${props.namePrefix}-${service.name}-${when}`,
          serviceNamespace: 'ecs',
          resourceId: service.resourceId,
          scalableDimension: 'ecs:service:DesiredCount',
          schedule: expression,
          timezone: schedule.timezone,
          // Numbers as the provider wants them (strings), tokens kept intact.
          scalableTargetAction: { minCapacity: Token.asString(min), maxCapacity: Token.asString(max) },
          dependsOn: [service.target, ...(previous ? [previous] : [])],
        });
        this.actions.push(action);
        previous = action;
      }
    }

    if (schedule.stopDatabase && props.database) {
      const db = props.database;
      const group = new SchedulerScheduleGroup(this, 'group', { name: `${props.namePrefix}-night` });
      this.group = group;
      const deadLetters = new QueueModule(this, 'dead-letters', { queueName: `${props.namePrefix}-night`, visibilityTimeoutSeconds: 30, retentionDays: 14, maxReceiveCount: 5 });
      this.deadLetters = deadLetters;
      const role = new IamRole(this, 'role', {
        name: `${props.namePrefix}-night-scheduler`,
        description: `EventBridge Scheduler stops and starts ${db.identifier} at night`,
        assumeRolePolicy: assumeRolePolicy('scheduler.amazonaws.com', props.accountId),
      });
      new IamRolePolicy(this, 'policy', {
        role: role.id,
        name: 'stop-and-start-the-database',
        policy: policyDocument([
          { Sid: 'ThisInstanceOnly', Effect: 'Allow', Action: ['rds:StopDBInstance', 'rds:StartDBInstance'], Resource: db.arn },
          { Sid: 'DeadLetters', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: deadLetters.queue.arn },
        ]),
      });
      for (const [when, expression, target] of [
        ['stop', schedule.down, sdkTarget(props.region, 'rds:stopDBInstance')],
        ['start', schedule.up, sdkTarget(props.region, 'rds:startDBInstance')],
      ] as const) {
        this.databaseSchedules.push(
          new SchedulerSchedule(this, `database-${when}`, {
            name: `${props.namePrefix}-database-${when}`,
            groupName: group.name,
            description: `${when} ${db.identifier} (${expression} ${schedule.timezone})`,
            scheduleExpression: expression,
            scheduleExpressionTimezone: schedule.timezone,
            flexibleTimeWindow: { mode: 'OFF' },
            target: {
              arn: target,
              roleArn: role.arn,
              input: JSON.stringify({ DbInstanceIdentifier: db.identifier }),
              retryPolicy: JOB_RETRY,
              deadLetterConfig: { arn: deadLetters.queue.arn },
            },
          }),
        );
      }
    }
  }
}
