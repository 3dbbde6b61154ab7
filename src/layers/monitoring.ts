import { Construct } from 'constructs';
import { Op, TerraformProvider, Token } from 'cdktf';
import { CACHE_NODE_MEMORY_GIB, RDS_CLASS_MEMORY_GIB, postgresMaxConnections } from '../config/instance-classes';
import { EnvironmentConfig } from '../config/types';
import { resourceName } from '../lib/naming';
import { CacheModule } from '../modules/cache';
import { DatabaseModule } from '../modules/database';
import { UNRELEASED_TAG } from '../modules/image-version';
import { AlarmSpec, EnvironmentAlarms, MetricRef } from '../modules/monitoring/alarms';
import { AlertTopics } from '../modules/monitoring/alerts';
import { awakeWindow } from '../modules/monitoring/awake';
import { EnvironmentDashboard, ExtraGraph } from '../modules/monitoring/dashboard';
import { RDS_CRITICAL_EVENTS, RDS_WARNING_EVENTS, rdsEventPattern, routeEvents } from '../modules/monitoring/events';
import { Network } from '../modules/network';
import { ComputeLayer } from './compute';
import { EdgeLayer } from './edge';
import { Layer } from './layer';
import { ProtectionLayer } from './protection';
import { WorkloadsLayer } from './workloads';

export interface MonitoringLayerProps {
  readonly config: EnvironmentConfig;
  readonly usEast1: TerraformProvider;
  readonly network: Network;
  readonly database: DatabaseModule;
  readonly cache: CacheModule;
  readonly edge: EdgeLayer;
  readonly compute: ComputeLayer;
  readonly workloads: WorkloadsLayer;
  readonly protection: ProtectionLayer;
}

const GIB = 2 ** 30;
const SECTIONS = ['Traffic', 'Errors', 'Latency', 'Services', 'Queues', 'Jobs', 'Database', 'Cache', 'CDN', 'Network', 'Certificates'];

/**
 * Alarms that page the right people, derived from the stack itself (thresholds follow the
 * resources' own settings), the topics they notify, events worth a notification, the deployment
 * guard of the web service, and a dashboard generated from the same definitions.
 */
export class MonitoringLayer extends Layer {
  readonly alerts: AlertTopics;
  /** CloudFront's metrics exist only in us-east-1: its alarms and their topics live there. */
  readonly alertsUsEast1: AlertTopics;
  readonly alarms: EnvironmentAlarms;
  readonly dashboard: EnvironmentDashboard;
  private readonly extraGraphs: ExtraGraph[] = [];

