/**
 * "No drift" for a plan against the emulator: every change in `terraform show -json <plan>` must be
 * an in-place update of an attribute listed here for that exact resource address, i.e. one the
 * emulator is known to store lossily. Anything else (another attribute, another resource, a
 * create, replace or delete, an output change) is drift and fails the test.
 */
export interface LossyAttribute {
  /** Exact resource address in the staging stack. */
  readonly address: string;
  /** Attribute path (`attribute` or `block.0.attribute`) the emulator does not round-trip; nested changes included. */
  readonly attribute: string;
  /** What moto does, and why it is not a product problem. */
  readonly reason: string;
}

const DISTRIBUTION = 'aws_cloudfront_distribution.assets_distribution_C099F649';
const DATABASE = 'aws_db_instance.database_instance_D7FC2283';

/**
 * Known lossy attributes of moto 5.2.1 in the staging and prod stacks (same addresses); each is listed in docs/testing.md.
 * Paths are Terraform attribute paths with list indexes (`block.0.attribute`).
 */
export const LOSSY_ATTRIBUTES: LossyAttribute[] = [
  {
    address: DISTRIBUTION,
    attribute: 'default_cache_behavior.0.forwarded_values',
    reason: 'moto fills in ForwardedValues (no query string, no cookies) for every cache behavior, also one that uses a cache policy; AWS returns none then, so the provider plans to remove the block it read',
  },
  {
    address: DISTRIBUTION,
    attribute: 'viewer_certificate.0.cloudfront_default_certificate',
    reason: 'moto reports CloudFrontDefaultCertificate=true even when an ACM certificate is set; AWS reports false, which the stack never sets',
  },
  {
    address: DATABASE,
    attribute: 'monitoring_interval',
    reason: 'moto RDS has no enhanced monitoring: CreateDBInstance ignores MonitoringInterval and DescribeDBInstances reports 0 instead of 60',
  },
  {
    address: DATABASE,
    attribute: 'performance_insights_enabled',
    reason: 'moto RDS has no Performance Insights: CreateDBInstance ignores EnablePerformanceInsights and DescribeDBInstances reports it off (prod only)',
  },
  {
    address: DATABASE,
    attribute: 'performance_insights_retention_period',
    reason: 'same: the Performance Insights retention (7 days) is not stored and reads back 0 (prod only)',
  },
  {
    address: DATABASE,
    attribute: 'monitoring_role_arn',
    reason: 'moto RDS has no enhanced monitoring: MonitoringRoleArn is not stored, so it reads back empty',
  },
];

interface ResourceChange {
  address: string;
  mode: 'managed' | 'data';
  change: { actions: string[]; before: any; after: any; after_unknown?: any; replace_paths?: unknown };
}

export interface PlanJson {
  resource_changes?: ResourceChange[];
  output_changes?: Record<string, { actions: string[]; before: unknown; after: unknown }>;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Paths (`a.0.b`) where `after` differs from `before` or is unknown until apply, as deep as both sides have the same shape. */
function diffPaths(before: unknown, after: unknown, unknown: unknown, prefix: string): string[] {
  if (unknown === true) return [prefix];
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((b, i) => diffPaths(b, after[i], Array.isArray(unknown) ? unknown[i] : undefined, `${prefix}.${i}`));
  }
  if (isObject(before) && isObject(after)) {
    const u = isObject(unknown) ? unknown : {};
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(u)])];
    return keys.flatMap((k) => diffPaths(before[k], after[k], u[k], `${prefix}.${k}`));
  }
  return same(before, after) ? [] : [prefix];
}

/** Attribute paths an update changes (`monitoring_interval`, `viewer_certificate.0.cloudfront_default_certificate`). */
export function changedAttributes(change: ResourceChange['change']): string[] {
  return diffPaths(change.before ?? {}, change.after ?? {}, change.after_unknown ?? {}, '').map((p) => p.slice(1)).sort();
}

const valueAt = (root: unknown, p: string) => p.split('.').reduce<any>((v, k) => (v === null || v === undefined ? v : v[k]), root);
const isLossy = (lossy: LossyAttribute[], address: string, p: string) =>
  lossy.some((l) => l.address === address && (p === l.attribute || p.startsWith(`${l.attribute}.`)));

/** Every change the plan proposes that is not a documented lossy attribute; empty means no drift. */
export function unexpectedChanges(plan: PlanJson, lossy: LossyAttribute[] = LOSSY_ATTRIBUTES): string[] {
  const problems: string[] = [];
  for (const rc of plan.resource_changes ?? []) {
    const actions = rc.change.actions;
    if (actions.length === 1 && (actions[0] === 'no-op' || actions[0] === 'read')) continue;
    if (actions.length !== 1 || actions[0] !== 'update') {
      problems.push(`${rc.address}: ${actions.join('+')}${rc.change.replace_paths ? ` (replace because of ${JSON.stringify(rc.change.replace_paths)})` : ''}`);
      continue;
    }
    for (const p of changedAttributes(rc.change)) {
      if (!isLossy(lossy, rc.address, p)) {
        problems.push(`${rc.address}: ${p}: ${JSON.stringify(valueAt(rc.change.before, p))} -> ${JSON.stringify(valueAt(rc.change.after, p))}`);
      }
    }
  }
  for (const [name, oc] of Object.entries(plan.output_changes ?? {})) {
    if (!(oc.actions.length === 1 && oc.actions[0] === 'no-op')) problems.push(`output ${name}: ${oc.actions.join('+')}`);
  }
  return problems;
}

/** Listed lossy attributes the plan did not need (moto improved, or the resource changed): worth pruning. */
export function unusedLossyAttributes(plan: PlanJson, lossy: LossyAttribute[] = LOSSY_ATTRIBUTES): LossyAttribute[] {
  const changed = (plan.resource_changes ?? []).flatMap((rc) =>
    rc.change.actions.join() === 'update' ? changedAttributes(rc.change).map((p) => ({ address: rc.address, p })) : [],
  );
  return lossy.filter((l) => !changed.some((c) => c.address === l.address && (c.p === l.attribute || c.p.startsWith(`${l.attribute}.`))));
}

/** Changes the plan tolerated because they are listed lossy attributes (reported in the test log). */
export function toleratedChanges(plan: PlanJson, lossy: LossyAttribute[] = LOSSY_ATTRIBUTES): string[] {
  const tolerated: string[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.change.actions.length !== 1 || rc.change.actions[0] !== 'update') continue;
    for (const p of changedAttributes(rc.change)) {
      if (isLossy(lossy, rc.address, p)) tolerated.push(`${rc.address}: ${p}`);
    }
  }
  return tolerated;
}
