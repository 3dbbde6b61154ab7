/**
 * End-to-end: deploy the staging stack with `cdktf deploy` against moto (a local AWS emulator),
 * check the deployed resources with the AWS SDK, prove a second plan shows no drift, and plan prod.
 * Nothing here can reach AWS: loopback endpoint only, fake credentials, a dead proxy for anything
 * else. Run with `npm run test:e2e` (prerequisites and shims: README, "How it is tested").
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CreateBucketCommand, GetBucketPolicyCommand, GetObjectCommand, GetPublicAccessBlockCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateHostedZoneCommand, ListResourceRecordSetsCommand, ResourceRecordSet, Route53Client } from '@aws-sdk/client-route-53';
import { DescribeDBInstancesCommand, DescribeDBParametersCommand, RDSClient } from '@aws-sdk/client-rds';
import { DescribeCacheSubnetGroupsCommand, DescribeReplicationGroupsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { CloudFrontClient, GetDistributionCommand } from '@aws-sdk/client-cloudfront';
import { ACMClient, DescribeCertificateCommand } from '@aws-sdk/client-acm';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { staging } from '../../src/config/environments';
import { emulatorFromEndpoint } from '../../src/lib/emulator';
import { subnetLayout } from '../../src/modules/network';
import { stateKey } from '../../src/stacks/web-app-stack';
import { synthEnv } from '../helpers/synth';
import { assertLoopback, emulatorEnv, sdkConfig } from './harness/aws-env';
import { botoCalls } from './harness/boto';
import { LOSSY_ATTRIBUTES, PlanJson, toleratedChanges, unexpectedChanges, unusedLossyAttributes } from './harness/drift';
import { Moto, motoPython, startMoto } from './harness/moto';
import { run } from './harness/run';
import { StateInstance, SynthesizedStack, oneInstance, stackEndpoints, stateInstances, synthesizedCount } from './harness/state';

const REPO = path.resolve(__dirname, '..', '..');
const IMAGE_TAG = 'e2e-1';
const MINUTE = 60_000;
/** The whole run stays within 15 minutes (CI budget): each command gets at most what is left. */
const DEADLINE = Date.now() + 15 * MINUTE;
const budget = (ms: number) => Math.max(30_000, Math.min(ms, DEADLINE - Date.now()));
if (staging.state.backend !== 's3') throw new Error('the e2e test expects the S3 state backend for staging');
/** The state bucket of the shipped configuration (created here, as the bootstrap stack would). */
const STATE = staging.state;

/**
 * The layers of the staging stack and a resource type that marks each. A check runs when its
 * resource type is synthesized; for an expected layer a missing type fails the test instead.
 * Every layer has landed, so every layer is expected.
 */
const LAYERS: Record<string, string[]> = {
  network: ['aws_vpc', 'aws_subnet', 'aws_nat_gateway'],
  data: ['aws_db_instance', 'aws_elasticache_replication_group'],
  edge: ['aws_acm_certificate', 'aws_route53_record', 'aws_cloudfront_distribution'],
  compute: ['aws_ecr_repository', 'aws_lb', 'aws_ecs_service', 'aws_appautoscaling_target'],
};
const EXPECTED_LAYERS = ['network', 'data', 'edge', 'compute'];

let workDir: string;
let moto: Moto | undefined;
let endpoint: string;
let python: string;
let env: NodeJS.ProcessEnv;
/** The staging stack as `cdktf deploy` synthesized and applied it. */
let deployed: SynthesizedStack;
/** The state file the S3 backend wrote to the state bucket. */
let state: any;
const timings: Record<string, number> = {};
let failures = 0;

const s3 = () => new S3Client({ ...sdkConfig(endpoint, staging.region), forcePathStyle: true });
const log = (message: string) => process.stdout.write(`[e2e] ${message}\n`);