  constructor(scope: Construct, id: string, props: MonitoringLayerProps) {
    super(scope, id);
    const { config, network, database, cache, edge, compute, workloads, protection } = props;
    const prefix = resourceName(config);
    const mon = config.monitoring;
    const topicProps = { namePrefix: prefix, stackRegion: config.region, accountId: config.accountId, monitoring: mon, production: config.production };
    this.alerts = new AlertTopics(this, 'alerts', { ...topicProps, region: config.region });
    this.alertsUsEast1 = new AlertTopics(this, 'alerts-us-east-1', { ...topicProps, region: 'us-east-1', provider: props.usEast1, suffix: 'us-east-1' });
    // A sleeping environment judges what the night stops only while it is awake (awake.ts).
    const awake = config.schedule ? awakeWindow(config.schedule) : undefined;
    this.alarms = new EnvironmentAlarms(this, 'alarms', { namePrefix: prefix, alerts: this.alerts, alertsUsEast1: this.alertsUsEast1, usEast1: props.usEast1, awake });
    // No notification about tasks before the first release: nothing is meant to run yet.
    const released = Token.asAny(Op.neq(compute.imageVersion.tag, UNRELEASED_TAG)) as unknown as boolean;
    const add = (spec: AlarmSpec) => this.alarms.add(spec);

    // --- HTTP services: errors, health, latency (ALB metrics of each target group) ---
    const lb = compute.loadBalancer.arnSuffix;
    const floor = mon.minRequestsPerMinute;
    const errorRate = (errors: MetricRef, requests: MetricRef, label: string) => ({
      // Judged only above the request floor: two errors out of three requests is not an outage.
      expression: `IF(m2 >= ${floor}, 100 * FILL(m1, 0) / m2, 0)`,
      label,
      metrics: { m1: errors, m2: requests },
    });
    this.extraGraphs.push({ section: 'Traffic', title: 'Requests per minute', metrics: [['AWS/ApplicationELB', 'RequestCount', 'LoadBalancer', lb, { stat: 'Sum' }]] });
    for (const s of workloads.longRunning.filter((x) => x.http)) {
      const targetGroup = s.http!.targetGroupArnSuffix;
      const alb = (name: string, stat: string, withTarget = true): MetricRef => ({
        namespace: 'AWS/ApplicationELB',
        name,
        stat,
        dimensions: withTarget ? { LoadBalancer: lb, TargetGroup: targetGroup } : { LoadBalancer: lb },
      });
      this.extraGraphs.push({ section: 'Traffic', title: `${s.name}: healthy targets`, metrics: [['AWS/ApplicationELB', 'HealthyHostCount', 'LoadBalancer', lb, 'TargetGroup', targetGroup, { stat: 'Minimum' }]] });
      // Each service's deployments roll back on its own target group's errors only: the load
      // balancer's own 5xx count has no target-group dimension (ALB user guide, CloudWatch metrics),
      // so a broken api would roll web back too.
      const guard = add({ kind: 'target-5xx-rate', id: `${s.name}-target-5xx-rate`, section: 'Errors', title: `${s.name} 5xx (% of requests)`, threshold: mon.errorRatePercent, comparison: 'GreaterThanThreshold', evaluationPeriods: 5, datapointsToAlarm: 3, expression: errorRate(alb('HTTPCode_Target_5XX_Count', 'Sum'), alb('RequestCount', 'Sum'), 'target 5xx %'), deploymentGuard: true });
      if (s.name === 'web') {
        // The load balancer's own errors (no healthy target, timeouts) are per load balancer: once, a page, no rollback.
        add({ kind: 'elb-5xx-rate', id: 'web-elb-5xx-rate', section: 'Errors', title: 'Load balancer 5xx (% of requests)', threshold: mon.errorRatePercent, comparison: 'GreaterThanThreshold', evaluationPeriods: 5, datapointsToAlarm: 3, expression: errorRate(alb('HTTPCode_ELB_5XX_Count', 'Sum', false), alb('RequestCount', 'Sum', false), 'load balancer 5xx %') });
      }
      // HealthyHostCount is reported only while the target group has registered targets (none at
      // night, none once every task is gone): missing data is down, except while asleep.
      add({ kind: 'healthy-hosts', id: `${s.name}-healthy-hosts`, section: 'Errors', title: `Healthy ${s.name} targets (minimum)`, threshold: 1, comparison: 'LessThanThreshold', evaluationPeriods: 2, datapointsToAlarm: 2, metric: alb('HealthyHostCount', 'Minimum'), sleeps: true, actionsEnabled: released });
      for (const [pct, objective] of [['p95', mon.latency.p95Ms], ['p99', mon.latency.p99Ms]] as const) {
        add({
          kind: pct === 'p95' ? 'latency-p95' : 'latency-p99',
          id: `${s.name}-latency-${pct}`,
          section: 'Latency',
          title: `${s.name} response time ${pct} (s)`,
          threshold: objective / 1000,
          comparison: 'GreaterThanThreshold',
          evaluationPeriods: 5,
          datapointsToAlarm: 5,
          expression: { expression: `IF(m2 >= ${floor}, m1, 0)`, label: `${pct} seconds`, metrics: { m1: alb('TargetResponseTime', pct), m2: alb('RequestCount', 'Sum') } },
        });
      }
      // A release that raises errors rolls back by itself, on top of the circuit breaker.
      s.module.watchDeployments([guard.alarmName]);
    }

    // --- Every long-running service: tasks, CPU, memory ---
    const services = workloads.longRunning;
    for (const s of services) {
      const dimensions = { ClusterName: compute.cluster.clusterName, ServiceName: s.module.serviceName! };
      if (s.minCount > 0) {
        add({ kind: 'service-running-tasks', id: `${s.name}-running-tasks`, section: 'Services', title: `${s.name}: running tasks`, threshold: s.minCount, comparison: 'LessThanThreshold', evaluationPeriods: 5, datapointsToAlarm: 5, metric: { namespace: 'ECS/ContainerInsights', name: 'RunningTaskCount', stat: 'Minimum', dimensions }, sleeps: true, actionsEnabled: released });
      }
      add({ kind: 'service-cpu', id: `${s.name}-cpu`, section: 'Services', title: `${s.name}: CPU %`, threshold: Math.min(95, s.cpuTarget + 25), comparison: 'GreaterThanThreshold', evaluationPeriods: 10, datapointsToAlarm: 10, metric: { namespace: 'AWS/ECS', name: 'CPUUtilization', stat: 'Average', dimensions } });
      add({ kind: 'service-memory', id: `${s.name}-memory`, section: 'Services', title: `${s.name}: memory %`, threshold: 85, comparison: 'GreaterThanThreshold', evaluationPeriods: 10, datapointsToAlarm: 10, metric: { namespace: 'AWS/ECS', name: 'MemoryUtilization', stat: 'Average', dimensions } });
      // The service's own rollback thresholds (Copilot's deployment.rollback_alarms): a release that
      // drives CPU or memory above them undoes itself.
      const rollback = ([['cpuPercent', 'rollback-cpu', 'CPUUtilization', 'CPU'], ['memoryPercent', 'rollback-memory', 'MemoryUtilization', 'memory']] as const)
        .filter(([key]) => s.rollbackOn?.[key] !== undefined)
        // The service's name as a string: the service refers to these alarms, so they cannot refer to it.
        .map(([key, kind, metric, label]) => add({ kind, id: `${s.name}-${kind}`, section: 'Services', title: `${s.name}: ${label} % (rolls back)`, threshold: s.rollbackOn![key]!, comparison: 'GreaterThanThreshold', evaluationPeriods: 3, datapointsToAlarm: 3, metric: { namespace: 'AWS/ECS', name: metric, stat: 'Average', dimensions: { ...dimensions, ServiceName: s.module.fullName } } }));
      if (rollback.length > 0) s.module.watchDeployments(rollback.map((a) => a.alarmName));
    }

    // --- Queues: late work and dead letters ---
    for (const [name, queue] of Object.entries(workloads.queues)) {
      const consumers = services.filter((s) => s.queues?.names.includes(name));
      const latency = Math.max(...consumers.map((s) => s.queues!.acceptableLatencySeconds));
      // Its workers sleep at night: messages wait for the morning, which is not late work.
      add({ kind: 'queue-oldest-message', id: `queue-${name}-oldest-message`, section: 'Queues', title: `${name}: oldest message (s)`, threshold: 3 * latency, comparison: 'GreaterThanThreshold', evaluationPeriods: 5, datapointsToAlarm: 5, metric: { namespace: 'AWS/SQS', name: 'ApproximateAgeOfOldestMessage', stat: 'Maximum', dimensions: { QueueName: queue.queue.name } }, sleeps: true });
      add({ kind: 'queue-dead-letters', id: `queue-${name}-dead-letters`, section: 'Queues', title: `${name}: dead letters`, threshold: 0, comparison: 'GreaterThanThreshold', evaluationPeriods: 1, datapointsToAlarm: 1, period: 300, metric: { namespace: 'AWS/SQS', name: 'ApproximateNumberOfMessagesVisible', stat: 'Maximum', dimensions: { QueueName: queue.deadLetterQueue.name } } });
    }

    // --- E-mail: the account's reputation, before AWS reviews or pauses it ---
    if (workloads.email && config.email?.alarms.account) {
      // Account-level metrics (no dimension): the rates AWS judges the account by (SES developer
      // guide, "Creating reputation monitoring alarms using CloudWatch"). Published only once mail
      // is sent: no data is not a breach. One environment per account and region alarms on them
      // (email.alarms.account, production by default; validation refuses two).
      const rates = [
        { metric: 'Reputation.BounceRate', key: 'bounceRate', what: 'bounce', kinds: ['email-bounce-rate-high', 'email-bounce-rate-critical'] },
        { metric: 'Reputation.ComplaintRate', key: 'complaintRate', what: 'complaint', kinds: ['email-complaint-rate-high', 'email-complaint-rate-critical'] },
      ] as const;
      for (const r of rates) {
        const thresholds = config.email.alarms[r.key];
        ([['warning', r.kinds[0]], ['critical', r.kinds[1]]] as const).forEach(([level, kind]) =>
          add({ kind, id: `email-${r.what}-rate-${level}`, section: 'E-mail', title: `SES ${r.what} rate (${level})`, threshold: thresholds[level], comparison: 'GreaterThanThreshold', period: 3600, evaluationPeriods: 1, datapointsToAlarm: 1, metric: { namespace: 'AWS/SES', name: r.metric, stat: 'Maximum', dimensions: {} } }),
        );
      }
    }

    // --- Scheduled jobs: starts that failed, and runs that failed ---
    if (workloads.jobs) {
      const group = { ScheduleGroup: workloads.jobs.group.name };
      add({
        kind: 'job-start-failures',
        id: 'jobs-start-failures',
        section: 'Jobs',
        title: 'Job starts failed',
        threshold: 0,
        comparison: 'GreaterThanThreshold',
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        period: 300,
        expression: {
          expression: 'FILL(m1, 0) + FILL(m2, 0)',
          label: 'failed starts',
          metrics: {
            m1: { namespace: 'AWS/Scheduler', name: 'InvocationsSentToDeadLetterCount', stat: 'Sum', dimensions: group },
            m2: { namespace: 'AWS/Scheduler', name: 'TargetErrorCount', stat: 'Sum', dimensions: group },
          },
        },
      });
      workloads.jobs.failurePatterns().forEach((pattern, i) =>
        routeEvents(this, `job-failed-${i}`, {
          name: `${prefix}-job-failed${i === 0 ? '' : '-to-start'}`,
          description: i === 0 ? `A scheduled job of ${prefix} exited non-zero` : `A scheduled job of ${prefix} failed to start`,
          pattern,
          targets: this.alerts.targets('warning'),
        }),
      );
    }

    // --- The night schedule's database stop and start: failures after the retries, or errors ---
    const night = protection.nightSchedule;
    if (night?.group) {
      add({
        kind: 'night-schedule-failures',
        id: 'night-schedule-failures',
        section: 'Jobs',
        title: 'Database stop/start failed',
        threshold: 0,
        comparison: 'GreaterThanThreshold',
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        period: 300,
        expression: {
          expression: 'FILL(m1, 0) + FILL(m2, 0)',
          label: 'failed stops and starts',
          metrics: {
            m1: { namespace: 'AWS/Scheduler', name: 'InvocationsSentToDeadLetterCount', stat: 'Sum', dimensions: { ScheduleGroup: night.group.name } },
            m2: { namespace: 'AWS/Scheduler', name: 'TargetErrorCount', stat: 'Sum', dimensions: { ScheduleGroup: night.group.name } },
          },
        },
      });
    }

    // --- Database: thresholds from the instance's own size (asleep with it when the night stops it) ---
    const dbSleeps = Boolean(config.schedule?.stopDatabase);
    const db = (name: string, stat: string): MetricRef => ({ namespace: 'AWS/RDS', name, stat, dimensions: { DBInstanceIdentifier: database.instance.identifier } });
    const dbMemoryGib = RDS_CLASS_MEMORY_GIB[config.database.instanceClass];
    const maxConnections = postgresMaxConnections(config.database.instanceClass)!;
    add({ kind: 'db-cpu', id: 'db-cpu', section: 'Database', title: 'Database CPU %', threshold: 90, comparison: 'GreaterThanThreshold', evaluationPeriods: 10, datapointsToAlarm: 10, metric: db('CPUUtilization', 'Average'), sleeps: dbSleeps });
    add({ kind: 'db-free-storage', id: 'db-free-storage', section: 'Database', title: 'Database free storage (bytes)', threshold: Math.round(0.05 * config.database.allocatedStorage * GIB), comparison: 'LessThanThreshold', evaluationPeriods: 5, datapointsToAlarm: 5, metric: db('FreeStorageSpace', 'Minimum'), sleeps: dbSleeps });
    add({ kind: 'db-freeable-memory', id: 'db-freeable-memory', section: 'Database', title: 'Database freeable memory (bytes)', threshold: Math.round(0.1 * dbMemoryGib * GIB), comparison: 'LessThanThreshold', evaluationPeriods: 15, datapointsToAlarm: 15, metric: db('FreeableMemory', 'Average'), sleeps: dbSleeps });
    add({ kind: 'db-connections', id: 'db-connections', section: 'Database', title: `Database connections (max ~${maxConnections})`, threshold: Math.floor(0.8 * maxConnections), comparison: 'GreaterThanThreshold', evaluationPeriods: 5, datapointsToAlarm: 5, metric: db('DatabaseConnections', 'Maximum'), sleeps: dbSleeps });
    add({ kind: 'db-transaction-ids', id: 'db-transaction-ids', section: 'Database', title: 'Database used transaction IDs', threshold: 1_000_000_000, comparison: 'GreaterThanThreshold', evaluationPeriods: 1, datapointsToAlarm: 1, period: 300, metric: db('MaximumUsedTransactionIDs', 'Maximum'), sleeps: dbSleeps });

    // --- Cache: per node (ElastiCache metrics are per member cluster) ---
    const cacheMemoryGib = CACHE_NODE_MEMORY_GIB[config.cache.nodeType];
    for (let i = 1; i <= config.cache.nodeCount; i++) {
      const node = `${cache.replicationGroup.replicationGroupId}-${String(i).padStart(3, '0')}`;
      // Redis metrics are per cache node: both dimensions (ElastiCache user guide, "Dimensions for
      // ElastiCache metrics"); a member cluster of a non-clustered group has the one node 0001.
      const metric = (name: string, s: string): MetricRef => ({ namespace: 'AWS/ElastiCache', name, stat: s, dimensions: { CacheClusterId: node, CacheNodeId: '0001' } });
      const n = config.cache.nodeCount > 1 ? `cache-${i}` : 'cache';
      add({ kind: 'cache-engine-cpu', id: `${n}-engine-cpu`, section: 'Cache', title: `${n}: engine CPU %`, threshold: 90, comparison: 'GreaterThanThreshold', evaluationPeriods: 10, datapointsToAlarm: 10, metric: metric('EngineCPUUtilization', 'Average') });
      add({ kind: 'cache-memory', id: `${n}-memory`, section: 'Cache', title: `${n}: memory used % (of ${cacheMemoryGib} GiB)`, threshold: 80, comparison: 'GreaterThanThreshold', evaluationPeriods: 10, datapointsToAlarm: 10, metric: metric('DatabaseMemoryUsagePercentage', 'Average') });
      add({ kind: 'cache-evictions', id: `${n}-evictions`, section: 'Cache', title: `${n}: evictions`, threshold: 0, comparison: 'GreaterThanThreshold', evaluationPeriods: 5, datapointsToAlarm: 1, metric: metric('Evictions', 'Sum') });
    }

    // --- CDN (us-east-1), NAT, certificates ---
    add({ kind: 'cdn-5xx-rate', id: 'cdn-5xx-rate', section: 'CDN', title: 'CloudFront 5xx error rate %', threshold: mon.errorRatePercent, comparison: 'GreaterThanThreshold', evaluationPeriods: 5, datapointsToAlarm: 5, usEast1: true, metric: { namespace: 'AWS/CloudFront', name: '5xxErrorRate', stat: 'Average', dimensions: { DistributionId: edge.assets.distributionId, Region: 'Global' } } });
    network.natGateways.forEach((nat, i) =>
      add({ kind: 'nat-port-allocation', id: `nat-${i}-port-allocation`, section: 'Network', title: `NAT ${i}: port allocation errors`, threshold: 0, comparison: 'GreaterThanThreshold', evaluationPeriods: 5, datapointsToAlarm: 1, metric: { namespace: 'AWS/NATGateway', name: 'ErrorPortAllocation', stat: 'Sum', dimensions: { NatGatewayId: nat.id } } }),
    );
    const certificates = [
      { id: 'load-balancer', arn: edge.certificates.loadBalancerCertificate.arn, usEast1: false },
      { id: 'cdn', arn: edge.certificates.cdnCertificate.arn, usEast1: true },
    ];
    for (const c of certificates) {
      add({ kind: 'certificate-expiry', id: `certificate-${c.id}-expiry`, section: 'Certificates', title: `${c.id} certificate: days to expiry`, threshold: 45, comparison: 'LessThanThreshold', period: 86400, evaluationPeriods: 1, datapointsToAlarm: 1, usEast1: c.usEast1, metric: { namespace: 'AWS/CertificateManager', name: 'DaysToExpiry', stat: 'Minimum', dimensions: { CertificateArn: c.arn } } });
    }

    // --- WAF: a spike of blocked requests (an attack, or a rule blocking real users) ---
    const acl = protection.webAcl;
    if (acl) {
      // The WebACL dimension is the ACL's metric name, not its name (WAF developer guide, "AWS WAF
      // metrics and dimensions"). Block mode: every blocked request (Rule ALL). Count mode: nothing
      // is blocked and counts are per rule, so the sum of each rule's counted matches (the managed
      // groups, counted as groups, and our own re-block and rate-limit rules).
      const waf = (name: string, rule: string): MetricRef => ({ namespace: 'AWS/WAFV2', name, stat: 'Sum', dimensions: { WebACL: acl.metricName, Region: config.region, Rule: rule } });
      const common = { kind: 'waf-blocked-spike' as const, id: 'waf-blocked-requests', section: 'Errors', threshold: config.waf.rateLimitPer5Min, comparison: 'GreaterThanThreshold' as const, evaluationPeriods: 1, datapointsToAlarm: 1, period: 300 };
      if (acl.mode === 'block') add({ ...common, title: 'WAF blocked requests', metric: waf('BlockedRequests', 'ALL') });
      else {
        const counted = Object.fromEntries(acl.ruleMetricNames.map((rule, i) => [`m${i + 1}`, waf('CountedRequests', rule)]));
        add({ ...common, title: 'WAF counted matches (count mode)', expression: { expression: Object.keys(counted).map((id) => `FILL(${id}, 0)`).join(' + '), label: 'counted matches', metrics: counted } });
      }
    }

    // --- Events worth a notification ---
    const serviceArns = services.map((s) => s.module.service!.id);
    routeEvents(this, 'ecs-deployment-failed', {
      name: `${prefix}-ecs-deployment-failed`,
      description: `A deployment of a ${prefix} service failed (rolled back)`,
      pattern: { source: ['aws.ecs'], 'detail-type': ['ECS Deployment State Change'], resources: serviceArns, detail: { eventName: ['SERVICE_DEPLOYMENT_FAILED'] } },
      targets: this.alerts.targets('critical'),
    });
    routeEvents(this, 'ecs-task-start-impaired', {
      name: `${prefix}-ecs-task-start-impaired`,
      description: `ECS cannot start tasks of a ${prefix} service`,
      pattern: { source: ['aws.ecs'], 'detail-type': ['ECS Service Action'], resources: serviceArns, detail: { eventName: ['SERVICE_TASK_START_IMPAIRED'] } },
      targets: this.alerts.targets('warning'),
    });
    // Only events someone must act on, by event id: not the night schedule's stops and starts, the
    // 7-day auto-start, configuration changes our own applies make, or applied patches.
    routeEvents(this, 'rds-critical', { name: `${prefix}-rds-critical`, description: `${prefix}'s database is down, out of storage or unreachable`, pattern: rdsEventPattern(database.instance.arn, RDS_CRITICAL_EVENTS), targets: this.alerts.targets('critical') });
    routeEvents(this, 'rds-warning', { name: `${prefix}-rds-warning`, description: `${prefix}'s database failed over, nears its storage ceiling or needs a fix`, pattern: rdsEventPattern(database.instance.arn, RDS_WARNING_EVENTS), targets: this.alerts.targets('warning') });

    this.dashboard = new EnvironmentDashboard(this, 'dashboard', {
      name: prefix,
      region: config.region,
      sections: SECTIONS,
      alarms: () => this.alarms.created,
      extra: () => this.extraGraphs,
    });
  }

  /** For other layers (workloads, protection): add an alarm of a known kind, shown on the dashboard too. */
  addAlarm(spec: AlarmSpec) {
    return this.alarms.add(spec);
  }
}
