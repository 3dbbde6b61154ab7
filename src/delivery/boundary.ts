import { EnvironmentConfig } from '../config/types';
import { PolicyStatement } from '../lib/iam';
import { assetBucketNames, databaseIdentifier, emailResourceNames } from '../config/names';
import { arn, externalSecretResources, resourceName } from '../lib/naming';

/**
 * The permissions boundary of every IAM role of an environment's stack: the most any of them can
 * ever do, whatever policy the deploy role writes on it. It is the union of what the stack's roles
 * use, each scoped to the environment:
 * - ECS execution roles: log in to ECR, pull the environment's images (and import public ones
 *   through its pull-through cache), write their log groups, read the environment's secrets;
 * - ECS task roles: connect to the database as the app's user, the app's two buckets, the queues;
 *   ECS Exec channels when `compute.enableExec` is on;
 * - the RDS enhanced-monitoring role (AWS managed AmazonRDSEnhancedMonitoringRole, narrowed to the
 *   RDSOSMetrics log group it writes), the VPC flow-log role;
 * - EventBridge Scheduler roles: run the one-off task family on the environment's cluster (passing
 *   only its task roles, to ECS), stop and start the environment's database.
 * Nothing else: no IAM change (iam:PassRole only of the environment's task roles, to ECS), no role
 * assumption, nothing of another environment, and the explicit denials below keep it so even if a
 * broader allow is added here later.
 */
