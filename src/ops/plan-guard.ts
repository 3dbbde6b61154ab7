/**
 * Destructive-plan guard: reads `terraform show -json <planfile>` and fails when the plan would
 * destroy or replace a stateful resource (a database, a bucket, a log group ...) unless that
 * address is explicitly allowed for this run. A replaced RDS instance is a new, empty database;
 * Terraform prints it as one line among hundreds, so CI must stop and make someone say "yes".
 *
 * Pure logic only (no process, no fs): what is stateful, the plan's changes and the verdict here;
 * plan-guard-report.ts prints it, plan-guard-cli.ts is the command line (scripts/plan-guard.ts
 * runs it).
 */

// ---------------------------------------------------------------------------------------------
// What counts as stateful
// ---------------------------------------------------------------------------------------------

export interface StatefulType {
  /** Terraform resource type. */
  readonly type: string;
  /** What a destroy or replace loses: printed next to every blocked change. */
  readonly reason: string;
}

/**
 * Resource types whose destroy or replace loses data or a name that cannot simply be taken back.
 * Everything else (task definitions, security groups, IAM, listeners ...) is re-creatable from
 * the configuration alone, so its replacement passes.
 */
export const STATEFUL_RESOURCE_TYPES: readonly StatefulType[] = [
  { type: 'aws_db_instance', reason: 'RDS instance: a replacement is a new, empty database (the old one is gone, a final snapshot at best)' },
  { type: 'aws_rds_cluster', reason: 'Aurora cluster: its data goes with it (a final snapshot at best)' },
  { type: 'aws_db_snapshot', reason: 'manual RDS snapshot: a backup that may exist nowhere else' },
  { type: 'aws_db_cluster_snapshot', reason: 'manual Aurora snapshot: a backup that may exist nowhere else' },
  { type: 'aws_elasticache_replication_group', reason: 'Redis/Valkey: cached data, sessions and queued jobs are lost; the endpoint changes' },
  { type: 'aws_elasticache_cluster', reason: 'ElastiCache cluster: its data is lost and the endpoint changes' },
  { type: 'aws_elasticache_serverless_cache', reason: 'ElastiCache Serverless: its data is lost and the endpoint changes' },
  { type: 'aws_s3_bucket', reason: 'S3 bucket (state buckets too): its objects are lost, and the global name may be taken by someone else' },
  { type: 'aws_dynamodb_table', reason: 'DynamoDB table (state lock tables too): its items are lost' },
  { type: 'aws_cloudwatch_log_group', reason: 'log group: the log history (incident and audit evidence) is lost' },
  { type: 'aws_secretsmanager_secret', reason: 'secret: its value is lost and the name stays reserved during the recovery window' },
  { type: 'aws_secretsmanager_secret_version', reason: 'secret value: a new version replaces it (here a freshly generated SECRET_KEY or Redis AUTH token)' },
  { type: 'aws_ecr_repository', reason: 'ECR repository: every image in it is lost, services cannot pull them again' },
  { type: 'aws_kms_key', reason: 'KMS key: scheduled for deletion, whatever it encrypted becomes unreadable' },
  { type: 'aws_sqs_queue', reason: 'SQS queue: messages in it are lost' },
  { type: 'aws_route53_zone', reason: 'hosted zone: its records are lost and a new zone gets new name servers (registrar delegation breaks)' },
  { type: 'aws_efs_file_system', reason: 'EFS file system: its files are lost' },
  { type: 'aws_ebs_volume', reason: 'EBS volume: its data is lost' },
  { type: 'aws_backup_vault', reason: 'backup vault: its recovery points are lost' },
  { type: 'aws_opensearch_domain', reason: 'OpenSearch domain: its indexes are lost' },
  { type: 'aws_kinesis_stream', reason: 'Kinesis stream: unconsumed records are lost' },
  { type: 'aws_cognito_user_pool', reason: 'Cognito user pool: users and their credentials are lost' },
];

const STATEFUL = new Map(STATEFUL_RESOURCE_TYPES.map((t) => [t.type, t.reason]));

/**
 * Resource types whose destroy or replace loses no data but interrupts traffic: blocked like a
 * stateful one in production stacks (allow it for a maintenance window), reported elsewhere. A
 * replaced target group is the common one (a new port or protocol): with create_before_destroy the
 * listener rule moves to the new, empty group before the service has registered a task in it, and
 * Terraform cannot make it wait (an ECS service may only use a group a listener already forwards
 * to), so the service answers 503 until its new tasks pass their health checks.
 */
