/**
 * End-to-end: moving a live app in (docs/migrating.md). On its own emulator, what the app brings is
 * created first with the SDK (a VPC with public subnets on an internet gateway and private ones
 * behind a NAT gateway, an encrypted Postgres instance, a media bucket holding an object, a static
 * bucket, two issued certificates); then an environment that adopts all of it is synthesized,
 * planned, checked by the plan guard and applied with plain Terraform, the way a user moving from
 * Copilot or a hand-built stack would. Checks: the VPC, the instance (ARN, endpoint, data) and the
 * object are unchanged, the re-plan is empty, the guard passes the imports and blocks a change that
 * would replace the adopted database, and what would go wrong at plan time names the config field.
 *
 * The environment is staging's, without the parts the main e2e already proves (other services,
 * jobs, WAF, night schedule, delivery), so the run stays short; with what the shipped environments
 * do not have: an internal service, ARM64 tasks, and topics fanned out to queues.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { App } from 'cdktf';
import { GetBucketEncryptionCommand, GetBucketOwnershipControlsCommand, GetBucketPolicyCommand, GetBucketVersioningCommand, GetPublicAccessBlockCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { DescribeListenersCommand, DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CloudFrontClient, GetDistributionCommand } from '@aws-sdk/client-cloudfront';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { buildApp } from '../../src/app';
import { staging } from '../../src/config/environments';
import { EnvironmentConfig } from '../../src/config/types';
import { emulatorFromEndpoint } from '../../src/lib/emulator';
import { withConfig, withoutEmail } from '../helpers/synth';
import { withInternalService } from '../helpers/internal';
import { withTopics } from '../helpers/topics';
import { assertLoopback, emulatorEnv, sdkConfig } from './harness/aws-env';
import { botoCalls } from './harness/boto';
import { toleratedChanges, unexpectedChanges } from './harness/drift';
import { Moto, motoPython, startMoto } from './harness/moto';
import { run, stepTimer } from './harness/run';
import { oneInstance, stateInstances } from './harness/state';

const REPO = path.resolve(__dirname, '..', '..');
const MINUTE = 60_000;
/** The whole file stays within 8 minutes (CI budget, after the main e2e). */
const DEADLINE = Date.now() + 8 * MINUTE;
const budget = (ms: number) => Math.max(30_000, Math.min(ms, DEADLINE - Date.now()));
const NAME = 'moved';
const DOMAIN = 'moved.example.com';
const INSTANCE = 'legacy-db';
const MEDIA = 'legacy-user-uploads';
const STATIC = 'legacy-static-files';
const ROLLBACK_ALARM = 'legacy-payments-errors';
const SECRET = 'legacy/stripe';

/** What legacy_app.py created. */
interface Legacy {
  vpcId: string;
  publicSubnetIds: string[];
  privateSubnetIds: string[];
  natGatewayId: string;
  oldAppSecurityGroupId: string;
  instanceArn: string;
  instanceEndpoint: string;
  instanceResourceId: string;
  mediaObjectETag: string;
  loadBalancerCertificateArn: string;
  cdnCertificateArn: string;
  secretArn: string;
}

