import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { isPrivateCidr, parseCidr } from '../lib/cidr';
import { CACHE_NODE_MEMORY_GIB, RDS_CLASS_MEMORY_GIB } from './instance-classes';
import { adoptionProblems, crossEnvironmentAdoptionProblems } from './adoption';
import { nameProblems } from './names';
import { HostClaim, hostClaims } from './routing';
import { REGIONS, SUPPORTED_REGIONS, azIdPrefix, partitionOf, unsupportedPartitionReason } from './regions';
import { environmentSchema } from './schema';
import { WAKE_UP_GRACE_MINUTES, awakeUtcWeek, parseDailyCron } from '../modules/monitoring/awake';
import { EnvironmentConfig } from './types';
import { EMAIL, ENV_VAR, FARGATE_MEMORY, HOST_LABEL, SLUG, TIME_ZONES, isValidDomain } from './patterns';
import { scheduleProblem, validateWorkloads } from './validate-workloads';
import { crossEnvironmentEmailProblems, validateEmail } from './validate-email';

export { FARGATE_MEMORY, isValidDomain } from './patterns';

export { MAX_CERTIFICATE_NAMES, scheduleProblem } from './validate-workloads';

/** Thrown at synth time; the message names each environment, field and fix. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment config:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const PG_IDENTIFIER = /^[a-zA-Z][a-zA-Z0-9_]{0,62}$/;
/** Names that look like credentials: those must come from Secrets Manager, never plain env. */
export const SECRET_LOOKING_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE_KEY|API_KEY|ACCESS_KEY|CREDENTIAL)/i;
/** Values that carry credentials whatever the variable is called. */
const SECRET_LOOKING_VALUES: [RegExp, string][] = [
  [/^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, 'a URL with a user:password@ part'],
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/, 'an AWS access key id'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/\b(sk|rk)_live_[A-Za-z0-9]{10,}/, 'a Stripe live key'],
  [/\bgh[pousr]_[A-Za-z0-9]{30,}/, 'a GitHub token'],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
];
/** Variables the stack sets itself (the app contract); config may not override them. */
export const CONTRACT_VARIABLES = [
  'DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_NAME', 'DATABASE_USER', 'DATABASE_AUTH', 'DATABASE_PASSWORD',
  'REDIS_HOST', 'REDIS_PORT', 'REDIS_URL', 'REDIS_AUTH_TOKEN',
  'AWS_STORAGE_BUCKET_NAME', 'AWS_PRIVATE_STORAGE_BUCKET_NAME', 'CDN_DOMAIN_NAME', 'DOMAIN_NAME', 'APP_HOSTS',
  'HEALTH_CHECK_PATH', 'SERVICE_NAME', 'SECRET_KEY', 'AWS_REGION', 'ENVIRONMENT',
];
/** Values CloudWatch Logs accepts for retention_in_days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
/** RDS gp3 storage for PostgreSQL starts at 20 GiB. */
export const POSTGRES_MIN_STORAGE_GIB = 20;
/** Oldest Postgres major still in RDS standard support. */
const POSTGRES_MIN_MAJOR = 13;
/** Role names RDS or Postgres reserve. */
const RESERVED_DB_USERS = ['rdsadmin', 'rdsrepladmin', 'rds_superuser', 'rds_iam', 'admin', 'postgres', 'public', 'none'];



/** Where an environment's state lives, as one comparable string. */
export function stateLocation(env: EnvironmentConfig): string {
  const s = env.state;
  if (s.backend === 's3') return `s3://${s.bucket}/${s.key ?? `${env.project}/${env.name}/terraform.tfstate`}`;
  return `cloud://${s.hostname ?? 'app.terraform.io'}/${s.organization}/${s.workspace ?? `${env.project}-${env.name}`}`;
}

/** Validates every environment; throws one ConfigError listing every problem found. */
export function validateEnvironments(envs: EnvironmentConfig[]): void {
  const problems: string[] = [];
  if (envs.length === 0) problems.push('no environments are defined: add at least one to src/config/environments.ts');
  const names = new Set<string>();
  const hosts = new Map<string, { env: string; claim: HostClaim }>();
  const states = new Map<string, string>();
  for (const env of envs) {
    const structural = structuralProblems(env);
    problems.push(...structural);
    if (structural.length > 0) continue;
    if (names.has(env.name)) {
      problems.push(`environment "${env.name}" is defined twice: environment names must be unique (they become stack names and state keys)`);
    }
    names.add(env.name);
    problems.push(...validateEnvironment(env));
    // A host name has one owner across environments too: both would write its DNS record.
    for (const claim of hostClaims(env)) {
      const other = hosts.get(claim.host);
      if (other && other.env !== env.name) {
        problems.push(`environment "${env.name}": ${claim.field} claims the host name "${claim.host}" for ${claim.owner}, which environment "${other.env}" serves too (${other.claim.field}, ${other.claim.owner}): give each environment its own domain, aliases and hosts`);
      } else if (!other) hosts.set(claim.host, { env: env.name, claim });
    }
    const state = stateLocation(env);
    const other = states.get(state);
    if (other && other !== env.name) problems.push(`environment "${env.name}": state uses ${state}, the same state as environment "${other}": give it its own state.key or workspace (one would overwrite the other)`);
    states.set(state, env.name);
  }
  if (problems.length === 0) problems.push(...crossEnvironmentDeliveryProblems(envs), ...crossEnvironmentAdoptionProblems(envs), ...crossEnvironmentEmailProblems(envs));
  if (problems.length > 0) throw new ConfigError(problems);
}

