import { defineEnvironment } from '../../src/config/defaults';
import { EnvironmentConfig } from '../../src/config/types';
import { withConfig } from './synth';

/**
 * An environment whose web service publishes to two topics (Copilot's publish.topics), fanned out
 * to a worker's queues (subscribe.topics): `orders` (standard) to `order-events`, only the
 * "order-placed" events (filter policy on the message attributes); `ledger` (FIFO, deduplicated by
 * content) to the FIFO queue `ledger` (deduplicated by content too), delivered raw. The worker `events` consumes both.
 */
export function withTopics(base: EnvironmentConfig): EnvironmentConfig {
  const compute = defineEnvironment({
    name: base.name, production: base.production, project: base.project, region: base.region, accountId: base.accountId,
    domain: { name: base.domain.name }, network: { cidr: '10.0.0.0/16' },
    compute: {
      topics: [{ name: 'orders' }, { name: 'ledger', fifo: true, contentBasedDeduplication: true }],
      queues: [
        { name: 'order-events', subscribesTo: [{ topic: 'orders', filterPolicy: { event: ['order-placed'] } }] },
        { name: 'ledger', fifo: true, contentBasedDeduplication: true, subscribesTo: [{ topic: 'ledger', rawMessageDelivery: true }] },
      ],
      workers: [{ name: 'events', command: ['python', 'manage.py', 'consume_events'], queues: ['order-events', 'ledger'] }],
    },
  }).compute;
  return withConfig(base, (c) => {
    c.compute.topics = compute.topics;
    c.compute.queues.push(...compute.queues);
    c.compute.workers.push(...compute.workers);
    c.compute.web.publishesTo = ['orders', 'ledger'];
  });
}
