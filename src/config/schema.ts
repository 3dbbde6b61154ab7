import { bool, int, str, stringMap, strings, z } from './zod';
import { computeSchema } from './schema-compute';

// The workloads (services, workers, queues, topics, jobs) are in schema-compute.ts.
export * from './schema-compute';

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
