import { prod, staging } from '../src/config/environments';
import { EnvironmentConfig } from '../src/config/types';
import { expectRejected } from './helpers/config';
import { dataOf, onlyResource, resourcesOf, rulesOfGroup, securityGroupName, shipped, TfJson, withConfig } from './helpers/synth';

const ENVS = [staging, prod];
const json = (env: EnvironmentConfig): TfJson => shipped(env.name as 'staging' | 'prod');

describe('database', () => {
  test.each(ENVS)('$name: Postgres at the pinned version, gp3, encrypted, autoscaling storage, sized from config', (env) => {
    const db = onlyResource(json(env), 'aws_db_instance');
    expect(db).toMatchObject({
      identifier: `webapp-${env.name}-postgres`,
      engine: 'postgres',
      engine_version: env.database.engineVersion,
      instance_class: env.database.instanceClass,
      storage_type: 'gp3',
      storage_encrypted: true,
      allocated_storage: env.database.allocatedStorage,
      max_allocated_storage: env.database.maxAllocatedStorage,
      db_name: env.database.databaseName,
      username: env.database.username,
      publicly_accessible: false,
      copy_tags_to_snapshot: true,
      auto_minor_version_upgrade: true,
      backup_retention_period: env.database.backupRetentionDays,
      enabled_cloudwatch_logs_exports: ['postgresql', 'upgrade'],
    });
    expect(db.backup_retention_period).toBeGreaterThanOrEqual(env.production ? 7 : 1);
  });

  test.each(ENVS)('$name: master password managed by RDS in Secrets Manager, never in config or state', (env) => {
    const db = onlyResource(json(env), 'aws_db_instance');
    expect(db.manage_master_user_password).toBe(true);
    expect(db.password).toBeUndefined();
    expect(db.password_wo).toBeUndefined();
  });

  test('prod: Multi-AZ, deletion protection, final snapshot, Performance Insights, prevent_destroy', () => {
    const db = onlyResource(json(prod), 'aws_db_instance');
    expect(db).toMatchObject({
      multi_az: true,
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: 'webapp-prod-postgres-final',
      performance_insights_enabled: true,
      apply_immediately: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  test('staging: single-AZ, small, no final snapshot, destroyable', () => {
    const db = onlyResource(json(staging), 'aws_db_instance');
    expect(db).toMatchObject({ multi_az: false, deletion_protection: false, skip_final_snapshot: true, performance_insights_enabled: false, instance_class: 'db.t4g.micro' });
    expect(db.final_snapshot_identifier).toBeUndefined();
    expect(db.lifecycle?.prevent_destroy).toBeFalsy();
  });

  test.each(ENVS)('$name: parameter group of the engine family forces TLS and is the one in use', (env) => {
    const j = json(env);
    const [name, group] = resourcesOf(j, 'aws_db_parameter_group')[0];
    expect(group.family).toBe(`postgres${env.database.engineVersion.split('.')[0]}`);
    expect(group.parameter).toContainEqual(expect.objectContaining({ name: 'rds.force_ssl', value: '1' }));
    expect(onlyResource(j, 'aws_db_instance').parameter_group_name).toBe(`\${aws_db_parameter_group.${name}.name}`);
  });

  test.each(ENVS)('$name: exported logs go to log groups with retention created before the instance', (env) => {
    const j = json(env);
    const groups = resourcesOf(j, 'aws_cloudwatch_log_group').filter(([, g]) => g.name.startsWith('/aws/rds/instance/'));
    expect(groups.map(([, g]) => g.name).sort()).toEqual([`/aws/rds/instance/webapp-${env.name}-postgres/postgresql`, `/aws/rds/instance/webapp-${env.name}-postgres/upgrade`]);
    groups.forEach(([, g]) => expect(g.retention_in_days).toBe(env.compute.logRetentionDays));
    const dependsOn = onlyResource(j, 'aws_db_instance').depends_on;
    groups.forEach(([name]) => expect(dependsOn).toContain(`aws_cloudwatch_log_group.${name}`));
  });

  test.each(ENVS)('$name: in a subnet group over the private subnets only', (env) => {
    const subnets: string[] = onlyResource(json(env), 'aws_db_subnet_group').subnet_ids;
    expect(subnets).toHaveLength(env.network.azCount);
    subnets.forEach((s) => expect(s).toMatch(/aws_subnet\.network_private/));
  });

  test.each(ENVS)('$name: 5432 only from the app security groups, never from a CIDR; no egress', (env) => {
    const j = json(env);
    const rules = rulesOfGroup(j, 'ingress', `webapp-${env.name}-db`);
    const sources = rules.map((r) => securityGroupName(j, r.referenced_security_group_id)).sort();
    expect(sources).toEqual([`webapp-${env.name}-celery`, `webapp-${env.name}-task`, `webapp-${env.name}-web`].sort());
    rules.forEach((r) => {
      expect(r).toMatchObject({ from_port: 5432, to_port: 5432, ip_protocol: 'tcp' });
      expect(r.cidr_ipv4 ?? r.cidr_ipv6).toBeUndefined();
      expect(r.description).toBeTruthy();
    });
    const egress = rulesOfGroup(j, 'egress', `webapp-${env.name}-db`);
    expect(egress).toEqual([]);
  });
});

describe('cache', () => {
  test.each(ENVS)('$name: replication group with the pinned engine, encrypted at rest and in transit, AUTH token', (env) => {
    const j = json(env);
    const group = onlyResource(j, 'aws_elasticache_replication_group');
    expect(group).toMatchObject({
      replication_group_id: `webapp-${env.name}-cache`,
      engine: env.cache.engine,
      engine_version: env.cache.engineVersion,
      node_type: env.cache.nodeType,
      num_cache_clusters: env.cache.nodeCount,
      port: 6379,
      at_rest_encryption_enabled: 'true',
      transit_encryption_enabled: true,
      transit_encryption_mode: 'required',
      snapshot_retention_limit: env.cache.snapshotRetentionDays,
    });
    // The token comes from Secrets Manager's generator, is stored in a secret, and never re-set by a plan.
    const [generatorName] = dataOf(j, 'aws_secretsmanager_random_password').find(([n]) => n.startsWith('cache_auth-token'))!;
    expect(group.auth_token).toBe(`\${data.aws_secretsmanager_random_password.${generatorName}.random_password}`);
    expect(group.lifecycle.ignore_changes).toEqual(['auth_token']);
    const version = resourcesOf(j, 'aws_secretsmanager_secret_version').find(([n]) => n.startsWith('cache_auth-token'))![1];
    expect(version.secret_string).toBe(group.auth_token);
  });

  test('prod: 2+ nodes with automatic failover across AZs', () => {
    const group = onlyResource(json(prod), 'aws_elasticache_replication_group');
    expect(group.num_cache_clusters).toBeGreaterThanOrEqual(2);
    expect(group).toMatchObject({ automatic_failover_enabled: true, multi_az_enabled: true });
  });

  test('staging: one node, no failover', () => {
    const group = onlyResource(json(staging), 'aws_elasticache_replication_group');
    expect(group).toMatchObject({ num_cache_clusters: 1, automatic_failover_enabled: false, multi_az_enabled: false });
  });

  test.each(ENVS)('$name: in the private subnets; 6379 only from the app security groups', (env) => {
    const j = json(env);
    onlyResource(j, 'aws_elasticache_subnet_group').subnet_ids.forEach((s: string) => expect(s).toMatch(/aws_subnet\.network_private/));
    const rules = rulesOfGroup(j, 'ingress', `webapp-${env.name}-cache`);
    expect(rules.map((r) => securityGroupName(j, r.referenced_security_group_id)).sort()).toEqual(
      [`webapp-${env.name}-celery`, `webapp-${env.name}-task`, `webapp-${env.name}-web`].sort(),
    );
    rules.forEach((r) => {
      expect(r).toMatchObject({ from_port: 6379, to_port: 6379 });
      expect(r.cidr_ipv4 ?? r.cidr_ipv6).toBeUndefined();
    });
  });
});

describe('outputs and secrets', () => {
  test.each(ENVS)('$name: endpoints and secret ARNs are outputs; no output carries a secret value', (env) => {
    const outputs = json(env).output!;
    expect(outputs.database_endpoint.value).toMatch(/aws_db_instance\..*\.endpoint/);
    expect(outputs.database_secret_arn.value).toMatch(/aws_db_instance\..*\.master_user_secret\[0\]\.secret_arn/);
    expect(outputs.redis_primary_endpoint.value).toMatch(/aws_elasticache_replication_group\..*\.primary_endpoint_address/);
    expect(outputs.redis_auth_token_secret_arn.value).toMatch(/aws_secretsmanager_secret\..*\.arn/);
    for (const [name, output] of Object.entries(outputs)) {
      expect([name, JSON.stringify(output.value)]).not.toEqual([name, expect.stringMatching(/random_password|secret_string|auth_token|\.password/)]);
    }
  });

  test.each(ENVS)('$name: no password, token or secret literal anywhere in the synthesized JSON', (env) => {
    const secretKeys = /(password|passwd|auth_token|secret_string|secret_key|token)$/i;
    const literals: string[] = [];
    const walk = (value: unknown, path: string) => {
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
      else if (value && typeof value === 'object') Object.entries(value).forEach(([k, v]) => walk(v, `${path}.${k}`));
      else if (typeof value === 'string' && secretKeys.test(path.split('.').pop()!) && !/^\$\{[^}]+\}$/.test(value)) literals.push(`${path} = ${value}`);
    };
    walk(json(env).resource, 'resource');
    expect(literals).toEqual([]);
    // And no value that looks like a generated credential (long random alphanumerics).
    expect(JSON.stringify(json(env))).not.toMatch(/"[A-Za-z0-9]{32,}"/);
  });
});

describe('data-tier config errors', () => {
  test.each([
    ['engine version without minor', (c: EnvironmentConfig) => (c.database.engineVersion = '17'), 'database.engineVersion', /MAJOR\.MINOR/],
    ['engine version as a word', (c: EnvironmentConfig) => (c.database.engineVersion = 'latest'), 'database.engineVersion', /MAJOR\.MINOR/],
    ['unsupported Postgres major', (c: EnvironmentConfig) => (c.database.engineVersion = '11.22'), 'database.engineVersion', /standard support/],
    ['storage below the engine minimum', (c: EnvironmentConfig) => (c.database.allocatedStorage = 10), 'database.allocatedStorage', /at least|20/],
    ['autoscaling ceiling below the initial storage', (c: EnvironmentConfig) => (c.database.maxAllocatedStorage = 10), 'database.maxAllocatedStorage', /above allocatedStorage/],
    ['cache version not pinned', (c: EnvironmentConfig) => (c.cache.engineVersion = '7.x'), 'cache.engineVersion', /explicit MAJOR\.MINOR/],
    ['unknown cache engine', (c: EnvironmentConfig) => ((c.cache as any).engine = 'memcached'), 'cache.engine', /"redis" or "valkey"/],
  ])('%s', (_label, change, field, fix) => {
    expectRejected(withConfig(staging, change), field, fix);
  });

  test('prod without Multi-AZ', () => {
    expectRejected(withConfig(prod, (c) => (c.database.multiAz = false)), 'database.multiAz', /set it to true/);
  });
});
