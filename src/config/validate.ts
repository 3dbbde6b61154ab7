import { parseCidr } from '../lib/cidr';
import { EnvironmentConfig, NAT_MODES } from './types';

/** Thrown at synth time; the message names each environment, field and fix. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment config:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const SLUG = /^[a-z][a-z0-9-]*[a-z0-9]$/;
const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const ENV_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names that look like credentials: those must come from Secrets Manager, never plain env. */
export const SECRET_LOOKING_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE_KEY|API_KEY|ACCESS_KEY|CREDENTIAL)/i;
/** Variables the stack sets itself (the app contract); config may not override them. */
export const CONTRACT_VARIABLES = [
  'DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_NAME', 'DATABASE_USER', 'DATABASE_PASSWORD',
  'REDIS_HOST', 'REDIS_PORT', 'REDIS_URL', 'REDIS_AUTH_TOKEN',
  'AWS_STORAGE_BUCKET_NAME', 'AWS_PRIVATE_STORAGE_BUCKET_NAME', 'CDN_DOMAIN_NAME', 'DOMAIN_NAME',
  'SECRET_KEY', 'AWS_REGION', 'ENVIRONMENT',
];
/** Values CloudWatch Logs accepts for retention_in_days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
/** Fargate CPU units and the memory sizes (MiB) each accepts. */
const FARGATE_MEMORY: Record<number, (m: number) => boolean> = {
  256: (m) => [512, 1024, 2048].includes(m),
  512: (m) => m >= 1024 && m <= 4096 && m % 1024 === 0,
  1024: (m) => m >= 2048 && m <= 8192 && m % 1024 === 0,
  2048: (m) => m >= 4096 && m <= 16384 && m % 1024 === 0,
  4096: (m) => m >= 8192 && m <= 30720 && m % 1024 === 0,
  8192: (m) => m >= 16384 && m <= 61440 && m % 4096 === 0,
  16384: (m) => m >= 32768 && m <= 122880 && m % 8192 === 0,
};
/** RDS gp3 storage for PostgreSQL starts at 20 GiB. */
export const POSTGRES_MIN_STORAGE_GIB = 20;
/** Oldest Postgres major still in RDS standard support. */
const POSTGRES_MIN_MAJOR = 13;

export function isValidDomain(name: string): boolean {
  const labels = name.split('.');
  return name.length <= 253 && labels.length >= 2 && labels.every((l) => HOST_LABEL.test(l)) && /^[a-z]/.test(labels[labels.length - 1]);
}

