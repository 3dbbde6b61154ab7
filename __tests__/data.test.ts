import { prod, staging } from '../src/config/environments';
import { EnvironmentConfig } from '../src/config/types';
import { processNames } from '../src/config/names';
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
      username: env.database.masterUsername,
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
      performance_insights_enabled: true,
      apply_immediately: false,
      lifecycle: { prevent_destroy: true, ignore_changes: ['final_snapshot_identifier'] },
    });
    // Unique per instance: stamped at creation, kept by ignore_changes (a fixed name fails the second replacement).
    expect(db.final_snapshot_identifier).toBe('webapp-prod-postgres-final-${formatdate("YYYYMMDDhhmmss", plantimestamp())}');
  });

  test.each(ENVS)('$name: only the major version is pinned, so an AWS-side minor upgrade leaves the plan clean', (env) => {
    const db = onlyResource(json(env), 'aws_db_instance');
    expect(db.engine_version).toMatch(/^\d+$/);
    expect(db.auto_minor_version_upgrade).toBe(true);
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
    expect(sources).toEqual(processNames(env).map((p) => `webapp-${env.name}-${p.name}`).sort());
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
    // The token is generated into its secret outside state, and the group reads that one stored value
    // (AWSCURRENT): a replaced group, or a rotation in Secrets Manager, cannot leave the two apart.
    const [secretName] = resourcesOf(j, 'aws_secretsmanager_secret').find(([n]) => n.startsWith('cache_auth-token'))!;
    const [storedName, stored] = dataOf(j, 'aws_secretsmanager_secret_version').find(([n]) => n.startsWith('cache_auth-token'))!;
    expect(stored.secret_id).toBe(`\${aws_secretsmanager_secret.${secretName}.id}`);
    expect(stored.version_id ?? stored.version_stage).toBeUndefined();
    expect(group.auth_token).toBe(`\${data.aws_secretsmanager_secret_version.${storedName}.secret_string}`);
    expect(group.auth_token_update_strategy).toBe('ROTATE');
    expect(group.lifecycle?.ignore_changes ?? []).not.toContain('auth_token');
  });

  test('prod: the final snapshot name is unique per replication group', () => {
    const group = onlyResource(json(prod), 'aws_elasticache_replication_group');
    expect(group.final_snapshot_identifier).toBe('webapp-prod-cache-final-${formatdate("YYYYMMDDhhmmss", plantimestamp())}');
    expect(group.lifecycle.ignore_changes).toEqual(['final_snapshot_identifier']);
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
    // Every app process, but not the database-admin task (it only needs Postgres).
    expect(rules.map((r) => securityGroupName(j, r.referenced_security_group_id)).sort()).toEqual(
      processNames(env).filter((p) => p.name !== 'db-admin').map((p) => `webapp-${env.name}-${p.name}`).sort(),
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
    expect(outputs.database_master_secret_arn.value).toMatch(/aws_db_instance\..*\.master_user_secret\[0\]\.secret_arn/);
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
    // And no value that looks like a generated credential (long random alphanumerics with digits
    // and both cases; metric names such as ApproximateNumberOfMessagesVisible have no digits).
    expect(JSON.stringify(json(env))).not.toMatch(/"(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[a-z])(?=[A-Za-z0-9]*[A-Z])[A-Za-z0-9]{32,}"/);
    expect('"aB3' + 'x'.repeat(40) + '"').toMatch(/"(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[a-z])(?=[A-Za-z0-9]*[A-Z])[A-Za-z0-9]{32,}"/);
  });
});

describe('generated secrets stay out of Terraform state', () => {
  test.each(ENVS)('$name: SECRET_KEY and the Redis token are generated ephemerally and stored write-only', (env) => {
    const j = json(env) as any;
    const generators = Object.entries(j.ephemeral?.aws_secretsmanager_random_password ?? {});
    expect(generators).toHaveLength(2);
    const versions = resourcesOf(j, 'aws_secretsmanager_secret_version');
    expect(versions).toHaveLength(2);
    for (const [, version] of versions) {
      expect(version.secret_string).toBeUndefined();
      expect(version.secret_string_wo).toMatch(/^\$\{ephemeral\.aws_secretsmanager_random_password\.[\w]+\.random_password\}$/);
      expect(version.secret_string_wo_version).toBe(1);
    }
    // The random-password *data source* (whose result is stored in state) is gone.
    expect(dataOf(j, 'aws_secretsmanager_random_password')).toEqual([]);
  });
});

