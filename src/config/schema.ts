import { z } from 'zod';

// Each environment is parsed once per synth: compiling zod's fast path (new Function per schema)
// costs more than it saves there.
z.config({ jitless: true });

/**
 * The shape of one environment, as a zod schema: the TypeScript types (`types.ts`) are inferred
 * from it, and the same schema checks the config at synth time, so a typo'd key or a wrong type
 * fails `cdktf synth` even though the app command never type-checks. Every object is strict:
 * unknown keys are errors (with the closest valid name, see validate.ts).
 *
 * The schema checks shape and types only; ranges, cross-field rules and production guard rails
 * are in validate.ts, where each message names the field and the fix. Defaults live in
 * defaults.ts.
 */

const str = () => z.string();
// Whole-number rules (and their messages) are in validate.ts: the schema only says "a number".
const int = () => z.number();
const bool = () => z.boolean();
const strings = () => z.array(z.string());
const stringMap = () => z.record(z.string(), z.string());

export const NAT_MODES = ['none', 'single', 'perAz'] as const;

export const stateSchema = z.discriminatedUnion('backend', [
  z.strictObject({
    backend: z.literal('s3'),
    /** State bucket (create it with the `bootstrap` stack first); default `<project>-tfstate-<account>-<region>`. */
    bucket: str(),
    /** Region of the state bucket. */
    region: str(),
    /** Object key; defaults to `<project>/<environment>/terraform.tfstate`. */
    key: str().optional(),
    /** Optional DynamoDB lock table for teams still on Terraform < 1.10 (S3-native locking is always on). */
    dynamodbTable: str().optional(),
  }),
  z.strictObject({
    backend: z.literal('cloud'),
    /** Terraform Cloud / HCP Terraform organization. */
    organization: str(),
    /** Workspace name; defaults to `<project>-<environment>`. */
    workspace: str().optional(),
    /** Defaults to app.terraform.io. */
    hostname: str().optional(),
  }),
]);

export const dnsSchema = z.strictObject({
  /**
   * `lookup`: the Route53 hosted zone exists already and is found by name (the default).
   * `create`: this stack creates the hosted zone (delegate to its name servers afterwards).
   * `external`: no Route53 at all; validation CNAMEs and alias targets become outputs.
   */
  zoneMode: z.enum(['lookup', 'create', 'external']),
  /** Zone name when it differs from the domain (e.g. domain `staging.example.com` in zone `example.com`). */
  zoneName: str().optional(),
  /** Must be true in `external` mode: the records the user has to create are written as outputs. */
  exportRecords: bool(),
});

export const domainSchema = z.strictObject({
  /** Apex of the environment, e.g. `example.com` or `staging.example.com`. */
  name: str(),
  /** Extra host names for the app (served by the load balancer), e.g. `['www']`. */
  appAliases: strings(),
  /** Sub-domain label for static assets on CloudFront: `<label>.<name>`. */
  staticLabel: str(),
  dns: dnsSchema,
  /** Publish AAAA records and enable IPv6 on CloudFront. */
  ipv6: bool(),
  /**
   * Certificates that exist already (ACM ARNs), e.g. the ones a Copilot environment or a hand-built
   * stack uses: that side then gets no new certificate and no validation records.
   * `loadBalancer`: in the environment's region and account. `cdn`: in us-east-1 (CloudFront's).
   * Each must cover the host names it serves (the app's names / the static host name).
   */
  certificates: z.strictObject({ loadBalancer: str().optional(), cdn: str().optional() }).optional(),
});

/** A VPC that exists already: nothing of the network is created, everything lands in these subnets. */
export const existingNetworkSchema = z.strictObject({
  /** `vpc-...` */
  vpcId: str(),
  /** One per AZ (`azCount` of them, each in its own zone): the load balancer's subnets. */
  publicSubnetIds: strings(),
  /** One per AZ: tasks, database, cache. Each routes out through a NAT gateway (or, with natMode `none`, reaches AWS through endpoints). */
  privateSubnetIds: strings(),
});

export const networkSchema = z.strictObject({
  /** VPC CIDR, /16 to /24, private (RFC 1918 or 100.64.0.0/10). Subnets are derived from it. Not with `existing`. */
  cidr: str().optional(),
  /**
   * Adopt a VPC instead of creating one (docs/migrating.md): no VPC, subnets, NAT, internet gateway
   * or flow logs are created. `natMode` then says how the private subnets reach out: `single`/`perAz`
   * (they route through NAT gateways of yours) or `none` (the stack adds the VPC endpoints).
   */
  existing: existingNetworkSchema.optional(),
  /** 2 or 3. */
  azCount: int(),
  /**
   * The zones of the subnets, by AZ ID (`euw1-az1`, the same zone in every account) or by name
   * (`eu-west-1a`); one per AZ, in subnet order. Defaults to the region's zones in regions.ts.
   */
  availabilityZones: strings(),
  /** `perAz` (production), `single` (one shared NAT gateway) or `none` (VPC endpoints only, no internet). */
  natMode: z.enum(NAT_MODES),
  flowLogs: bool(),
});

