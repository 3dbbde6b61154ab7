import { defineEnvironment } from '../src/config/defaults';
import { prod, staging } from '../src/config/environments';
import { EnvironmentConfig } from '../src/config/types';
import { environmentProblems, validateEnvironments } from '../src/config/validate';
import { deployPolicies } from '../src/delivery/deploy-permissions';
import { workloadBoundaryStatements } from '../src/delivery/boundary';
import { EXISTING, adoptingEverything, restoring } from './helpers/adoption';
import { expectRejected } from './helpers/config';
import { dataOf, onlyResource, resourcesOf, shipped, synthEnv, synthEnvOnce, TfJson, withConfig, emailAt } from './helpers/synth';

/**
 * Moving a live app in (docs/migrating.md): an existing VPC, existing certificates, a database
 * restored from a snapshot or adopted whole, existing buckets. What the config alone can tell fails
 * at synth (validation); what only AWS knows fails the plan through data-source postconditions
 * that name the config field; adopted objects are imported, never created, never destroyed.
 * The emulator e2e (__tests__/e2e/adopt.e2e.test.ts) applies the adopting environment.
 */

type Postcondition = { condition: string; error_message: string };
const postconditions = (body: any): Postcondition[] => body.lifecycle?.postcondition ?? [];
const imports = (json: TfJson) => ((json as any).import ?? []) as { to: string; id: string }[];
const data = (json: TfJson, type: string, name: RegExp) => {
  const found = dataOf(json, type).filter(([n]) => name.test(n));
  if (found.length !== 1) throw new Error(`expected one data.${type} matching ${name}, found ${found.map(([n]) => n).join(', ') || 'none'}`);
  return found[0][1];
};
/** The message of the postcondition whose condition matches, for asserting both at once. */
const messageFor = (body: any, condition: RegExp) => {
  const found = postconditions(body).filter((p) => condition.test(p.condition));
  if (found.length !== 1) throw new Error(`expected one postcondition matching ${condition}, got ${postconditions(body).map((p) => p.condition).join(' | ')}`);
  return found[0].error_message;
};