/** Staging moved in: everything adopted, and only what the adoption touches. */
function movedEnvironment(legacy: Legacy, change: (c: EnvironmentConfig) => void = () => undefined): EnvironmentConfig {
  // The moved app has a Copilot Backend Service (an internal service here, called by web) and
  // publishes events to topics fanned out to a worker's queues (Copilot's publish/subscribe.topics).
  const adopting = withConfig(withInternalService(staging, ['web']), (c) => {
    c.name = NAME;
    c.domain.name = DOMAIN;
    delete c.network.cidr;
    c.network.existing = { vpcId: legacy.vpcId, publicSubnetIds: legacy.publicSubnetIds, privateSubnetIds: legacy.privateSubnetIds };
    c.network.flowLogs = false;
    c.domain.certificates = { loadBalancer: legacy.loadBalancerCertificateArn, cdn: legacy.cdnCertificateArn };
    c.database.adopt = { identifier: INSTANCE };
    c.assets.adopt = { static: STATIC, media: MEDIA };
    Object.assign(c.compute, { services: [], workers: [], queues: [], jobs: [], secrets: [] });
    c.compute.web.sendsTo = [];
    c.waf.mode = 'off';
    // Graviton here, so the ARM64 task definitions are deployed and re-planned on the emulator too.
    c.compute.cpuArchitecture = 'ARM64';
    c.compute.fargateSpot = false;
    delete c.schedule;
    delete c.delivery;
    withoutEmail(c); // its sender (the mailer) is gone; e-mail is deployed by the staging and prod e2e
    // What the Copilot manifests carried over (docs/migrating-from-copilot.md): the web service's
    // scaling on memory and response time and its rollback alarm, the Backend Service's own health
    // check (it has no load balancer), scratch space and entry point, a Secrets Manager secret read
    // in place by its partial ARN.
    Object.assign(c.compute.web, { memoryTarget: 75, responseTimeTarget: 1.5, rollbackAlarms: [ROLLBACK_ALARM] });
    Object.assign(c.compute.internalServices[0], {
      containerHealthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:9000/healthz || exit 1'], intervalSeconds: 20, retries: 3, startPeriodSeconds: 30 },
      ephemeralStorageGiB: 40,
      entryPoint: ['/usr/bin/env'],
    });
    c.compute.externalSecrets = { STRIPE_KEY: `arn:aws:secretsmanager:${c.region}:${c.accountId}:secret:${SECRET}:api_key::` };
  });
  return withConfig(withTopics(adopting), change);
}

let workDir: string;
let moto: Moto | undefined;
let endpoint: string;
let env: NodeJS.ProcessEnv;
let python: string;
let legacy: Legacy;
let stackDir: string;
let firstPlan: { resource_changes?: any[] };
let guardOutput = '';
let state: any;
const timings: Record<string, number> = {};
const log = (message: string) => process.stdout.write(`[e2e adopt] ${message}\n`);

const timed = stepTimer(timings, log);

/** Synthesizes the environment for the emulator (local state) into its own folder; returns the stack folder. */
function synth(config: EnvironmentConfig, folder: string): string {
  const outdir = path.join(workDir, folder);
  const app = new App({ outdir });
  buildApp(app, [config], { emulator: emulatorFromEndpoint(endpoint), localBackend: true });
  app.synth();
  return path.join(outdir, 'stacks', NAME);
}

const tf = (dir: string, args: string[], logName: string, okCodes?: number[]) =>
  run('terraform', [...args, '-no-color'], { cwd: dir, env, logFile: path.join(workDir, logName), timeoutMs: budget(6 * MINUTE), okCodes });

async function planJson(dir: string, logName: string, extra: string[] = []): Promise<{ code: number | null; plan: any; file: string }> {
  const result = await tf(dir, ['plan', '-input=false', '-parallelism=20', '-detailed-exitcode', '-out=plan.tfplan', ...extra], logName, [0, 2]);
  const shown = await tf(dir, ['show', '-json', 'plan.tfplan'], logName);
  const file = path.join(dir, 'plan.json');
  fs.writeFileSync(file, shown.stdout);
  return { code: result.code, plan: JSON.parse(shown.stdout), file };
}

/** What a command printed (stdout and stderr), from its log file. */
const logOf = (logName: string) => fs.readFileSync(path.join(workDir, logName), 'utf8');

