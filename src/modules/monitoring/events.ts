import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';

/**
 * An EventBridge rule whose events notify alert topics (deployment failures, RDS events, failed
 * jobs): the event itself is the message. Topics' policies and keys admit events.amazonaws.com.
 */
export function routeEvents(scope: Construct, id: string, props: { name: string; description: string; pattern: Record<string, unknown>; targets: string[] }): CloudwatchEventRule {
  const rule = new CloudwatchEventRule(scope, id, { name: props.name, description: props.description, eventPattern: JSON.stringify(props.pattern) });
  props.targets.forEach((arn, i) => new CloudwatchEventTarget(scope, `${id}-target-${i}`, { rule: rule.name, arn }));
  return rule;
}