export const DISRUPTIVE_RESOURCE_TYPES: readonly StatefulType[] = [
  { type: 'aws_lb_target_group', reason: 'target group: its service answers 503 from the moment the listener rule moves to the new, empty group until new tasks pass their health checks (a minute or two)' },
  { type: 'aws_lb_listener', reason: 'listener: HTTPS (or the HTTP redirect) stops between the delete and the create' },
  { type: 'aws_lb', reason: 'load balancer: a new DNS name; the site is down until the alias records and clients\' DNS caches follow' },
  { type: 'aws_ecs_service', reason: 'ECS service: the old service and its tasks are deleted before the new one has tasks (downtime, and a deployment from zero)' },
  { type: 'aws_cloudfront_distribution', reason: 'CloudFront distribution: a new domain, and the alias cannot be on two distributions at once (static files down until it is deployed, often 10+ minutes)' },
];

const DISRUPTIVE = new Map(DISRUPTIVE_RESOURCE_TYPES.map((t) => [t.type, t.reason]));

/** Why destroying or replacing this type interrupts traffic, or undefined. */
export function disruptiveReason(type: string): string | undefined {
  return DISRUPTIVE.get(type);
}

/** Why destroying this type loses something, or undefined when it is not stateful. */
export function statefulReason(type: string): string | undefined {
  return STATEFUL.get(type);
}

// ---------------------------------------------------------------------------------------------
// Plan JSON (the subset of https://developer.hashicorp.com/terraform/internals/json-format we read)
// ---------------------------------------------------------------------------------------------

export interface ResourceChange {
  readonly address: string;
  readonly module_address?: string;
  readonly mode: string;
  readonly type: string;
  readonly name: string;
  readonly index?: string | number;
  /** Set on a deposed object: the old half of an interrupted create_before_destroy replacement. */
  readonly deposed?: string;
  readonly action_reason?: string;
  readonly change: {
    readonly actions: readonly string[];
    /** Attribute paths that force the replacement (strings are attribute names or map keys, numbers list indexes). */
    readonly replace_paths?: readonly (readonly (string | number)[])[];
    /** Set when an import block brings an existing object under management in this plan (Terraform 1.5+). */
    readonly importing?: { readonly id?: string; readonly unknown?: boolean };
  };
}

export interface PlanJson {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly ResourceChange[];
  /** Changes made outside Terraform, found by refresh: informational, never applied by this plan. */
  readonly resource_drift?: readonly unknown[];
  readonly output_changes?: Record<string, unknown>;
  readonly errored?: boolean;
}

/** Input that is not a usable plan (exit 2), as opposed to a plan the guard refuses (exit 1). */
export class PlanInputError extends Error {}

const EXPECTED = 'expected the output of `terraform show -json <planfile>` (save the plan with `terraform plan -out <planfile>` first)';

const PLAN_ONLY_KEYS = ['planned_values', 'resource_changes', 'prior_state', 'errored', 'applyable', 'complete'];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses and checks plan JSON; every problem is a PlanInputError naming the source and the fix. */
export function parsePlanJson(text: string, source: string): PlanJson {
  if (text.trim() === '') throw new PlanInputError(`${source}: empty input: ${EXPECTED}`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // `terraform plan -json` streams one JSON log message per line: a common mix-up worth naming.
    let streamed = false;
    try {
      const first: unknown = JSON.parse(text.trimStart().split('\n', 1)[0]);
      streamed = isRecord(first) && '@level' in first;
    } catch {
      // not JSON lines either
    }
    if (streamed) throw new PlanInputError(`${source}: this is the log stream of \`terraform plan -json\`, not a plan: ${EXPECTED}`);
    throw new PlanInputError(`${source}: not valid JSON (${(e as Error).message}): ${EXPECTED}`);
  }
  if (!isRecord(doc) || typeof doc.format_version !== 'string') {
    throw new PlanInputError(`${source}: not Terraform plan JSON (no "format_version"): ${EXPECTED}`);
  }
  if (!doc.format_version.startsWith('1.')) {
    throw new PlanInputError(`${source}: unsupported format_version "${doc.format_version}" (this guard reads 1.x)`);
  }
  // Only plans carry these (an empty state shows as just {"format_version":"1.0"}): a state would
  // otherwise pass as a plan without changes.
  if (!PLAN_ONLY_KEYS.some((k) => k in doc)) {
    throw new PlanInputError(`${source}: this is \`terraform show -json\` of a state, not of a saved plan: ${EXPECTED}`);
  }
  const changes = doc.resource_changes;
  if (changes !== undefined && !Array.isArray(changes)) throw new PlanInputError(`${source}: "resource_changes" is not a list`);
  (changes ?? []).forEach((rc: unknown, i: number) => {
    const where = `${source}: resource_changes[${i}]`;
    if (!isRecord(rc) || typeof rc.address !== 'string' || typeof rc.type !== 'string' || typeof rc.mode !== 'string') {
      throw new PlanInputError(`${where}: needs string "address", "type" and "mode"`);
    }
    const actions = isRecord(rc.change) ? rc.change.actions : undefined;
    if (!Array.isArray(actions) || actions.length === 0 || !actions.every((a) => typeof a === 'string')) {
      throw new PlanInputError(`${where} (${rc.address}): "change.actions" must be a non-empty list of strings`);
    }
  });
  return doc as unknown as PlanJson;
}

