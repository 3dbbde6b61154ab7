/**
 * What AWS documents that it publishes: CloudWatch metrics (namespace, name, the dimension sets it
 * is published with, the statistics that mean something) and EventBridge events (source,
 * detail-type, the detail fields and values), each entry citing its AWS documentation page. The
 * emulator publishes no metric and sends no event, so an alarm on a metric that does not exist, or
 * a rule on an event that never comes, passes every other test and stays silent in production:
 * __tests__/aws-catalogue.test.ts requires every alarm, dashboard graph, scaling metric and event
 * pattern the stacks synthesize to be in here. Add an entry only from the AWS page it cites.
 */

export interface DocumentedMetric {
  readonly namespace: string;
  readonly name: string;
  /** Each dimension set the metric is published with (names, any order). */
  readonly dimensions: readonly (readonly string[])[];
  /** Statistics the page documents as meaningful; `pNN` percentiles when `percentiles`. */
  readonly statistics: readonly string[];
  readonly percentiles?: boolean;
  readonly doc: string;
}

const ALB = 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html';
const CONTAINER_INSIGHTS = 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html';
const ECS = 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html';
const SQS = 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html';
const SCHEDULER = 'https://docs.aws.amazon.com/scheduler/latest/UserGuide/monitoring-cloudwatch.html';
const RDS = 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-metrics.html (dimensions: dimensions.html)';
const ELASTICACHE = 'https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.Redis.html ("you must supply both the CacheClusterId and CacheNodeId dimensions": CacheMetrics.DimensionsAndSets.html)';
const CLOUDFRONT = 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html (us-east-1 only; Region is always Global)';
const NAT = 'https://docs.aws.amazon.com/vpc/latest/userguide/metrics-dimensions-nat-gateway.html';
const ACM = 'https://docs.aws.amazon.com/acm/latest/userguide/cloudwatch-metrics.html';
const SES = 'https://docs.aws.amazon.com/ses/latest/dg/reputationdashboard-cloudwatch-alarm.html (Reputation.BounceRate and Reputation.ComplaintRate, account-wide without a dimension; per configuration set with ses:configuration-set when its reputation metrics are on)';
const WAF = 'https://docs.aws.amazon.com/waf/latest/developerguide/waf-metrics.html (WebACL is the metric name of the web ACL; Region for regional ACLs)';

const LB = ['LoadBalancer'];
const LB_TG = ['LoadBalancer', 'TargetGroup'];
const LB_AZ = ['LoadBalancer', 'AvailabilityZone'];
const LB_TG_AZ = ['LoadBalancer', 'TargetGroup', 'AvailabilityZone'];
const SERVICE = ['ClusterName', 'ServiceName'];
const GAUGE = ['Average', 'Minimum', 'Maximum'];

