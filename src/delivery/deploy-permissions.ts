import { EnvironmentConfig } from '../config/types';
import { PolicyStatement } from '../lib/iam';
import { assetBucketNames, databaseIdentifier, emailResourceNames } from '../config/names';
import { arn, defaultTags, globalBucketName, managedPolicyArn, resourceName } from '../lib/naming';
import { deliveryRoleArns, deployPolicyName, workloadBoundaryArn } from './names';
import { dataReadDenials } from './data-reads';
import { stateStatements } from './state-access';

/**
 * What the GitHub deploy role of an environment may do, beyond AWS's `ReadOnlyAccess` (attached
 * next to these policies for every read, describe and list that `terraform plan` and the release
 * scripts make): create, change and delete exactly the resources of this environment's stack, run
 * its release (image push, one-off tasks, the release lock), and nothing of another environment.
 *
 * How each kind of resource is scoped (DEPLOY_COVERAGE, deploy-coverage.ts, says it per Terraform type):
 * - by name: nearly everything is named `<project>-<env>...` (log groups `/ecs/<p>/`, secrets
 *   `<p>/`, parameters `/<project>/<env>/`), so the ARNs below pin it;
 * - by tag, where AWS gives the resource no name of ours (VPC resources, target groups with a
 *   6-character name prefix, KMS keys, scalable targets, CloudFront distributions, ACM
 *   certificates): created only with the provider's default tags `project`/`environment`
 *   (`aws:RequestTag`), changed or deleted only when they carry them (`aws:ResourceTag`), and the
 *   two tags can neither be removed nor changed to another environment's;
 * - by condition where neither exists (Route53 record names, ACM domain names);
 * - unscoped only where AWS offers no resource-level permission: UNSCOPED_ACTIONS lists each
 *   action with the reason (it goes verbatim into docs/delivery.md).
 *
 * Sources: the IAM Service Authorization Reference (actions, resource types, condition keys) as of
 * 2026-06, and the AWS provider 5.100 source for the calls each resource makes. Items marked
 * "unverified" below follow the documentation but were not exercised against a real account.
 */

/** One customer-managed policy of the deploy role (`deployPolicyName(env, part)`). */
export interface DeployPolicy {
  readonly part: string;
  readonly description: string;
  readonly statements: PolicyStatement[];
}

/** The region of CloudFront's certificate, its WAF, its alarms and their topics. */
export const GLOBAL_EDGE_REGION = 'us-east-1';

/** AWS-managed policies the stack attaches to its roles (paths of managedPolicyArn()). */
export const ATTACHED_MANAGED_POLICIES = ['service-role/AmazonRDSEnhancedMonitoringRole'];

/**
 * Services whose service-linked role a first deploy in a fresh account creates: ECS (clusters,
 * services), Application Auto Scaling for ECS, Elastic Load Balancing, RDS, ElastiCache, WAF
 * logging, and the ECR pull-through cache.
 */
export const SERVICE_LINKED_ROLE_SERVICES = [
  'ecs.amazonaws.com',
  'ecs.application-autoscaling.amazonaws.com',
  'elasticloadbalancing.amazonaws.com',
  'rds.amazonaws.com',
  'elasticache.amazonaws.com',
  'wafv2.amazonaws.com',
  'pullthroughcache.ecr.amazonaws.com',
];

/** The roles the stack creates, by the service each one is passed to (iam:PassedToService). */
export function passedRoles(env: EnvironmentConfig): { service: string; roleNames: string[] }[] {
  const p = resourceName(env);
  return [
    // Execution and task roles of every process (`<p>-<process>-execution|task`).
    { service: 'ecs-tasks.amazonaws.com', roleNames: [`${p}-*-execution`, `${p}-*-task`] },
    { service: 'monitoring.rds.amazonaws.com', roleNames: [`${p}-rds-monitoring`] },
    { service: 'vpc-flow-logs.amazonaws.com', roleNames: [`${p}-vpc-flow-logs`] },
    { service: 'scheduler.amazonaws.com', roleNames: [`${p}-jobs-scheduler`, `${p}-night-scheduler`] },
  ];
}


// ---------------------------------------------------------------------------------------------

/** Statement helpers bound to one environment. */
function scope(env: EnvironmentConfig) {
  const p = resourceName(env);
  const account = env.accountId;
  const regions = [...new Set([env.region, GLOBAL_EDGE_REGION])];
  /** A regional ARN in the environment's region (or another). */
  const at = (service: string, resource: string, region = env.region) => arn(env.region, service, region, account, resource);
  const tags = { 'aws:RequestTag/project': env.project, 'aws:RequestTag/environment': env.name };
  const tagged = { 'aws:ResourceTag/project': env.project, 'aws:ResourceTag/environment': env.name };
  return {
    p,
    regions,
    at,
    /** The same resource in each of the environment's regions (its own and us-east-1). */
    everywhere: (service: string, resource: string) => regions.map((r) => at(service, resource, r)),
    /** A global resource (IAM, CloudFront, CloudWatch dashboards). */
    global: (service: string, resource: string) => arn(env.region, service, '', account, resource),
    /** Route53 ARNs have neither region nor account. */
    hostedZones: arn(env.region, 'route53', '', '', 'hostedzone/*'),
    /** Creating: the request carries the environment's tags. */
    requestTags: { StringEquals: tags },
    /** Tagging at creation what AWS authorizes like an existing resource: the request carries the tags, the target has no environment tag yet. */
    requestTagsNew: { StringEquals: tags, Null: { 'aws:ResourceTag/environment': 'true' } },
    /** Changing: the resource carries the environment's tags. */
    resourceTags: { StringEquals: tagged },
    /** Re-tagging an own resource: it stays this environment's (tags may be added, not changed away). */
    retag: { StringEquals: tagged, StringEqualsIfExists: tags },
    /** Untagging an own resource, never its project/environment tags. */
    untag: { StringEquals: tagged, 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['project', 'environment'] } },
    inRegions: (list = regions) => ({ StringEquals: { 'aws:RequestedRegion': list } }),
  };
}

type Scope = ReturnType<typeof scope>;

