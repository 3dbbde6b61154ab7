import { ManifestReader, isRecord } from './reader';
import { durationSeconds } from './translate';
import { Manifest } from './workspace';

/**
 * Copilot's `publish.topics` and `subscribe.topics` (Worker Services) as compute.topics and queue
 * subscriptions: a topic belongs to the workload that publishes it (Copilot names it
 * `<app>-<env>-<service>-<topic>`), a worker subscribes by `{name, service}`; topics without a
 * `queue` of their own feed the worker's queue, a topic with one gets a queue of its own. Filter
 * policies carry over as they are (on the message attributes, as Copilot set them); messages keep
 * SNS's envelope (Copilot did not turn raw delivery on).
 */

/** Copilot topic names are camelCase (`ordersTopic`): `orders-topic` here. */
const kebab = (s: string, max: number) =>
  s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, max).replace(/-+$/, '') || 'topic';

/** Our name for each published topic of an environment (`<service>/<topic>` → name), unique: the topic's own name, or `<service>-<topic>` where two services publish the same name. */
export function topicNames(workloads: { manifest: Manifest; body: Record<string, unknown> }[]): Map<string, string> {
  const published = workloads.flatMap(({ manifest, body }) => {
    const topics = isRecord(body.publish) && Array.isArray(body.publish.topics) ? body.publish.topics : [];
    return topics.filter(isRecord).map((t) => ({ service: manifest.name, topic: String(t.name) }));
  });
  const clash = (topic: string) => published.filter((p) => kebab(p.topic, 20) === kebab(topic, 20)).length > 1;
  return new Map(published.map((p) => [`${p.service}/${p.topic}`, clash(p.topic) ? kebab(`${p.service}-${p.topic}`, 20) : kebab(p.topic, 20)]));
}

export interface TopicTarget {
  readonly topics: Record<string, unknown>[];
  readonly queues: Record<string, unknown>[];
  readonly notes: string[];
}

/** `publish.topics` of a workload: declares its topics; returns what it publishes to. */
export function publishedTopics(r: ManifestReader, service: string, names: Map<string, string>, target: TopicTarget): string[] {
  const topics = r.peek<unknown[]>('publish.topics') ?? [];
  const out: string[] = [];
  topics.forEach((t, i) => {
    if (!isRecord(t)) return;
    const name = names.get(`${service}/${String(t.name)}`)!;
    r.take(`publish.topics[${i}].name`);
    const topic: Record<string, unknown> = { name };
    const fifo = t.fifo;
    if (fifo === true || isRecord(fifo)) {
      topic.fifo = true;
      r.take(`publish.topics[${i}].fifo`);
      if (isRecord(fifo) && fifo.content_based_deduplication !== undefined) topic.contentBasedDeduplication = fifo.content_based_deduplication === true;
    } else if (fifo === false) r.take(`publish.topics[${i}].fifo`);
    if (!target.topics.some((x) => x.name === name)) target.topics.push(topic);
    out.push(name);
    if (name !== String(t.name)) target.notes.push(`topic ${String(t.name)} of ${service} (${r.file}) is "${name}" here: its publishers read TOPIC_ARN_${name.toUpperCase().replace(/-/g, '_')}, or SNS_TOPIC_ARNS (Copilot's COPILOT_SNS_TOPIC_ARNS, keyed by these names)`);
  });
  return out;
}

/** SQS settings of a Copilot queue (`subscribe.queue` or a topic's `queue`) onto one of ours. */
export function queueSettings(r: ManifestReader, field: string, queue: Record<string, unknown>): void {
  const timeout = r.take(`${field}.timeout`);
  if (timeout !== undefined) queue.visibilityTimeoutSeconds = Math.ceil(durationSeconds(timeout as string));
  const retention = r.take(`${field}.retention`);
  if (retention !== undefined) queue.retentionDays = Math.min(14, Math.max(1, Math.round(durationSeconds(retention as string) / 86400)));
  const delay = r.take(`${field}.delay`);
  if (delay !== undefined && durationSeconds(delay as string) > 0) queue.delaySeconds = Math.round(durationSeconds(delay as string));
  const tries = r.take(`${field}.dead_letter.tries`);
  if (tries !== undefined) queue.maxReceiveCount = Number(tries);
  const fifo = r.peek(`${field}.fifo`);
  if (fifo === true || isRecord(fifo)) {
    queue.fifo = true;
    if (fifo === true) r.take(`${field}.fifo`);
    const dedup = r.take(`${field}.fifo.content_based_deduplication`);
    if (dedup !== undefined) queue.contentBasedDeduplication = dedup === true;
    for (const option of ['deduplication_scope', 'throughput_limit', 'high_throughput']) {
      r.skip(`${field}.fifo.${option}`, 'FIFO queues here deduplicate per queue at the default FIFO throughput (300 requests a second per API action); high-throughput FIFO is not carried over');
    }
  } else if (fifo === false) r.take(`${field}.fifo`);
}

/**
 * `subscribe.topics` of a worker: subscriptions on its queue, or on a queue of the topic's own;
 * returns the extra queues the worker consumes. A topic no workload of the environment publishes
 * is listed.
 */
export function subscribedTopics(r: ManifestReader, worker: string, workerQueue: Record<string, unknown>, names: Map<string, string>, target: TopicTarget): string[] {
  const topics = r.peek<unknown[]>('subscribe.topics') ?? [];
  const extra: string[] = [];
  topics.forEach((t, i) => {
    if (!isRecord(t)) return;
    const f = `subscribe.topics[${i}]`;
    const name = names.get(`${String(t.service)}/${String(t.name)}`);
    if (!name) {
      r.skip(f, `no workload "${String(t.service)}" of this environment publishes a topic "${String(t.name)}" (publish.topics): nothing to subscribe to`);
      return;
    }
    r.take(`${f}.name`);
    r.take(`${f}.service`);
    const subscription: Record<string, unknown> = { topic: name };
    if (isRecord(t.filter_policy)) {
      r.take(`${f}.filter_policy`);
      subscription.filterPolicy = t.filter_policy;
    }
    let queue = workerQueue;
    if (t.queue === true || isRecord(t.queue)) {
      queue = { name: kebab(`${worker}-${name}`, 20), subscribesTo: [] };
      if (t.queue === true) r.take(`${f}.queue`);
      else queueSettings(r, `${f}.queue`, queue);
      target.queues.push(queue);
      extra.push(String(queue.name));
    } else if (t.queue === false) r.take(`${f}.queue`);
    (queue.subscribesTo as Record<string, unknown>[]).push(subscription);
  });
  if (topics.length > 0) {
    target.notes.push(`worker ${worker} (${r.file}): its topics are delivered to its queue${extra.length > 0 ? 's' : ''} in SNS's envelope, as Copilot delivered them (json.loads(body)["Message"]); it reads QUEUE_URL_<NAME> instead of COPILOT_QUEUE_URI / COPILOT_TOPIC_QUEUE_URIS`);
  }
  return extra;
}