export const METRICS: readonly DocumentedMetric[] = [
  // "Elastic Load Balancing reports metrics to CloudWatch only when requests are flowing through the load balancer."
  { namespace: 'AWS/ApplicationELB', name: 'RequestCount', dimensions: [LB, LB_AZ, LB_TG, LB_TG_AZ], statistics: ['Sum'], doc: ALB },
  // "Reported if there are registered targets."
  { namespace: 'AWS/ApplicationELB', name: 'HealthyHostCount', dimensions: [LB_TG, LB_TG_AZ], statistics: GAUGE, doc: ALB },
  { namespace: 'AWS/ApplicationELB', name: 'HTTPCode_Target_5XX_Count', dimensions: [LB, LB_AZ, LB_TG, LB_TG_AZ], statistics: ['Sum'], doc: ALB },
  // The load balancer's own errors have no target-group dimension.
  { namespace: 'AWS/ApplicationELB', name: 'HTTPCode_ELB_5XX_Count', dimensions: [LB, LB_AZ], statistics: ['Sum'], doc: ALB },
  { namespace: 'AWS/ApplicationELB', name: 'TargetResponseTime', dimensions: [LB, LB_AZ, LB_TG, LB_TG_AZ], statistics: ['Average'], percentiles: true, doc: ALB },
  { namespace: 'ECS/ContainerInsights', name: 'RunningTaskCount', dimensions: [SERVICE], statistics: GAUGE, doc: CONTAINER_INSIGHTS },
  { namespace: 'ECS/ContainerInsights', name: 'DesiredTaskCount', dimensions: [SERVICE], statistics: GAUGE, doc: CONTAINER_INSIGHTS },
  // "If a cluster, service, or other resource has no running tasks, no metrics will be reported for that resource."
  { namespace: 'AWS/ECS', name: 'CPUUtilization', dimensions: [['ClusterName'], SERVICE], statistics: GAUGE, doc: ECS },
  { namespace: 'AWS/ECS', name: 'MemoryUtilization', dimensions: [['ClusterName'], SERVICE], statistics: GAUGE, doc: ECS },
  // "The only dimension that Amazon SQS sends to CloudWatch is QueueName."
  { namespace: 'AWS/SQS', name: 'ApproximateAgeOfOldestMessage', dimensions: [['QueueName']], statistics: [...GAUGE, 'Sum'], doc: SQS },
  { namespace: 'AWS/SQS', name: 'ApproximateNumberOfMessagesVisible', dimensions: [['QueueName']], statistics: [...GAUGE, 'Sum'], doc: SQS },
  { namespace: 'AWS/Scheduler', name: 'InvocationsSentToDeadLetterCount', dimensions: [['ScheduleGroup']], statistics: ['Sum'], doc: SCHEDULER },
  { namespace: 'AWS/Scheduler', name: 'TargetErrorCount', dimensions: [['ScheduleGroup']], statistics: ['Sum'], doc: SCHEDULER },
  { namespace: 'AWS/RDS', name: 'CPUUtilization', dimensions: [['DBInstanceIdentifier']], statistics: GAUGE, doc: RDS },
  { namespace: 'AWS/RDS', name: 'FreeStorageSpace', dimensions: [['DBInstanceIdentifier']], statistics: GAUGE, doc: RDS },
  { namespace: 'AWS/RDS', name: 'FreeableMemory', dimensions: [['DBInstanceIdentifier']], statistics: GAUGE, doc: RDS },
  { namespace: 'AWS/RDS', name: 'DatabaseConnections', dimensions: [['DBInstanceIdentifier']], statistics: GAUGE, doc: RDS },
  // "Applies to only PostgreSQL."
  { namespace: 'AWS/RDS', name: 'MaximumUsedTransactionIDs', dimensions: [['DBInstanceIdentifier']], statistics: GAUGE, doc: RDS },
  { namespace: 'AWS/ElastiCache', name: 'EngineCPUUtilization', dimensions: [['CacheClusterId', 'CacheNodeId']], statistics: GAUGE, doc: ELASTICACHE },
  { namespace: 'AWS/ElastiCache', name: 'DatabaseMemoryUsagePercentage', dimensions: [['CacheClusterId', 'CacheNodeId']], statistics: GAUGE, doc: ELASTICACHE },
  { namespace: 'AWS/ElastiCache', name: 'Evictions', dimensions: [['CacheClusterId', 'CacheNodeId']], statistics: ['Sum', ...GAUGE], doc: ELASTICACHE },
  // "Valid statistic: Average".
  { namespace: 'AWS/CloudFront', name: '5xxErrorRate', dimensions: [['DistributionId', 'Region']], statistics: ['Average'], doc: CLOUDFRONT },
  { namespace: 'AWS/NATGateway', name: 'ErrorPortAllocation', dimensions: [['NatGatewayId']], statistics: ['Sum'], doc: NAT },
  // "ACM stops publishing this metric after a certificate expires."
  { namespace: 'AWS/CertificateManager', name: 'DaysToExpiry', dimensions: [['CertificateArn']], statistics: ['Minimum', 'Average'], doc: ACM },
  { namespace: 'AWS/SES', name: 'Reputation.BounceRate', dimensions: [[], ['ses:configuration-set']], statistics: ['Average', 'Maximum'], doc: SES },
  { namespace: 'AWS/SES', name: 'Reputation.ComplaintRate', dimensions: [[], ['ses:configuration-set']], statistics: ['Average', 'Maximum'], doc: SES },
  { namespace: 'AWS/WAFV2', name: 'BlockedRequests', dimensions: [['Region', 'Rule', 'WebACL']], statistics: ['Sum'], doc: WAF },
  { namespace: 'AWS/WAFV2', name: 'CountedRequests', dimensions: [['Region', 'Rule', 'WebACL']], statistics: ['Sum'], doc: WAF },
];

/**
 * Metric math functions and operators usable in alarms (CloudWatch user guide, "Metric math syntax
 * and functions", https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html):
 * "You can't create an alarm based on the SEARCH expression"; AVG, MAX, SUM... over a series are
 * "not recommended" in alarms. The date functions "take the period and range of the time series and
 * return a new non-sparse time series".
 */
