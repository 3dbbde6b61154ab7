import { bool, int, str, stringMap, strings, z } from './zod';

/**
 * The compute section of an environment's schema (schema.ts holds the rest and re-exports this):
 * the web, HTTP and internal services, workers, their sidecars and container options, queues,
 * topics and scheduled jobs. Shapes and types only; what they mean is checked in
 * validate-workloads.ts and validate-process.ts.
 */


const sizing = {
  /** Fargate CPU units (256, 512, 1024, 2048, 4096, ...). */
  cpu: int(),
  /** Memory in MiB valid for the CPU size. */
  memory: int(),
  /** Autoscaling bounds; the service starts at `minCount`. */
  minCount: int(),
  maxCount: int(),
};

/**
 * A container's own health check (ECS runs it inside the container; Copilot's
 * `image.healthcheck`): an unhealthy app container stops the task, which ECS replaces. Services
 * without a load balancer (internal services, workers) have no other health check. Absent
 * intervals use ECS's defaults (30 s, 5 s, 3 retries, no start period).
 */
export const containerHealthCheckSchema = z.strictObject({
  /** `["CMD", "executable", "arg"]` or `["CMD-SHELL", "curl -f http://localhost:8000/healthz || exit 1"]`. */
  command: strings(),
  intervalSeconds: int().optional(),
  timeoutSeconds: int().optional(),
  retries: int().optional(),
  /** Seconds after start during which failed checks do not count. */
  startPeriodSeconds: int().optional(),
});

/** A container beside the app in the same task (nginx in front of it, a metrics agent). */
export const sidecarSchema = z.strictObject({
  /** Container name (not `app`). */
  name: str(),
  /** Image; `public.ecr.aws/...` images are pulled through the environment's ECR cache. */
  image: str(),
  command: strings().optional(),
  /** ENTRYPOINT override (default: the image's). */
  entryPoint: strings().optional(),
  /** Its health check (needed for a `HEALTHY` dependsOn on it). */
  healthCheck: containerHealthCheckSchema.optional(),
  /** Port it listens on (the load balancer may target it: `targetContainer`). */
  port: int().optional(),
  /** A stopped essential container stops the task. */
  essential: bool(),
  /** Start order: wait for another container of the task to be `START`ed, `HEALTHY`, to `COMPLETE` or `SUCCESS`. */
  dependsOn: z.array(z.strictObject({ container: str(), condition: z.enum(['START', 'COMPLETE', 'SUCCESS', 'HEALTHY']) })),
  /** Plain variables of this container only. */
  environment: stringMap(),
  /** Declared secrets (compute.secrets / externalSecrets) this container receives; none unless listed. */
  secrets: strings(),
  /** CPU units / MiB reserved inside the task (taken from the task size, not added to it). */
  cpu: int().optional(),
  memory: int().optional(),
});

const process = {
  /** Containers beside the app. */
  sidecars: z.array(sidecarSchema),
  /** The app container's ENTRYPOINT override (default: the image's). */
  entryPoint: strings().optional(),
  /** The app container starts once these sidecars are `START`ed, `HEALTHY`, `COMPLETE` or `SUCCESS` (Copilot's `image.depends_on`). */
  dependsOn: z.array(z.strictObject({ container: str(), condition: z.enum(['START', 'COMPLETE', 'SUCCESS', 'HEALTHY']) })).optional(),
  /** Task ephemeral storage in GiB, 21 to 200 (absent: Fargate's 20 GiB). */
  ephemeralStorageGiB: int().optional(),
  containerHealthCheck: containerHealthCheckSchema.optional(),
  /**
   * Existing CloudWatch alarms (by name, in the environment's region) that roll a deployment of this
   * service back when they fire during it, on top of the circuit breaker and the stack's own alarms.
   */
  rollbackAlarms: strings().optional(),
  /**
   * Alarms of this service's own that roll a deployment back (Copilot's `deployment.rollback_alarms`
   * thresholds): average CPU or memory utilisation above these percentages for 3 minutes.
   */
  rollbackOn: z.strictObject({ cpuPercent: z.number().optional(), memoryPercent: z.number().optional() }).optional(),
  /**
   * Tasks from this count on run on Fargate Spot, the ones before it on demand (Copilot's
   * `count.spot_from`): e.g. 3 keeps two tasks on demand and bursts on Spot. Overrides compute.fargateSpot for this service.
   */
  spotFrom: int().optional(),
  /** Also scale on average memory utilisation, percent (target tracking). Not for queue workers (backlog). */
  memoryTarget: z.number().optional(),
  /** Queues this process sends to (SendMessage only, and their URLs in its environment). */
  sendsTo: strings(),
  /** Topics this process publishes to (sns:Publish on those only; `TOPIC_ARN_<NAME>` and `SNS_TOPIC_ARNS` in its environment). */
  publishesTo: strings(),
  /** Plain variables of this process's app container only, over compute.environment (Copilot's per-workload `variables`). */
  environment: stringMap(),
};