describe('database credentials: IAM authentication for the app, the master user for the admin task only', () => {
  const containers = (j: TfJson) =>
    resourcesOf(j, 'aws_ecs_task_definition').map(([, td]) => ({ family: td.family as string, c: JSON.parse(td.container_definitions)[0], td }));

  test.each(ENVS)('$name: no app container gets a database password; they log in as the app role with DATABASE_AUTH=iam', (env) => {
    const apps = containers(json(env)).filter((x) => !x.family.endsWith('-db-admin'));
    expect(apps.length).toBeGreaterThanOrEqual(3);
    for (const { c } of apps) {
      const vars = Object.fromEntries(c.environment.map((e: any) => [e.name, e.value]));
      expect(vars).toMatchObject({ DATABASE_USER: env.database.appUsername, DATABASE_AUTH: 'iam' });
      expect(c.secrets.map((s: any) => s.name)).not.toContain('DATABASE_PASSWORD');
      expect(JSON.stringify(c)).not.toMatch(/master_user_secret/);
    }
  });

  test.each(ENVS)('$name: the task roles may connect as exactly the app role of this instance', (env) => {
    const j = json(env);
    const dbName = resourcesOf(j, 'aws_db_instance')[0][0];
    const connect = resourcesOf(j, 'aws_iam_role_policy')
      .flatMap(([, p]) => JSON.parse(p.policy).Statement)
      .filter((s: any) => [s.Action].flat().includes('rds-db:connect'));
    expect(connect.length).toBeGreaterThanOrEqual(3);
    for (const s of connect) {
      expect(s.Resource).toBe(`arn:aws:rds-db:${env.region}:${env.accountId}:dbuser:\${aws_db_instance.${dbName}.resource_id}/${env.database.appUsername}`);
    }
  });

  test.each(ENVS)('$name: only the database-admin execution role reads the rotating master secret, fresh at each start', (env) => {
    const j = json(env);
    const readers = resourcesOf(j, 'aws_iam_role_policy').filter(([, p]) => p.policy.includes('master_user_secret'));
    expect(readers).toHaveLength(1);
    expect(readers[0][1].role).toMatch(/database-admin/);
    const admin = containers(j).find((x) => x.family === `webapp-${env.name}-db-admin`)!;
    expect(admin.c.secrets).toEqual([{ name: 'PGPASSWORD', valueFrom: expect.stringMatching(/master_user_secret\[0\]\.secret_arn\}:password::$/) }]);
    const vars = Object.fromEntries(admin.c.environment.map((e: any) => [e.name, e.value]));
    expect(vars).toMatchObject({ PGUSER: env.database.masterUsername, PGDATABASE: env.database.databaseName, PGSSLMODE: 'require' });
    expect(vars.DB_SETUP_SQL).toMatch(/GRANT rds_iam TO "app";/);
    expect(admin.c.command.join(' ')).toMatch(/psql/);
    // The Postgres client image of the instance's major, through the ECR Public pull-through cache.
    expect(admin.c.image).toBe(`${env.accountId}.dkr.ecr.${env.region}.amazonaws.com/webapp-${env.name}-pub/docker/library/postgres:${env.database.engineVersion}-alpine`);
  });
});

describe('data-tier config errors', () => {
  test.each([
    ['storage below the engine minimum', (c: EnvironmentConfig) => (c.database.allocatedStorage = 10), 'database.allocatedStorage', /at least|20/],
    ['autoscaling ceiling below the initial storage', (c: EnvironmentConfig) => (c.database.maxAllocatedStorage = 10), 'database.maxAllocatedStorage', /above allocatedStorage/],
    ['cache version not pinned', (c: EnvironmentConfig) => (c.cache.engineVersion = '7.x'), 'cache.engineVersion', /MAJOR\.MINOR/],
    ['unknown cache engine', (c: EnvironmentConfig) => ((c.cache as any).engine = 'memcached'), 'cache.engine', /"redis", "valkey"/],
  ])('%s', (_label, change, field, fix) => {
    expectRejected(withConfig(staging, change), field, fix);
  });

  test('prod without Multi-AZ', () => {
    expectRejected(withConfig(prod, (c) => (c.database.multiAz = false)), 'database.multiAz', /set it to true/);
  });
});