export const ALARM_MATH_FUNCTIONS = ['IF', 'FILL', 'DAY', 'HOUR', 'MINUTE'] as const;
export const ALARM_MATH_OPERATORS = ['AND', 'OR', 'NOT'] as const;

export interface DocumentedEvent {
  readonly source: string;
  readonly detailType: string;
  /** Fields of `detail` a pattern may match on. */
  readonly detailFields: readonly string[];
  /** Values a field takes, where the page lists them (`detail.eventName`, `detail.EventID`). */
  readonly values?: Readonly<Record<string, readonly string[]>>;
  /** Fields of the entries of a list field (`containers[].exitCode`). */
  readonly nested?: Readonly<Record<string, readonly string[]>>;
  readonly doc: string;
}

export const EVENTS: readonly DocumentedEvent[] = [
  {
    source: 'aws.ecs',
    detailType: 'ECS Deployment State Change',
    detailFields: ['eventType', 'eventName', 'deploymentId', 'updatedAt', 'reason'],
    // "SERVICE_DEPLOYMENT_FAILED ... sent for services with deployment circuit breaker logic turned on."
    values: { eventName: ['SERVICE_DEPLOYMENT_IN_PROGRESS', 'SERVICE_DEPLOYMENT_COMPLETED', 'SERVICE_DEPLOYMENT_FAILED'] },
    doc: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_deployment_events.html',
  },
  {
    source: 'aws.ecs',
    detailType: 'ECS Service Action',
    detailFields: ['eventType', 'eventName', 'clusterArn', 'createdAt', 'capacityProviderArns'],
    values: { eventName: ['SERVICE_STEADY_STATE', 'TASKSET_STEADY_STATE', 'CAPACITY_PROVIDER_STEADY_STATE', 'SERVICE_DESIRED_COUNT_UPDATED', 'SERVICE_TASK_START_IMPAIRED', 'SERVICE_DISCOVERY_INSTANCE_UNHEALTHY', 'SERVICE_TASK_PLACEMENT_FAILURE', 'SERVICE_TASK_CONFIGURATION_FAILURE', 'SERVICE_DAEMON_PLACEMENT_CONSTRAINT_VIOLATED'] },
    doc: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_events.html',
  },
  {
    source: 'aws.ecs',
    detailType: 'ECS Task State Change',
    // "The detail resembles the Task object"; "for a stopped task, the stoppedReason and stopCode fields provide additional information".
    detailFields: ['clusterArn', 'group', 'lastStatus', 'desiredStatus', 'stopCode', 'stoppedReason', 'taskDefinitionArn', 'containers', 'startedBy', 'launchType'],
    values: { stopCode: ['TaskFailedToStart', 'EssentialContainerExited', 'UserInitiated', 'ServiceSchedulerInitiated', 'SpotInterruption', 'TerminationNotice'], lastStatus: ['PROVISIONING', 'PENDING', 'ACTIVATING', 'RUNNING', 'DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED'] },
    nested: { containers: ['name', 'exitCode', 'lastStatus', 'reason', 'containerArn'] },
    doc: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html (stopCode: API_Task.html)',
  },
  {
    source: 'aws.rds',
    detailType: 'RDS DB Instance Event',
    detailFields: ['EventCategories', 'SourceType', 'SourceArn', 'Date', 'Message', 'SourceIdentifier', 'EventID'],
    // DB instance events, by id (USER_Events.Messages.html): those the stacks route.
    values: {
      EventID: [
        'RDS-EVENT-0007', 'RDS-EVENT-0089', 'RDS-EVENT-0221', 'RDS-EVENT-0223', 'RDS-EVENT-0224', 'RDS-EVENT-0254', 'RDS-EVENT-0031', 'RDS-EVENT-0035', 'RDS-EVENT-0036',
        'RDS-EVENT-0418', 'RDS-EVENT-0419', 'RDS-EVENT-0013', 'RDS-EVENT-0015', 'RDS-EVENT-0049', 'RDS-EVENT-0034', 'RDS-EVENT-0065', 'RDS-EVENT-0225', 'RDS-EVENT-0270',
        'RDS-EVENT-0079', 'RDS-EVENT-0080',
      ],
    },
    doc: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-cloud-watch-events.html (event ids: USER_Events.Messages.html)',
  },
];