/** The plan guard as CI runs it (`npm run plan-guard -- <stack>=<plan.json>`). */
const planGuard = (file: string, logName: string) =>
  run('npx', ['tsx', 'scripts/plan-guard.ts', `${NAME}=${file}`], { cwd: REPO, env, logFile: path.join(workDir, logName), timeoutMs: budget(MINUTE), okCodes: [0, 1] });

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'webapp-e2e-adopt-'));
  log(`work directory (logs, synthesized stacks): ${workDir}`);
  python = motoPython();
  moto = await timed('start the emulator', () => startMoto(workDir, 'moto-adopt.log'));
  endpoint = moto.endpoint;
  assertLoopback(endpoint);
  // Its own plugin cache: in CI this file runs beside deploy.e2e, and two terraform inits at once
  // must not share one (not concurrency safe).
  env = emulatorEnv(endpoint, { TF_PLUGIN_CACHE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'tf-plugin-cache-adopt-')) });

  legacy = await timed('create the live app\'s resources (SDK)', async () => {
    const out = execFileSync(python, [path.join(__dirname, 'harness', 'legacy_app.py')], {
      input: JSON.stringify({ endpoint, region: staging.region, instance: INSTANCE, mediaBucket: MEDIA, staticBucket: STATIC, loadBalancerNames: [DOMAIN], cdnName: `${staging.domain.staticLabel}.${DOMAIN}`, rollbackAlarm: ROLLBACK_ALARM, secretName: SECRET }),
      encoding: 'utf8',
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^AWS_/.test(k))), AWS_EC2_METADATA_DISABLED: 'true' },
    });
    return JSON.parse(out) as Legacy;
  });
  await new Route53Client(sdkConfig(endpoint, 'us-east-1')).send(new CreateHostedZoneCommand({ Name: staging.domain.dns.zoneName!, CallerReference: `e2e-adopt-${Date.now()}` }));

  stackDir = synth(movedEnvironment(legacy), 'out');
  await timed('terraform init + plan (imports)', async () => {
    await tf(stackDir, ['init', '-input=false'], 'init.log');
    firstPlan = (await planJson(stackDir, 'plan.log')).plan;
  });
  guardOutput = (await planGuard(path.join(stackDir, 'plan.json'), 'guard.log')).stdout;
  // 10 in flight, as the main e2e deploys: the emulator answers one request at a time (shim 18), so
  // more only lengthens each request's wait, and a create the provider's SDK gives up on and sends
  // again comes back InvalidPermission.Duplicate (seen once in CI at 20).
  await timed('terraform apply (adopting)', () => tf(stackDir, ['apply', '-input=false', '-parallelism=10', 'plan.tfplan'], 'apply.log'));
  state = JSON.parse(fs.readFileSync(path.join(stackDir, `terraform.${NAME}.tfstate`), 'utf8'));
  log(`${stateInstances(state).length} resource instances`);
}, 9 * MINUTE);

afterAll(async () => {
  await moto?.stop();
  log(`timings (s): ${JSON.stringify(timings)}`);
  const failed = (expect.getState() as { numFailingTests?: number }).numFailingTests;
  if (workDir && !process.env.E2E_KEEP && !failed) fs.rmSync(workDir, { recursive: true, force: true });
  else if (workDir) log(`kept ${workDir} (logs: plan.log, apply.log, replan.log, replace*.log, refused.log, moto-adopt.log)`);
}, MINUTE);

const imported = (plan: { resource_changes?: any[] }) => (plan.resource_changes ?? []).filter((rc) => rc.change.importing).map((rc) => ({ type: rc.type, id: rc.change.importing.id, actions: rc.change.actions }));

test('the first plan imports the instance and both buckets, changes them in place only, and the plan guard passes it', () => {
  expect(imported(firstPlan).map(({ type, id }) => `${type} ${id}`).sort()).toEqual([`aws_db_instance ${INSTANCE}`, `aws_s3_bucket ${MEDIA}`, `aws_s3_bucket ${STATIC}`].sort());
  // In place only: the project's settings on the instance (IAM auth, parameter group...), tags on the buckets.
  for (const i of imported(firstPlan)) expect([['update'], ['no-op']]).toContainEqual(i.actions);
  const creates = (firstPlan.resource_changes ?? []).filter((rc) => rc.change.actions.includes('create')).map((rc) => rc.type);
  for (const type of ['aws_db_instance', 'aws_s3_bucket', 'aws_vpc', 'aws_subnet', 'aws_nat_gateway', 'aws_acm_certificate']) expect(creates).not.toContain(type);
  expect((firstPlan.resource_changes ?? []).filter((rc) => rc.change.actions.includes('delete'))).toEqual([]);
  expect(guardOutput).toMatch(/3 to import, \d+ to add, \d+ to change, 0 to destroy, 0 to replace, 0 to forget/);
  expect(guardOutput).toMatch(/PASSED: no stateful resource is destroyed or replaced\./);
});