describe('an existing VPC (network.existing)', () => {
  const json = synthEnvOnce(adoptingEverything(prod));
  const staged = synthEnv(withConfig(adoptingEverything(staging), (c) => (c.network.natMode = 'none')));

  test('creates nothing of the network: no VPC, subnets, routes, NAT, internet gateway or flow logs', () => {
    for (const type of ['aws_vpc', 'aws_subnet', 'aws_route_table', 'aws_route', 'aws_route_table_association', 'aws_nat_gateway', 'aws_eip', 'aws_internet_gateway', 'aws_flow_log', 'aws_default_security_group']) {
      expect([type, resourcesOf(json, type).length]).toEqual([type, 0]);
    }
    expect(resourcesOf(json, 'aws_cloudwatch_metric_alarm').filter(([, a]) => a.namespace === 'AWS/NATGateway')).toEqual([]);
  });

  test('everything lands in the given subnets: load balancer public, tasks, database and cache private', () => {
    const privateRefs = (list: string[]) => list.every((s) => /^\$\{data\.aws_subnet\.network_existing-private-\d_\w+\.id\}$/.test(s));
    expect(onlyResource(json, 'aws_lb').subnets.every((s: string) => /data\.aws_subnet\.network_existing-public-\d/.test(s))).toBe(true);
    expect(onlyResource(json, 'aws_lb').subnets).toHaveLength(3);
    expect(privateRefs(onlyResource(json, 'aws_elasticache_subnet_group').subnet_ids)).toBe(true);
    for (const [, service] of resourcesOf(json, 'aws_ecs_service')) expect(privateRefs(service.network_configuration.subnets)).toBe(true);
    const subnets = dataOf(json, 'aws_subnet').map(([, b]) => b.id).sort();
    expect(subnets).toEqual([...EXISTING.publicSubnetIds, ...EXISTING.privateSubnetIds].sort());
    // Security groups go into the adopted VPC, read by id.
    for (const [, group] of resourcesOf(json, 'aws_security_group')) expect(group.vpc_id).toMatch(/^\$\{element\(data\.aws_vpcs\.network_existing-vpc_\w+\.ids, 0\)\}$/);
  });

  test('a missing VPC or subnet fails the plan naming the field, before any per-subnet lookup', () => {
    const vpcs = data(json, 'aws_vpcs', /existing-vpc/);
    expect(vpcs.filter).toEqual([{ name: 'vpc-id', values: [EXISTING.vpcId] }]);
    expect(messageFor(vpcs, /length\(self\.ids\) == 1/)).toMatch(/^network\.existing\.vpcId: there is no VPC vpc-0a1b2c3d4e5f67890 in account 123456789012, region eu-west-1/);
    const list = data(json, 'aws_subnets', /existing-subnets/);
    expect(list.filter[0].values).toHaveLength(6);
    expect(messageFor(list, /length\(self\.ids\) == 6/)).toMatch(/^network\.existing: subnet\(s\) \$\{join\(", ", tolist\(setsubtract\(\[.*\], self\.ids\)\)\)\} not found/);
    for (const [, subnet] of dataOf(json, 'aws_subnet')) expect(subnet.depends_on).toEqual([expect.stringMatching(/^data\.aws_subnets\.network_existing-subnets/)]);
  });

  test('each subnet must be in the VPC, one per zone, private zones those of the load balancer', () => {
    const first = data(json, 'aws_subnet', /existing-private-0/);
    expect(messageFor(first, /self\.vpc_id == "vpc-0a1b2c3d4e5f67890"/)).toMatch(/^network\.existing\.privateSubnetIds\[0\]: subnet subnet-0bbb0000000000001 is in VPC \$\{self\.vpc_id\}, not in network\.existing\.vpcId/);
    expect(messageFor(first, /contains\(\[data\.aws_subnet\.network_existing-public-0_\w+\.availability_zone, .*public-2.*\], self\.availability_zone\)/)).toMatch(/load balancer only sends traffic to tasks in its own zones/);
    const third = data(json, 'aws_subnet', /existing-public-2/);
    expect(messageFor(third, /!contains\(\[data\.aws_subnet\.network_existing-public-0_\w+\.availability_zone, data\.aws_subnet\.network_existing-public-1_\w+\.availability_zone\], self\.availability_zone\)/))
      .toMatch(/^network\.existing\.publicSubnetIds\[2\]: .* like an earlier subnet .*: give one subnet per availability zone/);
  });

  test('routes: public subnets reach an internet gateway; private ones never do, and route out through NAT unless natMode is none', () => {
    const publicRoutes = data(json, 'aws_route_table', /existing-public-0-routes/);
    expect(publicRoutes.route_table_id).toMatch(/^\$\{element\(concat\(data\.aws_route_tables\.network_existing-public-0-association_\w+\.ids, \[data\.aws_route_table\.network_existing-main-route-table_\w+\.id\]\), 0\)\}$/);
    expect(messageFor(publicRoutes, /> 0/)).toMatch(/no 0\.0\.0\.0\/0 route to an internet gateway/);
    const privateRoutes = data(json, 'aws_route_table', /existing-private-1-routes/);
    expect(messageFor(privateRoutes, /"igw-"\)\]\) == 0/)).toMatch(/routes 0\.0\.0\.0\/0 or ::\/0 to an internet gateway: it is a public subnet/);
    expect(messageFor(privateRoutes, /nat_gateway_id, r\.transit_gateway_id, r\.network_interface_id, r\.vpc_endpoint_id, r\.core_network_arn/)).toMatch(/has no route out .* set network\.natMode to "none"/);
    // IPv6 to an internet gateway makes a subnet public too.
    expect(postconditions(privateRoutes).find((p) => /"igw-"\)\]\) == 0/.test(p.condition))!.condition).toContain('r.ipv6_cidr_block == "::/0"');
    // Without NAT, no route out is required: the stack adds the endpoints instead.
    const isolated = data(staged, 'aws_route_table', /existing-private-1-routes/);
    expect(postconditions(isolated).some((p) => /nat_gateway_id/.test(p.condition))).toBe(false);
    expect(postconditions(isolated)).toHaveLength(1);
  });

  test('without NAT, the interface endpoints and an S3 gateway endpoint on the private route tables land in the adopted VPC', () => {
    const endpoints = resourcesOf(staged, 'aws_vpc_endpoint');
    const gateway = endpoints.find(([, e]) => e.vpc_endpoint_type === 'Gateway')![1];
    expect(gateway.service_name).toBe('com.amazonaws.eu-west-1.s3');
    expect(gateway.route_table_ids).toMatch(/^\$\{distinct\(\[data\.aws_route_table\.network_existing-private-0-routes_\w+\.id, data\.aws_route_table\.network_existing-private-1-routes_\w+\.id\]\)\}$/);
    const interfaces = endpoints.filter(([, e]) => e.vpc_endpoint_type === 'Interface').map(([, e]) => e.service_name.split('.').slice(3).join('.'));
    expect(interfaces).toEqual(expect.arrayContaining(['ecr.api', 'ecr.dkr', 'logs', 'secretsmanager']));
    // The same addresses as in a VPC of the stack's own: switching the network keeps the endpoints' names.
    const own = synthEnv(withConfig(staging, (c) => (c.network.natMode = 'none')));
    expect(resourcesOf(staged, 'aws_vpc_endpoint').map(([n]) => n).filter((n) => /endpoint-/.test(n)).sort()).toEqual(resourcesOf(own, 'aws_vpc_endpoint').map(([n]) => n).filter((n) => /endpoint-/.test(n)).sort());
  });

  test('validation: ids, counts, both CIDR and existing, AZ list ignored', () => {
    const base = adoptingEverything(staging);
    expectRejected(withConfig(base, (c) => (c.network.existing!.vpcId = 'vpc-123')), 'network.existing.vpcId', /"vpc-" and 8 or 17 hex digits/);
    expectRejected(withConfig(base, (c) => (c.network.existing!.privateSubnetIds = ['subnet-0bbb0000000000001'])), 'network.existing.privateSubnetIds', /lists 1 subnets but network\.azCount is 2: give one subnet per availability zone/);
    expectRejected(withConfig(base, (c) => (c.network.existing!.publicSubnetIds = ['subnet-0aaa0000000000001', 'subnet-0aaa0000000000001'])), 'network.existing.publicSubnetIds', /lists a subnet twice/);
    expectRejected(withConfig(base, (c) => (c.network.existing!.privateSubnetIds = ['subnet-0aaa0000000000001', 'subnet-0bbb0000000000002'])), 'network.existing.privateSubnetIds', /repeats public subnet subnet-0aaa0000000000001/);
    expectRejected(withConfig(base, (c) => (c.network.existing!.publicSubnetIds = ['subnet-0aaa0000000000001', 'sn-2'])), 'network.existing.publicSubnetIds', /contains "sn-2": give subnet ids/);
    expectRejected(withConfig(base, (c) => (c.network.cidr = '10.9.0.0/16')), 'network.cidr', /is set together with network\.existing: an adopted VPC keeps its own CIDR/);
    expectRejected(withConfig(staging, (c) => delete c.network.cidr), 'network.cidr', /is missing: give the VPC a private CIDR .*, or adopt a VPC with network\.existing/);
    expect(environmentProblems(withConfig(base, (c) => (c.network.availabilityZones = ['nowhere-1a'])))).toEqual([]);
  });

  test('defineEnvironment: an existing VPC needs no CIDR, and flow logs default off (they are the VPC owner\'s)', () => {
    const env = defineEnvironment({
      project: 'webapp', region: 'eu-west-1', accountId: '123456789012', name: 'moved', production: true,
      domain: { name: 'moved.example.com' },
      monitoring: { critical: { emails: ['oncall@example.com'] } },
      network: { existing: { vpcId: EXISTING.vpcId, publicSubnetIds: EXISTING.publicSubnetIds, privateSubnetIds: EXISTING.privateSubnetIds } },
    });
    expect(env.network.cidr).toBeUndefined();
    expect(env.network.flowLogs).toBe(false);
    expect(environmentProblems(env)).toEqual([]);
  });
});

