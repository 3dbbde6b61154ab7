import { EnvironmentConfig } from '../config/types';
import { PolicyStatement } from '../lib/iam';
import { assetBucketNames, databaseIdentifier } from '../config/names';
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
 * How each kind of resource is scoped (DEPLOY_COVERAGE says it per Terraform type):
 * - by name: nearly everything is named `<project>-<env>...` (log groups `/ecs/<p>/`, secrets
 *   `<p>/`, parameters `/<project>/<env>/`), so the ARNs below pin it;
 * - by tag, where AWS gives the resource no name of ours (VPC resources, target groups with a
 *   6-character name prefix, KMS keys, scalable targets, CloudFront distributions, ACM
 *   certificates): created only with the provider's default tags `project`/`environment`
 *   (`aws:RequestTag`), changed or deleted only when they carry them (`aws:ResourceTag`), and the
 *   two tags can neither be removed nor changed to another environment's;
 * - by condition where neither exists (Route53 record names, ACM domain names);
 * - unscoped only where AWS offers no resource-level permission: UNSCOPED_ACTIONS lists each
 *   action with the reason (it goes verbatim into the README).
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

/** Every action granted on "*" or on a resource wider than the environment, and why AWS leaves no narrower choice. */
export const UNSCOPED_ACTIONS: { actions: string[]; reason: string }[] = [
  {
    actions: ['servicediscovery:CreatePrivateDnsNamespace'],
    reason: 'servicediscovery:CreatePrivateDnsNamespace (only with internal services): the namespace id is generated, so IAM has no resource to scope to ("*" only); granted only with the environment\'s tags (aws:RequestTag) in its region. Changes and deletes require those tags on the namespace; services may be created only in a namespace carrying those tags.',
  },
  {
    actions: ['ecr:CreatePullThroughCacheRule', 'ecr:UpdatePullThroughCacheRule', 'ecr:DeletePullThroughCacheRule'],
    reason: 'ecr:*PullThroughCacheRule: pull-through cache rules are registry settings with no resource type or condition key in IAM; "*" is the only valid resource (limited to the environment\'s region).',
  },
  {
    actions: ['ecs:DeregisterTaskDefinition'],
    reason: 'ecs:DeregisterTaskDefinition: has no resource type in IAM (unlike RegisterTaskDefinition); "*" is the only valid resource (limited to the environment\'s region). It marks a revision INACTIVE; running tasks and services are not affected.',
  },
  {
    actions: ['secretsmanager:GetRandomPassword'],
    reason: 'secretsmanager:GetRandomPassword (the ephemeral aws_secretsmanager_random_password): generates a random string, touches no secret and has no resource type; "*" is the only valid resource (limited to the environment\'s region).',
  },
  {
    actions: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'],
    reason: 'secretsmanager:CreateSecret/TagResource on secret:rds!db-*: with manage_master_user_password, RDS creates the master secret with the caller\'s permissions and names it rds!db-<uuid>, a name the stack does not choose. Reading, changing or deleting those secrets is not granted.',
  },
  {
    actions: ['rds:CreateDBInstance', 'rds:ModifyDBInstance', 'rds:RestoreDBInstanceFromDBSnapshot'],
    reason: 'rds:CreateDBInstance/ModifyDBInstance/RestoreDBInstanceFromDBSnapshot on og:default:postgres-*: RDS authorizes an instance against its option group, and the stack uses the engine\'s default one, which AWS creates in every account; it is referenced, never changed (no option group action is granted).',
  },
  {
    actions: ['elasticache:CreateReplicationGroup', 'elasticache:ModifyReplicationGroup'],
    reason: 'elasticache:CreateReplicationGroup/ModifyReplicationGroup on parametergroup:default.*: ElastiCache authorizes a replication group against its parameter group, and the stack uses the engine\'s default one (default.redis7...), which AWS owns; it is referenced, never changed (no parameter group action is granted).',
  },
  {
    actions: ['kms:CreateKey'],
    reason: 'kms:CreateKey: no KMS key exists yet, so IAM has no resource to scope to ("*" only); granted only with aws:RequestTag project/environment set to this environment\'s, in its region and us-east-1. Everything done to a key afterwards requires those tags (aws:ResourceTag).',
  },
  {
    actions: ['kms:TagResource'],
    reason: 'kms:TagResource when creating a key: AWS requires this permission on all keys of the account and region (not on particular keys) for CreateKey with tags; granted only with the environment\'s project/environment tags in the request and on keys that have no environment tag yet, so other environments\' keys cannot be claimed. An untagged customer-managed key of the account could be: tag every key (or deny this by SCP).',
  },
  {
    actions: ['ses:PutAccountSuppressionAttributes'],
    reason: 'ses:PutAccountSuppressionAttributes: the account-level suppression list (bounces and complaints) of the email section is a setting of the account and region with no resource type in IAM ("*" only); limited to the environment\'s region. Every environment of that account and region sets the same value.',
  },
  {
    actions: ['ec2:CreateTags'],
    reason: 'ec2:CreateTags on the VPC\'s default security group: AWS creates that group with the VPC, untagged, and aws_default_security_group adopts it by tagging it; allowed only to add the environment\'s own tag keys to a security group that has no environment tag yet (an untagged security group elsewhere in the region could be claimed the same way; tag them, or deny this by SCP).',
  },
  {
    actions: ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface'],
    reason: 'ec2:Create/DeleteNetworkInterface: IAM lists them as dependent actions of ElastiCache replication-group changes (network interfaces in the environment\'s subnets); the new interface has no name or tag to scope to, so they are granted only on requests an AWS service makes on the deploy role\'s behalf (aws:ViaAWSService), never directly. Unverified whether ElastiCache still checks them.',
  },
  {
    actions: ['elasticloadbalancing:SetWebAcl'],
    reason: 'elasticloadbalancing:SetWebAcl: the permission WAF checks when a web ACL is associated with a load balancer; it has no resource type in IAM ("*" only). The association itself (wafv2:AssociateWebACL) is limited to this environment\'s web ACL and load balancer.',
  },
  {
    actions: ['logs:CreateLogDelivery', 'logs:DeleteLogDelivery', 'logs:PutResourcePolicy'],
    reason: 'logs:CreateLogDelivery/DeleteLogDelivery/PutResourcePolicy: WAF logging to CloudWatch Logs is a "vended log delivery" that needs these on "*" (no resource types in IAM): the delivery has no ARN of ours, and WAF writes the account\'s CloudWatch Logs resource policy that lets it deliver to aws-waf-logs-* groups. Limited to the environment\'s regions.',
  },
  {
    actions: ['logs:CreateDelivery', 'logs:DeleteDelivery', 'logs:UpdateDeliveryConfiguration', 'logs:TagResource'],
    reason: 'logs:CreateDelivery/DeleteDelivery/UpdateDeliveryConfiguration/TagResource on delivery:* in us-east-1: a delivery (CloudFront access logs v2) gets a generated id, so its own ARN can only be the account\'s deliveries of us-east-1; creating one also needs the environment\'s delivery source and destination, which are scoped by name.',
  },
  {
    actions: ['wafv2:CreateWebACL', 'wafv2:UpdateWebACL'],
    reason: 'wafv2:CreateWebACL/UpdateWebACL on managedruleset/*: a web ACL that references AWS managed rule groups is authorized against those rule groups too; they belong to AWS, not to an environment (read-only references).',
  },
  {
    actions: ['cloudfront:CreateOriginAccessControl', 'cloudfront:CreateCachePolicy', 'cloudfront:CreateResponseHeadersPolicy'],
    reason: 'cloudfront:Create{OriginAccessControl,CachePolicy,ResponseHeadersPolicy}: no resource type in IAM ("*" only) and no tag condition; the name is in the request body, not in any ARN.',
  },
  {
    actions: ['cloudfront:UpdateOriginAccessControl', 'cloudfront:DeleteOriginAccessControl', 'cloudfront:UpdateCachePolicy', 'cloudfront:DeleteCachePolicy', 'cloudfront:UpdateResponseHeadersPolicy', 'cloudfront:DeleteResponseHeadersPolicy'],
    reason: 'cloudfront:Update/Delete of origin access controls, cache policies and response headers policies: their ARNs carry a generated ID and IAM supports no tag condition on them, so they can only be scoped to the account (cloudfront::<account>:<type>/*). A policy still attached to any distribution cannot be deleted.',
  },
  {
    actions: ['cloudfront:CreateDistribution'],
    reason: 'cloudfront:CreateDistribution: the distribution ID is generated, so IAM has no resource to scope to ("*" only); granted only with aws:RequestTag project/environment set to this environment\'s. Updates and deletes require those tags on the distribution.',
  },
  {
    actions: ['acm:RequestCertificate'],
    reason: 'acm:RequestCertificate: the certificate ID is generated ("*" only); granted only for names inside the environment\'s domain (acm:DomainNames), DNS validation, and with the environment\'s tags, in its region and us-east-1.',
  },
  {
    actions: ['route53:ChangeResourceRecordSets'],
    reason: 'route53:ChangeResourceRecordSets on hostedzone/*: the hosted zone is looked up at plan time (its ID is not known when the policy is written); every change is limited to record names inside the environment\'s domain (route53:ChangeResourceRecordSetsNormalizedRecordNames) and to A, AAAA and CNAME records.',
  },
  {
    actions: ['route53:CreateHostedZone', 'route53:DeleteHostedZone', 'route53:UpdateHostedZoneComment', 'route53:ChangeTagsForResource'],
    reason: 'route53:CreateHostedZone/DeleteHostedZone/UpdateHostedZoneComment/ChangeTagsForResource (only when dns.zoneMode is "create", or for the private zone Cloud Map creates with the caller\'s permissions for internal services): CreateHostedZone has no resource type ("*" only) and hosted zones have generated IDs with no tag conditions in IAM, so the rest can only be scoped to hostedzone/*. Route53 refuses to delete a zone that still has records.',
  },
  {
    actions: ['route53:AssociateVPCWithHostedZone'],
    reason: 'route53:AssociateVPCWithHostedZone (only with natMode "none"): IAM lists it as a dependent action of ec2:CreateVpcEndpoint; interface endpoints with private DNS associate the VPC with a private hosted zone AWS manages, whose ID is not known in advance.',
  },
  {
    actions: ['sns:Unsubscribe'],
    reason: 'sns:Unsubscribe: has no resource type in IAM (the request names a subscription ARN); "*" is the only valid resource (limited to the environment\'s regions).',
  },
  {
    actions: ['iam:CreateServiceLinkedRole'],
    reason: 'iam:CreateServiceLinkedRole on role/aws-service-role/*: AWS creates service-linked roles under its own path and names; limited by iam:AWSServiceName to the services the stack uses (ECS, Application Auto Scaling, ELB, RDS, ElastiCache, WAF, ECR pull-through cache). Their permissions are defined by AWS.',
  },
];