const httpService = {
  ...sizing,
  ...process,
  /** Port the app container listens on. */
  containerPort: int(),
  /** Container command override (default: the image's CMD). */
  command: strings().optional(),
  /** Answered with 2xx/3xx before any host check (the ALB sends the task's IP as Host). */
  healthCheckPath: str(),
  /** Target CPU utilisation for autoscaling, percent. */
  cpuTarget: z.number(),
  /** Target ALB requests per target per minute for autoscaling. */
  requestsPerTarget: z.number(),
  /** Also scale on the target group's average response time, seconds (target tracking; Copilot's `count.response_time`). */
  responseTimeTarget: z.number().optional(),
  /** The load balancer sends traffic to this sidecar (e.g. `nginx`) on its `port` instead of the app. */
  targetContainer: str().optional(),
  /** How the load balancer judges a task (its target group's health check) and how long a new one has. */
  healthCheck: z.strictObject({
    /** HTTP codes of a healthy answer: `200`, `200,301`, `200-399`. */
    successCodes: str(),
    healthyThreshold: int(),
    unhealthyThreshold: int(),
    intervalSeconds: int(),
    timeoutSeconds: int(),
    /** Seconds a new task has before failed checks count (ECS health check grace period). */
    gracePeriodSeconds: int(),
  }),
  /** Sticky sessions: the load balancer's cookie keeps a browser on one task (for apps that keep state in memory). */
  stickiness: bool(),
  /** Only these client CIDRs reach the service (its listener rule's source-IP condition); empty: everyone. */
  allowedSourceIps: strings(),
};

/** The default HTTP service: every app host name not routed elsewhere. */
export const webServiceSchema = z.strictObject(httpService);

/** Another HTTP service behind the same load balancer, routed by host name and/or path. */
export const httpServiceSchema = z.strictObject({
  ...httpService,
  /** Short name, e.g. `api`: part of resource names. */
  name: str(),
  /** Host names it answers: labels under the domain (`api` = api.<domain>) or full names inside it. Default: the app's host names. */
  hosts: strings(),
  /** Path patterns (`/api/*`); with no hosts, on the app's host names. */
  paths: strings(),
  /**
   * Listener rule priority (1-49999, lower is evaluated first). Default: derived from the name and
   * how specific the rule is (host+path before path before host), so adding a service never moves
   * another one's rule.
   */
  priority: int().optional(),
  /** Its own ECR repository (`<project>-<env>-<name>`) instead of the app's; released with the same tag. */
  ownRepository: bool(),
});

/**
 * A service with no public route (Copilot's Backend Service): the other processes reach it by a
 * stable DNS name of the environment's Cloud Map namespace, `http://<name>.<project>-<env>.internal:<port>`,
 * given to each caller as `<NAME>_URL`; only the callers' security groups may connect to its port.
 */
export const internalServiceSchema = z.strictObject({
  ...sizing,
  ...process,
  /** Short name, e.g. `pricing`: the DNS name and part of resource names. */
  name: str(),
  /** Port the app container listens on. */
  containerPort: int(),
  command: strings().optional(),
  /** Target CPU utilisation for autoscaling, percent. */
  cpuTarget: z.number(),
  /** Who may connect: `web`, services, workers, `task` (one-off tasks and jobs). Default: all of them. */
  calledBy: strings(),
});

export const workerServiceSchema = z.strictObject({
  ...sizing,
  ...process,
  /** Short name, e.g. `celery`: becomes part of resource names. */
  name: str(),
  command: strings(),
  /** CPU target (workers on the Redis broker; queue workers scale on backlog instead). */
  cpuTarget: z.number(),
  /** Queues it consumes (receive, delete, extend visibility): it scales on their backlog per task. */
  queues: strings(),
  /** Average seconds to process one message (backlog scaling). */
  processingSeconds: z.number(),
  /** Acceptable wait before a message is picked up, seconds: target backlog per task = this / processingSeconds. */
  acceptableLatencySeconds: z.number(),
  /** Longest a message may take: the queues' visibility timeout must be at least this. */
  taskTimeoutSeconds: int(),
});

/** A subscription of a queue to a topic: the messages it receives, as SNS delivers them. */
export const subscriptionSchema = z.strictObject({
  /** A topic of compute.topics. */
  topic: str(),
  /**
   * Only messages matching this SNS filter policy are delivered, e.g. `{ "event": ["order-placed"] }`
   * (at most 5 attribute names, 150 value combinations). Default: every message.
   */
  filterPolicy: z.record(z.string(), z.unknown()).optional(),
  /** What the filter policy matches: the message attributes (default) or the JSON body. */
  filterPolicyScope: z.enum(['MessageAttributes', 'MessageBody']),
  /** Deliver the message body as published, not wrapped in SNS's JSON envelope (Copilot workers read the envelope: off). */
  rawMessageDelivery: bool(),
});

