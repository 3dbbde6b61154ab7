import { REGIONS } from './regions';
import { stateBucketName } from '../lib/naming';
import {
  DeepPartial, DomainConfig, EmailConfig, EnvironmentConfig, HttpServiceConfig, InternalServiceConfig, JobConfig, NetworkConfig, QueueConfig, SidecarConfig, SubscriptionConfig, TopicConfig, WebServiceConfig, WorkerServiceConfig,
} from './types';

/**
 * Every default of an environment, in one place, per kind: production or not. An environment
 * states only what is its own (name, account, domain, CIDR, the sizes it changes); the rest comes
 * from here. Production guard rails are enforced by validate.ts whatever the overrides say.
 */

type Kind = 'production' | 'nonProduction';
type Defaults = Omit<EnvironmentConfig, 'name' | 'production' | 'project' | 'region' | 'accountId' | 'state' | 'domain' | 'network' | 'compute' | 'schedule' | 'delivery' | 'email'> & {
  domain: Omit<DomainConfig, 'name'>;
  network: Omit<NetworkConfig, 'cidr' | 'availabilityZones'>;
  compute: Omit<EnvironmentConfig['compute'], 'workers' | 'services' | 'internalServices' | 'queues' | 'topics' | 'jobs'> & { workers: []; services: []; internalServices: []; queues: []; topics: []; jobs: [] };
};
type WorkerDefaults = Omit<WorkerServiceConfig, 'name' | 'command'>;

/**
 * Load-balanced services: a 2xx/3xx answer within 5 s every 15 s, healthy after 2, unhealthy after
 * 3 failed checks, 60 s for a new task to start; no sticky sessions; open to every client.
 */
const HTTP_DEFAULTS = {
  healthCheck: { successCodes: '200-399', healthyThreshold: 2, unhealthyThreshold: 3, intervalSeconds: 15, timeoutSeconds: 5, gracePeriodSeconds: 60 },
  stickiness: false,
  allowedSourceIps: [] as string[],
};

/**
 * E-mail (when configured): sent from no-reply@ the environment's domain by the web service; MAIL
 * FROM `bounce.<domain>`; DMARC reporting only (`none`) until the reports show every legitimate
 * sender aligned; a new identity (`adopt` for one that exists). Reputation alarms below the rates at which AWS reviews the account (bounces 5%,
 * complaints 0.1%: warning) and well before it may pause sending (10%, 0.5%: critical): SES
 * developer guide, "Amazon SES sending review process FAQs".
 */
function emailDefaults(domainName: string, production: boolean): EmailConfig {
  return {
    domain: domainName,
    from: [`no-reply@${domainName}`],
    sentBy: ['web'],
    mailFromSubdomain: 'bounce',
    dmarc: { policy: 'none', publish: true },
    adopt: false,
    // The account's rates: production raises them (a staging in the same account would only repeat each alarm).
    alarms: { account: production, bounceRate: { warning: 0.04, critical: 0.08 }, complaintRate: { warning: 0.0008, critical: 0.004 } },
  };
}

const RELEASE_DEFAULTS = { migrationCommand: ['python', 'manage.py', 'migrate', '--noinput'], migrationTimeoutMinutes: 30 };

/** Production pages; anything else notifies the warning route only. Latency objectives: p95 1 s, p99 3 s. */
function monitoringDefaults(paging: boolean) {
  return {
    paging,
    critical: { emails: [], topicArns: [] },
    warning: { emails: [], topicArns: [] },
    latency: { p95Ms: 1000, p99Ms: 3000 },
    errorRatePercent: 5,
    minRequestsPerMinute: 50,
  };
}

/**
 * WAF: non-production counts (see what would be blocked), production blocks (docs/security.md's rollout
 * says to start a new production in count and read the logs first). 2000 requests per IP in 5
 * minutes is far above a person and well below a scraper.
 */
function wafDefaults(mode: 'count' | 'block') {
  return { mode, rateLimitPer5Min: 2000, uploadPaths: [], richTextPaths: ['/admin/'], logRetentionDays: mode === 'block' ? 90 : 14, cloudfront: false };
}

