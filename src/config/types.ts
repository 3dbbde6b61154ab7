/**
 * The typed shape of one environment. Everything that differs between environments lives here;
 * everything else is a default inside the module that uses it.
 */

export type NatMode = 'none' | 'single' | 'perAz';
export const NAT_MODES: readonly NatMode[] = ['none', 'single', 'perAz'];

/** Where Terraform keeps this environment's state. */
export type StateConfig =
  | {
      backend: 's3';
      /** State bucket (create it with the `bootstrap` stack first). */
      bucket: string;
      /** Region of the state bucket. */
      region: string;
      /** Object key; defaults to `<project>/<environment>/terraform.tfstate`. */
      key?: string;
      /**
       * Optional DynamoDB lock table, for teams still on Terraform < 1.10. S3-native locking
       * (`use_lockfile`) is always on.
       */
      dynamodbTable?: string;
    }
  | {
      backend: 'cloud';
      /** Terraform Cloud / HCP Terraform organization. */
      organization: string;
      /** Workspace name; defaults to `<project>-<environment>`. */
      workspace?: string;
      /** Defaults to app.terraform.io. */
      hostname?: string;
    };

/** How DNS for the environment's domain is handled. */
export interface DnsConfig {
  /**
   * `lookup`: the Route53 hosted zone exists already and is found by name (the default).
   * `create`: this stack creates the hosted zone (delegate to its name servers afterwards).
   * `external`: no Route53 at all; validation CNAMEs and alias targets become outputs.
   */
  zoneMode: 'lookup' | 'create' | 'external';
  /** Zone name when it differs from the domain (e.g. domain `staging.example.com` in zone `example.com`). */
  zoneName?: string;
  /** Must be true in `external` mode: the records the user has to create are written as outputs. */
  exportRecords: boolean;
}

export interface DomainConfig {
  /** Apex of the environment, e.g. `example.com` or `staging.example.com`. */
  name: string;
  /** Extra host names for the app (served by the load balancer), e.g. `['www']`. */
  appAliases: string[];
  /** Sub-domain label for static assets on CloudFront: `<label>.<name>`. */
  staticLabel: string;
  dns: DnsConfig;
  /** Publish AAAA records and enable IPv6 on CloudFront. */
  ipv6: boolean;
}

export interface NetworkConfig {
  /** VPC CIDR, /16 to /24. Subnets are derived from it. */
  cidr: string;
  /** 2 or 3. */
  azCount: number;
  natMode: NatMode;
  flowLogs: boolean;
}

export interface DatabaseConfig {
  /** Postgres engine version, `MAJOR.MINOR` (e.g. `16.4`). */
  engineVersion: string;
  instanceClass: string;
  /** Initial storage in GiB (gp3 needs at least 20). */
  allocatedStorage: number;
  /** Storage autoscaling ceiling in GiB. */
  maxAllocatedStorage: number;
  multiAz: boolean;
  backupRetentionDays: number;
  deletionProtection: boolean;
  performanceInsights: boolean;
  databaseName: string;
  username: string;
}

export interface CacheConfig {
  engine: 'redis' | 'valkey';
  /** Explicit engine version, e.g. `7.1`. */
  engineVersion: string;
  nodeType: string;
  /** Number of cache nodes (1 = primary only; 2+ enables failover where allowed). */
  nodeCount: number;
  snapshotRetentionDays: number;
}

export interface AssetsConfig {
  /** CloudFront price class. */
  priceClass: 'PriceClass_100' | 'PriceClass_200' | 'PriceClass_All';
  /** CloudFront standard access logs. */
  cdnAccessLogs: boolean;
  /** Days before noncurrent media object versions expire. */
  mediaNoncurrentVersionDays: number;
}

export interface ContainerSizing {
  /** Fargate CPU units (256, 512, 1024, 2048, 4096, ...). */
  cpu: number;
  /** Memory in MiB valid for the CPU size. */
  memory: number;
  /** Autoscaling bounds; the service starts at `minCount`. */
  minCount: number;
  maxCount: number;
}

export interface WebServiceConfig extends ContainerSizing {
  /** Port the container listens on. */
  containerPort: number;
  /** Container command override (default: the image's CMD). */
  command?: string[];
  healthCheckPath: string;
  /** Target CPU utilisation for autoscaling, percent. */
  cpuTarget: number;
  /** Target ALB requests per target per minute for autoscaling. */
  requestsPerTarget: number;
}

export interface WorkerServiceConfig extends ContainerSizing {
  /** Short name, e.g. `celery`: becomes part of resource names. */
  name: string;
  command: string[];
  cpuTarget: number;
}

export interface ComputeConfig {
  web: WebServiceConfig;
  workers: WorkerServiceConfig[];
  /** Run non-prod services on Fargate Spot. */
  fargateSpot: boolean;
  /** Allow `aws ecs execute-command` into containers. */
  enableExec: boolean;
  logRetentionDays: number;
  /** Plain, non-secret environment variables handed to every container. */
  environment: Record<string, string>;
  /** ECR: how many tagged images to keep. */
  keepImages: number;
}

export interface LoadBalancerConfig {
  deletionProtection: boolean;
  accessLogs: boolean;
  /** Seconds the ALB waits for in-flight requests when a task stops. */
  deregistrationDelay: number;
}

export interface EnvironmentConfig {
  /** Stack name and the `environment` tag, e.g. `staging`. */
  name: string;
  /** Production guard rails: Multi-AZ, deletion protection, NAT per AZ... are enforced. */
  production: boolean;
  /** Short project slug used in every resource name. */
  project: string;
  region: string;
  /** When set, Terraform refuses to touch any other account. */
  allowedAccountIds?: string[];
  state: StateConfig;
  domain: DomainConfig;
  network: NetworkConfig;
  database: DatabaseConfig;
  cache: CacheConfig;
  assets: AssetsConfig;
  loadBalancer: LoadBalancerConfig;
  compute: ComputeConfig;
  /** Extra tags on every resource (project, environment and managed-by are always set). */
  tags: Record<string, string>;
}