// ---------------------------------------------------------------------------------------------
// Classification
// ---------------------------------------------------------------------------------------------

export type ChangeKind = 'create' | 'update' | 'destroy' | 'replace' | 'forget' | 'read' | 'no-op' | 'unknown';

/** The kind of a Terraform action list; any list with "delete" in it destroys a real object. */
export function changeKind(actions: readonly string[]): ChangeKind {
  switch (actions.join(',')) {
    case 'create':
      return 'create';
    case 'update':
      return 'update';
    case 'read':
      return 'read';
    case 'no-op':
      return 'no-op';
    case 'delete':
      return 'destroy';
    case 'delete,create':
    case 'create,delete':
      return 'replace';
    // Terraform 1.7+ `removed { lifecycle { destroy = false } }`: the object stays, only the state
    // entry goes. ["create","forget"] is a replacement whose old object is kept the same way.
    case 'forget':
    case 'create,forget':
      return 'forget';
    default:
      // A future action we do not know: a delete in it is still a delete (fail closed).
      return actions.includes('delete') ? 'replace' : 'unknown';
  }
}

const ACTION_REASONS: Record<string, string> = {
  replace_because_cannot_update: 'an attribute that cannot change in place changed',
  replace_because_tainted: 'the object is tainted',
  replace_by_request: 'replacement requested with -replace',
  replace_by_triggers: 'replace_triggered_by',
  delete_because_no_resource_config: 'removed from the configuration',
  delete_because_no_module: 'its module was removed from the configuration',
  delete_because_wrong_repetition: 'count/for_each was added or removed',
  delete_because_count_index: 'its count index is out of range',
  delete_because_each_key: 'its for_each key is gone',
  delete_because_no_move_target: 'the target of its moved block does not exist',
};

/** Terraform's action_reason in words (falls back to the raw value). */
export function describeActionReason(reason: string | undefined): string | undefined {
  return reason === undefined ? undefined : (ACTION_REASONS[reason] ?? reason);
}

/** `[["ingress", 0, "cidr_blocks"], ["tags", "Name"]]` -> `["ingress[0].cidr_blocks", "tags.Name"]`. */
export function formatReplacePaths(paths: ResourceChange['change']['replace_paths']): string[] {
  return (paths ?? []).map((p) => p.map((step, i) => (typeof step === 'number' ? `[${step}]` : `${i === 0 ? '' : '.'}${step}`)).join(''));
}

// ---------------------------------------------------------------------------------------------
// Allow patterns
// ---------------------------------------------------------------------------------------------

/**
 * Splits text at separators outside `["..."]` keys: a dot or comma inside `["a.b,c"]` does not
 * split (a quoted key may hold escaped quotes).
 */
function splitOutsideKeys(text: string, isSeparator: (c: string) => boolean): string[] {
  const parts: string[] = [];
  let current = '';
  let inString = false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') {
        current += c + (text[i + 1] ?? '');
        i++;
        continue;
      }
      if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (depth === 0 && isSeparator(c)) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts;
}

/** Splits an address at top-level dots; dots inside `["a.example.com"]` keys do not split. */
const splitAddress = (address: string): string[] => splitOutsideKeys(address, (c) => c === '.');

const stripKey = (step: string) => step.replace(/\[.*\]$/s, '');