/** An SQS queue with its dead-letter queue. */
export const queueSchema = z.strictObject({
  /** Short name, e.g. `emails`: `<project>-<env>-emails` and `...-emails-dlq` (`.fifo` added for FIFO queues). */
  name: str(),
  /** Seconds a received message stays invisible to other consumers (at least the workers' taskTimeoutSeconds). */
  visibilityTimeoutSeconds: int(),
  /** Days a message is kept (1-14). */
  retentionDays: int(),
  /** Receives before a message moves to the dead-letter queue. */
  maxReceiveCount: int(),
  /** Seconds a new message waits before its first delivery (0-900; Copilot's `subscribe.queue.delay`). Absent: none. */
  delaySeconds: int().optional(),
  /** FIFO queue (ordered within a message group, exactly-once processing); its dead-letter queue is FIFO too. */
  fifo: bool(),
  /** FIFO: a message's deduplication id is the SHA-256 of its body when the sender gives none. */
  contentBasedDeduplication: bool(),
  /** Topics fanned out to this queue (SNS delivers to it; the queue policy admits exactly these topics). */
  subscribesTo: z.array(subscriptionSchema),
});

/**
 * An SNS topic the app publishes events to (Copilot's `publish.topics`): `<project>-<env>-topic-<name>`,
 * encrypted with the environment's topic key, published to only by the processes that list it in
 * `publishesTo`, fanned out to the queues that subscribe to it.
 */
export const topicSchema = z.strictObject({
  /** Short name, e.g. `orders`. */
  name: str(),
  /** FIFO topic (ordered, deduplicated; `.fifo` is added to its name): only FIFO queues may subscribe. */
  fifo: bool(),
  /** FIFO: deduplication by the SHA-256 of the body when the publisher gives no deduplication id. */
  contentBasedDeduplication: bool(),
});

/** A command run on a schedule as a one-off task of the released image. */
export const jobSchema = z.strictObject({
  /** Short name, e.g. `clearsessions`. */
  name: str(),
  /** EventBridge Scheduler expression: `cron(min hour day-of-month month day-of-week year)` or `rate(1 hour)`. */
  schedule: str(),
  command: strings(),
  /** IANA time zone of the cron expression (default UTC), e.g. `Europe/Dublin`. */
  timezone: str(),
  /** The command is stopped after this long (exit 124: reported as a failure). */
  timeoutMinutes: int(),
  /** A failed run is run again up to this many times (0-10, each under timeoutMinutes; Copilot's `retries`). Absent: none. */
  retries: int().optional(),
  cpu: int(),
  memory: int(),
  sendsTo: strings(),
  publishesTo: strings(),
});

export const computeSchema = z.strictObject({
  web: webServiceSchema,
  /** More HTTP services behind the load balancer. */
  services: z.array(httpServiceSchema),
  /** Services with no public route, reached by the others by name (Cloud Map DNS). */
  internalServices: z.array(internalServiceSchema),
  workers: z.array(workerServiceSchema),
  queues: z.array(queueSchema),
  /** SNS topics fanned out to queues. */
  topics: z.array(topicSchema),
  jobs: z.array(jobSchema),
  /** Run non-prod services on Fargate Spot. */
  fargateSpot: bool(),
  /**
   * The CPU of every task: `X86_64`, or `ARM64` (AWS Graviton: about 20% less per vCPU-hour and
   * GB-hour, on-demand only: Fargate Spot runs x86 tasks only; every image, sidecars included, must have a linux/arm64 variant: build with
   * `docker build --platform linux/arm64`, or multi-arch with `docker buildx --platform linux/amd64,linux/arm64`).
   */
  cpuArchitecture: z.enum(['X86_64', 'ARM64']),
  /** Allow `aws ecs execute-command` into containers. */
  enableExec: bool(),
  logRetentionDays: int(),
  /** Plain, non-secret environment variables handed to every container. */
  environment: stringMap(),
  /** ECR: how many tagged images to keep. */
  keepImages: int(),
  /**
   * Secrets of your own (`STRIPE_API_KEY`, `SENTRY_DSN`): one Secrets Manager secret each, created
   * without a value (set it with `npm run secret -- set <env> <NAME>`), injected into every app
   * container through ECS `secrets`.
   */
  secrets: strings(),
  /**
   * Existing secrets by ARN, injected the same way: Secrets Manager (`NAME: arn`, `arn:...:json-key::`
   * allowed) or SSM Parameter Store (`arn:...:ssm:<region>:<account>:parameter/<name>`, String or
   * SecureString under the account's aws/ssm key). The execution roles may read exactly these.
   */
  externalSecrets: stringMap(),
});