/** A check that runs only when `type` is in the deployed stack, and fails if its layer is expected but missing. */
function checkWhenSynthesized(type: string, name: string, fn: () => Promise<void>, timeout = 2 * MINUTE): void {
  const layer = Object.keys(LAYERS).find((l) => LAYERS[l].includes(type));
  if (!layer) throw new Error(`${type} is not a marker of any layer in LAYERS`);
  test(`${layer}: ${name}`, async () => {
    try {
      if (synthesizedCount(deployed, type) === 0) {
        if (EXPECTED_LAYERS.includes(layer)) throw new Error(`${type} is not in the synthesized staging stack, but the ${layer} layer is expected`);
        log(`skipped (${type} not synthesized yet): ${name}`);
        return;
      }
      await fn();
    } catch (e) {
      failures++;
      throw e;
    }
  }, timeout);
}

/** A check that always runs. */
function check(name: string, fn: () => Promise<void>, timeout = 2 * MINUTE): void {
  test(name, async () => {
    try {
      await fn();
    } catch (e) {
      failures++;
      throw e;
    }
  }, timeout);
}

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await fn();
  } finally {
    timings[label] = Math.round((Date.now() - started) / 1000);
    log(`${label}: ${timings[label]}s`);
  }
}

const sorted = (values: (string | undefined)[]) => values.map((v) => v ?? '').sort();
const one = (type: string, part = ''): StateInstance => oneInstance(state, type, part);
const all = (type: string): StateInstance[] => stateInstances(state, type);
const withDot = (name: string) => (name.endsWith('.') ? name : `${name}.`);

beforeAll(async () => {
  const started = Date.now();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'webapp-e2e-'));
  log(`work directory (logs, synthesized stacks): ${workDir}`);
  python = motoPython();

  moto = await timed('start moto', () => startMoto(workDir));
  endpoint = moto.endpoint;
  assertLoopback(endpoint);
  env = emulatorEnv(endpoint);

  // Fail fast: the stack synthesized for this endpoint calls nothing but the emulator.
  const preflight = synthEnv(staging, { emulator: emulatorFromEndpoint(endpoint) }) as unknown as SynthesizedStack;
  const elsewhere = stackEndpoints(preflight).filter((e) => e !== endpoint);
  if (elsewhere.length > 0) throw new Error(`refusing to deploy: the emulator-mode stack would call ${[...new Set(elsewhere)].join(', ')}`);

  // What the account already holds before a first deploy: the state bucket (bootstrap stack) and
  // the hosted zone the staging domain is looked up in.
  await s3().send(new CreateBucketCommand({ Bucket: STATE.bucket, CreateBucketConfiguration: { LocationConstraint: STATE.region as 'eu-west-1' } }));
  const zoneName = staging.domain.dns.zoneName ?? staging.domain.name;
  await new Route53Client(sdkConfig(endpoint, 'us-east-1')).send(new CreateHostedZoneCommand({ Name: zoneName, CallerReference: `e2e-${Date.now()}` }));

  // The user path: `cdktf deploy staging` (synth, init, plan, apply) with a release tag.
  const out = path.join(workDir, 'deploy');
  await timed('cdktf deploy staging', () =>
    run('npx', ['cdktf', 'deploy', 'staging', '--auto-approve', '--output', out, '--no-color', '--terraform-parallelism', '20',
      // `providers lock` would ask the registry for checksums of other platforms (no internet in CI);
      // terraform init still writes the lock file from the provider it installs.
      '--skip-provider-lock'], {
      cwd: REPO,
      env: { ...env, IMAGE_TAG },
      logFile: path.join(workDir, 'deploy.log'),
      timeoutMs: budget(11 * MINUTE),
    }),
  );
  deployed = JSON.parse(fs.readFileSync(path.join(out, 'stacks', 'staging', 'cdk.tf.json'), 'utf8'));
  const body = await s3().send(new GetObjectCommand({ Bucket: STATE.bucket, Key: stateKey(staging) }));
  state = JSON.parse(await body.Body!.transformToString());
  log(`deployed ${stateInstances(state).length} resource instances in ${Math.round((Date.now() - started) / 1000)}s since start`);
}, 13 * MINUTE);

afterAll(async () => {
  // Never `terraform destroy` (moto never finishes ElastiCache deletes): stopping the emulator
  // discards everything.
  await moto?.stop();
  log(`timings (s): ${JSON.stringify(timings)}`);
  if (workDir && failures === 0 && !process.env.E2E_KEEP) fs.rmSync(workDir, { recursive: true, force: true });
  else if (workDir) log(`kept ${workDir} (logs: deploy.log, plan.log, moto.log)`);
}, MINUTE);

