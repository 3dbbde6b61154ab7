import { globalBucketName, resourceName } from '../lib/naming';
import { EMAIL_FEEDBACK_QUEUE } from './defaults';
import { EnvironmentConfig } from './types';

/**
 * Every name the stacks give an AWS resource, derived from the config the same way the modules
 * derive it, and the rules AWS applies to each kind of name. Validation checks each name against
 * its rules and looks for collisions inside each namespace, so a name AWS would refuse (or two
 * resources claiming one name) fails at synth time with the config field to change, never twenty
 * minutes into an apply. A unit test checks that the names synthesized into the stacks are
 * exactly the ones planned here.
 */

export interface NameRule {
  readonly maxLength: number;
  readonly minLength?: number;
  /** Allowed shape, with the human version for the message. */
  readonly pattern: RegExp;
  readonly patternText: string;
  /** Extra AWS rules (reserved prefixes, double hyphens...): a reason when the name breaks one. */
  readonly extra?: (name: string) => string | undefined;
}

const noDoubleHyphen = (name: string) => (name.includes('--') ? 'contains "--"' : undefined);

/** The kinds of names and AWS's rules for them (see each service's API reference for the limits). */
export const NAME_RULES = {
  s3Bucket: {
    minLength: 3,
    maxLength: 63,
    pattern: /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
    patternText: 'lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit',
    extra: (n: string) => {
      if (n.includes('..')) return 'contains ".."';
      if (/^\d+\.\d+\.\d+\.\d+$/.test(n)) return 'looks like an IP address';
      const prefix = ['xn--', 'sthree-', 'amzn-s3-demo-'].find((p) => n.startsWith(p));
      if (prefix) return `starts with the reserved prefix "${prefix}"`;
      const suffix = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'].find((s) => n.endsWith(s));
      return suffix ? `ends with the reserved suffix "${suffix}"` : undefined;
    },
  },
  dynamodbTable: { minLength: 3, maxLength: 255, pattern: /^[A-Za-z0-9_.-]+$/, patternText: 'letters, digits, "_", "." and "-"' },
  rdsIdentifier: {
    maxLength: 63,
    pattern: /^[a-z][a-z0-9-]*[a-z0-9]$/,
    patternText: 'lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen',
    extra: noDoubleHyphen,
  },
  rdsParameterGroupPrefix: { maxLength: 229, pattern: /^[a-z][a-z0-9-]*-$/, patternText: 'lowercase letters, digits and hyphens, starting with a letter', extra: noDoubleHyphen },
  rdsSubnetGroup: { maxLength: 255, pattern: /^[a-z0-9 ._-]+$/, patternText: 'lowercase letters, digits, spaces, ".", "_" and "-"', extra: (n: string) => (n === 'default' ? 'is reserved' : undefined) },
  elasticacheId: {
    maxLength: 40,
    pattern: /^[a-z][a-z0-9-]*[a-z0-9]$/,
    patternText: 'lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen',
    extra: noDoubleHyphen,
  },
  loadBalancer: {
    maxLength: 32,
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/,
    patternText: 'letters, digits and hyphens, not starting or ending with a hyphen',
    extra: (n: string) => (n.startsWith('internal-') ? 'starts with "internal-", which AWS reserves for internal load balancers' : undefined),
  },
  ecrRepository: {
    minLength: 2,
    maxLength: 256,
    pattern: /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/,
    patternText: 'lowercase letters and digits separated by single ".", "_" or "-"',
  },
  // FIFO queues and topics end in ".fifo", counted in the length.
  sqsQueue: { maxLength: 80, pattern: /^[A-Za-z0-9_-]+(?:\.fifo)?$/, patternText: 'letters, digits, "_" and "-"' },
  snsTopic: { maxLength: 256, pattern: /^[A-Za-z0-9_-]+(?:\.fifo)?$/, patternText: 'letters, digits, "_" and "-"' },
  schedule: { maxLength: 64, pattern: /^[0-9a-zA-Z-_.]+$/, patternText: 'letters, digits, "-", "_" and "."' },
  scheduledAction: { maxLength: 256, pattern: /^[^:/|]+$/, patternText: 'no ":", "/" or "|"' },
  wafAcl: { maxLength: 128, pattern: /^[\w-]+$/, patternText: 'letters, digits, "_" and "-"' },
  ecrPullThroughPrefix: {
    minLength: 2,
    maxLength: 30,
    pattern: /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
    patternText: 'lowercase letters and digits separated by single ".", "_" or "-"',
  },
  ecs: { maxLength: 255, pattern: /^[A-Za-z0-9_-]+$/, patternText: 'letters, digits, "_" and "-"' },
  iamRole: { maxLength: 64, pattern: /^[\w+=,.@-]+$/, patternText: 'letters, digits and "+=,.@_-"' },
  // Security groups get a name prefix; the provider appends a 26-character suffix (255 in all).
  securityGroupPrefix: {
    maxLength: 229,
    pattern: /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/,
    patternText: 'letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*',
    extra: (n: string) => (n.toLowerCase().startsWith('sg-') ? 'starts with "sg-"' : undefined),
  },
  logGroup: { maxLength: 512, pattern: /^[.\-_/#A-Za-z0-9]+$/, patternText: 'letters, digits and "._-/#"' },
  secret: { maxLength: 512, pattern: /^[A-Za-z0-9/_+=.@-]+$/, patternText: 'letters, digits and "/_+=.@-"' },
  ssmParameter: { maxLength: 1011, pattern: /^\/[A-Za-z0-9_.\-/]+$/, patternText: 'a path of letters, digits and "_.-/"' },
  cloudfrontName: { maxLength: 64, pattern: /^[A-Za-z0-9_-]+$/, patternText: 'letters, digits, "_" and "-"' },
  autoscalingPolicy: { maxLength: 256, pattern: /^[^:/]+$/, patternText: 'no ":" or "/"' },
  // CloudWatch Logs PutDeliverySource / PutDeliveryDestination: 1-60 of [\w-].
  logDelivery: { maxLength: 60, pattern: /^[\w-]+$/, patternText: 'letters, digits, "_" and "-"' },
  // SES v2: one identity per domain per account and region; configuration sets 1-64 of [\w-].
  sesIdentity: { maxLength: 253, pattern: /^[a-z0-9.-]+$/, patternText: 'a lowercase domain name' },
  sesConfigurationSet: { maxLength: 64, pattern: /^[\w-]+$/, patternText: 'letters, digits, "_" and "-"' },
} satisfies Record<string, NameRule>;

export type NameKind = keyof typeof NAME_RULES;

/** A planned name: its kind (and so its rules and namespace) and the config fields it comes from. */
export interface PlannedName {
  readonly kind: NameKind;
  readonly name: string;
  /** What it names, for messages ("the database instance"). */
  readonly what: string;
  /** Config field(s) the name is built from. */
  readonly from: string;
}

/** The DB instance identifier: the adopted instance's own, or `<project>-<env>-postgres`. */
export function databaseIdentifier(env: Pick<EnvironmentConfig, 'project' | 'name' | 'database'>): string {
  return env.database.adopt?.identifier ?? resourceName(env, 'postgres');
}

/** The asset buckets' names: an adopted bucket keeps its own, the others are `globalBucketName`s. */
export function assetBucketNames(env: EnvironmentConfig): { static: string; media: string } {
  return {
    static: env.assets.adopt?.static ?? globalBucketName(env, 'static'),
    media: env.assets.adopt?.media ?? globalBucketName(env, 'media'),
  };
}

/** Secrets Manager name of a secret of your own. */
/**
 * The names of the email section's resources (`prefix`: `<project>-<env>`): its configuration set,
 * the feedback topic (and its key alias). The feedback queue is EMAIL_FEEDBACK_QUEUE (defaults.ts).
 */
export function emailResourceNames(prefix: string): { configurationSet: string; topic: string } {
  return { configurationSet: `${prefix}-email`, topic: `${prefix}-email-events` };
}

export function appSecretName(env: Pick<EnvironmentConfig, 'project' | 'name'>, secret: string): string {
  return `${resourceName(env)}/app/${secret}`;
}

/** The ECS services, task families and their roles/groups/logs: web, workers, one-off, database admin. */
export function processNames(env: EnvironmentConfig): { name: string; label: string; from: string }[] {
  return [
    { name: 'web', label: 'the web service', from: 'project/name' },
    ...env.compute.services.map((s, i) => ({ name: s.name, label: `service "${s.name}"`, from: `compute.services[${i}].name` })),
    ...env.compute.internalServices.map((s, i) => ({ name: s.name, label: `internal service "${s.name}"`, from: `compute.internalServices[${i}].name` })),
    ...env.compute.workers.map((w, i) => ({ name: w.name, label: `worker "${w.name}"`, from: `compute.workers[${i}].name` })),
    { name: 'task', label: 'the one-off task', from: 'project/name' },
    { name: 'db-admin', label: 'the database-admin task', from: 'project/name' },
  ];
}

/** Every name the environment's stack will create (all optional parts included, so turning one on later cannot fail). */
export function plannedNames(env: EnvironmentConfig): PlannedName[] {
  const p = (...parts: string[]) => resourceName(env, ...parts);
  const base = 'project/name';
  const major = env.database.engineVersion.split('.')[0];
  const names: PlannedName[] = [
    ...['static', 'media', 'cdn-logs', 'alb-logs'].map((purpose) => {
      const adopted = env.assets.adopt?.[purpose as 'static' | 'media'];
      return {
        kind: 's3Bucket' as const,
        name: adopted ?? globalBucketName(env, purpose),
        what: adopted ? `the adopted ${purpose} bucket` : `the ${purpose} bucket`,
        from: adopted ? `assets.adopt.${purpose}` : 'project/name/accountId/region',
      };
    }),
    { kind: 'rdsIdentifier', name: databaseIdentifier(env), what: 'the database instance', from: env.database.adopt ? 'database.adopt.identifier' : base },
    { kind: 'rdsParameterGroupPrefix', name: `${p(`postgres${major}`)}-`, what: 'the database parameter group', from: `${base}/database.engineVersion` },
    { kind: 'rdsSubnetGroup', name: p('db'), what: 'the database subnet group', from: base },
    { kind: 'elasticacheId', name: p('cache'), what: 'the cache replication group', from: base },
    { kind: 'loadBalancer', name: p('alb'), what: 'the load balancer', from: base },
    { kind: 'ecrRepository', name: p(), what: 'the image repository', from: base },
    { kind: 'ecrPullThroughPrefix', name: p('pub'), what: 'the ECR Public pull-through cache prefix', from: base },
    { kind: 'ecs', name: p(), what: 'the ECS cluster', from: base },
    { kind: 'iamRole', name: p('rds-monitoring'), what: 'the RDS monitoring role', from: base },
    { kind: 'iamRole', name: p('vpc-flow-logs'), what: 'the flow-log role', from: base },
    { kind: 'securityGroupPrefix', name: `${p('db')}-`, what: 'the database security group', from: base },
    { kind: 'securityGroupPrefix', name: `${p('cache')}-`, what: 'the cache security group', from: base },
    { kind: 'securityGroupPrefix', name: `${p('alb')}-`, what: 'the load balancer security group', from: base },
    { kind: 'securityGroupPrefix', name: `${p('endpoints')}-`, what: 'the VPC endpoint security group', from: base },
    { kind: 'logGroup', name: `/vpc/${p()}/flow-logs`, what: 'the flow-log group', from: base },
    // An adopted instance's log groups are RDS's own (created when it first exported logs).
    ...(env.database.adopt ? [] : ['postgresql', 'upgrade']).map((log) => ({ kind: 'logGroup' as const, name: `/aws/rds/instance/${p('postgres')}/${log}`, what: `the RDS ${log} log group`, from: base })),
    { kind: 'secret', name: `${p()}/django-secret-key`, what: 'the SECRET_KEY secret', from: base },
    { kind: 'secret', name: `${p()}/cache-auth-token`, what: 'the Redis AUTH token secret', from: base },
    { kind: 'ssmParameter', name: `/${env.project}/${env.name}/image-tag`, what: 'the image-tag parameter', from: base },
    ...env.compute.secrets.map((secret, i) => ({ kind: 'secret' as const, name: appSecretName(env, secret), what: `the ${secret} secret`, from: `compute.secrets[${i}]` })),
    ...env.compute.queues.flatMap((q, i) => [
      { kind: 'sqsQueue' as const, name: `${p(q.name)}${q.fifo ? '.fifo' : ''}`, what: `queue "${q.name}"`, from: `${base}/compute.queues[${i}].name` },
      { kind: 'sqsQueue' as const, name: `${p(q.name, 'dlq')}${q.fifo ? '.fifo' : ''}`, what: `the dead-letter queue of "${q.name}"`, from: `${base}/compute.queues[${i}].name` },
    ]),
    ...(env.email
      ? [
          { kind: 'sesIdentity' as const, name: env.email.domain, what: 'the SES domain identity', from: 'email.domain' },
          { kind: 'sesConfigurationSet' as const, name: emailResourceNames(p()).configurationSet, what: 'the SES configuration set', from: base },
          { kind: 'snsTopic' as const, name: emailResourceNames(p()).topic, what: 'the SES feedback topic', from: base },
          { kind: 'sqsQueue' as const, name: p(EMAIL_FEEDBACK_QUEUE.name), what: 'the SES feedback queue', from: base },
          { kind: 'sqsQueue' as const, name: p(EMAIL_FEEDBACK_QUEUE.name, 'dlq'), what: 'the dead-letter queue of the SES feedback', from: base },
        ]
      : []),
    ...env.compute.topics.map((t, i) => ({ kind: 'snsTopic' as const, name: `${p('topic', t.name)}${t.fifo ? '.fifo' : ''}`, what: `topic "${t.name}"`, from: `${base}/compute.topics[${i}].name` })),
    ...env.compute.services.filter((s) => s.ownRepository).map((s) => ({ kind: 'ecrRepository' as const, name: p(s.name), what: `the image repository of service "${s.name}"`, from: `${base}/compute.services[].name` })),
    ...(env.compute.jobs.length > 0
      ? [
          { kind: 'schedule' as const, name: p(), what: 'the schedule group of the jobs', from: base },
          { kind: 'iamRole' as const, name: p('jobs-scheduler'), what: 'the scheduler role of the jobs', from: base },
          { kind: 'sqsQueue' as const, name: p('jobs'), what: 'the dead-letter queue of the jobs', from: base },
          { kind: 'sqsQueue' as const, name: p('jobs', 'dlq'), what: 'the dead-letter queue of the jobs\' dead letters', from: base },
          ...env.compute.jobs.map((j, i) => ({ kind: 'schedule' as const, name: p(j.name), what: `the schedule of job "${j.name}"`, from: `${base}/compute.jobs[${i}].name` })),
        ]
      : []),
    { kind: 'cloudfrontName', name: p('static'), what: 'the CloudFront origin access control', from: base },
    { kind: 'cloudfrontName', name: p('security-headers'), what: 'the CloudFront response headers policy', from: base },
    { kind: 'cloudfrontName', name: p('static-cors'), what: 'the CloudFront cache policy', from: base },
    { kind: 'logDelivery', name: p('cdn-access-logs'), what: 'the CloudFront access-log delivery source (and destination)', from: base },
  ];
  // WAF and the night schedule.
  const waf = env.waf.mode !== 'off';
  names.push(
    ...(waf ? [{ kind: 'logGroup' as const, name: `aws-waf-logs-${p()}`, what: 'the WAF log group', from: base }, { kind: 'wafAcl' as const, name: p(), what: 'the web ACL', from: base }] : []),
    ...(waf && env.waf.cloudfront ? [{ kind: 'logGroup' as const, name: `aws-waf-logs-${p('cdn')}`, what: 'the CloudFront WAF log group', from: base }, { kind: 'wafAcl' as const, name: p('cdn'), what: 'the CloudFront web ACL', from: base }] : []),
  );
  if (env.schedule) {
    names.push(...processNames(env).filter((x) => !['task', 'db-admin'].includes(x.name)).flatMap((x) => ['up', 'down'].map((when) => ({ kind: 'scheduledAction' as const, name: p(x.name, when), what: `the ${when} action of ${x.label}`, from: base }))));
    if (env.schedule.stopDatabase) {
      names.push(
        { kind: 'schedule', name: p('night'), what: 'the schedule group of the night schedule', from: base },
        { kind: 'schedule', name: p('database', 'stop'), what: 'the database stop schedule', from: base },
        { kind: 'schedule', name: p('database', 'start'), what: 'the database start schedule', from: base },
        { kind: 'iamRole', name: p('night-scheduler'), what: 'the night scheduler role', from: base },
        { kind: 'sqsQueue', name: p('night'), what: 'the dead-letter queue of the night schedule', from: base },
        { kind: 'sqsQueue', name: p('night', 'dlq'), what: 'the dead-letter queue of the night schedule\'s dead letters', from: base },
      );
    }
  }
  if (env.state.backend === 's3') {
    names.push({ kind: 's3Bucket', name: env.state.bucket, what: 'the state bucket', from: 'state.bucket' });
    if (env.state.dynamodbTable) names.push({ kind: 'dynamodbTable', name: env.state.dynamodbTable, what: 'the lock table', from: 'state.dynamodbTable' });
  }
  for (const proc of processNames(env)) {
    const from = proc.from === base ? base : `${base}/${proc.from}`;
    const of = proc.label;
    names.push(
      { kind: 'ecs', name: p(proc.name), what: `the service/task family of ${of}`, from },
      { kind: 'iamRole', name: p(proc.name, 'execution'), what: `the execution role of ${of}`, from },
      { kind: 'iamRole', name: p(proc.name, 'task'), what: `the task role of ${of}`, from },
      { kind: 'securityGroupPrefix', name: `${p(proc.name)}-`, what: `the security group of ${of}`, from },
      { kind: 'logGroup', name: `/ecs/${p()}/${proc.name}`, what: `the log group of ${of}`, from },
      { kind: 'autoscalingPolicy', name: p(proc.name, 'requests'), what: `the request scaling policy of ${of}`, from },
      { kind: 'autoscalingPolicy', name: p(proc.name, 'cpu'), what: `the CPU scaling policy of ${of}`, from },
      { kind: 'autoscalingPolicy', name: p(proc.name, 'backlog'), what: `the backlog scaling policy of ${of}`, from },
    );
  }
  return names;
}

/** Problems with one environment's names: broken AWS rules, and two resources claiming one name. */
export function nameProblems(env: EnvironmentConfig): { field: string; message: string }[] {
  const names = plannedNames(env);
  // One message per config field and broken rule, naming every resource it affects.
  const broken = new Map<string, { field: string; reason: string; names: PlannedName[] }>();
  for (const n of names) {
    const rule: NameRule = NAME_RULES[n.kind];
    const reason =
      n.name.length > rule.maxLength
        ? `is ${n.name.length} characters, AWS allows ${rule.maxLength}`
        : n.name.length < (rule.minLength ?? 1)
          ? `is shorter than ${rule.minLength} characters`
          : !rule.pattern.test(n.name)
            ? `is not ${rule.patternText}`
            : rule.extra?.(n.name);
    if (!reason) continue;
    const key = `${n.from}|${reason.replace(/\d+ characters/, 'N characters')}`;
    const entry = broken.get(key) ?? { field: n.from, reason, names: [] };
    entry.names.push(n);
    broken.set(key, entry);
  }
  const problems = [...broken.values()].map(({ field, reason, names: affected }) => {
    const [n, ...more] = affected;
    const others = more.length > 0 ? ` (and ${more.map((m) => m.what).join(', ')} likewise)` : '';
    return { field, message: `gives ${n.what} the name "${n.name}", which AWS refuses: it ${reason}${others}; shorten or change ${field.split('/').join(' or ')}` };
  });
  // Collisions inside a namespace, one message per config field (the first clash, and how many).
  const seen = new Map<string, PlannedName>();
  const clashes = new Map<string, { n: PlannedName; other: PlannedName; count: number }>();
  for (const n of names) {
    const key = `${n.kind}:${n.kind === 'ecs' || n.kind === 'cloudfrontName' ? n.name : n.name.toLowerCase()}`;
    const other = seen.get(key);
    if (!other) {
      seen.set(key, n);
      continue;
    }
    const clash = clashes.get(n.from);
    if (clash) clash.count++;
    else clashes.set(n.from, { n, other, count: 1 });
  }
  for (const { n, other, count } of clashes.values()) {
    const more = count > 1 ? ` (${count - 1} more of its names clash the same way)` : '';
    problems.push({ field: n.from, message: `gives ${n.what} the name "${n.name}", which ${other.what} already uses${more}: rename it` });
  }
  return problems;
}