/**
 * Delivery across environments: the deploy role of an environment is scoped to the name prefix
 * `<project>-<env>-`, so no environment's prefix may begin another's (`staging` and `staging-eu`
 * would let staging's role change staging-eu); and an account holds one GitHub OIDC provider, so
 * its environments must agree on whether the bootstrap stack creates it or which one they reuse.
 */
export function crossEnvironmentDeliveryProblems(envs: EnvironmentConfig[]): string[] {
  const problems: string[] = [];
  const withDelivery = envs.filter((e) => e.delivery);
  for (const a of withDelivery) {
    for (const b of envs) {
      if (a !== b && a.accountId === b.accountId && `${b.project}-${b.name}-`.startsWith(`${a.project}-${a.name}-`)) {
        problems.push(`environment "${b.name}": its resource names start with "${a.project}-${a.name}-", the prefix the deploy role of environment "${a.name}" may change: rename one of them (e.g. "${a.name}" and "${b.name.replace(`${a.name}-`, '')}-${a.name}")`);
      }
    }
  }
  // Two deploy roles trusting one GitHub environment would let one approval (or none) deploy both.
  const trusted = new Map<string, string>();
  for (const env of withDelivery) {
    const gh = env.delivery!.github;
    const key = `${gh.repository.toLowerCase()}:${gh.environment.toLowerCase()}`;
    const other = trusted.get(key);
    if (other) problems.push(`environment "${env.name}": delivery.github.environment is "${gh.environment}" of ${gh.repository}, which environment "${other}" already deploys from: give each environment its own GitHub environment (e.g. "${env.name}")`);
    else trusted.set(key, env.name);
  }
  const providers = new Map<string, { env: string; arn: string | undefined }>();
  for (const env of withDelivery) {
    const arn = env.delivery!.github.oidcProviderArn;
    const first = providers.get(env.accountId);
    if (!first) providers.set(env.accountId, { env: env.name, arn });
    else if (first.arn !== arn) {
      const says = (x: string | undefined) => (x ? `reuses ${x}` : 'lets the bootstrap stack create it');
      problems.push(`environment "${env.name}": delivery.github.oidcProviderArn ${says(arn)}, but environment "${first.env}" in the same account ${says(first.arn)}: an account holds one GitHub OIDC provider, give both the same value`);
    }
  }
  return problems;
}

/** Every problem of one environment on its own: shape first, then meaning (only for a well-formed config). */
export function environmentProblems(env: EnvironmentConfig): string[] {
  const structural = structuralProblems(env);
  return structural.length > 0 ? structural : validateEnvironment(env);
}

// ------------------------------------------------------------------------------------------
// Shape: unknown keys (with the closest valid name) and wrong types, from the zod schema.

const fieldPath = (path: PropertyKey[]) => path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '');
const show = (v: unknown) => (v === undefined ? 'missing' : typeof v === 'string' ? `"${v}"` : JSON.stringify(v));
const valueAt = (root: unknown, path: PropertyKey[]) => path.reduce<any>((v, k) => (v === null || v === undefined ? undefined : v[k as any]), root);

/** The keys an object schema allows at `path` (for a discriminated union, the option the data selects). */
function keysAt(schema: z.ZodType, path: PropertyKey[], data: unknown): string[] {
  let current: any = schema;
  const walk = [...path];
  let here: unknown = data;
  for (;;) {
    const type = current?.def?.type;
    if (type === 'optional' || type === 'default' || type === 'nullable') current = current.unwrap();
    else if (type === 'union') {
      const options: any[] = current.options;
      const chosen = options.find((o) => o.safeParse(here).success || Object.entries(o.shape ?? {}).every(([k, s]: [string, any]) => s.def?.type !== 'literal' || s.def.values.includes((here as any)?.[k])));
      if (!chosen) return [...new Set(options.flatMap((o) => Object.keys(o.shape ?? {})))];
      current = chosen;
    } else if (walk.length === 0) return type === 'object' ? Object.keys(current.shape) : [];
    else {
      const key = walk.shift()!;
      here = (here as any)?.[key as any];
      if (type === 'object') current = current.shape[key as string];
      else if (type === 'array') current = current.element;
      else if (type === 'record') current = current.valueType;
      else return [];
    }
  }
}