const DEFAULTS: Record<Kind, Defaults> = {
  nonProduction: {
    domain: { appAliases: [], staticLabel: 'static', dns: { zoneMode: 'lookup', exportRecords: false }, ipv6: true },
    network: { azCount: 2, natMode: 'single', flowLogs: false },
    database: {
      engineVersion: '17',
      instanceClass: 'db.t4g.micro',
      allocatedStorage: 20,
      maxAllocatedStorage: 50,
      multiAz: false,
      backupRetentionDays: 1,
      deletionProtection: false,
      performanceInsights: false,
      databaseName: 'app',
      masterUsername: 'dbadmin',
      appUsername: 'app',
    },
    cache: { engine: 'redis', engineVersion: '7.1', nodeType: 'cache.t4g.micro', nodeCount: 1, snapshotRetentionDays: 1 },
    assets: { priceClass: 'PriceClass_100', cdnAccessLogs: false, mediaNoncurrentVersionDays: 7 },
    loadBalancer: { deletionProtection: false, accessLogs: false, deregistrationDelay: 15 },
    compute: {
      web: { cpu: 256, memory: 512, minCount: 1, maxCount: 2, containerPort: 8000, healthCheckPath: '/healthz', cpuTarget: 60, requestsPerTarget: 500, sidecars: [], sendsTo: [], publishesTo: [], environment: {}, ...HTTP_DEFAULTS },
      services: [],
      internalServices: [],
      workers: [],
      queues: [],
      topics: [],
      jobs: [],
      fargateSpot: true,
      cpuArchitecture: 'X86_64',
      enableExec: true,
      logRetentionDays: 14,
      environment: {},
      keepImages: 20,
      secrets: [],
      externalSecrets: {},
    },
    release: RELEASE_DEFAULTS,
    monitoring: monitoringDefaults(false),
    waf: wafDefaults('count'),
    tags: {},
  },
  production: {
    domain: { appAliases: [], staticLabel: 'static', dns: { zoneMode: 'lookup', exportRecords: false }, ipv6: true },
    network: { azCount: 3, natMode: 'perAz', flowLogs: true },
    database: {
      engineVersion: '17',
      instanceClass: 'db.t4g.medium',
      allocatedStorage: 50,
      maxAllocatedStorage: 500,
      multiAz: true,
      backupRetentionDays: 14,
      deletionProtection: true,
      performanceInsights: true,
      databaseName: 'app',
      masterUsername: 'dbadmin',
      appUsername: 'app',
    },
    cache: { engine: 'redis', engineVersion: '7.1', nodeType: 'cache.t4g.small', nodeCount: 2, snapshotRetentionDays: 7 },
    assets: { priceClass: 'PriceClass_100', cdnAccessLogs: true, mediaNoncurrentVersionDays: 30 },
    loadBalancer: { deletionProtection: true, accessLogs: true, deregistrationDelay: 30 },
    compute: {
      web: { cpu: 512, memory: 1024, minCount: 2, maxCount: 10, containerPort: 8000, healthCheckPath: '/healthz', cpuTarget: 60, requestsPerTarget: 1000, sidecars: [], sendsTo: [], publishesTo: [], environment: {}, ...HTTP_DEFAULTS },
      services: [],
      internalServices: [],
      workers: [],
      queues: [],
      topics: [],
      jobs: [],
      fargateSpot: false,
      cpuArchitecture: 'X86_64',
      enableExec: false,
      logRetentionDays: 90,
      environment: {},
      keepImages: 50,
      secrets: [],
      externalSecrets: {},
    },
    release: RELEASE_DEFAULTS,
    monitoring: monitoringDefaults(true),
    waf: wafDefaults('block'),
    tags: {},
  },
};

const WORKER_DEFAULTS: Record<Kind, WorkerDefaults> = {
  nonProduction: { cpu: 256, memory: 512, minCount: 1, maxCount: 2, cpuTarget: 70, sidecars: [], sendsTo: [], publishesTo: [], environment: {}, queues: [], processingSeconds: 1, acceptableLatencySeconds: 30, taskTimeoutSeconds: 300 },
  production: { cpu: 512, memory: 1024, minCount: 2, maxCount: 6, cpuTarget: 70, sidecars: [], sendsTo: [], publishesTo: [], environment: {}, queues: [], processingSeconds: 1, acceptableLatencySeconds: 30, taskTimeoutSeconds: 300 },
};

