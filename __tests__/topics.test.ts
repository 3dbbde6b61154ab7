import { staging, prod } from '../src/config/environments';
import { filterPolicyProblem } from '../src/config/validate-workloads';
import { workloadBoundaryStatements } from '../src/delivery/boundary';
import { expectRejected } from './helpers/config';
import { withTopics } from './helpers/topics';
import { policyOf, resourcesOf, shipped, synthEnv, withConfig } from './helpers/synth';

/**
 * App topics (compute.topics, Copilot's publish.topics / subscribe.topics): SNS topics encrypted
 * with the environment's key, published to by the processes that say so, fanned out to the queues
 * subscribed to them. The emulator delivers SNS to SQS but enforces no policy: what IAM, KMS and
 * the topic and queue policies allow is asserted here (adopt e2e: the delivery and filtering).
 */
describe('app topics', () => {
  const json = synthEnv(withTopics(staging));
  const appTopics = resourcesOf(json, 'aws_sns_topic').filter(([, t]) => /-topic-/.test(t.name));
  const topicRef = (name: string) => `\${aws_sns_topic.${appTopics.find(([, t]) => t.name.startsWith(`webapp-staging-topic-${name}`))![0]}.arn}`;
  const taskPolicy = (role: RegExp) => resourcesOf(json, 'aws_iam_role_policy').filter(([n]) => role.test(n)).flatMap(([, p]) => policyOf(p.policy).Statement);
  const container = (family: RegExp) => JSON.parse(resourcesOf(json, 'aws_ecs_task_definition').find(([n]) => family.test(n))![1].container_definitions)[0];

  test('are named for the environment, FIFO where asked (deduplicated by content), encrypted with a rotated key of the environment', () => {
    expect(appTopics.map(([, t]) => [t.name, t.fifo_topic, t.content_based_deduplication]).sort()).toEqual([
      ['webapp-staging-topic-ledger.fifo', true, true],
      ['webapp-staging-topic-orders', undefined, undefined],
    ]);
    const [keyName, key] = resourcesOf(json, 'aws_kms_key').find(([n]) => /^topics_key/.test(n))!;
    expect(appTopics.every(([, t]) => t.kms_master_key_id === `\${aws_kms_key.${keyName}.arn}`)).toBe(true);
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 7 });
    expect(policyOf(key.policy).Statement).toEqual([expect.objectContaining({ Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'kms:*' })]);
    expect(resourcesOf(json, 'aws_kms_alias').map(([, a]) => a.name)).toContain('alias/webapp-staging-topics');
    expect(resourcesOf(synthEnv(withTopics(prod)), 'aws_kms_key').find(([n]) => /^topics_key/.test(n))![1].deletion_window_in_days).toBe(30);
  });

  test('only the publishers publish: sns:Publish on their topics and the key through SNS in their task role; the topic policy admits their role and refuses plain HTTP', () => {
    const web = taskPolicy(/^web_task-policy/);
    expect(web).toContainEqual({ Sid: 'PublishToItsTopics', Effect: 'Allow', Action: 'sns:Publish', Resource: [topicRef('orders'), topicRef('ledger')] });
    // SNS developer guide, "Key management": publishers to an encrypted topic need kms:GenerateDataKey and kms:Decrypt on its key.
    expect(web).toContainEqual(expect.objectContaining({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: expect.stringMatching(/aws_kms_key\.topics_key_\w+\.arn/), Condition: { StringEquals: { 'kms:ViaService': 'sns.eu-west-1.amazonaws.com' } } }));
    for (const other of [/^worker-events_task-policy/, /^worker-celery_task-policy/, /^service-api_task-policy/, /^oneoff_task-policy/]) {
      expect(taskPolicy(other).some((s) => [s.Action].flat().some((a: string) => a.startsWith('sns:') || a.startsWith('kms:')))).toBe(false);
    }
    for (const [, policy] of resourcesOf(json, 'aws_sns_topic_policy').filter(([n]) => /^topics_/.test(n))) {
      expect(policyOf(policy.policy).Statement).toEqual([
        { Sid: 'ItsPublishers', Effect: 'Allow', Principal: { AWS: [expect.stringMatching(/aws_iam_role\.web_task-role_\w+\.arn/)] }, Action: 'sns:Publish', Resource: policy.arn },
        { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Resource: policy.arn, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      ]);
    }
    // The boundary of every task role allows it too (publishing to the environment's topics only).
    const boundary = workloadBoundaryStatements(staging);
    expect(boundary).toContainEqual({ Sid: 'PublishToTheEnvironmentsTopics', Effect: 'Allow', Action: 'sns:Publish', Resource: 'arn:aws:sns:eu-west-1:123456789012:webapp-staging-topic-*' });
  });

  test('publishers find the topics: TOPIC_ARN_<NAME> each, SNS_TOPIC_ARNS as JSON (the shape of Copilot\'s COPILOT_SNS_TOPIC_ARNS)', () => {
    const env = Object.fromEntries(container(/^web_task/).environment.map((e: any) => [e.name, e.value]));
    expect(env.TOPIC_ARN_ORDERS).toBe(topicRef('orders'));
    expect(env.TOPIC_ARN_LEDGER).toBe(topicRef('ledger'));
    expect(JSON.parse(env.SNS_TOPIC_ARNS)).toEqual({ orders: topicRef('orders'), ledger: topicRef('ledger') });
    expect(container(/^worker-events_task/).environment.some((e: any) => /TOPIC/.test(e.name))).toBe(false);
  });

  test('fan out to the subscribed queues: filter policy on the attributes, raw delivery where asked, FIFO queues and dead-letter queues', () => {
    const subs = resourcesOf(json, 'aws_sns_topic_subscription').filter(([n]) => /^topics_/.test(n)).map(([, s]) => s);
    const queueArn = (name: string) => `\${aws_sqs_queue.${resourcesOf(json, 'aws_sqs_queue').find(([, q]) => q.name === name)![0]}.arn}`;
    expect(subs).toEqual(expect.arrayContaining([
      { topic_arn: topicRef('orders'), protocol: 'sqs', endpoint: queueArn('webapp-staging-order-events'), raw_message_delivery: false, filter_policy: '{"event":["order-placed"]}', filter_policy_scope: 'MessageAttributes' },
      { topic_arn: topicRef('ledger'), protocol: 'sqs', endpoint: queueArn('webapp-staging-ledger.fifo'), raw_message_delivery: true },
    ]));
    expect(subs).toHaveLength(2);
    const queues = Object.fromEntries(resourcesOf(json, 'aws_sqs_queue').map(([, q]) => [q.name, q]));
    expect(queues['webapp-staging-ledger.fifo']).toMatchObject({ fifo_queue: true, content_based_deduplication: true, sqs_managed_sse_enabled: true });
    expect(queues['webapp-staging-ledger-dlq.fifo']).toMatchObject({ fifo_queue: true });
    expect(JSON.parse(queues['webapp-staging-ledger.fifo'].redrive_policy).deadLetterTargetArn).toBe(queueArn('webapp-staging-ledger-dlq.fifo'));
    expect(queues['webapp-staging-order-events'].fifo_queue).toBeUndefined();
    // The worker scales on both queues' backlog and reads them under their usual variables.
    expect(container(/^worker-events_task/).environment.map((e: any) => e.name)).toEqual(expect.arrayContaining(['QUEUE_URL_ORDER_EVENTS', 'QUEUE_URL_LEDGER']));
  });

  test('each subscribed queue admits SNS for its own topics only (aws:SourceArn) and nothing without TLS; other queues keep no policy', () => {
    const policies = Object.fromEntries(resourcesOf(json, 'aws_sqs_queue_policy').map(([n, p]) => [n.split('_')[0], policyOf(p.policy).Statement]));
    // (and the SES feedback queue of the email section: email.test.ts)
    expect(Object.keys(policies).sort()).toEqual(['queue-email-feedback', 'queue-ledger', 'queue-order-events']);
    expect(policies['queue-order-events'][0]).toEqual({
      Sid: 'ItsTopicsDeliver', Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage',
      Resource: expect.stringMatching(/aws_sqs_queue\.queue-order-events_queue_\w+\.arn/), Condition: { ArnEquals: { 'aws:SourceArn': [topicRef('orders')] } },
    });
    expect(policies['queue-ledger'][1]).toMatchObject({ Effect: 'Deny', Principal: '*', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
  });

  test('no topics, no key, topic or queue policy', () => {
    const plain = shipped('staging');
    expect(resourcesOf(plain, 'aws_sns_topic').filter(([, t]) => /-topic-/.test(t.name))).toEqual([]);
    expect(resourcesOf(plain, 'aws_sqs_queue_policy').filter(([n]) => !n.startsWith('queue-email-feedback'))).toEqual([]);
    expect(resourcesOf(plain, 'aws_kms_key').filter(([n]) => /^topics_/.test(n))).toEqual([]);
  });
});

describe('topic validation: the field and the fix', () => {
  const t = (change: (c: ReturnType<typeof withTopics>) => void) => withConfig(withTopics(staging), change);
  test.each([
    ['a publisher of an unknown topic', (c: any) => (c.compute.workers[0].publishesTo = ['refunds']), 'compute.workers[0].publishesTo[0]', /is "refunds", which is not in compute\.topics/],
    ['a job publishing to an unknown topic', (c: any) => (c.compute.jobs[0].publishesTo = ['refunds']), 'compute.jobs[0].publishesTo[0]', /not in compute\.topics/],
    ['a subscription to an unknown topic', (c: any) => (c.compute.queues[1].subscribesTo[0].topic = 'refunds'), 'compute.queues[1].subscribesTo[0].topic', /is "refunds", which is not in compute\.topics/],
    ['a standard topic on a FIFO queue', (c: any) => (c.compute.queues[2].subscribesTo[0].topic = 'orders'), 'compute.queues[2].subscribesTo[0].topic', /SNS delivers to FIFO queues from FIFO topics only/],
    ['the same topic twice on a queue', (c: any) => c.compute.queues[1].subscribesTo.push({ topic: 'orders', filterPolicyScope: 'MessageAttributes', rawMessageDelivery: false }), 'compute.queues[1].subscribesTo[1].topic', /subscribes "orders" twice/],
    ['a topic nobody publishes to', (c: any) => (c.compute.web.publishesTo = ['ledger']), 'compute.topics[0].name', /"orders" is published to by no process/],
    ['deduplication on a standard topic', (c: any) => (c.compute.topics[0].contentBasedDeduplication = true), 'compute.topics[0].contentBasedDeduplication', /only FIFO topics deduplicate/],
    ['deduplication on a standard queue', (c: any) => (c.compute.queues[1].contentBasedDeduplication = true), 'compute.queues[1].contentBasedDeduplication', /only FIFO queues deduplicate/],
    ['a topic name with capitals', (c: any) => { c.compute.topics[0].name = 'Orders'; c.compute.web.publishesTo = ['Orders', 'ledger']; c.compute.queues[1].subscribesTo[0].topic = 'Orders'; }, 'compute.topics[0].name', /lowercase letters/],
    ['a filter policy naming 6 attributes', (c: any) => (c.compute.queues[1].subscribesTo[0].filterPolicy = { a: ['1'], b: ['1'], c: ['1'], d: ['1'], e: ['1'], f: ['1'] }), 'compute.queues[1].subscribesTo[0].filterPolicy', /SNS allows 5 per filter policy/],
    ['a filter policy with a bare value', (c: any) => (c.compute.queues[1].subscribesTo[0].filterPolicy = { event: 'order-placed' }), 'compute.queues[1].subscribesTo[0].filterPolicy', /takes a list of values or operators/],
    ['a topic ARN variable set by hand', (c: any) => (c.compute.environment.TOPIC_ARN_ORDERS = 'arn:aws:sns:eu-west-1:123456789012:x'), 'compute.environment', /sets TOPIC_ARN_ORDERS, which the stack gives the publishers of topic "orders"/],
  ])('%s', (_what, change, field, fix) => {
    expectRejected(t(change), field, fix);
  });

  test('filter policies: SNS\'s combination quota, nested keys only for the body scope', () => {
    expect(filterPolicyProblem({ a: Array(11).fill('x'), b: Array(14).fill('y') }, 'MessageAttributes')).toMatch(/154 value combinations: SNS allows 150/);
    expect(filterPolicyProblem({ order: { status: ['placed'] } }, 'MessageAttributes')).toMatch(/set filterPolicyScope to "MessageBody"/);
    expect(filterPolicyProblem({ order: { status: ['placed'] } }, 'MessageBody')).toBeUndefined();
    expect(filterPolicyProblem({ price: [{ numeric: ['>', 0] }] }, 'MessageAttributes')).toBeUndefined();
    expect(filterPolicyProblem({}, 'MessageAttributes')).toMatch(/leave it out/);
  });
});