export function workloadBoundaryStatements(env: EnvironmentConfig): PolicyStatement[] {
  const p = resourceName(env);
  const at = (service: string, resource: string) => arn(env.region, service, env.region, env.accountId, resource);
  const assets = assetBucketNames(env);
  const buckets = [assets.static, assets.media].map((name) => arn(env.region, 's3', '', '', name));
  const cluster = at('ecs', `cluster/${p}`);
  // Secrets from config (`NAME: arn[:json-key::]`): the secret's ARN, as the execution roles get it.
  const external = Object.values(env.compute.externalSecrets).flatMap(externalSecretResources);
  const externalSecrets = external.filter((r) => r.split(':')[2] !== 'ssm');
  const externalParameters = external.filter((r) => r.split(':')[2] === 'ssm');

  const statements: PolicyStatement[] = [
    // ecr:GetAuthorizationToken has no resource-level permissions: "*" is the only valid resource.
    { Sid: 'RegistryLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
    { Sid: 'PullTheEnvironmentsImages', Effect: 'Allow', Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'], Resource: [at('ecr', `repository/${p}`), at('ecr', `repository/${p}-*`)] },
    { Sid: 'ImportThroughThePullThroughCache', Effect: 'Allow', Action: ['ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'], Resource: at('ecr', `repository/${p}-pub/*`) },
    {
      Sid: 'WriteTheEnvironmentsLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      Resource: [at('logs', `log-group:/ecs/${p}/*`), at('logs', `log-group:/vpc/${p}/flow-logs:*`)],
    },
    // The flow-log role as AWS documents it: its group (created by the stack first) and finding it.
    { Sid: 'FlowLogGroup', Effect: 'Allow', Action: 'logs:CreateLogGroup', Resource: at('logs', `log-group:/vpc/${p}/flow-logs`) },
    // DescribeLogGroups lists groups (names and settings, no log data): on "*", as AWS documents it.
    { Sid: 'FindLogGroups', Effect: 'Allow', Action: 'logs:DescribeLogGroups', Resource: '*' },
    {
      // AmazonRDSEnhancedMonitoringRole's log-group actions, on the one group enhanced monitoring writes.
      Sid: 'RdsEnhancedMonitoringGroup',
      Effect: 'Allow',
      Action: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy'],
      Resource: [at('logs', 'log-group:RDSOSMetrics'), at('logs', 'log-group:RDSOSMetrics:*')],
    },
    {
      Sid: 'RdsEnhancedMonitoringStreams',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams', 'logs:GetLogEvents'],
      Resource: at('logs', 'log-group:RDSOSMetrics:log-stream:*'),
    },
    {
      // The environment's secrets, the RDS-managed master secret (named rds!db-<uuid> by RDS), and secrets the config names.
      Sid: 'ReadTheEnvironmentsSecrets',
      Effect: 'Allow',
      Action: 'secretsmanager:GetSecretValue',
      Resource: [at('secretsmanager', `secret:${p}/*`), at('secretsmanager', 'secret:rds!db-*'), ...externalSecrets],
    },
    // SSM parameters the config names as external secrets (ECS reads them with GetParameters).
    ...(externalParameters.length > 0 ? [{ Sid: 'ReadTheConfiguredParameters', Effect: 'Allow' as const, Action: 'ssm:GetParameters', Resource: externalParameters }] : []),
    // The instance's resource ID is generated: any instance of the account and region, only as the app's user.
    { Sid: 'ConnectAsTheAppUser', Effect: 'Allow', Action: 'rds-db:connect', Resource: at('rds-db', `dbuser:*/${env.database.appUsername}`) },
    { Sid: 'ListTheAppBuckets', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: buckets },
    {
      Sid: 'TheAppBucketsObjects',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:GetObjectTagging', 's3:PutObjectTagging'],
      Resource: buckets.map((b) => `${b}/*`),
    },
    {
      Sid: 'TheEnvironmentsQueues',
      Effect: 'Allow',
      Action: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
      Resource: at('sqs', `${p}-*`),
    },
    // The app topics (compute.topics): publishing, and their key through SNS only (the task roles name the exact key).
    { Sid: 'PublishToTheEnvironmentsTopics', Effect: 'Allow', Action: 'sns:Publish', Resource: at('sns', `${p}-topic-*`) },
    {
      Sid: 'TopicKeysThroughSns',
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: at('kms', 'key/*'),
      Condition: { StringEquals: { 'kms:ViaService': `sns.${env.region}.amazonaws.com` } },
    },
    // E-mail (the email section): sending through the environment's identity and configuration set only.
    ...(env.email
      ? [{ Sid: 'SendEmailThroughTheEnvironmentsIdentity', Effect: 'Allow' as const, Action: 'ses:SendEmail', Resource: [at('ses', `identity/${env.email.domain}`), at('ses', `configuration-set/${emailResourceNames(p).configurationSet}`)] }]
      : []),
    {
      // Scheduled jobs: the one-off task family, on this cluster.
      Sid: 'RunTheOneOffTaskOnThisCluster',
      Effect: 'Allow',
      Action: 'ecs:RunTask',
      Resource: [at('ecs', `task-definition/${p}-task`), at('ecs', `task-definition/${p}-task:*`)],
      Condition: { ArnEquals: { 'ecs:cluster': cluster } },
    },
    { Sid: 'TagTheTasksItStarts', Effect: 'Allow', Action: 'ecs:TagResource', Resource: at('ecs', `task/${p}/*`), Condition: { StringEquals: { 'ecs:CreateAction': 'RunTask' } } },
    {
      Sid: 'PassOnlyTheTaskRolesToEcs',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: [`${p}-*-execution`, `${p}-*-task`].map((name) => arn(env.region, 'iam', '', env.accountId, `role/${name}`)),
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    },
    // The night schedule.
    { Sid: 'StopAndStartTheDatabase', Effect: 'Allow', Action: ['rds:StopDBInstance', 'rds:StartDBInstance'], Resource: at('rds', `db:${databaseIdentifier(env)}`) },
  ];
  if (env.compute.enableExec) {
    // ECS Exec: the SSM message channels have no resource-level permissions ("*" only).
    statements.push({ Sid: 'EcsExecChannels', Effect: 'Allow', Action: ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'], Resource: '*' });
  }
  statements.push({
    // Defense in depth: never identity, role assumption or account changes, whatever is allowed above.
    Sid: 'NeverIdentityOrAccountChanges',
    Effect: 'Deny',
    Action: [
      'iam:Add*', 'iam:Attach*', 'iam:Change*', 'iam:Create*', 'iam:Deactivate*', 'iam:Delete*', 'iam:Detach*', 'iam:Enable*', 'iam:Put*', 'iam:Remove*', 'iam:Reset*',
      'iam:Set*', 'iam:Tag*', 'iam:Untag*', 'iam:Update*', 'iam:Upload*', 'sts:AssumeRole*', 'sts:GetFederationToken', 'organizations:*', 'account:*',
    ],
    Resource: '*',
  });
  return statements;
}