/** Another HTTP service: sized like web, on the app's host names unless it names its own. */
const serviceDefaults = (kind: Kind): Omit<HttpServiceConfig, 'name'> => ({
  ...(DEFAULTS[kind].compute.web as WebServiceConfig),
  hosts: [],
  paths: [],
  ownRepository: false,
});
/** Internal services: sized like workers, called by every app process. */
const internalServiceDefaults = (kind: Kind): Omit<InternalServiceConfig, 'name' | 'containerPort'> => {
  const { queues: _q, processingSeconds: _p, acceptableLatencySeconds: _a, taskTimeoutSeconds: _t, ...sizes } = WORKER_DEFAULTS[kind];
  return { ...sizes, calledBy: [] };
};
/** Queues: visibility 15 minutes (3x the default task timeout), 4 days of retention, 5 tries before the DLQ. */
const QUEUE_DEFAULTS: Omit<QueueConfig, 'name'> = { visibilityTimeoutSeconds: 900, retentionDays: 4, maxReceiveCount: 5, fifo: false, contentBasedDeduplication: false, subscribesTo: [] };
/**
 * The SES feedback queue of the email section (bounces, complaints, rejects): kept 14 days (the
 * longest SQS allows: suppressing an address is never urgent, losing the event is worse).
 */
export const EMAIL_FEEDBACK_QUEUE: QueueConfig = { ...QUEUE_DEFAULTS, name: 'email-feedback', retentionDays: 14 };
/** Subscriptions: every message, in SNS's envelope (as Copilot delivers them). */
const SUBSCRIPTION_DEFAULTS: Omit<SubscriptionConfig, 'topic'> = { filterPolicyScope: 'MessageAttributes', rawMessageDelivery: false };
/** Topics: standard (not FIFO). */
const TOPIC_DEFAULTS: Omit<TopicConfig, 'name'> = { fifo: false, contentBasedDeduplication: false };
/** Jobs: UTC, an hour at most, the smallest task. */
const JOB_DEFAULTS: Omit<JobConfig, 'name' | 'schedule' | 'command'> = { timezone: 'UTC', timeoutMinutes: 60, cpu: 256, memory: 512, sendsTo: [], publishesTo: [] };
const SIDECAR_DEFAULTS: Omit<SidecarConfig, 'name' | 'image'> = { essential: true, dependsOn: [], environment: {}, secrets: [] };

/** What an environment must say itself; everything else is optional and defaulted by kind. */
export type EnvironmentInput = DeepPartial<Omit<EnvironmentConfig, 'state' | 'compute'>> & {
  name: string;
  production: boolean;
  project: string;
  region: string;
  accountId: string;
  domain: DeepPartial<DomainConfig> & { name: string };
  /** A CIDR of its own, or an existing VPC (`existing`). */
  network: DeepPartial<NetworkConfig> & ({ cidr: string } | { existing: NetworkConfig['existing'] });
  /** Default: S3 state in `<project>-tfstate-<account>-<region>` (the bootstrap stack creates it). */
  state?:
    | { backend: 's3'; bucket?: string; region?: string; key?: string; dynamodbTable?: string }
    | { backend: 'cloud'; organization: string; workspace?: string; hostname?: string };
  compute?: DeepPartial<Omit<EnvironmentConfig['compute'], 'web' | 'workers' | 'services' | 'internalServices' | 'queues' | 'topics' | 'jobs'>> & {
    web?: WithSidecars<Partial<WebServiceConfig>>;
    /** Each HTTP service needs a name; sizes default like web. */
    services?: WithSidecars<Partial<HttpServiceConfig> & Pick<HttpServiceConfig, 'name'>>[];
    /** Each internal service needs a name and a port; sizes default like workers. */
    internalServices?: WithSidecars<Partial<InternalServiceConfig> & Pick<InternalServiceConfig, 'name' | 'containerPort'>>[];
    /** Each worker needs a name and a command; sizes default by kind. */
    workers?: WithSidecars<Partial<WorkerServiceConfig> & Pick<WorkerServiceConfig, 'name' | 'command'>>[];
    queues?: (Partial<Omit<QueueConfig, 'subscribesTo'>> & Pick<QueueConfig, 'name'> & { subscribesTo?: (Partial<SubscriptionConfig> & Pick<SubscriptionConfig, 'topic'>)[] })[];
    topics?: (Partial<TopicConfig> & Pick<TopicConfig, 'name'>)[];
    jobs?: (Partial<JobConfig> & Pick<JobConfig, 'name' | 'schedule' | 'command'>)[];
  };
  /** E-mail through SES: everything defaults (emailDefaults); `from` defaults to no-reply@ the identity's domain. */
  email?: DeepPartial<EmailConfig>;
};
type WithSidecars<T> = Omit<T, 'sidecars'> & { sidecars?: (Partial<SidecarConfig> & Pick<SidecarConfig, 'name' | 'image'>)[] };

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep merge of plain objects; arrays and scalars from `override` replace. Unknown keys are kept (validation rejects them). */
export function deepMerge<T>(base: T, override: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(override)) return (override === undefined ? base : override) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    out[key] = key in out ? deepMerge(out[key], value) : value;
  }
  return out as T;
}

