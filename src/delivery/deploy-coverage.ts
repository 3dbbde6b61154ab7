/**
 * The deploy role's permissions as data: the actions AWS allows only on "*" (or wider than one
 * environment), each with its reason (verbatim in docs/delivery.md), and how every Terraform type the
 * stacks synthesize is covered. deploy-permissions.ts builds the policies; tests hold them to these.
 */
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

/** docs/delivery.md's list of unscoped actions (`npm run docs`): each reason names its actions first. */
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
