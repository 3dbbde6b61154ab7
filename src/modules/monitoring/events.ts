import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';

/**
 * An EventBridge rule whose events notify alert topics (deployment failures, RDS events, failed
 * jobs): the event itself is the message. The topics' policies and keys admit events.amazonaws.com
 * the way AWS documents it (alerts.ts); the targets carry no RoleArn (EventBridge user guide,
 * "Using resource-based policies": for SNS targets with KMS encryption, use the resource policy).
 */
export function routeEvents(scope: Construct, id: string, props: { name: string; description: string; pattern: Record<string, unknown>; targets: string[] }): CloudwatchEventRule {
  const rule = new CloudwatchEventRule(scope, id, { name: props.name, description: props.description, eventPattern: JSON.stringify(props.pattern) });
  props.targets.forEach((arn, i) => new CloudwatchEventTarget(scope, `${id}-target-${i}`, { rule: rule.name, arn }));
  return rule;
}

/**
 * RDS DB instance events that need someone (RDS user guide, "Amazon RDS event categories and event
 * messages", DB instance events), by id: a category is too coarse. `notification` holds the night
 * schedule's "DB instance stopped" (RDS-EVENT-0087), "started" (-0088) and the 7-day auto-start
 * (-0154); `configuration change` every modification our own applies make; `maintenance` applied
 * patches. None of those is routed.
 */
export const RDS_CRITICAL_EVENTS: Record<string, string> = {
  'RDS-EVENT-0007': 'low storage: allocated storage has been exhausted',
  'RDS-EVENT-0089': 'low storage: free storage capacity is low (over 90% used)',
  'RDS-EVENT-0221': 'availability: the storage-full threshold was reached and the database shut down',
  'RDS-EVENT-0223': 'failure: storage autoscaling is unable to scale the storage',
  'RDS-EVENT-0224': 'failure: storage autoscaling will reach the maximum storage threshold (raise database.maxAllocatedStorage)',
  'RDS-EVENT-0254': 'failure: the storage quota of the account was reached',
  'RDS-EVENT-0031': 'failure: the instance was put into a failed state (RDS recommends a point-in-time restore)',
  'RDS-EVENT-0035': 'failure: the instance has invalid parameters',
  'RDS-EVENT-0036': 'failure: the instance is in an incompatible network',
  'RDS-EVENT-0418': 'failure: the instance cannot access its KMS key',
  'RDS-EVENT-0419': 'availability: the KMS key is inaccessible and the instance was made inaccessible',
};

/** Worth a look the same day, not a page: a failover happened, storage nears its ceiling, an upgrade rolled back. */
export const RDS_WARNING_EVENTS: Record<string, string> = {
  'RDS-EVENT-0013': 'failover: a Multi-AZ failover started',
  'RDS-EVENT-0015': 'failover: a Multi-AZ failover to the standby completed',
  'RDS-EVENT-0049': 'failover: a Multi-AZ failover completed',
  'RDS-EVENT-0034': 'failover: a requested failover was abandoned',
  'RDS-EVENT-0065': 'failover: the instance recovered from a partial failover',
  'RDS-EVENT-0225': 'notification: the allocated storage approaches the maximum storage threshold',
  'RDS-EVENT-0270': 'maintenance: an engine upgrade failed and was rolled back',
  'RDS-EVENT-0079': 'failure: enhanced monitoring cannot be enabled without its IAM role',
  'RDS-EVENT-0080': 'failure: enhanced monitoring was disabled (its IAM role)',
};

/**
 * The pattern of one instance's events with these ids. Matched on `resources` (the instance ARN):
 * AWS's examples disagree on `detail.SourceIdentifier` (`rds:my-db-instance` and `testdb`), never
 * on the ARN.
 */
export function rdsEventPattern(instanceArn: string, ids: Record<string, string>): Record<string, unknown> {
  return { source: ['aws.rds'], 'detail-type': ['RDS DB Instance Event'], resources: [instanceArn], detail: { EventID: Object.keys(ids) } };
}