/** The README's list of unscoped actions (`npm run docs`): each reason names its actions first. */
export function unscopedActionsMarkdown(): string {
  return UNSCOPED_ACTIONS.map((u) => `- ${u.reason}`).join('\n');
}

/**
 * How each Terraform resource, data source and ephemeral type the stacks synthesize is covered,
 * with the actions the deploy role needs for it beyond ReadOnlyAccess (a test checks that every
 * synthesized type is here and that these actions are granted).
 */
export const DEPLOY_COVERAGE: Record<string, { scope: string; actions: string[] }> = {
  // --- Network (EC2): no names of ours in ARNs, so tags ---
  aws_vpc: { scope: 'tag: created with project/environment tags, changed/deleted only when tagged', actions: ['ec2:CreateVpc', 'ec2:ModifyVpcAttribute', 'ec2:DeleteVpc', 'ec2:CreateTags'] },
  aws_subnet: { scope: 'tag, inside a tagged VPC', actions: ['ec2:CreateSubnet', 'ec2:ModifySubnetAttribute', 'ec2:DeleteSubnet'] },
  aws_internet_gateway: { scope: 'tag, attached to a tagged VPC', actions: ['ec2:CreateInternetGateway', 'ec2:AttachInternetGateway', 'ec2:DetachInternetGateway', 'ec2:DeleteInternetGateway'] },
  aws_route_table: { scope: 'tag, inside a tagged VPC', actions: ['ec2:CreateRouteTable', 'ec2:DeleteRouteTable'] },
  aws_route: { scope: 'tag of the route table', actions: ['ec2:CreateRoute', 'ec2:ReplaceRoute', 'ec2:DeleteRoute'] },
  aws_route_table_association: { scope: 'tag of the route table and subnet', actions: ['ec2:AssociateRouteTable', 'ec2:ReplaceRouteTableAssociation', 'ec2:DisassociateRouteTable'] },
  aws_eip: { scope: 'tag: allocated with the environment\'s tags, released only when tagged', actions: ['ec2:AllocateAddress', 'ec2:ReleaseAddress', 'ec2:DisassociateAddress'] },
  aws_nat_gateway: { scope: 'tag, in a tagged subnet with a tagged address', actions: ['ec2:CreateNatGateway', 'ec2:DeleteNatGateway'] },
  aws_default_security_group: { scope: 'adopted by tagging the untagged default group (UNSCOPED_ACTIONS), then rules revoked only on tagged groups', actions: ['ec2:CreateTags', 'ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress'] },
  aws_security_group: { scope: 'tag, inside a tagged VPC', actions: ['ec2:CreateSecurityGroup', 'ec2:RevokeSecurityGroupEgress', 'ec2:DeleteSecurityGroup'] },
  aws_vpc_security_group_ingress_rule: { scope: 'tag of the security group; the rule is created tagged', actions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:ModifySecurityGroupRules', 'ec2:RevokeSecurityGroupIngress'] },
  aws_vpc_security_group_egress_rule: { scope: 'tag of the security group; the rule is created tagged', actions: ['ec2:AuthorizeSecurityGroupEgress', 'ec2:ModifySecurityGroupRules', 'ec2:RevokeSecurityGroupEgress'] },
  aws_vpc_endpoint: { scope: 'tag, in a tagged VPC/subnets/route tables/security group; interface endpoints associate the VPC with AWS\'s private zone (UNSCOPED_ACTIONS)', actions: ['ec2:CreateVpcEndpoint', 'ec2:ModifyVpcEndpoint', 'ec2:DeleteVpcEndpoints'] },
  'data.aws_vpcs': { scope: 'read only (ReadOnlyAccess): the adopted VPC exists (network.existing)', actions: [] },
  'data.aws_subnets': { scope: 'read only (ReadOnlyAccess): the adopted subnets exist', actions: [] },
  'data.aws_subnet': { scope: 'read only (ReadOnlyAccess): each adopted subnet\'s VPC and zone', actions: [] },
  'data.aws_route_tables': { scope: 'read only (ReadOnlyAccess): the route table of each adopted subnet', actions: [] },
  'data.aws_route_table': { scope: 'read only (ReadOnlyAccess): the routes of each adopted subnet', actions: [] },
  aws_flow_log: { scope: 'tag, on a tagged VPC; passes only the environment\'s flow-log role', actions: ['ec2:CreateFlowLogs', 'ec2:DeleteFlowLogs', 'iam:PassRole'] },
  // --- Data ---
  aws_db_instance: { scope: 'name db:<p>-postgres, or the adopted identifier (subnet group <p>-db, parameter group <p>-postgres*, final snapshot <identifier>-final[-*]); RDS-managed master secret rds!db-* create only (UNSCOPED_ACTIONS)', actions: ['rds:CreateDBInstance', 'rds:ModifyDBInstance', 'rds:DeleteDBInstance', 'rds:AddTagsToResource', 'iam:PassRole', 'secretsmanager:CreateSecret'] },
  'data.aws_db_instances': { scope: 'read only (ReadOnlyAccess): the adopted instance exists (database.adopt)', actions: [] },
  'data.aws_db_instance': { scope: 'read only (ReadOnlyAccess): what of the adopted instance cannot change in place', actions: [] },
  'data.aws_db_subnet_group': { scope: 'read only (ReadOnlyAccess): the adopted instance\'s subnet group is in the adopted VPC', actions: [] },
  'data.aws_db_snapshot': { scope: 'read only (ReadOnlyAccess): the snapshot to restore (database.restoreFrom); the restore itself: RestoreTheSnapshot', actions: [] },
  aws_db_parameter_group: { scope: 'name pg:<p>-postgres*', actions: ['rds:CreateDBParameterGroup', 'rds:ModifyDBParameterGroup', 'rds:DeleteDBParameterGroup'] },
  aws_db_subnet_group: { scope: 'name subgrp:<p>-db', actions: ['rds:CreateDBSubnetGroup', 'rds:ModifyDBSubnetGroup', 'rds:DeleteDBSubnetGroup'] },
  aws_elasticache_replication_group: { scope: 'name replicationgroup:<p>-cache (its clusters <p>-cache-*, final snapshot <p>-cache-final-*)', actions: ['elasticache:CreateReplicationGroup', 'elasticache:ModifyReplicationGroup', 'elasticache:DeleteReplicationGroup', 'elasticache:AddTagsToResource'] },
  aws_elasticache_subnet_group: { scope: 'name subnetgroup:<p>-cache', actions: ['elasticache:CreateCacheSubnetGroup', 'elasticache:ModifyCacheSubnetGroup', 'elasticache:DeleteCacheSubnetGroup'] },
  aws_s3_bucket: { scope: 'name: the environment\'s four buckets <project>-<env>-<purpose>-<account>-<region> (or the adopted names of assets.adopt); emptying them on destroy only outside production, never an adopted one', actions: ['s3:CreateBucket', 's3:DeleteBucket', 's3:PutBucketTagging'] },
  'data.aws_s3_bucket': { scope: 'read only (ReadOnlyAccess): the adopted bucket exists, in the environment\'s region (assets.adopt)', actions: [] },
  aws_s3_bucket_public_access_block: { scope: 'bucket name', actions: ['s3:PutBucketPublicAccessBlock'] },
  aws_s3_bucket_ownership_controls: { scope: 'bucket name', actions: ['s3:PutBucketOwnershipControls'] },
  aws_s3_bucket_server_side_encryption_configuration: { scope: 'bucket name', actions: ['s3:PutEncryptionConfiguration'] },
  aws_s3_bucket_versioning: { scope: 'bucket name', actions: ['s3:PutBucketVersioning'] },
  aws_s3_bucket_lifecycle_configuration: { scope: 'bucket name', actions: ['s3:PutLifecycleConfiguration'] },
  aws_s3_bucket_policy: { scope: 'bucket name', actions: ['s3:PutBucketPolicy', 's3:DeleteBucketPolicy'] },
  aws_s3_bucket_cors_configuration: { scope: 'bucket name', actions: ['s3:PutBucketCORS'] },
  aws_secretsmanager_secret: { scope: 'name secret:<p>/*', actions: ['secretsmanager:CreateSecret', 'secretsmanager:UpdateSecret', 'secretsmanager:DeleteSecret', 'secretsmanager:TagResource'] },
  aws_secretsmanager_secret_version: { scope: 'name: only the two generated secrets <p>/django-secret-key and <p>/cache-auth-token (the provider reads a version back with GetSecretValue)', actions: ['secretsmanager:PutSecretValue', 'secretsmanager:GetSecretValue', 'secretsmanager:UpdateSecretVersionStage'] },
  'data.aws_secretsmanager_secret_version': { scope: 'name: the cache AUTH token secret <p>/cache-auth-token only', actions: ['secretsmanager:GetSecretValue'] },
  'ephemeral.aws_secretsmanager_random_password': { scope: 'unscoped: no resource (UNSCOPED_ACTIONS)', actions: ['secretsmanager:GetRandomPassword'] },
  aws_ssm_parameter: { scope: 'name parameter/<project>/<env>/*', actions: ['ssm:PutParameter', 'ssm:DeleteParameter', 'ssm:AddTagsToResource'] },
  // --- Edge ---
  'data.aws_route53_zone': { scope: 'read only (ReadOnlyAccess)', actions: [] },
  aws_service_discovery_private_dns_namespace: { scope: 'created with the environment\'s tags, changed or deleted only when tagged; its private hosted zone is created by Cloud Map with the caller\'s permissions (UNSCOPED_ACTIONS)', actions: ['servicediscovery:CreatePrivateDnsNamespace', 'servicediscovery:DeleteNamespace', 'servicediscovery:TagResource', 'route53:CreateHostedZone', 'route53:DeleteHostedZone'] },
  aws_service_discovery_service: { scope: 'created with the environment\'s tags in its (tagged) namespace, changed or deleted only when tagged', actions: ['servicediscovery:CreateService', 'servicediscovery:UpdateService', 'servicediscovery:DeleteService'] },
  aws_route53_zone: { scope: 'zoneMode "create" only: hosted zones have generated IDs (UNSCOPED_ACTIONS)', actions: ['route53:CreateHostedZone', 'route53:DeleteHostedZone', 'route53:ChangeTagsForResource'] },
  aws_route53_record: { scope: 'condition: record names inside the environment\'s domain, types A/AAAA/CNAME', actions: ['route53:ChangeResourceRecordSets'] },
  aws_acm_certificate: { scope: 'condition on create (domain names inside the environment\'s domain, tags), tag afterwards', actions: ['acm:RequestCertificate', 'acm:AddTagsToCertificate', 'acm:DeleteCertificate'] },
  aws_acm_certificate_validation: { scope: 'read only (waits for the certificate)', actions: [] },
  aws_cloudwatch_log_delivery_source: { scope: 'name delivery-source:<p>-cdn-access-logs in us-east-1, for the environment\'s (tagged) distribution', actions: ['logs:PutDeliverySource', 'logs:DeleteDeliverySource', 'logs:TagResource', 'cloudfront:AllowVendedLogsDeliveryForResource'] },
  aws_cloudwatch_log_delivery_destination: { scope: 'name delivery-destination:<p>-cdn-access-logs in us-east-1', actions: ['logs:PutDeliveryDestination', 'logs:DeleteDeliveryDestination', 'logs:TagResource'] },
  aws_cloudwatch_log_delivery: { scope: 'between the environment\'s delivery source and destination; the delivery\'s own id is generated (UNSCOPED_ACTIONS)', actions: ['logs:CreateDelivery', 'logs:DeleteDelivery', 'logs:UpdateDeliveryConfiguration'] },
  aws_cloudfront_distribution: { scope: 'tag (created with the environment\'s tags, changed only when tagged)', actions: ['cloudfront:CreateDistribution', 'cloudfront:UpdateDistribution', 'cloudfront:DeleteDistribution', 'cloudfront:TagResource'] },
  aws_cloudfront_origin_access_control: { scope: 'account-wide: generated IDs, no tag support (UNSCOPED_ACTIONS)', actions: ['cloudfront:CreateOriginAccessControl', 'cloudfront:UpdateOriginAccessControl', 'cloudfront:DeleteOriginAccessControl'] },
  aws_cloudfront_cache_policy: { scope: 'account-wide: generated IDs, no tag support (UNSCOPED_ACTIONS)', actions: ['cloudfront:CreateCachePolicy', 'cloudfront:UpdateCachePolicy', 'cloudfront:DeleteCachePolicy'] },
  aws_cloudfront_response_headers_policy: { scope: 'account-wide: generated IDs, no tag support (UNSCOPED_ACTIONS)', actions: ['cloudfront:CreateResponseHeadersPolicy', 'cloudfront:UpdateResponseHeadersPolicy', 'cloudfront:DeleteResponseHeadersPolicy'] },
  aws_wafv2_web_acl: { scope: 'name regional/webacl/<p>/* (and global/webacl/<p>-cdn/* in us-east-1); AWS managed rule groups referenced (UNSCOPED_ACTIONS)', actions: ['wafv2:CreateWebACL', 'wafv2:UpdateWebACL', 'wafv2:DeleteWebACL', 'wafv2:TagResource'] },
  aws_wafv2_web_acl_association: { scope: 'name: the environment\'s web ACL and load balancer', actions: ['wafv2:AssociateWebACL', 'wafv2:DisassociateWebACL', 'elasticloadbalancing:SetWebAcl'] },
  aws_wafv2_web_acl_logging_configuration: { scope: 'name of the web ACL; the log delivery itself is unscoped (UNSCOPED_ACTIONS)', actions: ['wafv2:PutLoggingConfiguration', 'wafv2:DeleteLoggingConfiguration', 'logs:CreateLogDelivery', 'logs:PutResourcePolicy'] },
  // --- Compute ---
  aws_ecr_repository: { scope: 'name repository/<p> and repository/<p>-*', actions: ['ecr:CreateRepository', 'ecr:DeleteRepository', 'ecr:PutImageTagMutability', 'ecr:PutImageScanningConfiguration', 'ecr:TagResource'] },
  aws_ecr_lifecycle_policy: { scope: 'repository name', actions: ['ecr:PutLifecyclePolicy', 'ecr:DeleteLifecyclePolicy'] },
  aws_ecr_pull_through_cache_rule: { scope: 'unscoped: registry setting (UNSCOPED_ACTIONS)', actions: ['ecr:CreatePullThroughCacheRule', 'ecr:DeletePullThroughCacheRule'] },
  aws_ecs_cluster: { scope: 'name cluster/<p>', actions: ['ecs:CreateCluster', 'ecs:UpdateCluster', 'ecs:DeleteCluster', 'ecs:TagResource'] },
  aws_ecs_cluster_capacity_providers: { scope: 'name cluster/<p>', actions: ['ecs:PutClusterCapacityProviders'] },
  aws_ecs_task_definition: { scope: 'name task-definition/<p>-*; passes only the environment\'s task roles; deregistration is unscoped (UNSCOPED_ACTIONS)', actions: ['ecs:RegisterTaskDefinition', 'ecs:DeregisterTaskDefinition', 'ecs:TagResource', 'iam:PassRole'] },
  aws_ecs_service: { scope: 'name service/<p>/*', actions: ['ecs:CreateService', 'ecs:UpdateService', 'ecs:DeleteService', 'ecs:TagResource'] },
  aws_lb: { scope: 'name loadbalancer/app/<p>-alb/*', actions: ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:ModifyLoadBalancerAttributes', 'elasticloadbalancing:SetSecurityGroups', 'elasticloadbalancing:DeleteLoadBalancer', 'elasticloadbalancing:AddTags'] },
  aws_lb_listener: { scope: 'name listener/app/<p>-alb/*', actions: ['elasticloadbalancing:CreateListener', 'elasticloadbalancing:ModifyListener', 'elasticloadbalancing:DeleteListener'] },
  aws_lb_listener_rule: { scope: 'name listener-rule/app/<p>-alb/*', actions: ['elasticloadbalancing:CreateRule', 'elasticloadbalancing:ModifyRule', 'elasticloadbalancing:DeleteRule'] },
  aws_lb_target_group: { scope: 'tag: name_prefix is at most 6 characters and cannot carry <p>', actions: ['elasticloadbalancing:CreateTargetGroup', 'elasticloadbalancing:ModifyTargetGroup', 'elasticloadbalancing:ModifyTargetGroupAttributes', 'elasticloadbalancing:DeleteTargetGroup', 'elasticloadbalancing:AddTags'] },
  'data.aws_elb_service_account': { scope: 'no API call (a table in the provider)', actions: [] },
  aws_appautoscaling_target: { scope: 'tag (scalable targets have generated ARNs), ECS namespace only', actions: ['application-autoscaling:RegisterScalableTarget', 'application-autoscaling:DeregisterScalableTarget', 'application-autoscaling:TagResource'] },
  aws_appautoscaling_policy: { scope: 'tag of the scalable target; its target-tracking alarms TargetTracking-service/<p>/*', actions: ['application-autoscaling:PutScalingPolicy', 'application-autoscaling:DeleteScalingPolicy', 'cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms'] },
  aws_appautoscaling_scheduled_action: { scope: 'tag of the scalable target', actions: ['application-autoscaling:PutScheduledAction', 'application-autoscaling:DeleteScheduledAction'] },
  aws_sqs_queue: { scope: 'name <p>-*', actions: ['sqs:CreateQueue', 'sqs:SetQueueAttributes', 'sqs:DeleteQueue', 'sqs:TagQueue'] },
  aws_sqs_queue_policy: { scope: 'name <p>-* (the policy is a queue attribute)', actions: ['sqs:SetQueueAttributes'] },
  aws_scheduler_schedule_group: { scope: 'name schedule-group/<p> and <p>-*', actions: ['scheduler:CreateScheduleGroup', 'scheduler:DeleteScheduleGroup', 'scheduler:TagResource'] },
  aws_scheduler_schedule: { scope: 'name schedule/<p>/* and <p>-*/*; passes only the scheduler roles', actions: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule', 'iam:PassRole'] },
  aws_cloudwatch_log_group: { scope: 'name: /ecs/<p>/*, /vpc/<p>/flow-logs, /aws/rds/instance/<p>-postgres/*, aws-waf-logs-<p>[-cdn]', actions: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:DeleteLogGroup', 'logs:TagResource'] },
  // --- IAM ---
  aws_iam_role: { scope: 'name role/<p>-* with the workload permissions boundary attached (iam:PermissionsBoundary); the delivery roles denied', actions: ['iam:CreateRole', 'iam:UpdateRole', 'iam:UpdateAssumeRolePolicy', 'iam:DeleteRole', 'iam:TagRole', 'iam:PutRolePermissionsBoundary'] },
  aws_iam_role_policy: { scope: 'name role/<p>-*, only on roles carrying the boundary', actions: ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'] },
  aws_iam_role_policy_attachment: { scope: 'name role/<p>-*, only the AWS-managed policies the stack attaches (iam:PolicyARN)', actions: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'] },
  // --- Monitoring ---
  aws_kms_key: { scope: 'tag (created with the environment\'s tags: UNSCOPED_ACTIONS), key policy and rotation only on tagged keys', actions: ['kms:CreateKey', 'kms:TagResource', 'kms:EnableKeyRotation', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion'] },
  aws_kms_alias: { scope: 'name alias/<p>-* on a tagged key', actions: ['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias'] },
  aws_sns_topic: { scope: 'name <p>-alerts-* (its region and us-east-1), <p>-topic-* (the app topics, its region)', actions: ['sns:CreateTopic', 'sns:SetTopicAttributes', 'sns:DeleteTopic', 'sns:TagResource'] },
  aws_sns_topic_policy: { scope: 'topic name', actions: ['sns:SetTopicAttributes'] },
  aws_sns_topic_subscription: { scope: 'topic name; Unsubscribe is unscoped (UNSCOPED_ACTIONS)', actions: ['sns:Subscribe', 'sns:Unsubscribe'] },
  aws_cloudwatch_metric_alarm: { scope: 'name alarm:<p>-* (its region and us-east-1)', actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:TagResource'] },
  aws_cloudwatch_dashboard: { scope: 'name dashboard/<p>', actions: ['cloudwatch:PutDashboard', 'cloudwatch:DeleteDashboards'] },
  aws_cloudwatch_event_rule: { scope: 'name rule/<p>-* (default bus)', actions: ['events:PutRule', 'events:DeleteRule', 'events:TagResource'] },
  aws_cloudwatch_event_target: { scope: 'rule name', actions: ['events:PutTargets', 'events:RemoveTargets'] },
  // --- E-mail ---
  aws_sesv2_email_identity: { scope: 'name identity/<email.domain>', actions: ['ses:CreateEmailIdentity', 'ses:DeleteEmailIdentity', 'ses:PutEmailIdentityConfigurationSetAttributes', 'ses:PutEmailIdentityDkimSigningAttributes', 'ses:TagResource'] },
  aws_sesv2_email_identity_mail_from_attributes: { scope: 'name identity/<email.domain>', actions: ['ses:PutEmailIdentityMailFromAttributes'] },
  aws_sesv2_configuration_set: { scope: 'name configuration-set/<p>-email', actions: ['ses:CreateConfigurationSet', 'ses:DeleteConfigurationSet', 'ses:PutConfigurationSetDeliveryOptions', 'ses:PutConfigurationSetReputationOptions', 'ses:PutConfigurationSetSendingOptions', 'ses:PutConfigurationSetSuppressionOptions', 'ses:TagResource'] },
  aws_sesv2_configuration_set_event_destination: { scope: 'name configuration-set/<p>-email', actions: ['ses:CreateConfigurationSetEventDestination', 'ses:UpdateConfigurationSetEventDestination', 'ses:DeleteConfigurationSetEventDestination'] },
  aws_sesv2_account_suppression_attributes: { scope: 'account setting (UNSCOPED_ACTIONS)', actions: ['ses:PutAccountSuppressionAttributes'] },
};

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
  const configurationSet = s.at('ses', `configuration-set/${s.p}-email`);
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
      Resource: [...s.everywhere('sns', `${p}-alerts-*`), s.at('sns', `${p}-topic-*`), s.at('sns', `${p}-email-events`)],
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