function unknownKeyMessage(key: string, valid: string[]): string {
  const guess = valid.length > 0 ? closest(key, valid) : undefined;
  const close = guess !== undefined && distance(key.toLowerCase(), guess.toLowerCase()) <= Math.max(2, Math.floor(key.length / 3));
  return close
    ? `is an unknown field: did you mean "${guess}"? Rename it (valid fields here: ${valid.join(', ')})`
    : `is an unknown field: remove it (valid fields here: ${valid.join(', ')})`;
}

/** Unknown keys and wrong types anywhere in one environment, each with its field and the fix. */
export function structuralProblems(env: EnvironmentConfig): string[] {
  const label = typeof (env as any)?.name === 'string' ? (env as any).name : '?';
  const parsed = environmentSchema.safeParse(env, { reportInput: true });
  if (parsed.success) return [];
  return parsed.error.issues.flatMap((issue) => {
    const at = (field: string, message: string) => `environment "${label}": ${field} ${message}`;
    const path = issue.path;
    if (issue.code === 'unrecognized_keys') {
      const valid = keysAt(environmentSchema, path, env);
      return issue.keys.map((key) => at(fieldPath([...path, key]), unknownKeyMessage(key, valid)));
    }
    const input = valueAt(env, path);
    if (issue.code === 'invalid_value') return [at(fieldPath(path), `is ${show(input)}: use one of ${issue.values.map((v) => show(v)).join(', ')}`)];
    if (issue.code === 'invalid_union' && path[path.length - 1] === 'backend') {
      return [at(fieldPath(path), `is ${show(input)}: use "s3" (with bucket and region) or "cloud" (with organization)`)];
    }
    if (issue.code === 'invalid_type') {
      const expected = issue.expected === 'number' ? 'a number' : issue.expected === 'array' ? 'a list' : `a ${issue.expected}`;
      return [at(fieldPath(path), input === undefined ? `is missing: set it (${expected})` : `is ${show(input)}: expected ${expected}`)];
    }
    return [at(fieldPath(path), issue.message)];
  });
}

// ------------------------------------------------------------------------------------------
// Meaning: ranges, cross-field rules, production guard rails, AWS naming rules.

