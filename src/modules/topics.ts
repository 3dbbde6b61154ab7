import { Construct } from 'constructs';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { SubscriptionConfig, TopicConfig } from '../config/types';
import { PolicyStatement, policyDocument } from '../lib/iam';
import { arn } from '../lib/naming';
import { QueueModule } from './queue';

export interface TopicsModuleProps {
  /** `<project>-<env>`: topics are `<prefix>-topic-<name>` (`.fifo` for FIFO topics), the key `alias/<prefix>-topics`. */
  readonly namePrefix: string;
  readonly region: string;
  readonly accountId: string;
  readonly topics: TopicConfig[];
  /** Keep the key 30 days after deletion in production, 7 otherwise. */
  readonly production: boolean;
}

/** The name of a topic (SNS requires the `.fifo` suffix on FIFO topics). */
export function topicName(namePrefix: string, topic: Pick<TopicConfig, 'name' | 'fifo'>): string {
  return `${namePrefix}-topic-${topic.name}${topic.fifo ? '.fifo' : ''}`;
}

/** The variables a publisher finds a topic under: TOPIC_ARN_<NAME> (and every topic it may publish to in SNS_TOPIC_ARNS, JSON). */
export function topicVariable(name: string): string {
  return `TOPIC_ARN_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}
export const TOPIC_ARNS_VARIABLE = 'SNS_TOPIC_ARNS';

/**
 * The app's SNS topics (Copilot's `publish.topics`), fanned out to SQS queues:
 * - encrypted at rest with a customer-managed key of the environment (rotated yearly), which the
 *   publishers use through SNS only (`kms:ViaService`): SNS developer guide, "Key management"
 *   (publishers need kms:GenerateDataKey and kms:Decrypt on the topic's key). The AWS-managed
 *   `alias/aws/sns` key cannot be scoped to the publishers.
 * - published to by exactly the processes whose `publishesTo` names them: their task roles get
 *   sns:Publish on those topics and the key (publishStatements), and the topic policy admits only
 *   them and refuses requests without TLS.
 * - delivered to the queues that subscribe to them (SNS subscriptions with the filter policy, raw
 *   delivery as configured); each queue's policy admits sns.amazonaws.com for these topics only
 *   (QueueModule.admitTopics). The queues are SSE-SQS: SNS delivers to them with no key policy
 *   (a queue under an SSE-KMS key would need its key policy to admit SNS; SQS developer guide,
 *   "Configure KMS permissions for AWS services").
 */
export class TopicsModule extends Construct {
  readonly key: KmsKey;
  readonly topics: Record<string, SnsTopic> = {};
  private readonly props: TopicsModuleProps;

  constructor(scope: Construct, id: string, props: TopicsModuleProps) {
    super(scope, id);
    this.props = props;
    this.key = new KmsKey(this, 'key', {
      description: `Encrypts the app topics of ${props.namePrefix}`,
      enableKeyRotation: true,
      deletionWindowInDays: props.production ? 30 : 7,
      // The account administers the key through IAM; the publishers' roles are granted its use there.
      policy: policyDocument([{ Sid: 'AccountAdministers', Effect: 'Allow', Principal: { AWS: arn(props.region, 'iam', '', props.accountId, 'root') }, Action: 'kms:*', Resource: '*' }]),
    });
    new KmsAlias(this, 'alias', { name: `alias/${props.namePrefix}-topics`, targetKeyId: this.key.keyId });
    for (const t of props.topics) {
      this.topics[t.name] = new SnsTopic(this, `topic-${t.name}`, {
        name: topicName(props.namePrefix, t),
        fifoTopic: t.fifo || undefined,
        contentBasedDeduplication: t.fifo ? t.contentBasedDeduplication : undefined,
        kmsMasterKeyId: this.key.arn,
      });
    }
  }

  /** The topic policies: only these roles publish (by topic name), never without TLS. */
  restrictPublishers(publisherRoleArns: Record<string, string[]>): void {
    for (const [name, topic] of Object.entries(this.topics)) {
      const roles = publisherRoleArns[name] ?? [];
      new SnsTopicPolicy(this, `topic-${name}-policy`, {
        arn: topic.arn,
        policy: policyDocument([
          ...(roles.length > 0 ? [{ Sid: 'ItsPublishers', Effect: 'Allow' as const, Principal: { AWS: roles }, Action: 'sns:Publish', Resource: topic.arn }] : []),
          { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Resource: topic.arn, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
        ]),
      });
    }
  }

  /** What a publisher's task role needs: sns:Publish on its topics, the topic key through SNS only. */
  publishStatements(names: string[]): PolicyStatement[] {
    if (names.length === 0) return [];
    return [
      { Sid: 'PublishToItsTopics', Effect: 'Allow', Action: 'sns:Publish', Resource: names.map((n) => this.topics[n].arn) },
      {
        Sid: 'EncryptForItsTopics',
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: this.key.arn,
        Condition: { StringEquals: { 'kms:ViaService': `sns.${this.props.region}.amazonaws.com` } },
      },
    ];
  }

  /** The variables of a publisher: each topic's ARN, and all of them as JSON (the shape of Copilot's COPILOT_SNS_TOPIC_ARNS). */
  publisherEnvironment(names: string[]): Record<string, string> {
    if (names.length === 0) return {};
    const arns = Object.fromEntries(names.map((n) => [n, this.topics[n].arn]));
    return { ...Object.fromEntries(names.map((n) => [topicVariable(n), this.topics[n].arn])), [TOPIC_ARNS_VARIABLE]: JSON.stringify(arns) };
  }

  /** Delivers a topic to a queue (SQS protocol), filtered as configured; the queue admits the topic in its policy. */
  subscribe(queue: QueueModule, queueName: string, subscription: SubscriptionConfig): SnsTopicSubscription {
    return new SnsTopicSubscription(this, `${subscription.topic}-to-${queueName}`, {
      topicArn: this.topics[subscription.topic].arn,
      protocol: 'sqs',
      endpoint: queue.queue.arn,
      rawMessageDelivery: subscription.rawMessageDelivery,
      filterPolicy: subscription.filterPolicy ? JSON.stringify(subscription.filterPolicy) : undefined,
      filterPolicyScope: subscription.filterPolicy ? subscription.filterPolicyScope : undefined,
    });
  }
}