/** Validates every environment; throws one ConfigError listing every problem found. */
export function validateEnvironments(envs: EnvironmentConfig[]): void {
  const problems: string[] = [];
  if (envs.length === 0) problems.push('no environments are defined: add at least one to src/config/environments.ts');
  const seen = new Set<string>();
  for (const env of envs) {
    if (seen.has(env.name)) {
      problems.push(`environment "${env.name}" is defined twice: environment names must be unique (they become stack names and state keys)`);
    }
    seen.add(env.name);
    problems.push(...validateEnvironment(env));
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

/** Returns the problems of one environment (empty when valid). */
export function validateEnvironment(env: EnvironmentConfig): string[] {
  const problems: string[] = [];
  const fail = (field: string, message: string) => problems.push(`environment "${env.name}": ${field} ${message}`);

  if (!env.name || !SLUG.test(env.name) || env.name.length > 12) {
    fail('name', `is "${env.name}": use 2-12 lowercase letters, digits or dashes (e.g. "staging")`);
  }
  if (!env.project || !SLUG.test(env.project) || env.project.length > 12) {
    fail('project', `is "${env.project}": use 2-12 lowercase letters, digits or dashes; it prefixes every resource name`);
  }
  if (!REGION.test(env.region ?? '')) fail('region', `is "${env.region}": use an AWS region code such as "eu-west-1"`);
  for (const id of env.allowedAccountIds ?? []) {
    if (!/^\d{12}$/.test(id)) fail('allowedAccountIds', `contains "${id}": AWS account ids are 12 digits`);
  }

  // Remote state
  const state = env.state;
  if (!state) {
    fail('state', 'is missing: set { backend: "s3", bucket, region } or { backend: "cloud", organization }');
  } else if (state.backend === 's3') {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(state.bucket ?? '')) {
      fail('state.bucket', `is "${state.bucket}": S3 bucket names are 3-63 lowercase letters, digits, dots or dashes`);
    }
    if (!REGION.test(state.region ?? '')) fail('state.region', `is "${state.region}": use the region of the state bucket, e.g. "eu-west-1"`);
  } else if (state.backend === 'cloud') {
    if (!state.organization) fail('state.organization', 'is missing: name your Terraform Cloud organization');
  } else {
    fail('state.backend', `is "${(state as { backend: string }).backend}": use "s3" or "cloud"`);
  }

  // Domain and DNS
  const domain = env.domain;
  if (!domain || !domain.name) {
    fail('domain.name', 'is missing: every environment needs a domain (e.g. "staging.example.com")');
  } else {
    if (!isValidDomain(domain.name)) {
      fail('domain.name', `is "${domain.name}": use a lowercase DNS name such as "example.com" (no scheme, no trailing dot)`);
    }
    for (const alias of domain.appAliases ?? []) {
      if (!HOST_LABEL.test(alias)) fail('domain.appAliases', `contains "${alias}": use single DNS labels such as "www"`);
    }
    if (!HOST_LABEL.test(domain.staticLabel ?? '')) {
      fail('domain.staticLabel', `is "${domain.staticLabel}": use a single DNS label such as "static"`);
    } else if ((domain.appAliases ?? []).includes(domain.staticLabel)) {
      fail('domain.staticLabel', `"${domain.staticLabel}" is also an app alias: pick a different label`);
    }
    const dns = domain.dns;
    if (!dns || !['lookup', 'create', 'external'].includes(dns.zoneMode)) {
      fail('domain.dns.zoneMode', `is "${dns?.zoneMode}": use "lookup", "create" or "external"`);
    } else {
      if (dns.zoneMode === 'external' && !dns.exportRecords) {
        fail('domain.dns.exportRecords', 'is false in "external" DNS mode: set it to true, the validation CNAMEs and alias targets are then stack outputs you create at your DNS provider');
      }
      if (dns.zoneName !== undefined) {
        if (!isValidDomain(dns.zoneName)) {
          fail('domain.dns.zoneName', `is "${dns.zoneName}": use a lowercase DNS name such as "example.com"`);
        } else if (domain.name !== dns.zoneName && !domain.name.endsWith(`.${dns.zoneName}`)) {
          fail('domain.dns.zoneName', `"${dns.zoneName}" does not contain domain "${domain.name}": use the zone the domain lives in`);
        }
      }
    }
  }

  // Network
  const net = env.network;
  const cidr = parseCidr(net?.cidr ?? '');
  if (typeof cidr === 'string') {
    fail('network.cidr', `${cidr}: use a private range such as "10.0.0.0/16"`);
  } else if (cidr.prefix < 16 || cidr.prefix > 24) {
    fail('network.cidr', `"${net.cidr}" is a /${cidr.prefix}: AWS VPCs are /16 to /28 and the derived subnets need at least a /24; use a /16 to /24`);
  }
  if (!Number.isInteger(net?.azCount) || net.azCount < 2 || net.azCount > 3) {
    fail('network.azCount', `is ${net?.azCount}: use 2 or 3 (the load balancer and database need subnets in at least two AZs)`);
  }
  if (!NAT_MODES.includes(net?.natMode)) {
    fail('network.natMode', `is "${net?.natMode}": use one of ${NAT_MODES.map((m) => `"${m}"`).join(', ')}`);
  } else if (env.production && net.natMode === 'none') {
    fail('network.natMode', 'is "none" in a production environment: tasks need outbound internet (ECR, Secrets Manager, APIs); use "perAz" (or "single")');
  }

  // Database
  const db = env.database;
  const dbVersion = /^(\d+)\.(\d+)$/.exec(db?.engineVersion ?? '');
  if (!dbVersion) {
    fail('database.engineVersion', `is "${db?.engineVersion}": pin a Postgres version as MAJOR.MINOR, e.g. "17.6"`);
  } else if (Number(dbVersion[1]) < POSTGRES_MIN_MAJOR) {
    fail('database.engineVersion', `is "${db.engineVersion}": Postgres ${dbVersion[1]} is out of RDS standard support; use ${POSTGRES_MIN_MAJOR} or newer`);
  }
  if (!/^db\.[a-z0-9]+\.[a-z0-9]+$/.test(db?.instanceClass ?? '')) {
    fail('database.instanceClass', `is "${db?.instanceClass}": use an RDS class such as "db.t4g.micro"`);
  }
  if (!Number.isInteger(db?.allocatedStorage) || db.allocatedStorage < POSTGRES_MIN_STORAGE_GIB || db.allocatedStorage > 65536) {
    fail('database.allocatedStorage', `is ${db?.allocatedStorage} GiB: RDS Postgres on gp3 needs ${POSTGRES_MIN_STORAGE_GIB} to 65536 GiB`);
  } else if (!(db.maxAllocatedStorage > db.allocatedStorage) || db.maxAllocatedStorage > 65536) {
    fail('database.maxAllocatedStorage', `is ${db?.maxAllocatedStorage} GiB: set it above allocatedStorage (${db.allocatedStorage}) and at most 65536 to let storage autoscale`);
  }
  const minBackup = env.production ? 7 : 1;
  if (!Number.isInteger(db?.backupRetentionDays) || db.backupRetentionDays < minBackup || db.backupRetentionDays > 35) {
    fail('database.backupRetentionDays', `is ${db?.backupRetentionDays}: use ${minBackup} to 35 days${env.production ? ' (production keeps at least a week)' : ''}`);
  }
  if (env.production && !db?.multiAz) fail('database.multiAz', 'is false in a production environment: set it to true so a failed AZ does not take the database down');
  if (env.production && !db?.deletionProtection) fail('database.deletionProtection', 'is false in a production environment: set it to true');
  if (!/^[a-zA-Z][a-zA-Z0-9_]{0,62}$/.test(db?.databaseName ?? '')) {
    fail('database.databaseName', `is "${db?.databaseName}": start with a letter, then letters, digits or underscores (max 63)`);
  }
  if (!/^[a-zA-Z][a-zA-Z0-9_]{0,62}$/.test(db?.username ?? '') || ['rdsadmin', 'admin', 'postgres'].includes(db?.username)) {
    fail('database.username', `is "${db?.username}": start with a letter, then letters, digits or underscores, and avoid reserved names (rdsadmin, admin, postgres)`);
  }

  // Cache
  const cache = env.cache;
  if (!['redis', 'valkey'].includes(cache?.engine)) fail('cache.engine', `is "${cache?.engine}": use "redis" or "valkey"`);
  if (!/^\d+\.\d+$/.test(cache?.engineVersion ?? '')) {
    fail('cache.engineVersion', `is "${cache?.engineVersion}": pin an explicit MAJOR.MINOR version, e.g. "7.1"`);
  }
  if (!/^cache\.[a-z0-9]+\.[a-z0-9]+$/.test(cache?.nodeType ?? '')) fail('cache.nodeType', `is "${cache?.nodeType}": use a node type such as "cache.t4g.micro"`);
  if (!Number.isInteger(cache?.nodeCount) || cache.nodeCount < 1 || cache.nodeCount > 6) {
    fail('cache.nodeCount', `is ${cache?.nodeCount}: use 1 to 6 (one primary plus up to five replicas)`);
  } else if (env.production && cache.nodeCount < 2) {
    fail('cache.nodeCount', `is ${cache.nodeCount} in a production environment: use at least 2 for automatic failover across AZs`);
  }
  if (!Number.isInteger(cache?.snapshotRetentionDays) || cache.snapshotRetentionDays < 1 || cache.snapshotRetentionDays > 35) {
    fail('cache.snapshotRetentionDays', `is ${cache?.snapshotRetentionDays}: keep snapshots 1 to 35 days`);
  }

  // Assets
  const assets = env.assets;
  if (!['PriceClass_100', 'PriceClass_200', 'PriceClass_All'].includes(assets?.priceClass)) {
    fail('assets.priceClass', `is "${assets?.priceClass}": use "PriceClass_100", "PriceClass_200" or "PriceClass_All"`);
  }
  if (!Number.isInteger(assets?.mediaNoncurrentVersionDays) || assets.mediaNoncurrentVersionDays < 1) {
    fail('assets.mediaNoncurrentVersionDays', `is ${assets?.mediaNoncurrentVersionDays}: use a whole number of days, at least 1`);
  }

  // Load balancer
  const lb = env.loadBalancer;
  if (!Number.isInteger(lb?.deregistrationDelay) || lb.deregistrationDelay < 0 || lb.deregistrationDelay > 3600) {
    fail('loadBalancer.deregistrationDelay', `is ${lb?.deregistrationDelay}: use 0 to 3600 seconds`);
  }

  // Compute
  const compute = env.compute;
  const sizing = (field: string, s: { cpu: number; memory: number; minCount: number; maxCount: number }) => {
    const memoryOk = FARGATE_MEMORY[s.cpu];
    if (!memoryOk) fail(`${field}.cpu`, `is ${s.cpu}: Fargate CPU is one of ${Object.keys(FARGATE_MEMORY).join(', ')}`);
    else if (!memoryOk(s.memory)) fail(`${field}.memory`, `is ${s.memory} MiB, which Fargate does not offer with ${s.cpu} CPU units: see the Fargate task size table`);
    if (!Number.isInteger(s.minCount) || s.minCount < 0 || !Number.isInteger(s.maxCount) || s.maxCount < Math.max(1, s.minCount)) {
      fail(`${field}.minCount/maxCount`, `are ${s.minCount}/${s.maxCount}: use whole numbers with 0 <= minCount <= maxCount and maxCount >= 1`);
    }
  };
  if (!compute?.web) {
    fail('compute.web', 'is missing: every environment runs a web service');
  } else {
    const web = compute.web;
    sizing('compute.web', web);
    if (env.production && web.minCount < 2) fail('compute.web.minCount', `is ${web.minCount} in a production environment: run at least 2 tasks so one AZ can fail`);
    if (!Number.isInteger(web.containerPort) || web.containerPort < 1 || web.containerPort > 65535) {
      fail('compute.web.containerPort', `is ${web.containerPort}: use a TCP port such as 8000`);
    }
    if (!/^\/[\w\-./?=&%]*$/.test(web.healthCheckPath ?? '')) fail('compute.web.healthCheckPath', `is "${web.healthCheckPath}": use an absolute path such as "/healthz"`);
    if (!(web.cpuTarget > 0 && web.cpuTarget <= 100)) fail('compute.web.cpuTarget', `is ${web.cpuTarget}: use a percentage between 1 and 100`);
    if (!(web.requestsPerTarget > 0)) fail('compute.web.requestsPerTarget', `is ${web.requestsPerTarget}: use a positive request count`);
  }
  const workerNames = new Set<string>();
  (compute?.workers ?? []).forEach((w, i) => {
    const field = `compute.workers[${i}]`;
    if (!SLUG.test(w.name ?? '') || w.name.length > 12 || w.name === 'web' || w.name === 'task') {
      fail(`${field}.name`, `is "${w.name}": use 2-12 lowercase letters, digits or dashes, not "web" or "task"`);
    }
    if (workerNames.has(w.name)) fail(`${field}.name`, `"${w.name}" is used twice: worker names must be unique`);
    workerNames.add(w.name);
    if (!Array.isArray(w.command) || w.command.length === 0) fail(`${field}.command`, 'is empty: give the worker its own command, e.g. ["celery", "-A", "app", "worker"]');
    sizing(field, w);
    if (!(w.cpuTarget > 0 && w.cpuTarget <= 100)) fail(`${field}.cpuTarget`, `is ${w.cpuTarget}: use a percentage between 1 and 100`);
  });
  if (env.production && compute?.fargateSpot) {
    fail('compute.fargateSpot', 'is true in a production environment: Spot tasks can be interrupted at two minutes\' notice; use it for non-prod only');
  }
  if (!LOG_RETENTION_DAYS.includes(compute?.logRetentionDays)) {
    fail('compute.logRetentionDays', `is ${compute?.logRetentionDays}: CloudWatch accepts ${LOG_RETENTION_DAYS.join(', ')}`);
  }
  if (!Number.isInteger(compute?.keepImages) || compute.keepImages < 1) fail('compute.keepImages', `is ${compute?.keepImages}: keep at least 1 image`);
  for (const [key, value] of Object.entries(compute?.environment ?? {})) {
    if (!ENV_VAR.test(key)) fail('compute.environment', `has key "${key}": use letters, digits and underscores`);
    else if (CONTRACT_VARIABLES.includes(key)) fail('compute.environment', `sets "${key}", which the stack provides itself: remove it`);
    else if (SECRET_LOOKING_NAME.test(key)) {
      fail('compute.environment', `has "${key}", which looks like a secret: plain environment ends up in the task definition; store it in Secrets Manager instead`);
    }
    if (typeof value !== 'string') fail('compute.environment', `"${key}" must be a string`);
  }

  // Tags
  for (const key of Object.keys(env.tags ?? {})) {
    if (key.toLowerCase().startsWith('aws:')) fail('tags', `has "${key}": the aws: prefix is reserved by AWS`);
    if (['project', 'environment', 'managed-by'].includes(key)) fail('tags', `sets "${key}", which the stack sets itself: remove it`);
  }
  return problems;
}