/**
 * The addresses an allow pattern is compared with: the instance itself
 * (`module.a["x"].aws_route53_record.r["a.example.com"]`), the resource without its key
 * (`...aws_route53_record.r`), the same without any keys, and every enclosing module
 * (`module.a["x"]`, `module.a`), so allowing a resource or a module covers its instances,
 * the way `terraform plan -target` does.
 */
export function addressCandidates(address: string): string[] {
  const steps = splitAddress(address);
  const candidates = new Set<string>([address]);
  candidates.add([...steps.slice(0, -1), stripKey(steps[steps.length - 1])].join('.'));
  candidates.add(steps.map(stripKey).join('.'));
  for (let i = 0; i + 1 < steps.length && steps[i] === 'module'; i += 2) {
    candidates.add(steps.slice(0, i + 2).join('.'));
    candidates.add(steps.slice(0, i + 2).map(stripKey).join('.'));
  }
  return [...candidates];
}

/** `*` matches any run of characters (dots and brackets too); everything else is literal. */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`, 's');
}

/** Whether an allow pattern (exact address, resource or module address, or `*` glob) covers this address. */
export function allowMatches(pattern: string, address: string): boolean {
  const re = globToRegExp(pattern.trim());
  return addressCandidates(address).some((candidate) => re.test(candidate));
}

/**
 * ALLOW_DESTROY's value: addresses separated by commas or newlines (a multi-line workflow input
 * works too). Commas inside `["a,b"]` keys do not split.
 */
export function splitAllowList(value: string | undefined): string[] {
  if (!value) return [];
  return splitOutsideKeys(value, (c) => c === ',' || c === '\n').map((s) => s.trim()).filter((s) => s !== '');
}

export interface AllowRule {
  /** As given: `[<stack>:]<address-or-glob>`, e.g. `prod:aws_db_instance.database_instance_D7FC2283`. */
  readonly pattern: string;
  /** Where it came from, for the report: `--allow` or `ALLOW_DESTROY`. */
  readonly from: string;
}

/**
 * `prod:aws_s3_bucket.x` applies to the stack prod only; without a prefix a rule applies to every
 * stack checked in the run. The stacks of this project share their addresses, so a run over
 * staging and prod needs the prefix to allow a replacement in one of them only. (Addresses have
 * no ":" before their first "." or "[", so a colon inside a key is never read as a prefix.)
 */
export function splitAllowPattern(pattern: string): { stack?: string; address: string } {
  const m = /^([A-Za-z0-9_-]+):(.+)$/.exec(pattern.trim());
  return m ? { stack: m[1], address: m[2] } : { address: pattern.trim() };
}

/** Whether an allow rule covers this address in this stack. */
export function ruleAllows(rule: AllowRule, stack: string, address: string): boolean {
  const { stack: only, address: pattern } = splitAllowPattern(rule.pattern);
  return (only === undefined || only === stack) && allowMatches(pattern, address);
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

export interface Counts {
  /** Existing objects brought under management (import blocks); each is also counted by what the plan then does to it. */
  import: number;
  add: number;
  change: number;
  destroy: number;
  replace: number;
  forget: number;
}

export type Verdict = 'blocked' | 'allowed' | 'forgotten';

/** A change worth reporting: a stateful destroy/replace (blocked or allowed), or any forget. */
export interface Finding {
  readonly stack: string;
  readonly address: string;
  readonly type: string;
  readonly actions: readonly string[];
  readonly kind: ChangeKind;
  readonly verdict: Verdict;
  /** Why the type is stateful (empty for a forget of a non-stateful type, and for a disruption). */
  readonly stateful: string;
  /** Why the change interrupts traffic (a disruptive type in a production stack). */
  readonly disrupts?: string;
  /** Attributes that force the replacement. */
  readonly replacePaths: readonly string[];
  /** The import id when the plan imports the object (then replacing it deletes an object the stack never created). */
  readonly importing?: string;
  readonly actionReason?: string;
  readonly deposed?: string;
  readonly allowedBy?: AllowRule;
}

export interface StackReport {
  readonly stack: string;
  readonly source: string;
  readonly terraformVersion?: string;
  readonly counts: Counts;
  readonly findings: readonly Finding[];
  /** resource_drift entries: changes made outside Terraform, not actions of this plan. */
  readonly driftIgnored: number;
  readonly notes: readonly string[];
}

export interface PlanInput {
  readonly stack: string;
  readonly source: string;
  readonly plan: PlanJson;
  /** A production stack: replacements that interrupt traffic are blocked too. */
  readonly production?: boolean;
}

export interface GuardResult {
  readonly stacks: readonly StackReport[];
  readonly blocked: readonly Finding[];
  readonly allowed: readonly Finding[];
  /** Allow rules that matched nothing: most likely a typo or the wrong stack. */
  readonly unusedAllows: readonly AllowRule[];
  readonly ok: boolean;
}

/** Checks one stack's plan against the allow rules. */
export function evaluatePlan(input: PlanInput, allow: readonly AllowRule[] = []): StackReport {
  const counts: Counts = { import: 0, add: 0, change: 0, destroy: 0, replace: 0, forget: 0 };
  const findings: Finding[] = [];
  const notes: string[] = [];
  if (input.plan.errored) notes.push('the plan errored and is incomplete: only the changes it lists were checked');
  for (const rc of input.plan.resource_changes ?? []) {
    // Data sources are only ever read.
    if (rc.mode !== 'managed') continue;
    const kind = changeKind(rc.change.actions);
    const stateful = statefulReason(rc.type);
    // An import adopts an object that exists: by itself it changes and destroys nothing. What the
    // plan then does to the imported object is judged like any other change (an import followed
    // by a replacement deletes the adopted object).
    const importing = rc.change.importing ? (rc.change.importing.id ?? '(known after apply)') : undefined;
    if (importing !== undefined) counts.import++;
    if (kind === 'create') counts.add++;
    else if (kind === 'update') counts.change++;
    else if (kind === 'destroy') counts.destroy++;
    else if (kind === 'replace') counts.replace++;
    else if (kind === 'forget') counts.forget++;
    else if (kind === 'unknown') notes.push(`${rc.address}: unrecognized actions ${rc.change.actions.join(',')} (no delete among them, so not blocked)`);

    const base = {
      stack: input.stack,
      address: rc.address,
      type: rc.type,
      actions: rc.change.actions,
      kind,
      stateful: stateful ?? '',
      replacePaths: formatReplacePaths(rc.change.replace_paths),
      actionReason: describeActionReason(rc.action_reason),
      deposed: rc.deposed,
      ...(importing !== undefined ? { importing } : {}),
    };
    const disrupts = disruptiveReason(rc.type);
    if (kind === 'forget') {
      findings.push({ ...base, verdict: 'forgotten' });
    } else if ((kind === 'destroy' || kind === 'replace') && stateful) {
      const rule = allow.find((r) => ruleAllows(r, input.stack, rc.address));
      findings.push(rule ? { ...base, verdict: 'allowed', allowedBy: rule } : { ...base, verdict: 'blocked' });
    } else if ((kind === 'destroy' || kind === 'replace') && disrupts && input.production) {
      const rule = allow.find((r) => ruleAllows(r, input.stack, rc.address));
      findings.push({ ...base, disrupts, ...(rule ? { verdict: 'allowed' as const, allowedBy: rule } : { verdict: 'blocked' as const }) });
    } else if (kind === 'replace' && disrupts) {
      notes.push(`${rc.address}: replaced, which interrupts traffic (${disrupts}); blocked in production stacks`);
    } else if (kind === 'replace' && importing !== undefined) {
      notes.push(`${rc.address}: imported (${importing}) and then replaced: the existing object is deleted and created anew`);
    }
  }
  return {
    stack: input.stack,
    source: input.source,
    terraformVersion: input.plan.terraform_version,
    counts,
    findings,
    driftIgnored: input.plan.resource_drift?.length ?? 0,
    notes,
  };
}

/** Checks every stack's plan; the run passes when nothing is blocked. */
export function guardPlans(inputs: readonly PlanInput[], allow: readonly AllowRule[] = []): GuardResult {
  const stacks = inputs.map((input) => evaluatePlan(input, allow));
  const all = stacks.flatMap((s) => s.findings);
  const blocked = all.filter((f) => f.verdict === 'blocked');
  const allowed = all.filter((f) => f.verdict === 'allowed');
  // Any covered change counts, not only the ones this rule was first for: a redundant rule is no typo.
  const unusedAllows = allow.filter((r) => !allowed.some((f) => ruleAllows(r, f.stack, f.address)));
  return { stacks, blocked, allowed, unusedAllows, ok: blocked.length === 0 };
}
