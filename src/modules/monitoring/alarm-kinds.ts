/**
 * Every kind of alarm the monitoring layer creates: its severity, the rule its threshold follows
 * (derived from the resources' own settings), what it means and what to do first. The alarms, the
 * dashboard annotations and the alarm table of docs/monitoring.md are all generated from this one list
 * (`npm run docs` rewrites the table; a test fails when it drifts).
 */
export type Severity = 'critical' | 'warning';

export interface AlarmKind {
  readonly severity: Severity;
  /** How the threshold is derived, in words (docs/monitoring.md). */
  readonly rule: string;
  /** What the alarm means. */
  readonly meaning: string;
  /** What to do first. */
  readonly runbook: string;
  /** The metric's missing-data rule and why (docs/monitoring.md). */
  readonly missingData: 'breaching' | 'notBreaching' | 'ignore' | 'missing';
}

export const ALARM_KINDS = {
  'target-5xx-rate': {
    severity: 'critical',
    rule: 'target 5xx responses above `monitoring.errorRatePercent` (5%) of the service\'s requests (its own target group) for 3 of 5 minutes; judged only above `monitoring.minRequestsPerMinute` (50) requests a minute; rolls back that service\'s deployment',
    meaning: 'The app answers a large share of requests with server errors.',
    runbook: 'Open the service\'s log group for tracebacks; if a release just went out, it rolls back by itself (deployment alarm); otherwise check the database and cache alarms.',
    missingData: 'notBreaching',
  },
  'elb-5xx-rate': {
    severity: 'critical',
    rule: 'load-balancer 5xx (502/503/504: no healthy target, timeouts) above `monitoring.errorRatePercent` of requests for 3 of 5 minutes, above the same request floor; per load balancer (the metric has no target-group dimension), so it pages but rolls nothing back',
    meaning: 'The load balancer itself fails requests: targets are down, overloaded or time out.',
    runbook: 'Check HealthyHostCount and the web service events (tasks failing health checks, OOM kills); scale out or roll back.',
    missingData: 'notBreaching',
  },
  'healthy-hosts': {
    severity: 'critical',
    rule: 'fewer than 1 healthy target (minimum) for 2 minutes; no data counts as breaching (ALB reports the metric only while targets are registered); notifies only once an image is released; with a night `schedule`, judged only while awake',
    meaning: 'No task of the HTTP service (web, or the service named in the alarm) passes its health check: that part of the site is down.',
    runbook: 'Look at the service\'s events and the stopped tasks\' reasons; check the health path answers 200 before any host check (app contract).',
    missingData: 'breaching',
  },
  'latency-p95': {
    severity: 'warning',
    rule: 'p95 target response time above `monitoring.latency.p95Ms` for 5 minutes, above the request floor',
    meaning: 'Most requests are slower than the objective.',
    runbook: 'Find the slow endpoints in the logs or APM; check database CPU and connections; scale out if CPU is high.',
    missingData: 'notBreaching',
  },
  'latency-p99': {
    severity: 'warning',
    rule: 'p99 target response time above `monitoring.latency.p99Ms` for 5 minutes, above the request floor',
    meaning: 'The slowest requests are much slower than the objective.',
    runbook: 'Look for slow queries (postgresql log, log_min_duration_statement) and timeouts to third parties.',
    missingData: 'notBreaching',
  },
  'service-running-tasks': {
    severity: 'critical',
    rule: 'running tasks below the service\'s minimum count (`minCount`) for 5 minutes; no data counts as breaching (nothing runs); notifies only once an image is released; with a night `schedule`, judged only while awake',
    meaning: 'The service runs fewer tasks than it must: crashes, failed starts, or Spot interruptions.',
    runbook: 'Read the service events and the stopped tasks\' reasons (image pull, secrets, OOM, health checks).',
    missingData: 'breaching',
  },
  'service-cpu': {
    severity: 'warning',
    rule: 'average CPU above the autoscaling target + 25 points (at most 95%) for 10 minutes: scaling cannot keep up or is at `maxCount`',
    meaning: 'The service is CPU-bound beyond what autoscaling absorbs.',
    runbook: 'Check whether the service is at maxCount; raise maxCount or the task size, or find the hot code path.',
    missingData: 'notBreaching',
  },
  'service-memory': {
    severity: 'warning',
    rule: 'average memory above 85% of the task size for 10 minutes (autoscaling on memory, `memoryTarget`, is off unless set)',
    meaning: 'Tasks approach their memory limit and will be OOM-killed.',
    runbook: 'Raise the task memory or find the leak (worker concurrency, large querysets).',
    missingData: 'notBreaching',
  },
  'rollback-cpu': {
    severity: 'warning',
    rule: 'average CPU above the service\'s `rollbackOn.cpuPercent` for 3 minutes; rolls that service\'s deployment back (only where set: Copilot\'s `deployment.rollback_alarms.cpu_utilization`)',
    meaning: 'The service runs hotter than its team allows; during a deployment, the new version is rolled back.',
    runbook: 'If a release just went out it rolls back by itself: compare the new version\'s CPU profile; otherwise scale out or raise the threshold.',
    missingData: 'notBreaching',
  },
  'rollback-memory': {
    severity: 'warning',
    rule: 'average memory above the service\'s `rollbackOn.memoryPercent` for 3 minutes; rolls that service\'s deployment back (only where set: Copilot\'s `deployment.rollback_alarms.memory_utilization`)',
    meaning: 'The service uses more memory than its team allows; during a deployment, the new version is rolled back.',
    runbook: 'If a release just went out it rolls back by itself: look for a leak or a larger working set in the new version; otherwise raise the task memory.',
    missingData: 'notBreaching',
  },
  'queue-oldest-message': {
    severity: 'warning',
    rule: 'the oldest message waited longer than 3 x the consuming worker\'s `acceptableLatencySeconds` for 5 minutes; with a night `schedule`, judged only while awake (messages wait for the morning)',
    meaning: 'The queue\'s workers do not keep up (or do not run): work is late.',
    runbook: 'Check the worker\'s running tasks and errors; raise its maxCount; look for a message that keeps failing.',
    missingData: 'notBreaching',
  },
  'email-bounce-rate-high': {
    severity: 'warning',
    rule: 'the account\'s SES bounce rate (Reputation.BounceRate, maximum over an hour) above `email.alarms.bounceRate.warning` (4%), below the 5% at which AWS puts the account under review',
    meaning: 'Too many messages bounce: sending to stale or mistyped addresses.',
    runbook: 'Check the feedback queue consumer suppresses bounced addresses; look for a list import or a sign-up form without confirmation; see the SES reputation dashboard.',
    missingData: 'notBreaching',
  },
  'email-bounce-rate-critical': {
    severity: 'critical',
    rule: 'the account\'s SES bounce rate above `email.alarms.bounceRate.critical` (8%), below the 10% at which AWS may pause sending',
    meaning: 'The bounce rate is close to where AWS may pause the account\'s sending: every e-mail of the app would stop.',
    runbook: 'Stop bulk sends now; purge bounced addresses (feedback queue, SES suppression list); answer AWS\'s review if one is open.',
    missingData: 'notBreaching',
  },
  'email-complaint-rate-high': {
    severity: 'warning',
    rule: 'the account\'s SES complaint rate (Reputation.ComplaintRate, maximum over an hour) above `email.alarms.complaintRate.warning` (0.08%), below the 0.1% at which AWS puts the account under review',
    meaning: 'Recipients mark the app\'s mail as spam.',
    runbook: 'Check which messages draw complaints (feedback queue); make unsubscribing easy; stop mail people did not ask for.',
    missingData: 'notBreaching',
  },
  'email-complaint-rate-critical': {
    severity: 'critical',
    rule: 'the account\'s SES complaint rate above `email.alarms.complaintRate.critical` (0.4%), below the 0.5% at which AWS may pause sending',
    meaning: 'The complaint rate is close to where AWS may pause the account\'s sending.',
    runbook: 'Stop the sends that draw complaints now; suppress complaining addresses; answer AWS\'s review if one is open.',
    missingData: 'notBreaching',
  },
  'queue-dead-letters': {
    severity: 'warning',
    rule: 'any message in the dead-letter queue (`maxReceiveCount` failed receives)',
    meaning: 'Messages failed again and again and were set aside: that work was not done.',
    runbook: 'Read them (aws sqs receive-message on the -dlq queue) and the worker logs; fix, then redrive them to the queue (SQS console: Start DLQ redrive).',
    missingData: 'notBreaching',
  },
  'job-start-failures': {
    severity: 'warning',
    rule: 'any scheduled job start that failed after its retries (sent to the jobs dead-letter queue) or errored, in 5 minutes',
    meaning: 'A scheduled job did not start at all (RunTask refused: capacity, permissions, a missing task definition).',
    runbook: 'Read the message in the <project>-<env>-jobs queue (the error is in its attributes) and the scheduler role\'s permissions.',
    missingData: 'notBreaching',
  },
  'night-schedule-failures': {
    severity: 'warning',
    rule: 'any stop or start of the database by the night schedule that failed after its retries (sent to the night dead-letter queue) or errored, in 5 minutes',
    meaning: 'The night schedule could not stop or start the database: a failed morning start leaves the environment down, a failed stop costs a night of the instance.',
    runbook: 'Start (or stop) it by hand: aws rds start-db-instance --db-instance-identifier <project>-<env>; the error is in the message of the <project>-<env>-night queue.',
    missingData: 'notBreaching',
  },
  'waf-blocked-spike': {
    severity: 'warning',
    rule: 'more requests blocked in 5 minutes (`BlockedRequests`, all rules) than one client may send (`waf.rateLimitPer5Min`); in count mode, more counted rule matches (each rule\'s `CountedRequests`, summed)',
    meaning: 'The WAF blocks (or would block) a burst of requests: an attack, a scraper, or a rule stopping real users.',
    runbook: 'Query the aws-waf-logs-<project>-<env> log group for the terminating rule and the client IPs; a false positive on a path of yours goes to waf.uploadPaths / waf.richTextPaths.',
    missingData: 'notBreaching',
  },
  'db-cpu': {
    severity: 'warning',
    rule: 'RDS CPU above 90% for 10 minutes; with `schedule.stopDatabase`, judged only while awake',
    meaning: 'The database is CPU-bound: queries queue and time out.',
    runbook: 'Performance Insights (prod) or the slow-query log; add indexes or a larger instance class.',
    missingData: 'missing',
  },
  'db-free-storage': {
    severity: 'critical',
    rule: 'free storage (Minimum) below 5% of `database.allocatedStorage`: storage autoscaling grows at 10%, so 5% means it could not (ceiling or cooldown); with `schedule.stopDatabase`, judged only while awake',
    meaning: 'The database is about to run out of disk; writes will fail.',
    runbook: 'Raise database.maxAllocatedStorage (or allocatedStorage) and deploy; look for bloat or runaway tables.',
    missingData: 'missing',
  },
  'db-freeable-memory': {
    severity: 'warning',
    rule: 'freeable memory below 10% of the instance class\'s memory for 15 minutes; with `schedule.stopDatabase`, judged only while awake',
    meaning: 'The database swaps or evicts its cache; latency rises.',
    runbook: 'Check connections (each costs memory) and work_mem-heavy queries; move to a larger class.',
    missingData: 'missing',
  },
  'db-connections': {
    severity: 'warning',
    rule: 'connections above 80% of Postgres\' max_connections for the instance class, for 5 minutes; with `schedule.stopDatabase`, judged only while awake',
    meaning: 'New connections will soon be refused.',
    runbook: 'Lower CONN_MAX_AGE / pool sizes or task counts, or use a larger class (max_connections follows memory).',
    missingData: 'missing',
  },
  'db-transaction-ids': {
    severity: 'critical',
    rule: 'maximum used transaction IDs above 1 billion (half of the 2^31 wraparound limit); with `schedule.stopDatabase`, judged only while awake',
    meaning: 'Autovacuum is not keeping up; at the limit Postgres stops accepting writes.',
    runbook: 'Find long-running transactions and tables autovacuum cannot freeze; run VACUUM FREEZE on them.',
    missingData: 'missing',
  },
  'cache-engine-cpu': {
    severity: 'warning',
    rule: 'Redis engine CPU above 90% for 10 minutes (its one command thread)',
    meaning: 'Redis is saturated: every cache and broker call slows down.',
    runbook: 'Look for O(n) commands (KEYS, large sets) and hot keys; move to a larger node type.',
    missingData: 'missing',
  },
  'cache-memory': {
    severity: 'warning',
    rule: 'Redis memory use above 80% of the node\'s maxmemory for 10 minutes',
    meaning: 'Redis will start evicting keys (and broker messages).',
    runbook: 'Set TTLs on cache keys, purge old results, or use a larger node type.',
    missingData: 'missing',
  },
  'cache-evictions': {
    severity: 'warning',
    rule: 'any eviction in 5 minutes: the cache also holds the Celery broker, where an eviction loses a task',
    meaning: 'Redis ran out of memory and dropped keys.',
    runbook: 'Same as cache-memory, urgently: lost broker messages are lost work.',
    missingData: 'notBreaching',
  },
  'cdn-5xx-rate': {
    severity: 'warning',
    rule: 'CloudFront 5xx error rate above `monitoring.errorRatePercent` for 5 minutes (in us-east-1, where CloudFront metrics exist, with its own topic there)',
    meaning: 'Static files fail to load: the origin bucket refuses CloudFront, or CloudFront has trouble.',
    runbook: 'Check the static bucket policy still names the distribution (OAC) and that files exist (collectstatic).',
    missingData: 'notBreaching',
  },
  'nat-port-allocation': {
    severity: 'warning',
    rule: 'any NAT gateway port-allocation error in 5 minutes',
    meaning: 'Tasks cannot open new outbound connections (too many to one destination).',
    runbook: 'Reuse HTTP connections to third parties; spread across NAT gateways (natMode perAz).',
    missingData: 'notBreaching',
  },
  'certificate-expiry': {
    severity: 'warning',
    rule: 'fewer than 45 days to expiry (ACM renews DNS-validated certificates from 60 days before)',
    meaning: 'Automatic renewal failed: the certificate will expire.',
    runbook: 'Check the certificate\'s DNS validation records still exist (route53 or your DNS provider).',
    missingData: 'missing',
  },
} satisfies Record<string, AlarmKind>;

