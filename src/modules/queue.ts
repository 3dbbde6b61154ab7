import { Construct } from 'constructs';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { PolicyStatement, policyDocument } from '../lib/iam';

export interface QueueModuleProps {
  /** `<project>-<env>-<name>` and `...-dlq` (each with `.fifo` for a FIFO queue). */
  readonly queueName: string;
  /** FIFO queue and dead-letter queue (SQS needs a FIFO dead-letter queue for a FIFO queue). */
  readonly fifo?: boolean;
  readonly contentBasedDeduplication?: boolean;
  readonly visibilityTimeoutSeconds: number;
  readonly retentionDays: number;
  readonly maxReceiveCount: number;
  /** Seconds every new message stays invisible before its first delivery (0-900). */
  readonly delaySeconds?: number;
}

/** Long polling: a receive waits up to 20 s for a message instead of returning empty at once. */
export const RECEIVE_WAIT_SECONDS = 20;
/** A dead letter is kept the longest SQS allows, to be inspected and redriven. */
export const DLQ_RETENTION_DAYS = 14;

/**
 * An SQS queue for background work and its dead-letter queue: encrypted (SSE-SQS), long polling,
 * messages that fail `maxReceiveCount` times move to the DLQ (redrive policy on the queue).
 *
 * No `aws_sqs_queue_redrive_allow_policy` on the DLQ: SQS lets any queue of the account use a DLQ
 * unless restricted, and the restriction adds nothing when only this queue can name it; it also
 * never converges on the test emulator (moto 5.2.1).
 */
export class QueueModule extends Construct {
  readonly queue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;
  readonly name: string;

  constructor(scope: Construct, id: string, props: QueueModuleProps) {
    super(scope, id);
    const fifo = props.fifo === true;
    const named = (name: string) => (fifo ? `${name}.fifo` : name);
    this.name = named(props.queueName);
    this.deadLetterQueue = new SqsQueue(this, 'dlq', {
      name: named(`${props.queueName}-dlq`),
      fifoQueue: fifo || undefined,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: DLQ_RETENTION_DAYS * 86400,
      receiveWaitTimeSeconds: RECEIVE_WAIT_SECONDS,
    });
    this.queue = new SqsQueue(this, 'queue', {
      name: this.name,
      fifoQueue: fifo || undefined,
      contentBasedDeduplication: fifo ? props.contentBasedDeduplication === true : undefined,
      sqsManagedSseEnabled: true,
      visibilityTimeoutSeconds: props.visibilityTimeoutSeconds,
      messageRetentionSeconds: props.retentionDays * 86400,
      ...(props.delaySeconds ? { delaySeconds: props.delaySeconds } : {}),
      receiveWaitTimeSeconds: RECEIVE_WAIT_SECONDS,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: props.maxReceiveCount }),
    });
  }

  /**
   * The queue policy for the topics fanned out to it: sns.amazonaws.com may send, for these topics
   * only (aws:SourceArn; SNS developer guide, "Fanout to Amazon SQS queues", giving the topic
   * permission to send to the queue), and nobody without TLS.
   */
  admitTopics(topicArns: string[]): SqsQueuePolicy {
    return new SqsQueuePolicy(this, 'policy', {
      queueUrl: this.queue.url,
      policy: policyDocument([
        { Sid: 'ItsTopicsDeliver', Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: this.queue.arn, Condition: { ArnEquals: { 'aws:SourceArn': topicArns } } },
        { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: this.queue.arn, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      ]),
    });
  }

  /** A consumer: receive, delete, extend the visibility of a message it works on, read the queue's attributes. */
  consumeStatement(sid: string): PolicyStatement {
    return {
      Sid: sid,
      Effect: 'Allow',
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
      Resource: this.queue.arn,
    };
  }

  /** A producer: send (and look the queue up by name, as Celery does). */
  produceStatement(sid: string): PolicyStatement {
    return { Sid: sid, Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], Resource: this.queue.arn };
  }
}

/** The variable names a process finds a queue under: QUEUE_URL_<NAME>, QUEUE_NAME_<NAME>. */
export function queueVariables(name: string): { url: string; name: string } {
  const suffix = name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  return { url: `QUEUE_URL_${suffix}`, name: `QUEUE_NAME_${suffix}` };
}