/**
 * The create statements of EC2 resources, grouped so that no action of a group is authorized
 * against a *parent* resource type listed in the same group (the VPC of a subnet, the subnet of a
 * NAT gateway, the group of a rule): a parent must be allowed by its own tags (ChangeTagged),
 * never by the tags of the request. `EC2_CREATE_PARENTS` (the Service Authorization Reference's
 * resource types of each action) is what the test checks this grouping against.
 */
export const EC2_CREATE_GROUPS: { actions: string[]; creates: string[] }[] = [
  { actions: ['ec2:CreateVpc', 'ec2:CreateInternetGateway', 'ec2:AllocateAddress'], creates: ['vpc', 'internet-gateway', 'elastic-ip'] },
  { actions: ['ec2:CreateSubnet', 'ec2:CreateRouteTable', 'ec2:CreateSecurityGroup'], creates: ['subnet', 'route-table', 'security-group'] },
  { actions: ['ec2:CreateNatGateway', 'ec2:CreateVpcEndpoint', 'ec2:AuthorizeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress'], creates: ['natgateway', 'vpc-endpoint', 'security-group-rule'] },
  { actions: ['ec2:CreateFlowLogs'], creates: ['vpc-flow-log'] },
];

/** Existing EC2 resources each create action is also authorized against (Service Authorization Reference). */
export const EC2_CREATE_PARENTS: Record<string, string[]> = {
  'ec2:CreateVpc': ['ipam-pool', 'ipv6pool-ec2'],
  'ec2:CreateInternetGateway': [],
  'ec2:AllocateAddress': ['ipam-pool', 'ipv4pool-ec2'],
  'ec2:CreateSubnet': ['vpc', 'ipam-pool'],
  'ec2:CreateRouteTable': ['vpc'],
  'ec2:CreateSecurityGroup': ['vpc'],
  'ec2:CreateNatGateway': ['elastic-ip', 'subnet', 'vpc'],
  'ec2:CreateVpcEndpoint': ['vpc', 'route-table', 'security-group', 'subnet'],
  'ec2:AuthorizeSecurityGroupIngress': ['security-group'],
  'ec2:AuthorizeSecurityGroupEgress': ['security-group'],
  'ec2:CreateFlowLogs': ['natgateway', 'network-interface', 'subnet', 'vpc', 'transit-gateway', 'transit-gateway-attachment'],
};

/** A kind of resource scoped by the environment's tags: its ARNs, what may change it, how it is tagged. */
interface TagScoped {
  readonly resources: string[];
  readonly change: string[];
  readonly tag: string;
  readonly untag: string;
}

/** Change (only when tagged), re-tag (never to another environment) and untag (never project/environment) a set of tag-scoped kinds. */
function tagScopedStatements(sid: string, kinds: TagScoped[], s: Scope): PolicyStatement[] {
  const resources = kinds.flatMap((k) => k.resources);
  return [
    { Sid: `ChangeTagged${sid}`, Effect: 'Allow', Action: kinds.flatMap((k) => k.change), Resource: resources, Condition: s.resourceTags },
    { Sid: `Retag${sid}`, Effect: 'Allow', Action: kinds.map((k) => k.tag), Resource: resources, Condition: s.retag },
    { Sid: `Untag${sid}`, Effect: 'Allow', Action: kinds.map((k) => k.untag), Resource: resources, Condition: s.untag },
  ];
}

/**
 * EC2/VPC resources have generated IDs: everything by the environment's tags. The provider's
 * default tags are in every create call (TagSpecifications), so a resource is tagged from birth.
 */
function networkStatements(env: EnvironmentConfig, s: Scope): PolicyStatement[] {
  const ec2 = s.at('ec2', '*');
  return [
    ...EC2_CREATE_GROUPS.map(({ actions, creates }, i) => ({
      Sid: `CreateTagged${i + 1}`,
      Effect: 'Allow' as const,
      Action: actions,
      Resource: creates.map((type) => s.at('ec2', `${type}/*`)),
      Condition: s.requestTags,
    })),
    // Tags applied by the create call itself.
    { Sid: 'TagWithTheCreate', Effect: 'Allow', Action: 'ec2:CreateTags', Resource: ec2, Condition: { StringEquals: { 'ec2:CreateAction': EC2_CREATE_GROUPS.flatMap((g) => g.actions.map((x) => x.split(':')[1])) } } },
    ...tagScopedStatements('Network', [{
      resources: [ec2],
      change: [
        // Creates, for the tagged resources they go into or use (the VPC of a subnet...).
        'ec2:CreateSubnet', 'ec2:CreateRouteTable', 'ec2:CreateNatGateway', 'ec2:CreateSecurityGroup', 'ec2:CreateVpcEndpoint', 'ec2:CreateFlowLogs',
        'ec2:AuthorizeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress', 'ec2:CreateNetworkInterface',
        'ec2:AttachInternetGateway', 'ec2:DetachInternetGateway', 'ec2:AssociateRouteTable', 'ec2:DisassociateRouteTable', 'ec2:ReplaceRouteTableAssociation',
        'ec2:ModifyVpcAttribute', 'ec2:ModifySubnetAttribute', 'ec2:CreateRoute', 'ec2:ReplaceRoute', 'ec2:DeleteRoute',
        'ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress', 'ec2:ModifySecurityGroupRules',
        'ec2:UpdateSecurityGroupRuleDescriptionsIngress', 'ec2:UpdateSecurityGroupRuleDescriptionsEgress', 'ec2:ModifyVpcEndpoint', 'ec2:DisassociateAddress',
        'ec2:DeleteVpc', 'ec2:DeleteSubnet', 'ec2:DeleteInternetGateway', 'ec2:DeleteRouteTable', 'ec2:ReleaseAddress', 'ec2:DeleteNatGateway',
        'ec2:DeleteSecurityGroup', 'ec2:DeleteVpcEndpoints', 'ec2:DeleteFlowLogs',
      ],
      tag: 'ec2:CreateTags',
      untag: 'ec2:DeleteTags',
    }], s),
    {
      // aws_default_security_group adopts the group AWS created with the VPC (untagged) by tagging it.
      Sid: 'AdoptTheDefaultSecurityGroup',
      Effect: 'Allow',
      Action: 'ec2:CreateTags',
      Resource: s.at('ec2', 'security-group/*'),
      Condition: { ...s.requestTagsNew, 'ForAllValues:StringEquals': { 'aws:TagKeys': [...Object.keys(defaultTags(env)), 'Name'] } },
    },
    ...adoptedVpcStatements(env, s),
    {
      // ElastiCache lists these as dependent actions of its cluster changes; never callable directly.
      Sid: 'ServiceManagedInterfaces',
      Effect: 'Allow',
      Action: ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface'],
      Resource: s.at('ec2', 'network-interface/*'),
      Condition: { Bool: { 'aws:ViaAWSService': 'true' } },
    },
  ];
}