export type AlarmKindId = keyof typeof ALARM_KINDS;

/** Events (EventBridge) routed to the alert topics, for docs/monitoring.md. */
export const EVENT_ROUTES = [
  { id: 'ecs-deployment-failed', severity: 'critical' as Severity, what: 'an ECS deployment failed (circuit breaker or deployment alarm rolled it back)' },
  { id: 'ecs-task-start-impaired', severity: 'warning' as Severity, what: 'ECS cannot start tasks of a service (SERVICE_TASK_START_IMPAIRED)' },
  { id: 'rds-critical', severity: 'critical' as Severity, what: 'the instance is out of storage, failed, or cannot reach its KMS key (RDS event ids listed in src/modules/monitoring/events.ts)' },
  { id: 'rds-warning', severity: 'warning' as Severity, what: 'the instance failed over, nears its storage ceiling, rolled an upgrade back or lost enhanced monitoring; never the night schedule\'s stops and starts, configuration changes or applied patches' },
  { id: 'job-failed', severity: 'warning' as Severity, what: 'a scheduled job\'s task stopped with a non-zero exit code (124: its timeout) or failed to start' },
];

/** The alarm table of docs/monitoring.md (between the alarm markers), generated from the list above. */
export function alarmTableMarkdown(): string {
  const rows = Object.entries(ALARM_KINDS).map(([id, k]) => `| \`${id}\` | ${k.severity} | ${k.rule} | ${k.missingData} | ${k.meaning} ${k.runbook} |`);
  const events = EVENT_ROUTES.map((e) => `| \`${e.id}\` (event) | ${e.severity} | ${e.what} | - | EventBridge rule to the ${e.severity} topic |`);
  return [
    '| alarm | severity | threshold rule | missing data | meaning and first step |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    ...events,
  ].join('\n');
}