check('every expected layer is in the synthesized staging stack, aimed at the emulator only', async () => {
  const missing = EXPECTED_LAYERS.flatMap((layer) => LAYERS[layer].filter((type) => synthesizedCount(deployed, type) === 0).map((t) => `${layer}: ${t}`));
  expect(missing).toEqual([]);
  expect([...new Set(stackEndpoints(deployed))]).toEqual([endpoint]);
});

check('the state is in the state bucket under the environment key, unlocked', async () => {
  const key = stateKey(staging);
  expect(key).toBe('webapp/staging/terraform.tfstate');
  const head = await s3().send(new HeadObjectCommand({ Bucket: STATE.bucket, Key: key }));
  expect(head.ContentLength).toBeGreaterThan(1000);
  // Every synthesized resource block is in the state.
  const inState = new Set(state.resources.filter((r: any) => r.mode === 'managed').map((r: any) => `${r.type}.${r.name}`));
  const synthesized = Object.entries(deployed.resource ?? {}).flatMap(([type, blocks]) => Object.keys(blocks).map((name) => `${type}.${name}`));
  expect(synthesized.filter((a) => !inState.has(a))).toEqual([]);
  // S3-native locking released its lock file.
  await expect(s3().send(new HeadObjectCommand({ Bucket: STATE.bucket, Key: `${key}.tflock` }))).rejects.toThrow();
});

checkWhenSynthesized('aws_vpc', 'the VPC and subnets have the configured CIDRs, private subnets route through the NAT gateway', async () => {
  const vpc = one('aws_vpc').attributes;
  const layout = subnetLayout(staging.network.cidr, staging.network.azCount);
  const [vpcs, subnets, nats, tables, defaultGroups, dnsHostnames] = botoCalls(python, endpoint, [
    { service: 'ec2', operation: 'describe_vpcs', params: { VpcIds: [vpc.id] } },
    { service: 'ec2', operation: 'describe_subnets', params: { Filters: [{ Name: 'vpc-id', Values: [vpc.id] }] } },
    { service: 'ec2', operation: 'describe_nat_gateways', params: { Filter: [{ Name: 'vpc-id', Values: [vpc.id] }] } },
    { service: 'ec2', operation: 'describe_route_tables', params: { Filters: [{ Name: 'vpc-id', Values: [vpc.id] }] } },
    { service: 'ec2', operation: 'describe_security_groups', params: { Filters: [{ Name: 'vpc-id', Values: [vpc.id] }, { Name: 'group-name', Values: ['default'] }] } },
    { service: 'ec2', operation: 'describe_vpc_attribute', params: { VpcId: vpc.id, Attribute: 'enableDnsHostnames' } },
  ]);
  expect(vpcs.Vpcs[0].CidrBlock).toBe(staging.network.cidr);
  expect(dnsHostnames.EnableDnsHostnames.Value).toBe(true);

  const byCidr = new Map<string, any>(subnets.Subnets.map((s: any) => [s.CidrBlock, s]));
  expect(sorted([...byCidr.keys()])).toEqual(sorted([...layout.public, ...layout.private]));
  expect(subnets.Subnets.every((s: any) => s.MapPublicIpOnLaunch === false)).toBe(true);
  const privateSubnets = layout.private.map((c) => byCidr.get(c));
  const publicSubnets = layout.public.map((c) => byCidr.get(c));
  expect(new Set(privateSubnets.map((s) => s.AvailabilityZone)).size).toBe(staging.network.azCount);

  const available = nats.NatGateways.filter((n: any) => n.State === 'available');
  expect(available).toHaveLength(staging.network.natMode === 'perAz' ? staging.network.azCount : 1);
  expect(publicSubnets.map((s) => s.SubnetId)).toContain(available[0].SubnetId);
  const tableOf = (subnetId: string) => tables.RouteTables.find((t: any) => t.Associations?.some((a: any) => a.SubnetId === subnetId));
  for (const subnet of privateSubnets) {
    const route = tableOf(subnet.SubnetId)?.Routes.find((r: any) => r.DestinationCidrBlock === '0.0.0.0/0');
    expect(available.map((n: any) => n.NatGatewayId)).toContain(route?.NatGatewayId);
  }
  for (const subnet of publicSubnets) {
    const route = tableOf(subnet.SubnetId)?.Routes.find((r: any) => r.DestinationCidrBlock === '0.0.0.0/0');
    expect(route?.GatewayId).toBe(one('aws_internet_gateway').attributes.id);
  }
  // The VPC's default security group allows nothing.
  expect(defaultGroups.SecurityGroups[0].IpPermissions).toEqual([]);
  expect(defaultGroups.SecurityGroups[0].IpPermissionsEgress).toEqual([]);
});