/** Returns the problems of one structurally valid environment (empty when valid). */
export function validateEnvironment(env: EnvironmentConfig): string[] {
  const problems: string[] = [];
  const fail = (field: string, message: string) => problems.push(`environment "${env.name}": ${field} ${message}`);

  if (!SLUG.test(env.name) || env.name.length > 12) {
    fail('name', `is "${env.name}": use 2-12 lowercase letters, digits or single dashes (e.g. "staging")`);
  }
  if (!SLUG.test(env.project) || env.project.length > 12) {
    fail('project', `is "${env.project}": use 2-12 lowercase letters, digits or single dashes; it prefixes every resource name`);
  }
  const regionKnown = Boolean(REGIONS[env.region]);
  if (!regionKnown) {
    const reason = unsupportedPartitionReason(env.region);
    if (reason) fail('region', `is "${env.region}": not supported, because ${reason}; use a commercial region such as "eu-west-1"`);
    else fail('region', `is "${env.region}", which is not an AWS region this project knows: use one of ${SUPPORTED_REGIONS.join(', ')} (or add it to src/config/regions.ts)`);
  }
  if (!/^\d{12}$/.test(env.accountId)) fail('accountId', `is "${env.accountId}": use the 12-digit id of the AWS account this environment lives in`);

  // Remote state
  const state = env.state;
  if (state.backend === 's3') {
    if (!REGIONS[state.region]) fail('state.region', `is "${state.region}": use the region of the state bucket, e.g. "eu-west-1"`);
    if (state.key !== undefined && !/^[^/].*\.tfstate$/.test(state.key)) fail('state.key', `is "${state.key}": use a relative key ending in .tfstate, e.g. "webapp/prod/terraform.tfstate"`);
  } else if (!state.organization) {
    fail('state.organization', 'is empty: name your Terraform Cloud organization');
  }

  // Domain and DNS
  const domain = env.domain;
  if (!isValidDomain(domain.name)) {
    fail('domain.name', `is "${domain.name}": use a lowercase DNS name such as "example.com" (no scheme, no trailing dot)`);
  }
  for (const alias of domain.appAliases) {
    if (!HOST_LABEL.test(alias)) fail('domain.appAliases', `contains "${alias}": use single DNS labels such as "www"`);
  }
  if (new Set(domain.appAliases).size !== domain.appAliases.length) fail('domain.appAliases', 'lists a name twice: remove the duplicate');
  // The label taken by an app alias or a service host too is found with every host claim (validateWorkloads).
  if (!HOST_LABEL.test(domain.staticLabel)) fail('domain.staticLabel', `is "${domain.staticLabel}": use a single DNS label such as "static"`);
  const dns = domain.dns;
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

  // Network
  const net = env.network;
  const cidr = net.cidr === undefined ? undefined : parseCidr(net.cidr);
  if (net.existing && net.cidr !== undefined) {
    fail('network.cidr', `is set together with network.existing: an adopted VPC keeps its own CIDR; remove network.cidr (or network.existing, to create a new VPC)`);
  } else if (cidr === undefined) {
    if (!net.existing) fail('network.cidr', 'is missing: give the VPC a private CIDR such as "10.20.0.0/16", or adopt a VPC with network.existing (docs/migrating.md)');
  } else if (typeof cidr === 'string') {
    fail('network.cidr', `${cidr}: use a private range such as "10.0.0.0/16"`);
  } else if (cidr.prefix < 16 || cidr.prefix > 24) {
    fail('network.cidr', `"${net.cidr}" is a /${cidr.prefix}: AWS VPCs are /16 to /28 and the derived subnets need at least a /24; use a /16 to /24`);
  } else if (!isPrivateCidr(net.cidr!)) {
    fail('network.cidr', `"${net.cidr}" is not a private range: use part of 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 (RFC 1918) or 100.64.0.0/10, e.g. "10.20.0.0/16"`);
  }
  if (!Number.isInteger(net.azCount) || net.azCount < 2 || net.azCount > 3) {
    fail('network.azCount', `is ${net.azCount}: use 2 or 3 (the load balancer and database need subnets in at least two AZs)`);
  } else if (regionKnown && !net.existing) {
    // An adopted VPC's zones are its subnets' (checked at plan time, modules/existing-network.ts).
    const zones = net.availabilityZones;
    const prefix = azIdPrefix(env.region);
    const isId = (z: string) => new RegExp(`^${prefix}-az\\d+$`).test(z);
    const isName = (z: string) => new RegExp(`^${env.region}[a-z]$`).test(z);
    if (zones.length !== net.azCount) {
      const available = REGIONS[env.region].azIds;
      fail('network.availabilityZones', zones.length === 0 || zones.length < net.azCount && available.length < net.azCount
        ? `has ${zones.length} zones but azCount is ${net.azCount}: ${env.region} has ${available.length} default zones (${available.join(', ')}); lower azCount or list the zones`
        : `has ${zones.length} zones but azCount is ${net.azCount}: list exactly ${net.azCount} (e.g. ${available.slice(0, net.azCount).map((z) => `"${z}"`).join(', ')})`);
    }
    const bad = zones.filter((z) => !isId(z) && !isName(z));
    if (bad.length > 0) fail('network.availabilityZones', `contains ${bad.map((z) => `"${z}"`).join(', ')}: use zone IDs of ${env.region} ("${prefix}-az1") or names ("${env.region}a")`);
    else if (zones.some(isId) && zones.some(isName)) fail('network.availabilityZones', 'mixes zone IDs and names: use one kind (IDs are the same zones in every account)');
    if (new Set(zones).size !== zones.length) fail('network.availabilityZones', 'lists a zone twice: each subnet pair needs its own zone');
  }
  if (env.production && net.natMode === 'single' && !net.existing) {
    fail('network.natMode', 'is "single" in a production environment: one NAT gateway is one AZ\'s outage away from cutting every task off; use "perAz" (or "none" for no internet egress at all)');
  }

  // Database
  const db = env.database;
  const dbVersion = db.engineVersion;
  if (/^\d+\.\d+$/.test(dbVersion)) {
    fail('database.engineVersion', `is "${dbVersion}": pin the major version only ("${dbVersion.split('.')[0]}"): RDS upgrades minor versions itself (automatic minor upgrades, forced ones at end of support), and a pinned minor makes every later plan try to downgrade`);
  } else if (!/^\d+$/.test(dbVersion)) {
    fail('database.engineVersion', `is "${dbVersion}": use a Postgres major version such as "17"`);
  } else if (Number(dbVersion) < POSTGRES_MIN_MAJOR) {
    fail('database.engineVersion', `is "${dbVersion}": Postgres ${dbVersion} is out of RDS standard support; use ${POSTGRES_MIN_MAJOR} or newer`);
  }
  if (RDS_CLASS_MEMORY_GIB[db.instanceClass] === undefined) {
    fail('database.instanceClass', `is "${db.instanceClass}", a class this project cannot size (alarm thresholds derive from its memory): use one of db.t4g.*, db.m7g.*, db.r7g.* ... or add it to src/config/instance-classes.ts`);
  }
  if (!Number.isInteger(db.allocatedStorage) || db.allocatedStorage < POSTGRES_MIN_STORAGE_GIB || db.allocatedStorage > 65536) {
    fail('database.allocatedStorage', `is ${db.allocatedStorage} GiB: RDS Postgres on gp3 needs ${POSTGRES_MIN_STORAGE_GIB} to 65536 GiB`);
  } else if (!(db.maxAllocatedStorage > db.allocatedStorage) || db.maxAllocatedStorage > 65536) {
    fail('database.maxAllocatedStorage', `is ${db.maxAllocatedStorage} GiB: set it above allocatedStorage (${db.allocatedStorage}) and at most 65536 to let storage autoscale`);
  }
  const minBackup = env.production ? 7 : 1;
  if (!Number.isInteger(db.backupRetentionDays) || db.backupRetentionDays < minBackup || db.backupRetentionDays > 35) {
    fail('database.backupRetentionDays', `is ${db.backupRetentionDays}: use ${minBackup} to 35 days${env.production ? ' (production keeps at least a week)' : ''}`);
  }
  if (env.production && !db.multiAz) fail('database.multiAz', 'is false in a production environment: set it to true so a failed AZ does not take the database down');
  if (env.production && !db.deletionProtection) fail('database.deletionProtection', 'is false in a production environment: set it to true');
  if (!PG_IDENTIFIER.test(db.databaseName) || ['postgres', 'template0', 'template1', 'rdsadmin'].includes(db.databaseName)) {
    fail('database.databaseName', `is "${db.databaseName}": start with a letter, then letters, digits or underscores (max 63), not a system database`);
  }
  for (const field of ['masterUsername', 'appUsername'] as const) {
    const user = db[field];
    if (!PG_IDENTIFIER.test(user) || RESERVED_DB_USERS.includes(user.toLowerCase()) || /^(pg_|rds)/i.test(user)) {
      fail(`database.${field}`, `is "${user}": start with a letter, then letters, digits or underscores, and avoid reserved names (${RESERVED_DB_USERS.join(', ')}, pg_*, rds*)`);
    }
  }
  if (db.masterUsername.toLowerCase() === db.appUsername.toLowerCase()) {
    fail('database.appUsername', `is "${db.appUsername}", the same as masterUsername: the app must not use the master user (its password rotates); pick another name such as "app"`);
  }

  // Cache
  const cache = env.cache;
  if (!/^\d+\.\d+$/.test(cache.engineVersion)) {
    fail('cache.engineVersion', `is "${cache.engineVersion}": use MAJOR.MINOR such as "7.1": ElastiCache applies patch versions itself, so a pinned patch would make plans try to go back`);
  }
  if (CACHE_NODE_MEMORY_GIB[cache.nodeType] === undefined) {
    fail('cache.nodeType', `is "${cache.nodeType}", a node type this project cannot size: use one of cache.t4g.*, cache.m7g.*, cache.r7g.* ... or add it to src/config/instance-classes.ts`);
  }
  if (!Number.isInteger(cache.nodeCount) || cache.nodeCount < 1 || cache.nodeCount > 6) {
    fail('cache.nodeCount', `is ${cache.nodeCount}: use 1 to 6 (one primary plus up to five replicas)`);
  } else if (env.production && cache.nodeCount < 2) {
    fail('cache.nodeCount', `is ${cache.nodeCount} in a production environment: use at least 2 for automatic failover across AZs`);
  }
  if (!Number.isInteger(cache.snapshotRetentionDays) || cache.snapshotRetentionDays < 1 || cache.snapshotRetentionDays > 35) {
    fail('cache.snapshotRetentionDays', `is ${cache.snapshotRetentionDays}: keep snapshots 1 to 35 days`);
  }

  // Assets
  if (!Number.isInteger(env.assets.mediaNoncurrentVersionDays) || env.assets.mediaNoncurrentVersionDays < 1) {
    fail('assets.mediaNoncurrentVersionDays', `is ${env.assets.mediaNoncurrentVersionDays}: use a whole number of days, at least 1`);
  }

  // Load balancer
  const lb = env.loadBalancer;
  if (!Number.isInteger(lb.deregistrationDelay) || lb.deregistrationDelay < 0 || lb.deregistrationDelay > 3600) {
    fail('loadBalancer.deregistrationDelay', `is ${lb.deregistrationDelay}: use 0 to 3600 seconds`);
  }
  if (env.production && !(lb.deletionProtection && lb.accessLogs)) {
    fail(`loadBalancer.${lb.deletionProtection ? 'accessLogs' : 'deletionProtection'}`, 'is false in a production environment: set it to true (FSBP ELB.5/ELB.6)');
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
  const web = compute.web;
  sizing('compute.web', web);
  if (env.production && web.minCount < 2) fail('compute.web.minCount', `is ${web.minCount} in a production environment: run at least 2 tasks so one AZ can fail`);
  if (!Number.isInteger(web.containerPort) || web.containerPort < 1 || web.containerPort > 65535) {
    fail('compute.web.containerPort', `is ${web.containerPort}: use a TCP port such as 8000`);
  }
  if (!/^\/[\w\-./]*$/.test(web.healthCheckPath) || web.healthCheckPath.length > 1024) fail('compute.web.healthCheckPath', `is "${web.healthCheckPath}": use an absolute path such as "/healthz" (no query string)`);
  if (!(web.cpuTarget > 0 && web.cpuTarget <= 100)) fail('compute.web.cpuTarget', `is ${web.cpuTarget}: use a percentage between 1 and 100`);
  if (!(web.requestsPerTarget > 0)) fail('compute.web.requestsPerTarget', `is ${web.requestsPerTarget}: use a positive request count`);
  compute.workers.forEach((w, i) => {
    const field = `compute.workers[${i}]`;
    if (w.command.length === 0) fail(`${field}.command`, 'is empty: give the worker its own command, e.g. ["celery", "-A", "app", "worker"]');
    sizing(field, w);
    if (!(w.cpuTarget > 0 && w.cpuTarget <= 100)) fail(`${field}.cpuTarget`, `is ${w.cpuTarget}: use a percentage between 1 and 100`);
  });
  if (env.production && compute.fargateSpot) {
    fail('compute.fargateSpot', 'is true in a production environment: Spot tasks can be interrupted at two minutes\' notice; use it for non-prod only');
  }
  if (!LOG_RETENTION_DAYS.includes(compute.logRetentionDays)) {
    fail('compute.logRetentionDays', `is ${compute.logRetentionDays}: CloudWatch accepts ${LOG_RETENTION_DAYS.join(', ')}`);
  }
  if (!Number.isInteger(compute.keepImages) || compute.keepImages < 1) fail('compute.keepImages', `is ${compute.keepImages}: keep at least 1 image`);
  // Plain variables: the environment's, and each process's own (over them).
  const secretVariables = new Set([...compute.secrets, ...Object.keys(compute.externalSecrets)]);
  const variables = (map: Record<string, string>, prefix: string) => {
    for (const [key, value] of Object.entries(map)) {
      const field = `${prefix}.${key}`;
      if (!ENV_VAR.test(key)) fail(field, 'is not a valid variable name: use letters, digits and underscores');
      else if (CONTRACT_VARIABLES.includes(key)) fail(field, 'is set by the stack itself (the app contract): remove it');
      else if (SECRET_LOOKING_NAME.test(key)) {
        fail(field, 'looks like a secret: plain environment ends up in the task definition; declare it as a secret instead');
      } else if (prefix !== 'compute.environment' && secretVariables.has(key)) fail(field, `is "${key}", also a declared secret: keep one of them`);
      const carried = SECRET_LOOKING_VALUES.find(([pattern]) => pattern.test(value));
      if (carried) fail(field, `holds ${carried[1]}: plain environment ends up in the task definition and in state; declare it as a secret instead and set its value out of band`);
    }
  };
  variables(compute.environment, 'compute.environment');
  variables(compute.web.environment, 'compute.web.environment');
  (['services', 'internalServices', 'workers'] as const).forEach((kind) => compute[kind].forEach((p, i) => variables(p.environment, `compute.${kind}[${i}].environment`)));

  validateWorkloads(env, fail);
  validateEmail(env, fail);

  // Secrets of your own
  const declared = new Set<string>();
  const secretNames = [...compute.secrets.map((n, i) => ({ n, field: `compute.secrets[${i}]` })), ...Object.keys(compute.externalSecrets).map((n) => ({ n, field: `compute.externalSecrets.${n}` }))];
  for (const { n, field } of secretNames) {
    if (!ENV_VAR.test(n)) fail(field, `is "${n}": a secret is injected as an environment variable; use letters, digits and underscores (e.g. "STRIPE_API_KEY")`);
    else if (CONTRACT_VARIABLES.includes(n)) fail(field, `is "${n}", which the stack provides itself (the app contract): pick another name`);
    else if (n in compute.environment) fail(field, `is "${n}", also a plain variable in compute.environment: keep one of them`);
    if (declared.has(n)) fail(field, `declares "${n}" twice: each secret once`);
    declared.add(n);
  }
  const partition = regionKnown ? partitionOf(env.region) : 'aws';
  const secretArn = new RegExp(`^arn:${partition}:secretsmanager:[a-z0-9-]+:\\d{12}:secret:[A-Za-z0-9/_+=.@-]+(:[^:]*:[^:]*:[^:]*)?$`);
  // An SSM parameter (String or SecureString) by ARN: ECS reads it with ssm:GetParameters.
  const parameterArn = new RegExp(`^arn:${partition}:ssm:[a-z0-9-]+:\\d{12}:parameter/[A-Za-z0-9_.\\-/]+$`);
  for (const [name, ref] of Object.entries(compute.externalSecrets)) {
    if (!secretArn.test(ref) && !parameterArn.test(ref)) {
      fail(`compute.externalSecrets.${name}`, `is "${ref}": give the secret's ARN (arn:${partition}:secretsmanager:<region>:<account>:secret:<name>-AbCdEf, or without the -AbCdEf suffix; optionally with ":<json-key>::") or an SSM parameter ARN (arn:${partition}:ssm:<region>:<account>:parameter/<name>)`);
    }
  }

  // Release
  if (env.release.migrationCommand.length === 0 || env.release.migrationCommand.some((a) => typeof a !== 'string' || a === '')) {
    fail('release.migrationCommand', 'is empty: give the command that migrates the database, e.g. ["python", "manage.py", "migrate", "--noinput"]');
  }
  if (!Number.isInteger(env.release.migrationTimeoutMinutes) || env.release.migrationTimeoutMinutes < 1 || env.release.migrationTimeoutMinutes > 24 * 60) {
    fail('release.migrationTimeoutMinutes', `is ${env.release.migrationTimeoutMinutes}: use 1 to 1440 minutes`);
  }

  // Monitoring
  const mon = env.monitoring;
  for (const severity of ['critical', 'warning'] as const) {
    mon[severity].emails.forEach((email, i) => {
      if (!EMAIL.test(email)) fail(`monitoring.${severity}.emails[${i}]`, `is "${email}": use an e-mail address such as "oncall@example.com"`);
    });
    mon[severity].topicArns.forEach((topic, i) => {
      const m = /^arn:([a-z-]+):sns:([a-z0-9-]+):(\d{12}):[A-Za-z0-9_-]{1,256}$/.exec(topic);
      if (!m) fail(`monitoring.${severity}.topicArns[${i}]`, `is "${topic}": give an SNS topic ARN (arn:${regionKnown ? partitionOf(env.region) : 'aws'}:sns:<region>:<account>:<name>)`);
      else if (m[2] !== env.region) fail(`monitoring.${severity}.topicArns[${i}]`, `is in ${m[2]}: CloudWatch alarms notify topics of their own region only; use a topic in ${env.region}`);
    });
    // An alarm has at most 5 actions per state: our topic plus these.
    if (mon[severity].topicArns.length > 4) fail(`monitoring.${severity}.topicArns`, `lists ${mon[severity].topicArns.length} topics: an alarm notifies at most 5 (ours plus 4)`);
  }
  if (env.production && !mon.paging) fail('monitoring.paging', 'is false in a production environment: critical alarms of production must page someone');
  if (env.production && mon.paging && mon.critical.emails.length + mon.critical.topicArns.length === 0) {
    fail('monitoring.critical', 'has no subscriber in a production environment: add the on-call e-mail or an existing on-call topic ARN, or nobody is paged');
  }
  if (!Number.isInteger(mon.latency.p95Ms) || mon.latency.p95Ms < 10 || !Number.isInteger(mon.latency.p99Ms) || mon.latency.p99Ms < mon.latency.p95Ms) {
    fail('monitoring.latency', `is p95 ${mon.latency.p95Ms} ms / p99 ${mon.latency.p99Ms} ms: use whole milliseconds with 10 <= p95 <= p99`);
  }
  if (!(mon.errorRatePercent > 0 && mon.errorRatePercent <= 50)) fail('monitoring.errorRatePercent', `is ${mon.errorRatePercent}: use a percentage above 0 and at most 50`);
  if (!Number.isInteger(mon.minRequestsPerMinute) || mon.minRequestsPerMinute < 1) fail('monitoring.minRequestsPerMinute', `is ${mon.minRequestsPerMinute}: use a whole number of requests, at least 1`);

  // WAF
  const waf = env.waf;
  if (env.production && waf.mode === 'off') fail('waf.mode', 'is "off" in a production environment: the load balancer faces the internet; use "count" while rolling out (read the WAF log), then "block"');
  if (!Number.isInteger(waf.rateLimitPer5Min) || waf.rateLimitPer5Min < 10 || waf.rateLimitPer5Min > 2_000_000_000) fail('waf.rateLimitPer5Min', `is ${waf.rateLimitPer5Min}: WAF rate limits are 10 to 2,000,000,000 requests per 5 minutes`);
  for (const key of ['uploadPaths', 'richTextPaths'] as const) {
    waf[key].forEach((path, i) => !/^\/[A-Za-z0-9_\-./~]*$/.test(path) && fail(`waf.${key}[${i}]`, `is "${path}": use a path prefix such as "/upload/"`));
  }
  if (!LOG_RETENTION_DAYS.includes(waf.logRetentionDays)) fail('waf.logRetentionDays', `is ${waf.logRetentionDays}: CloudWatch accepts ${LOG_RETENTION_DAYS.join(', ')}`);

  // Night schedule
  if (env.schedule) {
    const sch = env.schedule;
    if (env.production) fail('schedule', 'is set in a production environment: production stays up; schedules are for staging, dev and the like');
    if (!TIME_ZONES.has(sch.timezone)) fail('schedule.timezone', `is "${sch.timezone}", not an IANA time zone: e.g. "Europe/Dublin"`);
    // A time of day on weekdays: what the scaled actions run, and what the alarms' awake window is computed from.
    const times = (['up', 'down'] as const).map((key) => {
      const problem = sch[key].startsWith('rate(') ? 'is a rate: use a cron(...) expression at a time of day' : scheduleProblem(sch[key]) ?? (typeof parseDailyCron(sch[key]) === 'string' ? (parseDailyCron(sch[key]) as string) : undefined);
      if (problem) fail(`schedule.${key}`, `"${sch[key]}" ${problem}`);
      return problem === undefined;
    });
    if (sch.up === sch.down) fail('schedule.down', 'is the same as schedule.up: give the time the environment goes to sleep');
    else if (times.every(Boolean) && TIME_ZONES.has(sch.timezone) && !awakeUtcWeek(sch).some(Boolean)) {
      fail('schedule', `is never awake for longer than the ${WAKE_UP_GRACE_MINUTES}-minute wake-up (in every UTC offset of ${sch.timezone}): give up and down hours apart`);
    }
  }

  // Delivery
  if (env.delivery) {
    const gh = env.delivery.github;
    // Trust policies are pinned: no wildcard ever reaches one.
    if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9_.-]{1,100}$/.test(gh.repository)) fail('delivery.github.repository', `is "${gh.repository}": give exactly one repository as "org/name" (no wildcard)`);
    if (!/^[A-Za-z0-9_.-][A-Za-z0-9 _.-]{0,254}$/.test(gh.environment)) fail('delivery.github.environment', `is "${gh.environment}": give the name of one GitHub environment (no wildcard), e.g. "${env.name}"`);
    if (!/^[A-Za-z0-9_.\-/]+$/.test(gh.branch) || gh.branch.includes('*')) fail('delivery.github.branch', `is "${gh.branch}": give one branch (no wildcard), e.g. "main"`);
    // Immutable subject claims: both ids or neither, each a GitHub database id (a positive integer).
    const readIds = `read them with: gh api repos/${gh.repository} --jq '.owner.id, .id'`;
    for (const key of ['ownerId', 'repositoryId'] as const) {
      const id = gh[key];
      if (id !== undefined && !(Number.isSafeInteger(id) && id > 0)) fail(`delivery.github.${key}`, `is ${id}: give GitHub's numeric id (a positive whole number; ${readIds})`);
    }
    if ((gh.ownerId === undefined) !== (gh.repositoryId === undefined)) {
      const missing = gh.ownerId === undefined ? 'ownerId' : 'repositoryId';
      fail(`delivery.github.${missing}`, `is missing while ${missing === 'ownerId' ? 'repositoryId' : 'ownerId'} is set: immutable subject claims carry both ids (repo:ORG@OWNER_ID/NAME@REPO_ID); give both (${readIds}) or neither`);
    }
    if (gh.oidcProviderArn !== undefined && !/^arn:[a-z-]+:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/.test(gh.oidcProviderArn)) {
      fail('delivery.github.oidcProviderArn', `is "${gh.oidcProviderArn}": give the ARN of the account's GitHub provider (...:oidc-provider/token.actions.githubusercontent.com) or leave it out`);
    } else if (gh.oidcProviderArn !== undefined && gh.oidcProviderArn.split(':')[4] !== env.accountId) {
      fail('delivery.github.oidcProviderArn', `belongs to account ${gh.oidcProviderArn.split(':')[4]}, not ${env.accountId}: use the provider of the environment's account`);
    }
  }

  // Tags
  for (const key of Object.keys(env.tags)) {
    if (key.toLowerCase().startsWith('aws:')) fail('tags', `has "${key}": the aws: prefix is reserved by AWS`);
    if (['project', 'environment', 'managed-by'].includes(key)) fail('tags', `sets "${key}", which the stack sets itself: remove it`);
  }

  // What the environment adopts (existing VPC, certificates, database, buckets).
  for (const p of adoptionProblems(env)) fail(p.field, p.message);

  // AWS naming rules of every resource, and collisions between them. Only when the parts are
  // sane, so one bad slug does not also produce a dozen name messages.
  if (problems.length === 0) for (const p of nameProblems(env)) fail(p.field, p.message);
  return problems;
}