/** The default zones of a region for an AZ count (empty for a region validation will reject). */
export function defaultAvailabilityZones(region: string, azCount: number): string[] {
  return (REGIONS[region]?.azIds ?? []).slice(0, azCount);
}

/**
 * A complete environment from what it states itself plus the defaults of its kind. Nothing is
 * validated here (validate.ts does that once, for all environments), so a wrong input still
 * reaches validation and is reported with its field.
 */
export function defineEnvironment(input: EnvironmentInput): EnvironmentConfig {
  const kind: Kind = input.production === true ? 'production' : 'nonProduction';
  const merged = deepMerge(structuredClone(DEFAULTS[kind]) as unknown as EnvironmentConfig, input);
  const compute = merged.compute as unknown as Record<string, unknown>;
  /** Each element of a list gets the defaults of its kind (a non-object is left for validation to report). */
  const each = <T>(list: unknown, defaults: object): T[] =>
    (Array.isArray(list) ? list : []).map((item) => (isPlainObject(item) ? withSidecars(deepMerge(structuredClone(defaults) as Record<string, unknown>, item)) : item)) as T[];
  const withSidecars = (item: Record<string, unknown>) =>
    Array.isArray(item.sidecars) ? { ...item, sidecars: item.sidecars.map((c) => (isPlainObject(c) ? deepMerge(structuredClone(SIDECAR_DEFAULTS), c) : c)) } : item;
  const network = merged.network;
  const state = input.state ?? { backend: 's3' as const };
  const emailDomain = typeof input.email?.domain === 'string' ? input.email.domain : input.domain.name;
  return {
    ...merged,
    email: input.email === undefined ? undefined : deepMerge(emailDefaults(emailDomain, input.production === true), input.email),
    network: {
      ...network,
      // Flow logs belong to whoever owns the VPC: an adopted one keeps its own (or none).
      flowLogs: input.network?.flowLogs ?? (network.existing ? false : network.flowLogs),
      availabilityZones: input.network?.availabilityZones ?? defaultAvailabilityZones(input.region, network.azCount),
    },
    state:
      state.backend === 's3'
        ? { ...state, bucket: state.bucket ?? stateBucketName(input), region: state.region ?? input.region }
        : state,
    compute: {
      ...merged.compute,
      web: withSidecars(compute.web as Record<string, unknown>) as unknown as WebServiceConfig,
      services: each<HttpServiceConfig>(input.compute?.services, serviceDefaults(kind)),
      internalServices: each<InternalServiceConfig>(input.compute?.internalServices, internalServiceDefaults(kind)),
      workers: each<WorkerServiceConfig>(input.compute?.workers, WORKER_DEFAULTS[kind]),
      queues: each<QueueConfig>(input.compute?.queues, QUEUE_DEFAULTS).map((q) =>
        isPlainObject(q) && Array.isArray(q.subscribesTo) ? { ...q, subscribesTo: each<SubscriptionConfig>(q.subscribesTo, SUBSCRIPTION_DEFAULTS) } : q,
      ),
      topics: each<TopicConfig>(input.compute?.topics, TOPIC_DEFAULTS),
      jobs: each<JobConfig>(input.compute?.jobs, JOB_DEFAULTS),
    },
  } as EnvironmentConfig;
}