/** Private subnet ids of the deployed VPC (from state), in any order. */
const privateSubnetIds = () => sorted(all('aws_subnet').filter((s) => s.attributes.tags?.tier === 'private').map((s) => s.attributes.id));
const publicSubnetIds = () => sorted(all('aws_subnet').filter((s) => s.attributes.tags?.tier === 'public').map((s) => s.attributes.id));

/** Ingress of a security group: only from other groups, on one port. */
function expectGroupOnlyIngress(groupId: string, port: number, sourceGroupIds: string[]): void {
  const [groups] = botoCalls(python, endpoint, [{ service: 'ec2', operation: 'describe_security_groups', params: { GroupIds: [groupId] } }]);
  const permissions = groups.SecurityGroups[0].IpPermissions;
  expect(permissions.every((p: any) => p.FromPort === port && p.ToPort === port && p.IpRanges.length === 0 && (p.Ipv6Ranges ?? []).length === 0)).toBe(true);
  expect(sorted(permissions.flatMap((p: any) => p.UserIdGroupPairs.map((g: any) => g.GroupId)))).toEqual(sorted(sourceGroupIds));
}
/** Security groups of the app's tasks (web, workers, one-off). */
const taskGroupIds = () => all('aws_security_group').filter((g) => /^(web|worker-|oneoff)/.test(g.name)).map((g) => g.attributes.id);

checkWhenSynthesized('aws_db_instance', 'Postgres is encrypted, private, in the private subnets, TLS-only, reachable from the tasks only', async () => {
  const db = one('aws_db_instance').attributes;
  const rds = new RDSClient(sdkConfig(endpoint, staging.region));
  const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: db.identifier }));
  const instance = DBInstances![0];
  expect(instance.StorageEncrypted).toBe(true);
  expect(instance.PubliclyAccessible).toBe(false);
  expect(instance.Engine).toBe('postgres');
  expect(instance.EngineVersion).toBe(staging.database.engineVersion);
  expect(instance.MultiAZ).toBe(staging.database.multiAz);
  expect(instance.DBSubnetGroup?.VpcId).toBe(one('aws_vpc').attributes.id);
  expect(sorted(instance.DBSubnetGroup!.Subnets!.map((s) => s.SubnetIdentifier))).toEqual(privateSubnetIds());
  const dbGroup = one('aws_security_group', 'database').attributes.id;
  expect(instance.VpcSecurityGroups!.map((g) => g.VpcSecurityGroupId)).toEqual([dbGroup]);
  const parameterGroup = instance.DBParameterGroups![0].DBParameterGroupName!;
  expect(parameterGroup).toBe(one('aws_db_parameter_group').attributes.name);
  const { Parameters } = await rds.send(new DescribeDBParametersCommand({ DBParameterGroupName: parameterGroup }));
  expect(Parameters!.find((p) => p.ParameterName === 'rds.force_ssl')?.ParameterValue).toBe('1');
  if (synthesizedCount(deployed, 'aws_ecs_service') > 0) expectGroupOnlyIngress(dbGroup, 5432, taskGroupIds());
});