/**
 * An adopted VPC (`network.existing`) carries its owner's tags, not the environment's: the stack's
 * security groups (and, without NAT, its endpoints) are created in exactly that VPC and its given
 * subnets, and the gateway endpoint on its route tables. Nothing of the VPC itself is changed.
 */
function adoptedVpcStatements(env: EnvironmentConfig, s: Scope): PolicyStatement[] {
  const existing = env.network.existing;
  if (!existing) return [];
  const vpc = s.at('ec2', `vpc/${existing.vpcId}`);
  return [
    {
      Sid: 'IntoTheAdoptedVpc',
      Effect: 'Allow',
      Action: env.network.natMode === 'none' ? ['ec2:CreateSecurityGroup', 'ec2:CreateVpcEndpoint', 'ec2:ModifyVpcEndpoint'] : 'ec2:CreateSecurityGroup',
      Resource: env.network.natMode === 'none' ? [vpc, ...existing.privateSubnetIds.map((id) => s.at('ec2', `subnet/${id}`))] : vpc,
    },
    ...(env.network.natMode === 'none'
      ? [{ Sid: 'TheAdoptedRouteTables', Effect: 'Allow' as const, Action: ['ec2:CreateVpcEndpoint', 'ec2:ModifyVpcEndpoint'], Resource: s.at('ec2', 'route-table/*'), Condition: { StringEquals: { 'ec2:Vpc': vpc } } }]
      : []),
  ];
}

/**
 * The other resources AWS names with generated IDs, scoped by the environment's tags: target
 * groups (a 6-character name prefix cannot carry the environment), scalable targets, CloudFront
 * distributions, ACM certificates, KMS keys. An action only ever matches resources of its own
 * service, so one statement per condition serves them all.
 */
function taggedStatements(s: Scope): PolicyStatement[] {
  const targetGroups = s.at('elasticloadbalancing', 'targetgroup/*');
  const scalableTargets = s.at('application-autoscaling', 'scalable-target/*');
  const distributions = s.global('cloudfront', 'distribution/*');
  const certificates = s.everywhere('acm', 'certificate/*');
  const keys = s.everywhere('kms', 'key/*');
  const ecs = { 'application-autoscaling:service-namespace': 'ecs' };
  return [
    { Sid: 'CreateTargetGroupsTagged', Effect: 'Allow', Action: 'elasticloadbalancing:CreateTargetGroup', Resource: targetGroups, Condition: s.requestTags },
    { Sid: 'TagTargetGroupsWithTheCreate', Effect: 'Allow', Action: 'elasticloadbalancing:AddTags', Resource: targetGroups, Condition: { StringEquals: { 'elasticloadbalancing:CreateAction': 'CreateTargetGroup' } } },
    // Tagged at creation but authorized like an existing resource: only one without an environment tag.
    {
      Sid: 'TagOnCreate',
      Effect: 'Allow',
      Action: ['application-autoscaling:TagResource', 'cloudfront:TagResource', 'acm:AddTagsToCertificate', 'kms:TagResource'],
      Resource: [scalableTargets, distributions, ...certificates, ...keys],
      Condition: s.requestTagsNew,
    },
    {
      // RegisterScalableTarget both creates and updates: with tags on a new target, by its tags on an existing one.
      Sid: 'RegisterScalableTargets',
      Effect: 'Allow',
      Action: 'application-autoscaling:RegisterScalableTarget',
      Resource: scalableTargets,
      Condition: { StringEquals: { ...s.requestTags.StringEquals, ...ecs }, Null: s.requestTagsNew.Null },
    },
    {
      Sid: 'ChangeScalableTargets',
      Effect: 'Allow',
      Action: [
        'application-autoscaling:RegisterScalableTarget', 'application-autoscaling:DeregisterScalableTarget', 'application-autoscaling:PutScalingPolicy',
        'application-autoscaling:DeleteScalingPolicy', 'application-autoscaling:PutScheduledAction', 'application-autoscaling:DeleteScheduledAction',
      ],
      Resource: scalableTargets,
      Condition: { StringEquals: { ...s.resourceTags.StringEquals, ...ecs } },
    },
    ...tagScopedStatements('Resources', [
      { resources: [targetGroups], change: ['elasticloadbalancing:ModifyTargetGroup', 'elasticloadbalancing:ModifyTargetGroupAttributes', 'elasticloadbalancing:DeleteTargetGroup'], tag: 'elasticloadbalancing:AddTags', untag: 'elasticloadbalancing:RemoveTags' },
      { resources: [scalableTargets], change: [], tag: 'application-autoscaling:TagResource', untag: 'application-autoscaling:UntagResource' },
      // aws:ResourceTag on distributions is documented in the Service Authorization Reference (unverified here).
      { resources: [distributions], change: ['cloudfront:UpdateDistribution', 'cloudfront:DeleteDistribution'], tag: 'cloudfront:TagResource', untag: 'cloudfront:UntagResource' },
      { resources: certificates, change: ['acm:DeleteCertificate', 'acm:UpdateCertificateOptions'], tag: 'acm:AddTagsToCertificate', untag: 'acm:RemoveTagsFromCertificate' },
      {
        resources: keys,
        change: [
          'kms:PutKeyPolicy', 'kms:EnableKeyRotation', 'kms:DisableKeyRotation', 'kms:UpdateKeyDescription', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion',
          // An alias needs both: a tagged key (here) and its own name (monitoring).
          'kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias',
        ],
        tag: 'kms:TagResource',
        untag: 'kms:UntagResource',
      },
    ], s),
  ];
}