test('the VPC is untouched: nothing of the network is in state, and its subnets and routes are as they were', () => {
  for (const type of ['aws_vpc', 'aws_subnet', 'aws_route_table', 'aws_route', 'aws_nat_gateway', 'aws_internet_gateway', 'aws_flow_log']) expect([type, stateInstances(state, type)]).toEqual([type, []]);
  expect(state.outputs.vpc_id.value).toBe(legacy.vpcId);
  const [subnets, tables] = botoCalls(python, endpoint, [
    { service: 'ec2', operation: 'describe_subnets', params: { Filters: [{ Name: 'vpc-id', Values: [legacy.vpcId] }] } },
    { service: 'ec2', operation: 'describe_route_tables', params: { Filters: [{ Name: 'vpc-id', Values: [legacy.vpcId] }] } },
  ]);
  expect(subnets.Subnets.map((s: any) => s.SubnetId).sort()).toEqual([...legacy.publicSubnetIds, ...legacy.privateSubnetIds].sort());
  const defaultRoutes = tables.RouteTables.map((t: any) => t.Routes.find((r: any) => r.DestinationCidrBlock === '0.0.0.0/0'));
  expect(defaultRoutes.filter((r: any) => r?.NatGatewayId === legacy.natGatewayId)).toHaveLength(1);
  expect(defaultRoutes.filter((r: any) => /^igw-/.test(r?.GatewayId ?? ''))).toHaveLength(1);
  // The stack's security groups are in the adopted VPC; the load balancer in its public subnets.
  for (const group of stateInstances(state, 'aws_security_group')) expect(group.attributes.vpc_id).toBe(legacy.vpcId);
  expect([...oneInstance(state, 'aws_lb').attributes.subnets].sort()).toEqual([...legacy.publicSubnetIds].sort());
});

test('the database is the same instance: ARN, endpoint and resource id unchanged, its subnet group and the old app\'s access kept', async () => {
  const { DBInstances } = await new RDSClient(sdkConfig(endpoint, staging.region)).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: INSTANCE }));
  const db = DBInstances![0];
  expect(db.DBInstanceArn).toBe(legacy.instanceArn);
  expect(db.Endpoint?.Address).toBe(legacy.instanceEndpoint);
  expect(db.DbiResourceId).toBe(legacy.instanceResourceId);
  expect(db.DBSubnetGroup?.DBSubnetGroupName).toBe('legacy-db-subnets');
  const stackGroup = oneInstance(state, 'aws_security_group', 'database_sg').attributes.id;
  expect(db.VpcSecurityGroups!.map((g) => g.VpcSecurityGroupId).sort()).toEqual([legacy.oldAppSecurityGroupId, stackGroup].sort());
  // Changed in place to the project's settings.
  expect(db.IAMDatabaseAuthenticationEnabled).toBe(true);
  expect(db.DBParameterGroups?.[0].DBParameterGroupName).toMatch(/^webapp-moved-postgres17-/);
  expect(oneInstance(state, 'aws_db_instance').attributes.arn).toBe(legacy.instanceArn);
});

test('the buckets: the object is untouched; encryption, public access block, ownership, versioning and policy are applied in place', async () => {
  const s3 = new S3Client({ ...sdkConfig(endpoint, staging.region), forcePathStyle: true });
  const head = await s3.send(new HeadObjectCommand({ Bucket: MEDIA, Key: 'avatars/1.png' }));
  expect(head.ETag).toBe(legacy.mediaObjectETag);
  for (const bucket of [MEDIA, STATIC]) {
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBe('Enabled');
    expect((await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }))).PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    expect((await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }))).OwnershipControls?.Rules?.[0].ObjectOwnership).toBe('BucketOwnerEnforced');
    expect((await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }))).ServerSideEncryptionConfiguration?.Rules?.[0].ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('AES256');
    expect((await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy).toContain('aws:SecureTransport');
  }
  expect(state.outputs.media_bucket_name.value).toBe(MEDIA);
});