checkWhenSynthesized('aws_elasticache_replication_group', 'Redis is encrypted at rest and in transit, AUTH on, in the private subnets, reachable from the tasks only', async () => {
  const rg = one('aws_elasticache_replication_group').attributes;
  const elasticache = new ElastiCacheClient(sdkConfig(endpoint, staging.region));
  const { ReplicationGroups } = await elasticache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: rg.replication_group_id }));
  const group = ReplicationGroups![0];
  expect(group.Status).toBe('available');
  expect(group.AtRestEncryptionEnabled).toBe(true);
  expect(group.TransitEncryptionEnabled).toBe(true);
  expect(group.AuthTokenEnabled).toBe(true);
  expect(group.MemberClusters).toHaveLength(staging.cache.nodeCount);
  const { CacheSubnetGroups } = await elasticache.send(new DescribeCacheSubnetGroupsCommand({ CacheSubnetGroupName: rg.subnet_group_name }));
  expect(CacheSubnetGroups![0].VpcId).toBe(one('aws_vpc').attributes.id);
  expect(sorted(CacheSubnetGroups![0].Subnets!.map((s) => s.SubnetIdentifier))).toEqual(privateSubnetIds());
  const cacheGroup = one('aws_security_group', 'cache').attributes.id;
  expect(rg.security_group_ids).toEqual([cacheGroup]);
  if (synthesizedCount(deployed, 'aws_ecs_service') > 0) expectGroupOnlyIngress(cacheGroup, 6379, taskGroupIds());
});

/** Records of the looked-up zone. */
async function zoneRecords(): Promise<ResourceRecordSet[]> {
  const route53 = new Route53Client(sdkConfig(endpoint, 'us-east-1'));
  const zoneId = String(state.outputs?.route53_zone_id?.value ?? '') || all('aws_route53_record')[0].attributes.zone_id;
  const { ResourceRecordSets } = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
  return ResourceRecordSets!;
}

checkWhenSynthesized('aws_acm_certificate', 'both certificates are ISSUED (regional for the ALB, us-east-1 for CloudFront) with validation CNAMEs in the zone', async () => {
  const certificates = all('aws_acm_certificate');
  expect(certificates).toHaveLength(2);
  const records = await zoneRecords();
  const regions: string[] = [];
  for (const cert of certificates) {
    const region = cert.attributes.arn.split(':')[3];
    regions.push(region);
    const { Certificate } = await new ACMClient(sdkConfig(endpoint, region)).send(new DescribeCertificateCommand({ CertificateArn: cert.attributes.arn }));
    expect(Certificate?.Status).toBe('ISSUED');
    expect(Certificate?.DomainName).toBe(cert.attributes.domain_name);
    for (const option of Certificate!.DomainValidationOptions!) {
      const cname = records.find((r) => r.Type === 'CNAME' && r.Name === withDot(option.ResourceRecord!.Name!));
      expect(cname?.ResourceRecords?.[0].Value).toBe(option.ResourceRecord!.Value);
    }
  }
  expect(regions.sort()).toEqual([staging.region, 'us-east-1'].sort());
});

