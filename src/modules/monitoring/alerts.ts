import { Construct } from 'constructs';
import { TerraformProvider } from 'cdktf';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { MonitoringConfig } from '../../config/types';
import { PolicyStatement, policyDocument } from '../../lib/iam';
import { arn } from '../../lib/naming';
import { Severity } from './alarm-kinds';

export interface AlertTopicsProps {
  /** `<project>-<env>`; topics are `<prefix>-alerts-critical|warning` (`-us-east-1` suffix for the CloudFront ones). */
  readonly namePrefix: string;
  /** Region of these topics (the stack's, or us-east-1 for CloudFront alarms). */
  readonly region: string;
  /** Region of the stack: partition and the config's extra topic ARNs. */
  readonly stackRegion: string;
  readonly accountId: string;
  readonly provider?: TerraformProvider;
  readonly monitoring: MonitoringConfig;
  /** Name suffix for a second set in another region. */
  readonly suffix?: string;
  /** Keep the key 30 days after deletion in production, 7 otherwise. */
  readonly production: boolean;
}

/**
 * Who may publish to the alert topics, as AWS documents it for each publisher (checked against the
 * docs because the emulator enforces no KMS or topic policy):
 * - CloudWatch alarms: the key and topic policies admit cloudwatch.amazonaws.com for alarms of this
 *   account and region only (`aws:SourceAccount` and `aws:SourceArn` of an alarm: SNS developer
 *   guide, "Key management", compatibility between event sources from AWS services and encrypted
 *   topics, step 3; CloudWatch user guide, "Notifying users on alarm changes": "The value of
 *   aws:SourceArn must be the ARN of the alarm that is sending notifications").
 * - EventBridge: events.amazonaws.com without conditions, in both policies. The same SNS page:
 *   "Adding the aws:SourceAccount, aws:SourceArn, and aws:SourceOrgID to a AWS KMS policy is not
 *   supported for EventBridge-to-encrypted topics"; EventBridge user guide, "Using resource-based
 *   policies", Amazon SNS permissions: "You can't use Condition blocks in Amazon SNS topic policies
 *   for EventBridge". A condition there silently drops every event (deployment failures, RDS
 *   events, failed jobs). The rules target the topics with no RoleArn, as that page asks for SNS
 *   targets with KMS encryption. The confused-deputy risk this leaves (another account's rule
 *   publishing here) is recorded in the policy suite's exceptions.
 */
export function alertKeyStatements(region: string, account: string): PolicyStatement[] {
  return [
    // The account administers the key through IAM (the usual default statement).
    { Sid: 'AccountAdministers', Effect: 'Allow', Principal: { AWS: arn(region, 'iam', '', account, 'root') }, Action: 'kms:*', Resource: '*' },
    { Sid: 'AlarmsOfThisAccountPublish', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:GenerateDataKey*', 'kms:Decrypt'], Resource: '*', Condition: alarmSource(region, account) },
    { Sid: 'EventBridgePublishes', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:GenerateDataKey*', 'kms:Decrypt'], Resource: '*' },
  ];
}

/** Alarms of this account and region (`region`: the topics', where their alarms live). */
const alarmSource = (region: string, account: string) => ({
  StringEquals: { 'aws:SourceAccount': account },
  ArnLike: { 'aws:SourceArn': arn(region, 'cloudwatch', region, account, 'alarm:*') },
});

/**
 * The alert routes of an environment in one region: a critical and a warning SNS topic, both
 * encrypted with a customer-managed KMS key whose policy lets CloudWatch and EventBridge use it
 * (with the AWS-managed `alias/aws/sns` key, CloudWatch cannot encrypt and its notifications are
 * silently dropped), the e-mail subscribers of each route, and the extra topics alarms also notify.
 * Who may publish: alertKeyStatements above.
 *
 * Routing: critical alarms page through the critical topic when `monitoring.paging` is on; when it
 * is off (non-production), they notify the warning route instead, so nobody is paged for staging.
 */
export class AlertTopics extends Construct {
  readonly key: KmsKey;
  readonly topics: Record<Severity, SnsTopic>;
  private readonly props: AlertTopicsProps;

  constructor(scope: Construct, id: string, props: AlertTopicsProps) {
    super(scope, id);
    this.props = props;
    const suffix = props.suffix ? `-${props.suffix}` : '';
    const account = props.accountId;
    this.key = new KmsKey(this, 'key', {
      provider: props.provider,
      description: `Encrypts the alert topics of ${props.namePrefix}${suffix}`,
      enableKeyRotation: true,
      deletionWindowInDays: props.production ? 30 : 7,
      policy: policyDocument(alertKeyStatements(props.region, account)),
    });
    new KmsAlias(this, 'alias', { provider: props.provider, name: `alias/${props.namePrefix}-alerts${suffix}`, targetKeyId: this.key.keyId });

    const topic = (severity: Severity) => {
      const t = new SnsTopic(this, severity, {
        provider: props.provider,
        name: `${props.namePrefix}-alerts-${severity}${suffix}`,
        displayName: `${props.namePrefix} ${severity}`,
        kmsMasterKeyId: this.key.arn,
      });
      new SnsTopicPolicy(this, `${severity}-policy`, {
        provider: props.provider,
        arn: t.arn,
        policy: policyDocument([
          { Sid: 'AlarmsOfThisAccount', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Resource: t.arn, Condition: alarmSource(props.region, account) },
          { Sid: 'EventBridgeRules', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish', Resource: t.arn },
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 'sns:Publish',
            Resource: t.arn,
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ]),
      });
      props.monitoring[severity].emails.forEach((email, i) =>
        new SnsTopicSubscription(this, `${severity}-email-${i}`, { provider: props.provider, topicArn: t.arn, protocol: 'email', endpoint: email }),
      );
      return t;
    };
    this.topics = { critical: topic('critical'), warning: topic('warning') };
  }

  /** The notification targets of an alarm or event of this severity (our topic, then the config's extra topics of this region). */
  targets(severity: Severity): string[] {
    const route: Severity = severity === 'critical' && !this.props.monitoring.paging ? 'warning' : severity;
    const extra = this.props.region === this.props.stackRegion ? this.props.monitoring[route].topicArns : [];
    return [this.topics[route].arn, ...extra];
  }
}