test('certificates: none is requested; the load balancer and CloudFront serve the given ones', async () => {
  expect(stateInstances(state, 'aws_acm_certificate')).toEqual([]);
  const elb = new ElasticLoadBalancingV2Client(sdkConfig(endpoint, staging.region));
  const { LoadBalancers } = await elb.send(new DescribeLoadBalancersCommand({ Names: ['webapp-moved-alb'] }));
  const { Listeners } = await elb.send(new DescribeListenersCommand({ LoadBalancerArn: LoadBalancers![0].LoadBalancerArn }));
  expect(Listeners!.find((l) => l.Port === 443)?.Certificates?.[0].CertificateArn).toBe(legacy.loadBalancerCertificateArn);
  const distribution = oneInstance(state, 'aws_cloudfront_distribution').attributes.id;
  const { Distribution } = await new CloudFrontClient(sdkConfig(endpoint, 'us-east-1')).send(new GetDistributionCommand({ Id: distribution }));
  expect(Distribution?.DistributionConfig?.ViewerCertificate?.ACMCertificateArn).toBe(legacy.cdnCertificateArn);
});

test('ARM64: every task definition the emulator holds runs on ARM64 (Graviton) Linux', async () => {
  const ecs = new ECSClient(sdkConfig(endpoint, staging.region));
  const families = stateInstances(state, 'aws_ecs_task_definition').map((t) => t.attributes.arn as string);
  expect(families.length).toBeGreaterThanOrEqual(3);
  for (const arn of families) {
    const { taskDefinition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
    expect([arn, taskDefinition?.runtimePlatform]).toEqual([arn, { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' }]);
  }
});

test('the internal service: registered in the Cloud Map namespace of the adopted VPC, reachable from web only, its URL in web\'s task', async () => {
  const [namespaces, services] = botoCalls(python, endpoint, [
    { service: 'servicediscovery', operation: 'list_namespaces' },
    { service: 'servicediscovery', operation: 'list_services' },
  ]);
  expect(namespaces.Namespaces.map((n: any) => [n.Name, n.Type])).toEqual([['webapp-moved.internal', 'DNS_PRIVATE']]);
  const registry = services.Services.find((s: any) => s.Name === 'pricing');
  expect(registry).toBeDefined();
  const ecs = new ECSClient(sdkConfig(endpoint, staging.region));
  const { services: described } = await ecs.send(new DescribeServicesCommand({ cluster: 'webapp-moved', services: ['webapp-moved-pricing'] }));
  expect(described![0].serviceRegistries).toEqual([{ registryArn: registry.Arn }]);
  expect(described![0].loadBalancers ?? []).toEqual([]);
  const web = stateInstances(state, 'aws_ecs_task_definition').find((t) => t.name.startsWith('web_'))!;
  expect(JSON.parse(web.attributes.container_definitions)[0].environment).toContainEqual({ name: 'PRICING_URL', value: 'http://pricing.webapp-moved.internal:9000' });
});

test('what the Copilot manifests carried over: rollback alarms, memory and response-time scaling, the container health check, scratch space, entry point, a secret read in place', async () => {
  const ecs = new ECSClient(sdkConfig(endpoint, staging.region));
  const { services } = await ecs.send(new DescribeServicesCommand({ cluster: 'webapp-moved', services: ['webapp-moved-web'] }));
  // The adopted alarm next to the stack's own 5xx guard, both rolling a deployment back.
  expect(services![0].deploymentConfiguration?.alarms).toMatchObject({ enable: true, rollback: true });
  expect(services![0].deploymentConfiguration?.alarms?.alarmNames).toEqual(expect.arrayContaining([ROLLBACK_ALARM, 'webapp-moved-web-target-5xx-rate']));
  const [policies] = botoCalls(python, endpoint, [{ service: 'application-autoscaling', operation: 'describe_scaling_policies', params: { ServiceNamespace: 'ecs', ResourceId: 'service/webapp-moved/webapp-moved-web' }, region: staging.region }]);
  const byName = Object.fromEntries(policies.ScalingPolicies.map((p: any) => [p.PolicyName, p.TargetTrackingScalingPolicyConfiguration]));
  expect(byName['webapp-moved-web-memory']).toMatchObject({ TargetValue: 75, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageMemoryUtilization' } });
  expect(byName['webapp-moved-web-response-time']).toMatchObject({ TargetValue: 1.5, CustomizedMetricSpecification: { MetricName: 'TargetResponseTime', Namespace: 'AWS/ApplicationELB', Statistic: 'Average' } });
  const pricing = stateInstances(state, 'aws_ecs_task_definition').find((t) => t.name.startsWith('internal-pricing_'))!.attributes.arn as string;
  const { taskDefinition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: pricing }));
  expect(taskDefinition?.ephemeralStorage).toEqual({ sizeInGiB: 40 });
  const app = taskDefinition!.containerDefinitions!.find((c) => c.name === 'app')!;
  expect(app.entryPoint).toEqual(['/usr/bin/env']);
  expect(app.healthCheck).toMatchObject({ command: ['CMD-SHELL', 'curl -f http://localhost:9000/healthz || exit 1'], interval: 20, retries: 3, startPeriod: 30 });
  // The secret by name: ECS gets the partial ARN with the JSON key, the execution role the secret's name and suffix.
  expect(app.secrets).toContainEqual({ name: 'STRIPE_KEY', valueFrom: `arn:aws:secretsmanager:${staging.region}:${staging.accountId}:secret:${SECRET}:api_key::` });
  const execution = stateInstances(state, 'aws_iam_role_policy').find((p) => p.name.startsWith('internal-pricing_execution-policy'))!;
  const read = JSON.parse(execution.attributes.policy).Statement.find((st: any) => st.Sid === 'ReadSecrets');
  expect(read.Resource).toContain(`arn:aws:secretsmanager:${staging.region}:${staging.accountId}:secret:${SECRET}-??????`);
  // IAM's wildcard matches the secret Secrets Manager created (its ARN ends in the six random characters).
  const wildcard = read.Resource.find((r: string) => r.includes(SECRET)) as string;
  const iamPattern = new RegExp(`^${[...wildcard].map((ch) => (ch === '?' ? '.' : ch === '*' ? '.*' : ch.replace(/[.+^${}()|[\]\\/]/g, '\\$&'))).join('')}$`);
  expect(legacy.secretArn).toMatch(iamPattern);
});

test('topics: published events reach the subscribed queues, filtered, FIFO in order and raw; encrypted with the stack\'s key, queues admitting only their topic', async () => {
  const topicArn = (name: string) => stateInstances(state, 'aws_sns_topic').map((t) => t.attributes).find((t) => t.name === name)!.arn as string;
  const queueUrl = (name: string) => stateInstances(state, 'aws_sqs_queue').map((q) => q.attributes).find((q) => q.name === name)!.url as string;
  const orders = topicArn('webapp-moved-topic-orders');
  const ledger = topicArn('webapp-moved-topic-ledger.fifo');
  const attribute = (value: string) => ({ event: { DataType: 'String', StringValue: value } });
  botoCalls(python, endpoint, [
    { service: 'sns', operation: 'publish', params: { TopicArn: orders, Message: '{"order": 1}', MessageAttributes: attribute('order-placed') } },
    { service: 'sns', operation: 'publish', params: { TopicArn: orders, Message: '{"order": 2}', MessageAttributes: attribute('order-viewed') } },
    { service: 'sns', operation: 'publish', params: { TopicArn: ledger, Message: 'debit 1', MessageGroupId: 'account-7' } },
    { service: 'sns', operation: 'publish', params: { TopicArn: ledger, Message: 'credit 2', MessageGroupId: 'account-7' } },
  ].map((c) => ({ ...c, region: staging.region })));
  const receive = (url: string) => ({ service: 'sqs', operation: 'receive_message', params: { QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }, region: staging.region });
  const [events, entries, topicAttributes, queuePolicy, subscriptions] = botoCalls(python, endpoint, [
    receive(queueUrl('webapp-moved-order-events')),
    receive(queueUrl('webapp-moved-ledger.fifo')),
    { service: 'sns', operation: 'get_topic_attributes', params: { TopicArn: orders }, region: staging.region },
    { service: 'sqs', operation: 'get_queue_attributes', params: { QueueUrl: queueUrl('webapp-moved-order-events'), AttributeNames: ['Policy'] }, region: staging.region },
    { service: 'sns', operation: 'list_subscriptions_by_topic', params: { TopicArn: orders }, region: staging.region },
  ]);
  // Only the order-placed event passed the filter policy; it arrives in SNS's envelope (raw delivery off).
  expect((events.Messages ?? []).map((m: any) => JSON.parse(m.Body).Message)).toEqual(['{"order": 1}']);
  // The FIFO topic delivers raw, in order, to the FIFO queue (deduplicated by content).
  expect((entries.Messages ?? []).map((m: any) => m.Body)).toEqual(['debit 1', 'credit 2']);
  const key = oneInstance(state, 'aws_kms_key', 'topics_key').attributes;
  expect(topicAttributes.Attributes.KmsMasterKeyId).toBe(key.arn);
  expect(JSON.parse(queuePolicy.Attributes.Policy).Statement[0].Condition).toEqual({ ArnEquals: { 'aws:SourceArn': [orders] } });
  expect(subscriptions.Subscriptions.map((s: any) => [s.Protocol, s.Endpoint])).toEqual([['sqs', stateInstances(state, 'aws_sqs_queue').map((q) => q.attributes).find((q) => q.name === 'webapp-moved-order-events')!.arn]]);
});

test('a plan after the apply changes nothing (the imports are done)', async () => {
  const { plan, code } = await timed('re-plan', () => planJson(stackDir, 'replan.log'));
  expect(imported(plan)).toEqual([]);
  const tolerated = toleratedChanges(plan);
  if (tolerated.length > 0) log(`tolerated lossy attributes: ${tolerated.join(', ')}`);
  expect(unexpectedChanges(plan)).toEqual([]);
  if (code === 2) expect(tolerated.length).toBeGreaterThan(0);
}, 3 * MINUTE);

test('a change that would replace the adopted database: prevent_destroy stops the plan, and without it the plan guard blocks it', async () => {
  const dir = path.join(workDir, 'replace');
  fs.cpSync(stackDir, dir, { recursive: true, verbatimSymlinks: true });
  const file = path.join(dir, 'cdk.tf.json');
  const stack = JSON.parse(fs.readFileSync(file, 'utf8'));
  const [name] = Object.keys(stack.resource.aws_db_instance);
  // RDS cannot rename the master user: a new one means a new instance.
  stack.resource.aws_db_instance[name].username = 'someone_else';
  fs.writeFileSync(file, JSON.stringify(stack, null, 2));
  await tf(dir, ['plan', '-input=false', '-lock=false', '-parallelism=20'], 'replace-prevented.log', [1]);
  expect(logOf('replace-prevented.log')).toMatch(/Instance cannot be destroyed[\s\S]*prevent_destroy/);

  delete stack.resource.aws_db_instance[name].lifecycle.prevent_destroy;
  fs.writeFileSync(file, JSON.stringify(stack, null, 2));
  const { plan, file: planFile } = await planJson(dir, 'replace.log', ['-lock=false']);
  expect((plan.resource_changes ?? []).find((rc: any) => rc.type === 'aws_db_instance')?.change.actions).toEqual(['delete', 'create']);
  const verdict = await planGuard(planFile, 'replace-guard.log');
  expect(verdict.code).toBe(1);
  expect(verdict.stdout).toMatch(new RegExp(`BLOCKED {2}aws_db_instance\\.${name}\\n[\\s\\S]*replace_paths: +username`));
}, 3 * MINUTE);

test('what only AWS can tell fails the plan naming the config field: a subnet that does not exist, a master user that differs', async () => {
  const dir = synth(movedEnvironment(legacy, (c) => {
    c.network.existing!.privateSubnetIds = [legacy.privateSubnetIds[0], 'subnet-0123456789abcdef0'];
    c.database.masterUsername = 'owner';
  }), 'refused');
  await tf(dir, ['init', '-input=false'], 'refused.log');
  await tf(dir, ['plan', '-input=false', '-parallelism=20'], 'refused-plan.log', [1]);
  const output = logOf('refused-plan.log').replace(/\s+/g, ' ');
  expect(output).toContain('network.existing: subnet(s) subnet-0123456789abcdef0 not found in account 123456789012, region eu-west-1');
  expect(output).toContain(`database.adopt.identifier: "${INSTANCE}" has the master user dbadmin: set database.masterUsername to it`);
}, 3 * MINUTE);