checkWhenSynthesized('aws_cloudfront_distribution', 'CloudFront serves the private static bucket through the OAC, with the us-east-1 certificate and security headers', async () => {
  const dist = one('aws_cloudfront_distribution').attributes;
  const { Distribution } = await new CloudFrontClient(sdkConfig(endpoint, 'us-east-1')).send(new GetDistributionCommand({ Id: dist.id }));
  const config = Distribution!.DistributionConfig!;
  const staticBucket = one('aws_s3_bucket', 'static').attributes;
  expect(config.Origins!.Items).toHaveLength(1);
  expect(config.Origins!.Items![0].OriginAccessControlId).toBe(one('aws_cloudfront_origin_access_control').attributes.id);
  expect(config.Origins!.Items![0].DomainName).toBe(staticBucket.bucket_regional_domain_name);
  expect(config.Aliases!.Items).toEqual([`${staging.domain.staticLabel}.${staging.domain.name}`]);
  const cdnCertificate = all('aws_acm_certificate').find((c) => c.attributes.arn.includes(':us-east-1:'))!;
  expect(config.ViewerCertificate?.ACMCertificateArn).toBe(cdnCertificate.attributes.arn);
  expect(config.ViewerCertificate?.SSLSupportMethod).toBe('sni-only');
  expect(config.ViewerCertificate?.MinimumProtocolVersion).toBe('TLSv1.2_2021');
  expect(config.DefaultCacheBehavior?.ViewerProtocolPolicy).toBe('redirect-to-https');
  expect(config.DefaultCacheBehavior?.ResponseHeadersPolicyId).toBe(one('aws_cloudfront_response_headers_policy').attributes.id);

  // The static bucket is private and readable only by this distribution.
  const client = s3();
  const { PublicAccessBlockConfiguration: block } = await client.send(new GetPublicAccessBlockCommand({ Bucket: staticBucket.bucket }));
  expect(block).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
  const { Policy } = await client.send(new GetBucketPolicyCommand({ Bucket: staticBucket.bucket }));
  const read = JSON.parse(Policy!).Statement.find((s: any) => s.Sid === 'CloudFrontReadsStatic');
  expect(read.Condition.StringEquals['AWS:SourceArn']).toBe(Distribution!.ARN);

  // DNS: static.<domain> A and AAAA alias the distribution.
  const records = await zoneRecords();
  for (const type of staging.domain.ipv6 ? ['A', 'AAAA'] : ['A']) {
    const record = records.find((r) => r.Type === type && r.Name === withDot(`${staging.domain.staticLabel}.${staging.domain.name}`));
    expect(withDot(record?.AliasTarget?.DNSName ?? '')).toBe(withDot(Distribution!.DomainName!));
  }
});

checkWhenSynthesized('aws_lb', 'the ALB is internet-facing in the public subnets: 80 redirects to HTTPS, 443 serves the regional certificate and forwards to the web target group', async () => {
  const alb = one('aws_lb').attributes;
  const elbv2 = new ElasticLoadBalancingV2Client(sdkConfig(endpoint, staging.region));
  const { LoadBalancers } = await elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [alb.arn] }));
  // Internet-facing: the provider sends Scheme only for internal load balancers and AWS defaults to
  // internet-facing; moto stores the missing Scheme as empty instead of defaulting it.
  expect(alb.internal).toBe(false);
  expect(LoadBalancers![0].Scheme ?? 'internet-facing').toBe('internet-facing');
  expect(LoadBalancers![0].VpcId).toBe(one('aws_vpc').attributes.id);
  expect(sorted(LoadBalancers![0].AvailabilityZones!.map((z) => z.SubnetId))).toEqual(publicSubnetIds());
  const { TargetGroups } = await elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: alb.arn }));
  expect(TargetGroups).toHaveLength(1);
  const targetGroup = TargetGroups![0];
  expect(targetGroup.TargetType).toBe('ip');
  expect(targetGroup.Port).toBe(staging.compute.web.containerPort);
  expect(targetGroup.HealthCheckPath).toBe(staging.compute.web.healthCheckPath);

  const { Listeners } = await elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: alb.arn }));
  expect(sorted(Listeners!.map((l) => String(l.Port)))).toEqual(['443', '80']);
  const http = Listeners!.find((l) => l.Port === 80)!;
  expect(http.Protocol).toBe('HTTP');
  expect(http.DefaultActions![0].Type).toBe('redirect');
  expect(http.DefaultActions![0].RedirectConfig).toMatchObject({ Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' });
  const https = Listeners!.find((l) => l.Port === 443)!;
  expect(https.Protocol).toBe('HTTPS');
  expect(https.SslPolicy).toBe('ELBSecurityPolicy-TLS13-1-2-2021-06');
  const albCertificate = all('aws_acm_certificate').find((c) => c.attributes.arn.includes(`:${staging.region}:`))!;
  expect(https.Certificates?.[0].CertificateArn).toBe(albCertificate.attributes.arn);
  expect(https.DefaultActions![0]).toMatchObject({ Type: 'forward', TargetGroupArn: targetGroup.TargetGroupArn });

  // DNS: the app domain aliases the ALB.
  const records = await zoneRecords();
  const app = records.find((r) => r.Type === 'A' && r.Name === withDot(staging.domain.name));
  expect(withDot(app?.AliasTarget?.DNSName ?? '').toLowerCase()).toBe(withDot(LoadBalancers![0].DNSName!).toLowerCase());
});