describe('existing certificates (domain.certificates)', () => {
  test('the side given gets no certificate and no validation records; the listener, CloudFront and the expiry alarms use the ARN', () => {
    const lbOnly = synthEnv(withConfig(staging, (c) => (c.domain.certificates = { loadBalancer: EXISTING.loadBalancerCertificate })));
    const certificates = resourcesOf(lbOnly, 'aws_acm_certificate');
    expect(certificates.map(([, c]) => c.domain_name)).toEqual(['static.staging.example.com']);
    const https = resourcesOf(lbOnly, 'aws_lb_listener').find(([, l]) => l.protocol === 'HTTPS')![1];
    expect(https.certificate_arn).toBe(EXISTING.loadBalancerCertificate);
    expect(resourcesOf(lbOnly, 'aws_acm_certificate_validation')).toHaveLength(1);

    const both = synthEnvOnce(adoptingEverything(staging));
    expect(resourcesOf(both, 'aws_acm_certificate')).toEqual([]);
    expect(resourcesOf(both, 'aws_acm_certificate_validation')).toEqual([]);
    expect(resourcesOf(both, 'aws_route53_record').filter(([n]) => /validation/.test(n))).toEqual([]);
    expect(onlyResource(both, 'aws_cloudfront_distribution').viewer_certificate.acm_certificate_arn).toBe(EXISTING.cdnCertificate);
    const expiry = resourcesOf(both, 'aws_cloudwatch_metric_alarm').filter(([, a]) => a.metric_name === 'DaysToExpiry').map(([, a]) => a.dimensions.CertificateArn).sort();
    expect(expiry).toEqual([EXISTING.loadBalancerCertificate, EXISTING.cdnCertificate].sort());
  });

  test('synth rejects a CloudFront certificate outside us-east-1, a load-balancer one outside the region or account, a malformed ARN', () => {
    const set = (certificates: EnvironmentConfig['domain']['certificates']) => withConfig(staging, (c) => (c.domain.certificates = certificates));
    expectRejected(set({ cdn: EXISTING.loadBalancerCertificate }), 'domain.certificates.cdn', /is in eu-west-1: CloudFront's certificate must be in us-east-1/);
    expectRejected(set({ loadBalancer: EXISTING.cdnCertificate }), 'domain.certificates.loadBalancer', /is in us-east-1: the load balancer's certificate \(ACM is regional\) must be in eu-west-1/);
    expectRejected(set({ loadBalancer: EXISTING.loadBalancerCertificate.replace('123456789012', '210987654321') }), 'domain.certificates.loadBalancer', /belongs to account 210987654321, not 123456789012: ACM certificates cannot be used across accounts/);
    expectRejected(set({ cdn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' }), 'domain.certificates.cdn', /give an ACM certificate ARN, arn:aws:acm:us-east-1:123456789012:certificate\/<id>/);
  });
});

describe('a database restored from a snapshot (database.restoreFrom)', () => {
  const own = synthEnv(restoring('legacy-final-2026-11-30'));
  const byArn = synthEnv(restoring('arn:aws:rds:eu-west-1:123456789012:snapshot:legacy-final', staging));

  test('the new instance is created from the snapshot, and no later plan replaces it because of it', () => {
    const db = onlyResource(own, 'aws_db_instance');
    expect(db.snapshot_identifier).toMatch(/^\$\{data\.aws_db_snapshot\.database_restoreFrom_snapshot\.db_snapshot_identifier\}$/);
    expect(db.lifecycle.ignore_changes).toEqual(['final_snapshot_identifier', 'snapshot_identifier']);
    expect(db.identifier).toBe('webapp-prod-postgres');
    expect(imports(own)).toEqual([]);
  });

  test('the snapshot is checked at plan time: PostgreSQL, encrypted, available, the configured major, storage that fits', () => {
    const snapshot = own.data!.aws_db_snapshot.database_restoreFrom_snapshot;
    expect(snapshot.db_snapshot_identifier).toBe('legacy-final-2026-11-30');
    expect(messageFor(snapshot, /self\.engine == "postgres"/)).toMatch(/^database\.restoreFrom\.snapshot: .* not of RDS for PostgreSQL/);
    expect(messageFor(snapshot, /self\.encrypted/)).toMatch(/copy it encrypted first \(aws rds copy-db-snapshot/);
    expect(messageFor(snapshot, /self\.status == "available"/)).toMatch(/aws rds wait db-snapshot-available/);
    expect(messageFor(snapshot, /== "17"/)).toMatch(/set database\.engineVersion to/);
    expect(messageFor(snapshot, /self\.allocated_storage <= 50/)).toMatch(/set database\.allocatedStorage to at least that/);
  });

  test('what the snapshot carries over (database name, master user) is checked right after the create, before anything uses it', () => {
    const db = onlyResource(own, 'aws_db_instance');
    expect(messageFor(db, /self\.db_name == "app"/)).toMatch(/set database\.databaseName to it and apply again \(the instance is kept\)/);
    expect(messageFor(db, /self\.username == "dbadmin"/)).toMatch(/set database\.masterUsername to it/);
  });

  test('a restored instance keeps a final snapshot even outside production (it holds real data)', () => {
    const db = onlyResource(byArn, 'aws_db_instance');
    expect(db.skip_final_snapshot).toBe(false);
    expect(db.final_snapshot_identifier).toMatch(/^webapp-staging-postgres-final-/);
    expect(db.lifecycle.prevent_destroy).toBeUndefined();
  });

  test('a snapshot given by ARN is restored by ARN; the deploy role may restore exactly that snapshot', () => {
    expect(onlyResource(byArn, 'aws_db_instance').snapshot_identifier).toBe('arn:aws:rds:eu-west-1:123456789012:snapshot:legacy-final');
    const statements = deployPolicies(restoring('arn:aws:rds:eu-west-1:123456789012:snapshot:legacy-final', staging)).flatMap((p) => p.statements);
    expect(statements.find((s) => s.Sid === 'RestoreTheSnapshot')!.Resource).toContain('arn:aws:rds:eu-west-1:123456789012:snapshot:legacy-final');
    expect(deployPolicies(restoring('legacy-final', staging)).flatMap((p) => p.statements).find((s) => s.Sid === 'RestoreTheSnapshot')!.Resource).toContain('arn:aws:rds:eu-west-1:123456789012:snapshot:legacy-final');
    expect(statements.filter((s) => /kms:(Decrypt|CreateGrant)/.test(JSON.stringify(s.Action)))).toEqual([]);
  });

  test('a snapshot shared from another account is refused at synth: RDS restores no shared encrypted snapshot, copy it in first', () => {
    // USER_ShareSnapshot: "You can't restore a DB instance from a DB snapshot that is both shared and encrypted."
    expectRejected(restoring('arn:aws:rds:eu-west-1:210987654321:snapshot:legacy-final'), 'database.restoreFrom.snapshot', /belongs to account 210987654321: RDS cannot restore a snapshot that is both shared and encrypted; copy it into 123456789012 first \(aws rds copy-db-snapshot/);
  });

  test('validation: another region, a malformed identifier, restore and adopt together', () => {
    expectRejected(restoring('arn:aws:rds:us-east-1:123456789012:snapshot:legacy-final'), 'database.restoreFrom.snapshot', /is in us-east-1: RDS restores snapshots of its own region only; copy it to eu-west-1 first \(aws rds copy-db-snapshot/);
    expectRejected(restoring('Legacy Final'), 'database.restoreFrom.snapshot', /give the snapshot's identifier/);
    expectRejected(withConfig(adoptingEverything(prod), (c) => (c.database.restoreFrom = { snapshot: 'legacy-final' })), 'database.restoreFrom', /is set together with database\.adopt: .* keep one of them/);
    expect(environmentProblems(restoring('rds:legacy-db-2026-11-30-03-10'))).toEqual([]);
  });
});

describe('a running database adopted (database.adopt)', () => {
  const json = synthEnvOnce(adoptingEverything(prod));
  const db = onlyResource(json, 'aws_db_instance');

  test('imported under its identifier, keeping its subnet group and security groups (plus the stack\'s)', () => {
    expect(imports(json)).toContainEqual({ to: expect.stringMatching(/^aws_db_instance\.database_instance_\w+$/), id: EXISTING.instance });
    expect(db.identifier).toBe(EXISTING.instance);
    expect(db.db_subnet_group_name).toMatch(/^\$\{data\.aws_db_subnet_group\.database_adopt-subnet-group_\w+\.name\}$/);
    expect(db.vpc_security_group_ids).toMatch(/^\$\{concat\(data\.aws_db_instance\.database_adopt-instance_\w+\.vpc_security_groups, \[aws_security_group\.database_sg_\w+\.id\]\)\}$/);
    expect(resourcesOf(json, 'aws_db_subnet_group')).toEqual([]);
    // Its log groups are RDS's own: creating them would fail on "already exists".
    expect(resourcesOf(json, 'aws_cloudwatch_log_group').filter(([, g]) => g.name.startsWith('/aws/rds/'))).toEqual([]);
  });

  test('never destroyed by Terraform, with a final snapshot whose name the first apply writes (an import has none)', () => {
    expect(db.lifecycle.prevent_destroy).toBe(true);
    expect(db.lifecycle.ignore_changes).toBeUndefined();
    expect(db.skip_final_snapshot).toBe(false);
    expect(db.final_snapshot_identifier).toBe('legacy-db-final');
    const staged = onlyResource(synthEnvOnce(adoptingEverything(staging)), 'aws_db_instance');
    expect(staged.lifecycle.prevent_destroy).toBe(true);
    expect(staged.skip_final_snapshot).toBe(false);
  });

  test('what would replace it fails the plan with the reason and the way out: engine, encryption, major, database name, master user; port, storage and backups too', () => {
    const lookup = data(json, 'aws_db_instances', /adopt-lookup/);
    expect(lookup.filter).toEqual([{ name: 'db-instance-id', values: [EXISTING.instance] }]);
    expect(messageFor(lookup, /length\(self\.instance_identifiers\) == 1/)).toMatch(/^database\.adopt\.identifier: there is no DB instance "legacy-db" in account 123456789012, region eu-west-1/);
    const instance = data(json, 'aws_db_instance', /adopt-instance/);
    expect(instance.depends_on).toEqual([expect.stringMatching(/^data\.aws_db_instances\.database_adopt-lookup/)]);
    const cases: [RegExp, RegExp][] = [
      [/self\.engine == "postgres"/, /not RDS for PostgreSQL: it cannot be adopted; move the data with a dump and restore/],
      [/^\$\{self\.storage_encrypted\}$/, /is not encrypted, and RDS cannot encrypt a running instance .* set database\.restoreFrom instead of database\.adopt/],
      [/split\("\.", self\.engine_version\)\[0\] == "17"/, /set database\.engineVersion to/],
      [/self\.db_name == "app"/, /set database\.databaseName to it \(RDS cannot rename it, Terraform would replace the instance\)/],
      [/self\.master_username == "dbadmin"/, /set database\.masterUsername to it/],
      [/length\(self\.master_user_secret\) == 1/, /let RDS manage it in Secrets Manager first \(aws rds modify-db-instance --db-instance-identifier legacy-db --manage-master-user-password --apply-immediately\)/],
      [/^\$\{!self\.publicly_accessible\}$/, /is publicly accessible, and the stack makes it private: .* --no-publicly-accessible --apply-immediately/],
      [/self\.db_instance_port == 5432/, /aws rds modify-db-instance --db-instance-identifier legacy-db --db-port-number 5432/],
      [/self\.allocated_storage < 500/, /set database\.maxAllocatedStorage above it \(RDS never shrinks storage\)/],
      [/self\.backup_retention_period <= 14/, /lowering it deletes the older backups/],
    ];
    for (const [condition, message] of cases) expect(messageFor(instance, condition)).toMatch(message);
    expect(postconditions(instance)).toHaveLength(cases.length);
    const subnetGroup = data(json, 'aws_db_subnet_group', /adopt-subnet-group/);
    expect(messageFor(subnetGroup, /self\.vpc_id == element\(data\.aws_vpcs/)).toMatch(/not of network\.existing\.vpcId: adopt the VPC the instance runs in, or restore a snapshot into this one/);
  });

  test('validation: adopting needs the instance\'s VPC; the identifier follows RDS\'s rules', () => {
    expectRejected(withConfig(prod, (c) => (c.database.adopt = { identifier: 'legacy-db' })), 'database.adopt', /needs network\.existing/);
    const problems = environmentProblems(withConfig(adoptingEverything(prod), (c) => (c.database.adopt = { identifier: 'Legacy--DB' })));
    expect(problems).toEqual([expect.stringMatching(/^environment "prod": database\.adopt\.identifier gives the database instance the name "Legacy--DB", which AWS refuses/)]);
  });

  test('the deploy role changes the adopted instance by its identifier, and its final snapshot by name', () => {
    const statements = deployPolicies(adoptingEverything(prod)).flatMap((p) => p.statements);
    expect(statements.find((s) => s.Sid === 'DatabaseInstance')!.Resource).toContain('arn:aws:rds:eu-west-1:123456789012:db:legacy-db');
    expect(statements.find((s) => s.Sid === 'DatabaseDelete')!.Resource).toContain('arn:aws:rds:eu-west-1:123456789012:snapshot:legacy-db-final');
    const boundary = workloadBoundaryStatements(withConfig(adoptingEverything(staging), (c) => (c.schedule = { timezone: 'UTC', up: 'cron(0 7 ? * MON-FRI *)', down: 'cron(0 20 ? * MON-FRI *)', stopDatabase: true })));
    expect(boundary.find((s) => s.Sid === 'StopAndStartTheDatabase')!.Resource).toBe('arn:aws:rds:eu-west-1:123456789012:db:legacy-db');
  });
});

describe('existing buckets (assets.adopt)', () => {
  const json = synthEnvOnce(adoptingEverything(staging));
  const buckets = resourcesOf(json, 'aws_s3_bucket');
  const bucket = (name: string) => buckets.find(([, b]) => b.bucket === name)!;

  test('imported by name, never emptied or destroyed, with every setting applied in place', () => {
    for (const name of [EXISTING.staticBucket, EXISTING.mediaBucket]) {
      const [address, body] = bucket(name);
      expect(imports(json)).toContainEqual({ to: `aws_s3_bucket.${address}`, id: name });
      expect(body.force_destroy).toBe(false);
      expect(body.lifecycle.prevent_destroy).toBe(true);
      for (const type of ['aws_s3_bucket_public_access_block', 'aws_s3_bucket_ownership_controls', 'aws_s3_bucket_server_side_encryption_configuration', 'aws_s3_bucket_versioning', 'aws_s3_bucket_lifecycle_configuration', 'aws_s3_bucket_policy']) {
        expect([type, resourcesOf(json, type).filter(([, r]) => r.bucket === `\${aws_s3_bucket.${address}.id}`).length]).toEqual([type, 1]);
      }
    }
    // Staging has no log buckets: the two are all there is.
    expect(buckets).toHaveLength(2);
    // No object is ever written or deleted by the stack.
    expect(resourcesOf(json, 'aws_s3_object')).toEqual([]);
  });

  test('old versions of an adopted bucket are never expired: its lifecycle only aborts incomplete uploads', () => {
    for (const name of [EXISTING.staticBucket, EXISTING.mediaBucket]) {
      const [address] = bucket(name);
      const lifecycle = resourcesOf(json, 'aws_s3_bucket_lifecycle_configuration').find(([, l]) => l.bucket === `\${aws_s3_bucket.${address}.id}`)![1];
      expect(lifecycle.rule.map((r: any) => r.id)).toEqual(['abort-incomplete-multipart-uploads']);
    }
    // A bucket of the stack's own keeps its version expiry.
    const own = shipped('staging');
    expect(resourcesOf(own, 'aws_s3_bucket_lifecycle_configuration').flatMap(([, l]) => l.rule.map((r: any) => r.id))).toContain('expire-noncurrent-media');
  });

  test('two environments cannot adopt one bucket or instance (each would rewrite it), nor a bucket another one owns', () => {
    const other = withConfig(adoptingEverything(staging), (c) => {
      c.name = 'qa';
      c.domain.name = 'qa.example.com';
      emailAt(c, 'qa.example.com');
      delete c.delivery;
    });
    expect(() => validateEnvironments([adoptingEverything(staging), other])).toThrow(/environment "qa": assets\.adopt\.static adopts the bucket legacy-static-files, which environment "staging" adopts too \(assets\.adopt\.static\)/);
    expect(() => validateEnvironments([adoptingEverything(staging), other])).toThrow(/environment "qa": database\.adopt\.identifier adopts the instance legacy-db/);
    const stealing = withConfig(prod, (c) => (c.assets.adopt = { media: 'webapp-staging-media-123456789012-eu-west-1' }));
    expect(() => validateEnvironments([staging, stealing])).toThrow(/environment "prod": assets\.adopt\.media adopts the bucket webapp-staging-media-123456789012-eu-west-1, which environment "staging" owns \(the media bucket\)/);
  });

  test('a missing or foreign-region bucket fails the plan under an address naming the field', () => {
    expect(json.data!.aws_s3_bucket.assets_adopt_media).toMatchObject({ bucket: EXISTING.mediaBucket });
    expect(messageFor(json.data!.aws_s3_bucket.assets_adopt_static, /self\.region == "eu-west-1"/)).toMatch(/^assets\.adopt\.static: bucket legacy-static-files is in \$\{self\.region\}/);
  });

  test('the app, the outputs and the deploy role use the adopted names; the role never empties them', () => {
    expect(json.output!.media_bucket_name.value).toMatch(/aws_s3_bucket\.assets_media_bucket_\w+\.bucket/);
    const statements = deployPolicies(adoptingEverything(staging)).flatMap((p) => p.statements);
    expect(statements.find((s) => s.Sid === 'Buckets')!.Resource).toEqual(expect.arrayContaining([`arn:aws:s3:::${EXISTING.staticBucket}`, `arn:aws:s3:::${EXISTING.mediaBucket}`]));
    const emptied = [statements.find((s) => s.Sid === 'EmptyBucketsOnDestroy')!.Resource].flat() as string[];
    expect(emptied.some((r) => r.includes('legacy-'))).toBe(false);
    expect(emptied).toEqual(['arn:aws:s3:::webapp-staging-cdn-logs-123456789012-eu-west-1/*', 'arn:aws:s3:::webapp-staging-alb-logs-123456789012-eu-west-1/*']);
    const boundary = workloadBoundaryStatements(adoptingEverything(staging));
    expect(boundary.find((s) => s.Sid === 'ListTheAppBuckets')!.Resource).toEqual([`arn:aws:s3:::${EXISTING.staticBucket}`, `arn:aws:s3:::${EXISTING.mediaBucket}`]);
  });

  test('synth rejects a bucket the stack names for itself, one bucket for both purposes, a name AWS refuses', () => {
    const set = (adopt: EnvironmentConfig['assets']['adopt']) => withConfig(staging, (c) => (c.assets.adopt = adopt));
    expectRejected(set({ media: 'webapp-staging-media-123456789012-eu-west-1' }), 'assets.adopt.media', /the name the stack gives the media bucket itself: it is already managed here/);
    expectRejected(set({ static: 'webapp-staging-alb-logs-123456789012-eu-west-1' }), 'assets.adopt.static', /which is the alb-logs bucket of this environment/);
    expectRejected(set({ static: 'webapp-tfstate-123456789012-eu-west-1' }), 'assets.adopt.static', /which is the state bucket of this environment/);
    expectRejected(set({ static: 'shared-files', media: 'shared-files' }), 'assets.adopt.media', /the same bucket as assets\.adopt\.static/);
    expect(environmentProblems(set({ media: 'Legacy_Uploads' }))).toEqual([expect.stringMatching(/assets\.adopt\.media gives the adopted media bucket the name "Legacy_Uploads", which AWS refuses/)]);
  });
});

// Each adopting mode also passes terraform validate: terraform-validate.test.ts validates them with the other variants.