/** ECS, ECR, the load balancer and the log groups. */
function computeStatements(env: EnvironmentConfig, s: Scope): PolicyStatement[] {
  const { p } = s;
  const cluster = s.at('ecs', `cluster/${p}`);
  const services = s.at('ecs', `service/${p}/*`);
  const families = s.at('ecs', `task-definition/${p}-*`);
  const lb = s.at('elasticloadbalancing', `loadbalancer/app/${p}-alb/*`);
  const listeners = s.at('elasticloadbalancing', `listener/app/${p}-alb/*`);
  const rules = s.at('elasticloadbalancing', `listener-rule/app/${p}-alb/*`);
  const logGroup = (name: string, region = env.region) => [s.at('logs', `log-group:${name}`, region), s.at('logs', `log-group:${name}:*`, region)];
  return [
    { Sid: 'Cluster', Effect: 'Allow', Action: ['ecs:CreateCluster', 'ecs:UpdateCluster', 'ecs:UpdateClusterSettings', 'ecs:PutClusterCapacityProviders', 'ecs:DeleteCluster'], Resource: cluster },
    { Sid: 'Services', Effect: 'Allow', Action: ['ecs:CreateService', 'ecs:UpdateService', 'ecs:DeleteService'], Resource: services },
    { Sid: 'TaskDefinitions', Effect: 'Allow', Action: 'ecs:RegisterTaskDefinition', Resource: families },
    { Sid: 'TagEcs', Effect: 'Allow', Action: ['ecs:TagResource', 'ecs:UntagResource'], Resource: [cluster, services, families] },
    // One-off tasks of the release (migrations, database setup) and npm run task: on this cluster only.
    { Sid: 'RunTasksOnThisCluster', Effect: 'Allow', Action: 'ecs:RunTask', Resource: families, Condition: { ArnEquals: { 'ecs:cluster': cluster } } },
    { Sid: 'StopTasksOfThisCluster', Effect: 'Allow', Action: 'ecs:StopTask', Resource: s.at('ecs', `task/${p}/*`) },
    {
      Sid: 'Repositories',
      Effect: 'Allow',
      Action: [
        'ecr:CreateRepository', 'ecr:DeleteRepository', 'ecr:PutImageTagMutability', 'ecr:PutImageScanningConfiguration', 'ecr:PutLifecyclePolicy', 'ecr:DeleteLifecyclePolicy',
        'ecr:TagResource', 'ecr:UntagResource',
        // Pushing release images.
        'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage',
      ],
      Resource: [s.at('ecr', `repository/${p}`), s.at('ecr', `repository/${p}-*`)],
    },
    // The registry login (ecr:GetAuthorizationToken) comes with ReadOnlyAccess.
    {
      Sid: 'NoResourceLevelPermissions',
      Effect: 'Allow',
      Action: ['ecr:CreatePullThroughCacheRule', 'ecr:UpdatePullThroughCacheRule', 'ecr:DeletePullThroughCacheRule', 'ecs:DeregisterTaskDefinition', 'secretsmanager:GetRandomPassword'],
      Resource: '*',
      Condition: s.inRegions([env.region]),
    },
    {
      Sid: 'LoadBalancer',
      Effect: 'Allow',
      Action: [
        'elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:ModifyLoadBalancerAttributes', 'elasticloadbalancing:SetSecurityGroups', 'elasticloadbalancing:SetSubnets',
        'elasticloadbalancing:SetIpAddressType', 'elasticloadbalancing:DeleteLoadBalancer', 'elasticloadbalancing:CreateListener',
        'elasticloadbalancing:CreateWebACLAssociation', 'elasticloadbalancing:DeleteWebACLAssociation',
        'elasticloadbalancing:ModifyListener', 'elasticloadbalancing:ModifyListenerAttributes', 'elasticloadbalancing:DeleteListener', 'elasticloadbalancing:CreateRule',
        'elasticloadbalancing:ModifyRule', 'elasticloadbalancing:SetRulePriorities', 'elasticloadbalancing:DeleteRule',
        'elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags',
      ],
      Resource: [lb, listeners, rules],
    },
    {
      Sid: 'LogGroups',
      Effect: 'Allow',
      Action: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy', 'logs:DeleteLogGroup', 'logs:TagResource', 'logs:UntagResource', 'logs:TagLogGroup', 'logs:UntagLogGroup'],
      Resource: [
        s.at('logs', `log-group:/ecs/${p}/*`),
        s.at('logs', `log-group:/aws/rds/instance/${p}-postgres/*`),
        ...logGroup(`/vpc/${p}/flow-logs`),
        ...logGroup(`aws-waf-logs-${p}`),
        ...logGroup(`aws-waf-logs-${p}-cdn`, GLOBAL_EDGE_REGION),
      ],
    },
  ];
}