checkWhenSynthesized('aws_ecs_service', 'the ECS services run the released task definitions in the private subnets; web is in the ALB target group', async () => {
  const ecs = new ECSClient(sdkConfig(endpoint, staging.region));
  const cluster = one('aws_ecs_cluster').attributes;
  const services = all('aws_ecs_service');
  expect(services).toHaveLength(1 + staging.compute.workers.length);
  const repositoryUrl = one('aws_ecr_repository').attributes.repository_url;
  const { services: described } = await ecs.send(new DescribeServicesCommand({ cluster: cluster.arn, services: services.map((s) => s.attributes.name) }));
  expect(described).toHaveLength(services.length);
  for (const service of described!) {
    const inState = services.find((s) => s.attributes.name === service.serviceName)!;
    expect(service.status).toBe('ACTIVE');
    // The service runs the task definition of the stack, which runs the released image.
    const taskDefinition = all('aws_ecs_task_definition').find((t) => t.attributes.arn === service.taskDefinition);
    expect(taskDefinition?.attributes.arn).toBe(inState.attributes.task_definition);
    const { taskDefinition: td } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: service.taskDefinition }));
    expect(td!.containerDefinitions![0].image).toBe(`${repositoryUrl}:${IMAGE_TAG}`);
    expect(td!.requiresCompatibilities).toEqual(['FARGATE']);
    const network = service.networkConfiguration!.awsvpcConfiguration!;
    expect(sorted(network.subnets!)).toEqual(privateSubnetIds());
    expect(network.assignPublicIp).toBe('DISABLED');
    expect(network.securityGroups).toHaveLength(1);
    if (staging.compute.fargateSpot) expect(service.capacityProviderStrategy?.[0].capacityProvider).toBe('FARGATE_SPOT');
  }
  const web = described!.find((s) => s.serviceName!.endsWith('-web'))!;
  const targetGroup = one('aws_lb_target_group').attributes;
  expect(web.loadBalancers).toEqual([{ targetGroupArn: targetGroup.arn, containerName: 'app', containerPort: staging.compute.web.containerPort }]);
  const workers = described!.filter((s) => s !== web);
  expect(workers.every((w) => (w.loadBalancers ?? []).length === 0)).toBe(true);
});

checkWhenSynthesized('aws_ecr_repository', 'the image repository is immutable and scanned, and the image-tag parameter holds the released tag', async () => {
  const repository = one('aws_ecr_repository').attributes;
  const parameter = one('aws_ssm_parameter').attributes;
  const [repos, param] = botoCalls(python, endpoint, [
    { service: 'ecr', operation: 'describe_repositories', params: { repositoryNames: [repository.name] } },
    { service: 'ssm', operation: 'get_parameter', params: { Name: parameter.name } },
  ]);
  expect(repos.repositories[0].imageTagMutability).toBe('IMMUTABLE');
  expect(repos.repositories[0].imageScanningConfiguration.scanOnPush).toBe(true);
  expect(param.Parameter.Value).toBe(IMAGE_TAG);
});

checkWhenSynthesized('aws_appautoscaling_target', 'every service scales between its configured bounds with target-tracking policies', async () => {
  const [targets, policies] = botoCalls(python, endpoint, [
    { service: 'application-autoscaling', operation: 'describe_scalable_targets', params: { ServiceNamespace: 'ecs' } },
    { service: 'application-autoscaling', operation: 'describe_scaling_policies', params: { ServiceNamespace: 'ecs' } },
  ]);
  const cluster = one('aws_ecs_cluster').attributes.name;
  const expected = [
    { name: 'web', ...staging.compute.web },
    ...staging.compute.workers,
  ].map((s) => ({ ResourceId: `service/${cluster}/${cluster}-${s.name}`, MinCapacity: s.minCount, MaxCapacity: s.maxCount }));
  const actual = targets.ScalableTargets.map((t: any) => ({ ResourceId: t.ResourceId, MinCapacity: t.MinCapacity, MaxCapacity: t.MaxCapacity }));
  expect(sorted(actual.map((a: any) => JSON.stringify(a)))).toEqual(sorted(expected.map((e) => JSON.stringify(e))));
  for (const e of expected) {
    const mine = policies.ScalingPolicies.filter((p: any) => p.ResourceId === e.ResourceId);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((p: any) => p.PolicyType === 'TargetTrackingScaling')).toBe(true);
  }
});