export const databaseSchema = z.strictObject({
  /**
   * Postgres MAJOR version (e.g. `17`). RDS applies minor versions itself (auto minor upgrades,
   * and forced ones at end of support); a pinned minor would make every later plan try to go back.
   */
  engineVersion: str(),
  instanceClass: str(),
  /** Initial storage in GiB (gp3 needs at least 20). */
  allocatedStorage: int(),
  /** Storage autoscaling ceiling in GiB. */
  maxAllocatedStorage: int(),
  multiAz: bool(),
  backupRetentionDays: int(),
  deletionProtection: bool(),
  performanceInsights: bool(),
  databaseName: str(),
  /** The RDS master user: only the database-admin task uses it (its password is RDS-managed and rotates). */
  masterUsername: str(),
  /** The application's login role: IAM database authentication, no password. */
  appUsername: str(),
  /**
   * Create the instance from a snapshot of the environment's account and region (docs/migrating.md):
   * its identifier or ARN; a snapshot shared from another account is copied in first (RDS restores no
   * shared encrypted snapshot). Later plans never replace the instance because of it; remove it after
   * the first apply (a deleted snapshot would fail later plans), and it does nothing to an existing instance.
   */
  restoreFrom: z.strictObject({ snapshot: str() }).optional(),
  /**
   * Bring a running instance under management (Terraform import): its DB instance identifier. It
   * keeps its identifier, endpoint, subnet group and data; the plan refuses anything that would
   * replace it. Needs `network.existing` (the instance lives in that VPC).
   */
  adopt: z.strictObject({ identifier: str() }).optional(),
});

export const cacheSchema = z.strictObject({
  engine: z.enum(['redis', 'valkey']),
  /** `MAJOR.MINOR` (e.g. `7.1`); AWS applies patch versions itself. */
  engineVersion: str(),
  nodeType: str(),
  /** Number of cache nodes (1 = primary only; 2+ enables failover across AZs). */
  nodeCount: int(),
  snapshotRetentionDays: int(),
});

export const assetsSchema = z.strictObject({
  /** CloudFront price class. */
  priceClass: z.enum(['PriceClass_100', 'PriceClass_200', 'PriceClass_All']),
  /** CloudFront standard access logs. */
  cdnAccessLogs: bool(),
  /** Days before noncurrent media object versions expire. */
  mediaNoncurrentVersionDays: int(),
  /**
   * Buckets that exist already, by name (Terraform import): encryption, public access block,
   * ownership, versioning, lifecycle and policy are applied in place; objects are never touched,
   * and the stack never empties or deletes them.
   */
  adopt: z.strictObject({ static: str().optional(), media: str().optional() }).optional(),
});

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

const route = () =>
  z.strictObject({
    /** E-mail addresses subscribed to the topic (each confirms once, from the mail AWS sends). */
    emails: strings(),
    /** Existing SNS topics in the environment's region (an on-call or chat integration) the alarms also notify. */
    topicArns: strings(),
  });

export const monitoringSchema = z.strictObject({
  /**
   * Critical alarms page (their own topic and subscribers). Off (non-production default): the
   * alarms exist and show on the dashboard, and critical ones notify the warning route instead.
   */
  paging: bool(),
  /** Who is paged: the on-call rotation. */
  critical: route(),
  /** Who reads warnings: the team's mail or chat. */
  warning: route(),
  /** Latency objectives of the web service (target response time percentiles), milliseconds. */
  latency: z.strictObject({ p95Ms: int(), p99Ms: int() }),
  /** Share of requests answered with a 5xx that pages (target and load balancer errors), percent. */
  errorRatePercent: z.number(),
  /** Below this many requests a minute, error rates and latency percentiles are not judged (low traffic flaps). */
  minRequestsPerMinute: int(),
});

export const wafSchema = z.strictObject({
  /**
   * `off`, `count` (every rule only counts: roll out and read the logs first) or `block`
   * (enforce). Production runs a web ACL whatever the mode; `off` is refused there.
   */
  mode: z.enum(['off', 'count', 'block']),
  /** Requests one client IP may send in 5 minutes before it is blocked (rate-based rule). */
  rateLimitPer5Min: int(),
  /** Paths that take large bodies (file uploads): the body-size rule does not block there, e.g. `/upload/`. */
  uploadPaths: strings(),
  /** Paths that take HTML (rich-text editors, the Django admin): the body XSS rule does not block there, e.g. `/admin/`. */
  richTextPaths: strings(),
  /** Days the WAF log (`aws-waf-logs-<project>-<env>`) is kept. */
  logRetentionDays: int(),
  /** Also a CloudFront-scoped ACL (in us-east-1) in front of the static files. */
  cloudfront: bool(),
});

/** A non-production environment asleep at night: services at zero, optionally the database stopped. */
export const scheduleSchema = z.strictObject({
  /** IANA time zone of `up` and `down`. */
  timezone: str(),
  /** When the environment wakes up: `cron(0 7 ? * MON-FRI *)`. */
  up: str(),
  /** When it goes to sleep: `cron(0 20 ? * MON-FRI *)`. */
  down: str(),
  /** Stop the RDS instance at `down` and start it at `up` (EventBridge Scheduler). */
  stopDatabase: bool(),
});