/** RDS, ElastiCache, the buckets, Secrets Manager and SSM parameters. */
function dataStatements(env: EnvironmentConfig, s: Scope): PolicyStatement[] {
  const { p } = s;
  const identifier = databaseIdentifier(env);
  const adopted = env.database.adopt !== undefined;
  const db = s.at('rds', `db:${identifier}`);
  const parameterGroups = s.at('rds', `pg:${p}-postgres*`);
  // An adopted instance keeps its own subnet group (named by its owner, never changed here).
  const subnetGroup = s.at('rds', `subgrp:${p}-db`);
  const dbSnapshots = s.at('rds', `snapshot:${identifier}-final${adopted ? '' : '-*'}`);
  const cacheSubnets = s.at('elasticache', `subnetgroup:${p}-cache`);
  const assets = assetBucketNames(env);
  const bucket = (name: string) => arn(env.region, 's3', '', '', name);
  const buckets = [assets.static, assets.media, globalBucketName(env, 'cdn-logs'), globalBucketName(env, 'alb-logs')].map(bucket);
  const adoptedBuckets = Object.values(env.assets.adopt ?? {}).map(bucket);
  const secret = (name: string) => s.at('secretsmanager', `secret:${name}-??????`);
  const statements: PolicyStatement[] = [
    { Sid: 'DatabaseInstance', Effect: 'Allow', Action: ['rds:CreateDBInstance', 'rds:ModifyDBInstance'], Resource: [db, parameterGroups, subnetGroup] },
    // The engine's default option group (default:postgres-<major>) is AWS's: used as is, never changed.
    { Sid: 'DefaultOptionGroup', Effect: 'Allow', Action: ['rds:CreateDBInstance', 'rds:ModifyDBInstance'], Resource: s.at('rds', 'og:default:postgres-*') },
    { Sid: 'DatabaseDelete', Effect: 'Allow', Action: ['rds:DeleteDBInstance', 'rds:CreateDBSnapshot'], Resource: [db, dbSnapshots] },
    {
      Sid: 'DatabaseGroups',
      Effect: 'Allow',
      Action: ['rds:CreateDBParameterGroup', 'rds:ModifyDBParameterGroup', 'rds:ResetDBParameterGroup', 'rds:DeleteDBParameterGroup', 'rds:CreateDBSubnetGroup', 'rds:ModifyDBSubnetGroup', 'rds:DeleteDBSubnetGroup'],
      Resource: [parameterGroups, subnetGroup],
    },
    { Sid: 'TagDatabase', Effect: 'Allow', Action: ['rds:AddTagsToResource', 'rds:RemoveTagsFromResource'], Resource: [db, parameterGroups, subnetGroup, dbSnapshots] },
    ...restoreStatements(env, s, [db, parameterGroups, subnetGroup]),
    // RDS creates the master secret (rds!db-<uuid>) with the caller's permissions; nothing else on it.
    { Sid: 'RdsManagedMasterSecret', Effect: 'Allow', Action: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'], Resource: s.at('secretsmanager', 'secret:rds!db-*') },
    {
      Sid: 'Cache',
      Effect: 'Allow',
      Action: [
        'elasticache:CreateReplicationGroup', 'elasticache:ModifyReplicationGroup', 'elasticache:IncreaseReplicaCount', 'elasticache:DecreaseReplicaCount',
        'elasticache:DeleteReplicationGroup', 'elasticache:CreateSnapshot', 'elasticache:AddTagsToResource', 'elasticache:RemoveTagsFromResource',
      ],
      Resource: [
        s.at('elasticache', `replicationgroup:${p}-cache`), s.at('elasticache', `cluster:${p}-cache-*`), s.at('elasticache', `snapshot:${p}-cache-final-*`), cacheSubnets,
      ],
    },
    // The engine's default parameter group (default.redis7, default.valkey8...) is AWS's: used as is, never changed.
    { Sid: 'DefaultCacheParameterGroup', Effect: 'Allow', Action: ['elasticache:CreateReplicationGroup', 'elasticache:ModifyReplicationGroup'], Resource: s.at('elasticache', 'parametergroup:default.*') },
    { Sid: 'CacheSubnetGroup', Effect: 'Allow', Action: ['elasticache:CreateCacheSubnetGroup', 'elasticache:ModifyCacheSubnetGroup', 'elasticache:DeleteCacheSubnetGroup'], Resource: cacheSubnets },
    {
      Sid: 'Buckets',
      Effect: 'Allow',
      Action: [
        's3:CreateBucket', 's3:DeleteBucket', 's3:PutBucketTagging', 's3:PutBucketPublicAccessBlock', 's3:PutBucketOwnershipControls', 's3:PutEncryptionConfiguration',
        's3:PutBucketVersioning', 's3:PutLifecycleConfiguration', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:PutBucketCORS',
      ],
      Resource: buckets,
    },
    { Sid: 'Secrets', Effect: 'Allow', Action: ['secretsmanager:CreateSecret', 'secretsmanager:UpdateSecret', 'secretsmanager:DeleteSecret', 'secretsmanager:TagResource', 'secretsmanager:UntagResource'], Resource: s.at('secretsmanager', `secret:${p}/*`) },
    // Only the two generated secrets: their first value (write-only), which the provider reads back.
    // Secrets of your own (<p>/app/*) are never read or written by the pipeline.
    {
      Sid: 'GeneratedSecretValues',
      Effect: 'Allow',
      Action: ['secretsmanager:PutSecretValue', 'secretsmanager:GetSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
      Resource: [secret(`${p}/django-secret-key`), secret(`${p}/cache-auth-token`)],
    },
    {
      // The image tag (Terraform), and the release lock and database setup version (npm run release).
      Sid: 'Parameters',
      Effect: 'Allow',
      Action: ['ssm:PutParameter', 'ssm:DeleteParameter', 'ssm:AddTagsToResource', 'ssm:RemoveTagsFromResource'],
      Resource: s.at('ssm', `parameter/${env.project}/${env.name}/*`),
    },
  ];
  if (!env.production) {
    // force_destroy outside production: terraform destroy empties the buckets first. Never an
    // adopted bucket: its objects are the app's, and the stack never deletes them.
    const emptied = buckets.filter((b) => !adoptedBuckets.includes(b));
    statements.push({ Sid: 'EmptyBucketsOnDestroy', Effect: 'Allow', Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'], Resource: emptied.map((b) => `${b}/*`) });
  }
  return statements;
}

/**
 * `database.restoreFrom`: the instance is created from the snapshot (RestoreDBInstanceFromDBSnapshot
 * authorizes on the new instance, its groups and the snapshot), one of the environment's account
 * (validation refuses another's: RDS restores no shared encrypted snapshot, it is copied in first).
 */
function restoreStatements(env: EnvironmentConfig, s: Scope, instanceResources: string[]): PolicyStatement[] {
  const snapshot = env.database.restoreFrom?.snapshot;
  if (!snapshot) return [];
  const statements: PolicyStatement[] = [{
    Sid: 'RestoreTheSnapshot',
    Effect: 'Allow',
    Action: 'rds:RestoreDBInstanceFromDBSnapshot',
    Resource: [...instanceResources, snapshot.startsWith('arn:') ? snapshot : s.at('rds', `snapshot:${snapshot}`)],
  }, {
    Sid: 'RestoreWithTheDefaultOptionGroup',
    Effect: 'Allow',
    Action: 'rds:RestoreDBInstanceFromDBSnapshot',
    Resource: s.at('rds', 'og:default:postgres-*'),
  }];
  return statements;
}

/**
 * Internal services' Cloud Map namespace and services. The namespace has a generated id: created
 * with the environment's tags, changed only when tagged; services only inside the namespace named
 * `<p>.internal`. Cloud Map creates (and deletes) the namespace's private hosted zone with the
 * caller's permissions (AWS Cloud Map API permissions reference).
 */
/** The email section: its SES identity and configuration set by name, the account's suppression setting. */
function emailStatements(env: EnvironmentConfig, s: Scope): PolicyStatement[] {
  if (!env.email) return [];
  const identity = s.at('ses', `identity/${env.email.domain}`);
  const configurationSet = s.at('ses', `configuration-set/${emailResourceNames(s.p).configurationSet}`);
  return [
    {
      Sid: 'EmailIdentity',
      Effect: 'Allow',
      Action: ['ses:CreateEmailIdentity', 'ses:DeleteEmailIdentity', 'ses:PutEmailIdentityConfigurationSetAttributes', 'ses:PutEmailIdentityDkimSigningAttributes', 'ses:PutEmailIdentityMailFromAttributes', 'ses:TagResource', 'ses:UntagResource'],
      Resource: identity,
    },
    {
      Sid: 'EmailConfigurationSet',
      Effect: 'Allow',
      Action: [
        'ses:CreateConfigurationSet', 'ses:DeleteConfigurationSet', 'ses:PutConfigurationSetDeliveryOptions', 'ses:PutConfigurationSetReputationOptions',
        'ses:PutConfigurationSetSendingOptions', 'ses:PutConfigurationSetSuppressionOptions', 'ses:CreateConfigurationSetEventDestination',
        'ses:UpdateConfigurationSetEventDestination', 'ses:DeleteConfigurationSetEventDestination', 'ses:TagResource', 'ses:UntagResource',
      ],
      Resource: configurationSet,
    },
    { Sid: 'EmailAccountSuppression', Effect: 'Allow', Action: 'ses:PutAccountSuppressionAttributes', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': env.region } } },
  ];
}

function discoveryStatements(env: EnvironmentConfig, s: Scope): PolicyStatement[] {
  if (env.compute.internalServices.length === 0) return [];
  const namespaces = s.at('servicediscovery', 'namespace/*');
  const services = s.at('servicediscovery', 'service/*');
  return [
    { Sid: 'CreateTheNamespaceTagged', Effect: 'Allow', Action: 'servicediscovery:CreatePrivateDnsNamespace', Resource: '*', Condition: { StringEquals: { ...s.requestTags.StringEquals, 'aws:RequestedRegion': env.region } } },
    // CreateService authorizes on the namespace and the new service (Service Authorization Reference):
    // only in a namespace of the environment (tagged), the service created with its tags.
    { Sid: 'ServicesInTheNamespace', Effect: 'Allow', Action: 'servicediscovery:CreateService', Resource: namespaces, Condition: s.resourceTags },
    { Sid: 'CreateServicesTagged', Effect: 'Allow', Action: 'servicediscovery:CreateService', Resource: services, Condition: s.requestTags },
    { Sid: 'TagDiscoveryOnCreate', Effect: 'Allow', Action: 'servicediscovery:TagResource', Resource: [namespaces, services], Condition: s.requestTagsNew },
    ...tagScopedStatements('Discovery', [{
      resources: [namespaces, services],
      change: ['servicediscovery:DeleteNamespace', 'servicediscovery:UpdatePrivateDnsNamespace', 'servicediscovery:DeleteService', 'servicediscovery:UpdateService'],
      tag: 'servicediscovery:TagResource',
      untag: 'servicediscovery:UntagResource',
    }], s),
    { Sid: 'TheNamespacesPrivateZone', Effect: 'Allow', Action: 'route53:CreateHostedZone', Resource: '*' },
    { Sid: 'DeleteTheNamespacesPrivateZone', Effect: 'Allow', Action: 'route53:DeleteHostedZone', Resource: s.hostedZones },
  ];
}

/** CloudFront, ACM, Route53 and WAF, as far as they are not scoped by tag. */
function edgeStatements(env: EnvironmentConfig, s: Scope): PolicyStatement[] {
  const { p } = s;
  // Route53 and ACM compare lowercase names.
  const domain = env.domain.name.toLowerCase();
  // Whatever waf.mode and waf.cloudfront say now: turning the WAF off must still delete it.
  const webAcls = [s.at('wafv2', `regional/webacl/${p}/*`), s.at('wafv2', `global/webacl/${p}-cdn/*`, GLOBAL_EDGE_REGION)];
  const managedRuleGroups = [arn(env.region, 'wafv2', env.region, '*', 'regional/managedruleset/*'), arn(env.region, 'wafv2', GLOBAL_EDGE_REGION, '*', 'global/managedruleset/*')];
  const statements: PolicyStatement[] = [
    { Sid: 'CreateDistributionTagged', Effect: 'Allow', Action: 'cloudfront:CreateDistribution', Resource: '*', Condition: s.requestTags },
    { Sid: 'CreateCdnPolicies', Effect: 'Allow', Action: ['cloudfront:CreateOriginAccessControl', 'cloudfront:CreateCachePolicy', 'cloudfront:CreateResponseHeadersPolicy'], Resource: '*' },
    {
      Sid: 'ChangeCdnPolicies',
      Effect: 'Allow',
      Action: [
        'cloudfront:UpdateOriginAccessControl', 'cloudfront:DeleteOriginAccessControl', 'cloudfront:UpdateCachePolicy', 'cloudfront:DeleteCachePolicy',
        'cloudfront:UpdateResponseHeadersPolicy', 'cloudfront:DeleteResponseHeadersPolicy',
      ],
      Resource: ['origin-access-control/*', 'cache-policy/*', 'response-headers-policy/*'].map((r) => s.global('cloudfront', r)),
    },
    {
      Sid: 'CertificatesForTheDomain',
      Effect: 'Allow',
      Action: 'acm:RequestCertificate',
      Resource: '*',
      Condition: {
        StringEquals: { ...s.requestTags.StringEquals, 'acm:ValidationMethod': 'DNS', 'aws:RequestedRegion': s.regions },
        'ForAllValues:StringLike': { 'acm:DomainNames': [domain, `*.${domain}`] },
      },
    },
    {
      // The zone is looked up at plan time; the records are pinned to the environment's domain.
      Sid: 'RecordsInsideTheDomain',
      Effect: 'Allow',
      Action: 'route53:ChangeResourceRecordSets',
      Resource: s.hostedZones,
      Condition: {
        'ForAllValues:StringLike': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': [domain, `*.${domain}`] },
        'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsRecordTypes': ['A', 'AAAA', 'CNAME'], 'route53:ChangeResourceRecordSetsActions': ['CREATE', 'UPSERT', 'DELETE'] },
      },
    },
    { Sid: 'WebAcls', Effect: 'Allow', Action: ['wafv2:CreateWebACL', 'wafv2:UpdateWebACL'], Resource: [...webAcls, ...managedRuleGroups] },
    {
      Sid: 'ManageWebAcls',
      Effect: 'Allow',
      Action: ['wafv2:DeleteWebACL', 'wafv2:TagResource', 'wafv2:UntagResource', 'wafv2:PutLoggingConfiguration', 'wafv2:DeleteLoggingConfiguration', 'wafv2:AssociateWebACL'],
      Resource: webAcls,
    },
    { Sid: 'AssociateWithTheLoadBalancer', Effect: 'Allow', Action: ['wafv2:AssociateWebACL', 'wafv2:DisassociateWebACL'], Resource: s.at('elasticloadbalancing', `loadbalancer/app/${p}-alb/*`) },
    { Sid: 'WafLogDelivery', Effect: 'Allow', Action: ['elasticloadbalancing:SetWebAcl', 'logs:CreateLogDelivery', 'logs:DeleteLogDelivery', 'logs:PutResourcePolicy'], Resource: '*', Condition: s.inRegions() },
    // CloudFront access logs (standard logging v2): CloudWatch Logs vended delivery, in us-east-1.
    {
      Sid: 'CdnAccessLogSourceAndDestination',
      Effect: 'Allow',
      Action: ['logs:PutDeliverySource', 'logs:DeleteDeliverySource', 'logs:PutDeliveryDestination', 'logs:DeleteDeliveryDestination', 'logs:CreateDelivery', 'logs:TagResource', 'logs:UntagResource'],
      Resource: [s.at('logs', `delivery-source:${p}-cdn-access-logs`, GLOBAL_EDGE_REGION), s.at('logs', `delivery-destination:${p}-cdn-access-logs`, GLOBAL_EDGE_REGION)],
    },
    { Sid: 'CdnAccessLogDeliveries', Effect: 'Allow', Action: ['logs:CreateDelivery', 'logs:DeleteDelivery', 'logs:UpdateDeliveryConfiguration', 'logs:TagResource'], Resource: s.at('logs', 'delivery:*', GLOBAL_EDGE_REGION) },
    // The log source is the environment's distribution (tagged by it, see CreateDistributionTagged).
    { Sid: 'CdnAccessLogsOfTheDistribution', Effect: 'Allow', Action: 'cloudfront:AllowVendedLogsDeliveryForResource', Resource: s.global('cloudfront', 'distribution/*'), Condition: s.resourceTags },
  ];
  if (env.domain.dns.zoneMode === 'create') {
    statements.push(
      { Sid: 'CreateHostedZone', Effect: 'Allow', Action: 'route53:CreateHostedZone', Resource: '*' },
      { Sid: 'ManageHostedZone', Effect: 'Allow', Action: ['route53:DeleteHostedZone', 'route53:UpdateHostedZoneComment', 'route53:ChangeTagsForResource'], Resource: s.hostedZones },
    );
  }
  if (env.network.natMode === 'none') {
    // Private DNS of the interface endpoints: AWS's own private zone is associated with the VPC.
    statements.push({ Sid: 'EndpointPrivateDns', Effect: 'Allow', Action: 'route53:AssociateVPCWithHostedZone', Resource: s.hostedZones });
  }
  return statements;
}

/** Alarms, dashboard, alert and app topics, key creation and aliases, event rules, schedules, queues. */
function monitoringStatements(s: Scope): PolicyStatement[] {
  const { p } = s;
  return [
    {
      // Target-tracking alarms are created by Application Auto Scaling with the caller's permissions.
      Sid: 'Alarms',
      Effect: 'Allow',
      Action: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:TagResource', 'cloudwatch:UntagResource'],
      Resource: [...s.everywhere('cloudwatch', `alarm:${p}-*`), s.at('cloudwatch', `alarm:TargetTracking-service/${p}/*`)],
    },
    { Sid: 'Dashboard', Effect: 'Allow', Action: ['cloudwatch:PutDashboard', 'cloudwatch:DeleteDashboards', 'cloudwatch:TagResource', 'cloudwatch:UntagResource'], Resource: s.global('cloudwatch', `dashboard/${p}`) },
    {
      Sid: 'Topics',
      Effect: 'Allow',
      Action: ['sns:CreateTopic', 'sns:SetTopicAttributes', 'sns:DeleteTopic', 'sns:TagResource', 'sns:UntagResource', 'sns:Subscribe'],
      Resource: [...s.everywhere('sns', `${p}-alerts-*`), s.at('sns', `${p}-topic-*`), s.at('sns', emailResourceNames(p).topic)],
    },
    { Sid: 'Unsubscribe', Effect: 'Allow', Action: 'sns:Unsubscribe', Resource: '*', Condition: s.inRegions() },
    { Sid: 'CreateKeysTagged', Effect: 'Allow', Action: 'kms:CreateKey', Resource: '*', Condition: { StringEquals: { ...s.requestTags.StringEquals, 'aws:RequestedRegion': s.regions } } },
    // An alias needs both: its own name (here) and a tagged key (tagged).
    { Sid: 'KeyAliases', Effect: 'Allow', Action: ['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias'], Resource: s.everywhere('kms', `alias/${p}-*`) },
    {
      Sid: 'EventRules',
      Effect: 'Allow',
      Action: ['events:PutRule', 'events:DeleteRule', 'events:EnableRule', 'events:DisableRule', 'events:PutTargets', 'events:RemoveTargets', 'events:TagResource', 'events:UntagResource'],
      Resource: s.at('events', `rule/${p}-*`),
    },
    {
      Sid: 'ScheduleGroups',
      Effect: 'Allow',
      Action: ['scheduler:CreateScheduleGroup', 'scheduler:DeleteScheduleGroup', 'scheduler:TagResource', 'scheduler:UntagResource'],
      Resource: [s.at('scheduler', `schedule-group/${p}`), s.at('scheduler', `schedule-group/${p}-*`)],
    },
    {
      Sid: 'Schedules',
      Effect: 'Allow',
      Action: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'],
      Resource: [s.at('scheduler', `schedule/${p}/*`), s.at('scheduler', `schedule/${p}-*/*`)],
    },
    { Sid: 'Queues', Effect: 'Allow', Action: ['sqs:CreateQueue', 'sqs:SetQueueAttributes', 'sqs:DeleteQueue', 'sqs:TagQueue', 'sqs:UntagQueue'], Resource: s.at('sqs', `${p}-*`) },
  ];
}

/** The environment's roles (always with the boundary), passing them, service-linked roles, and what is never allowed. */
function iamStatements(env: EnvironmentConfig, s: Scope): PolicyStatement[] {
  const { p } = s;
  const role = (name: string) => s.global('iam', `role/${name}`);
  const roles = role(`${p}-*`);
  const boundary = { 'iam:PermissionsBoundary': workloadBoundaryArn(env) };
  const delivery = deliveryRoleArns(env);
  return [
    {
      // iam:PermissionsBoundary is supported by exactly these role actions (Service Authorization Reference).
      Sid: 'RolesOnlyWithTheBoundary',
      Effect: 'Allow',
      Action: ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:DetachRolePolicy', 'iam:PutRolePermissionsBoundary'],
      Resource: roles,
      Condition: { StringEquals: boundary },
    },
    {
      Sid: 'AttachOnlyTheStacksManagedPolicies',
      Effect: 'Allow',
      Action: 'iam:AttachRolePolicy',
      Resource: roles,
      Condition: { StringEquals: boundary, ArnEquals: { 'iam:PolicyARN': ATTACHED_MANAGED_POLICIES.map((path) => managedPolicyArn(env.region, path)) } },
    },
    // No boundary condition key exists for these; every role under this name was created with it.
    { Sid: 'RoleSettings', Effect: 'Allow', Action: ['iam:UpdateRole', 'iam:UpdateRoleDescription', 'iam:UpdateAssumeRolePolicy', 'iam:TagRole', 'iam:UntagRole', 'iam:DeleteRole'], Resource: roles },
    ...passedRoles(env).map(({ service, roleNames }, i) => ({
      Sid: `PassRoles${i + 1}`,
      Effect: 'Allow' as const,
      Action: 'iam:PassRole',
      Resource: roleNames.map(role),
      Condition: { StringEquals: { 'iam:PassedToService': service } },
    })),
    {
      Sid: 'ServiceLinkedRoles',
      Effect: 'Allow',
      Action: 'iam:CreateServiceLinkedRole',
      Resource: s.global('iam', 'role/aws-service-role/*'),
      Condition: { StringEquals: { 'iam:AWSServiceName': SERVICE_LINKED_ROLE_SERVICES } },
    },
    {
      // The delivery roles, their policies and the boundary are the bootstrap stack's: never changed from here.
      Sid: 'NeverTheDeliveryRolesOrTheBoundary',
      Effect: 'Deny',
      Action: ['iam:Create*', 'iam:Delete*', 'iam:Put*', 'iam:Attach*', 'iam:Detach*', 'iam:Update*', 'iam:Tag*', 'iam:Untag*', 'iam:SetDefaultPolicyVersion', 'iam:PassRole'],
      Resource: [delivery.plan, delivery.deploy, workloadBoundaryArn(env), s.global('iam', `policy/${deployPolicyName(env, '*')}`)],
    },
    { Sid: 'NeverRemoveABoundary', Effect: 'Deny', Action: 'iam:DeleteRolePermissionsBoundary', Resource: '*' },
    { Sid: 'NeverBypassKeyPolicyChecks', Effect: 'Deny', Action: ['kms:CreateKey', 'kms:PutKeyPolicy'], Resource: '*', Condition: { Bool: { 'kms:BypassPolicyLockoutSafetyCheck': 'true' } } },
  ];
}

/** Terraform state, the region guard, and keeping ReadOnlyAccess away from other environments' parameters. */
function releaseStatements(env: EnvironmentConfig, s: Scope): PolicyStatement[] {
  const regions = [...new Set([...s.regions, ...(env.state.backend === 's3' ? [env.state.region] : [])])];
  return [
    ...stateStatements(env, true),
    // Nothing outside the environment's regions (its own, us-east-1 for CloudFront's, the state's).
    // Global services (IAM, CloudFront, Route53) are signed for us-east-1.
    { Sid: 'OnlyTheEnvironmentsRegions', Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': regions } } },
    // ReadOnlyAccess reads data (parameters, messages, items, logs, images) of the whole account.
    ...dataReadDenials(env, 'deploy'),
    // Nothing to assume: a role this one may rewrite must not become a way out of its own limits.
    { Sid: 'NoRoleAssumption', Effect: 'Deny', Action: ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithSAML'], Resource: '*' },
  ];
}

/**
 * The deploy role's policies, at most 8, each under IAM's 6,144 characters: enough for `terraform
 * plan/apply/destroy` of the environment's stack and for `npm run release|task|secret check`.
 */
export function deployPolicies(env: EnvironmentConfig): DeployPolicy[] {
  const s = scope(env);
  return [
    { part: 'network', description: `VPC, subnets, routing, NAT, endpoints, security groups and flow logs of ${s.p} (by tag)`, statements: networkStatements(env, s) },
    { part: 'tagged', description: `Target groups, scalable targets, distributions, certificates and keys of ${s.p} (by tag)`, statements: taggedStatements(s) },
    { part: 'compute', description: `ECS, ECR, the load balancer and the log groups of ${s.p}`, statements: computeStatements(env, s) },
    { part: 'data', description: `RDS, ElastiCache, S3 buckets, secrets and SSM parameters of ${s.p}`, statements: dataStatements(env, s) },
    { part: 'edge', description: `CloudFront, ACM, Route53 records, WAF and the SES identity of ${s.p}`, statements: [...edgeStatements(env, s), ...emailStatements(env, s)] },
    { part: 'monitoring', description: `Alarms, dashboard, alert topics, keys, event rules, schedules and queues of ${s.p}, and the internal services' Cloud Map namespace`, statements: [...monitoringStatements(s), ...discoveryStatements(env, s)] },
    { part: 'iam', description: `Roles of ${s.p}, always with the workload boundary; the delivery roles are off limits`, statements: iamStatements(env, s) },
    { part: 'release', description: `Terraform state of ${s.p}, the region guard, no other environment's parameters`, statements: releaseStatements(env, s) },
  ];
}