describe('after the deploy', () => {
  let synthOut: string;
  const planLog = () => path.join(workDir, 'plan.log');

  beforeAll(async () => {
    // A later plain deploy/diff synthesizes without IMAGE_TAG: the deployed tag must be kept.
    synthOut = path.join(workDir, 'synth');
    await timed('cdktf synth (no IMAGE_TAG)', () =>
      run('npx', ['cdktf', 'synth', '--output', synthOut, '--no-color'], { cwd: REPO, env, logFile: planLog(), timeoutMs: budget(4 * MINUTE) }),
    );
  }, 5 * MINUTE);

  check('no drift: a plan of the re-synthesized staging stack (without IMAGE_TAG) changes nothing', async () => {
    const dir = path.join(synthOut, 'stacks', 'staging');
    // This synth has no release tag: the parameter's value is the placeholder and ignored.
    const resynthesized: SynthesizedStack = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'));
    for (const parameter of Object.values(resynthesized.resource?.aws_ssm_parameter ?? {})) {
      expect(parameter.value).not.toBe(IMAGE_TAG);
      expect(parameter.lifecycle?.ignore_changes).toContain('value');
    }
    const opts = { cwd: dir, env, logFile: planLog(), timeoutMs: budget(4 * MINUTE) };
    await timed('staging init + plan', async () => {
      await run('terraform', ['init', '-input=false', '-no-color'], opts);
      const plan = await run('terraform', ['plan', '-detailed-exitcode', '-input=false', '-no-color', '-parallelism=20', '-out=drift.tfplan'], { ...opts, okCodes: [0, 2] });
      const json: PlanJson & { prior_state?: any } = JSON.parse((await run('terraform', ['show', '-json', 'drift.tfplan'], opts)).stdout);
      // The re-synthesized stack still deploys the released tag (kept from state, not "unreleased").
      const parameter = json.prior_state.values.root_module.resources.find((r: any) => r.type === 'aws_ssm_parameter');
      if (parameter) expect(parameter.values.value).toBe(IMAGE_TAG);
      const tolerated = toleratedChanges(json);
      if (tolerated.length > 0) log(`tolerated lossy attributes: ${tolerated.join(', ')}`);
      const unused = unusedLossyAttributes(json);
      if (unused.length > 0) log(`lossy attributes listed but not seen (prune them?): ${unused.map((l) => `${l.address}: ${l.attribute}`).join(', ')}`);
      expect(unexpectedChanges(json)).toEqual([]);
      // Exit code 2 only when every change is a documented lossy attribute.
      if (plan.code === 2) expect(tolerated.length).toBeGreaterThan(0);
    });
  }, 5 * MINUTE);

  check('prod plans against the emulator (state bucket exists, zone looked up)', async () => {
    const dir = path.join(synthOut, 'stacks', 'prod');
    const opts = { cwd: dir, env, logFile: planLog(), timeoutMs: budget(4 * MINUTE) };
    await timed('prod init + plan', async () => {
      await run('terraform', ['init', '-input=false', '-no-color'], opts);
      const plan = await run('terraform', ['plan', '-detailed-exitcode', '-input=false', '-no-color', '-parallelism=20', '-out=prod.tfplan'], { ...opts, okCodes: [2] });
      expect(plan.stdout).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
      const json: PlanJson = JSON.parse((await run('terraform', ['show', '-json', 'prod.tfplan'], opts)).stdout);
      const creates = (json.resource_changes ?? []).filter((rc) => rc.change.actions.join() === 'create');
      expect(creates.length).toBeGreaterThan(synthesizedCount(deployed, 'aws_subnet'));
    });
  }, 5 * MINUTE);
});

test('the lossy-attribute list is documented', () => {
  for (const l of LOSSY_ATTRIBUTES) expect(l.reason.length).toBeGreaterThan(20);
});