/**
 * E-mail sent by the app through Amazon SES (v2): a domain identity with Easy DKIM, a custom MAIL
 * FROM domain and DMARC, one configuration set for every message, bounces and complaints to a queue
 * the app consumes, reputation alarms. Absent: no SES resources.
 */
export const emailSchema = z.strictObject({
  /** The identity's domain: the environment's domain (default) or a subdomain of it, e.g. `mail.example.com`. */
  domain: str(),
  /** The addresses the app sends from (the first is EMAIL_FROM), all at the identity's domain: the task roles may send from these only. */
  from: strings(),
  /** The processes that send (web, HTTP, internal and worker services by name; `jobs` for the one-off task): only they get ses:SendEmail. */
  sentBy: strings(),
  /** Label of the custom MAIL FROM domain under the identity's domain (`bounce` → `bounce.<domain>`): SPF and DMARC alignment. */
  mailFromSubdomain: str(),
  dmarc: z.strictObject({
    /** What receivers do with mail failing DMARC: start with `none` (reports only), then `quarantine`, then `reject`. */
    policy: z.enum(['none', 'quarantine', 'reject']),
    /** Where aggregate reports go (`rua=mailto:`); absent: none. */
    reportTo: str().optional(),
    /** Publish `_dmarc.<domain>` (default); false keeps a DMARC record managed elsewhere (a domain that already has corporate mail). */
    publish: bool(),
  }),
  /**
   * An identity that already exists in the account and region (set up by hand or by Copilot addons):
   * imported instead of created, keeping its DKIM keys; its existing DKIM and MAIL FROM records are
   * taken over (the same names and values).
   */
  adopt: bool(),
  /** Reputation alarms on the account's bounce and complaint rates: warning and critical thresholds (fractions, 0.04 = 4%). */
  alarms: z.strictObject({
    /**
     * The rates are the account's (per region), shared by its environments: one environment of an
     * account and region raises them. Default: production environments.
     */
    account: bool(),
    bounceRate: z.strictObject({ warning: int(), critical: int() }),
    complaintRate: z.strictObject({ warning: int(), critical: int() }),
  }),
});

/** The delivery pipeline (GitHub Actions) and the AWS roles it assumes through OIDC, no long-lived keys. */
export const deliverySchema = z.strictObject({
  github: z.strictObject({
    /** `org/name`, exactly: the roles trust this repository only. */
    repository: str(),
    /**
     * GitHub's immutable ids of the owner and the repository (`gh api repos/ORG/NAME --jq '.owner.id, .id'`).
     * Give both when GitHub issues immutable subject claims for the repository (created, renamed or
     * transferred since 2026-07-15, or opted in): the roles then trust `repo:ORG@OWNER_ID/NAME@REPO_ID:...`,
     * which a re-created namesake can never send. Absent: the name-only subject.
     */
    ownerId: int().optional(),
    repositoryId: int().optional(),
    /** The GitHub environment whose jobs may deploy here (give production required reviewers). */
    environment: str(),
    /** The branch whose pushes release (the workflow's trigger; the deploy role trusts the environment). */
    branch: str(),
    /** An existing GitHub OIDC provider of the account (an account holds one per URL); default: the bootstrap stack creates it. */
    oidcProviderArn: str().optional(),
  }),
});

export const releaseSchema = z.strictObject({
  /** Run once per release, as a one-off task on the new image, before any service changes. */
  migrationCommand: strings(),
  /** How long the migration may run before the release gives up (the task keeps running). */
  migrationTimeoutMinutes: int(),
});

export const loadBalancerSchema = z.strictObject({
  deletionProtection: bool(),
  accessLogs: bool(),
  /** Seconds the ALB waits for in-flight requests when a task stops. */
  deregistrationDelay: int(),
});

export const environmentSchema = z.strictObject({
  /** Stack name and the `environment` tag, e.g. `staging`. */
  name: str(),
  /** Production guard rails (Multi-AZ, deletion protection, NAT per AZ, ...) are enforced whatever the overrides say. */
  production: bool(),
  /** Short project slug used in every resource name. */
  project: str(),
  region: str(),
  /** The AWS account the environment lives in: Terraform refuses any other, and global names include it. */
  accountId: str(),
  state: stateSchema,
  domain: domainSchema,
  network: networkSchema,
  database: databaseSchema,
  cache: cacheSchema,
  assets: assetsSchema,
  loadBalancer: loadBalancerSchema,
  compute: computeSchema,
  release: releaseSchema,
  monitoring: monitoringSchema,
  waf: wafSchema,
  /** Continuous delivery from GitHub Actions (absent: none). */
  delivery: deliverySchema.optional(),
  /** E-mail through Amazon SES (absent: none). */
  email: emailSchema.optional(),
  /** Non-production only: the night schedule (absent: always on). */
  schedule: scheduleSchema.optional(),
  /** Extra tags on every resource (project, environment and managed-by are always set). */
  tags: stringMap(),
});
