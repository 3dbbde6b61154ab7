/**
 * One manifest as the mapping reads it: every leaf field (a scalar, or a list of scalars) is either
 * taken by the mapping (`take`) or reported as not carried over (`leftovers`), so nothing is
 * dropped silently.
 */
/** A YAML map as plain data (not a list, not null). */
export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every leaf path of a value: `http.healthcheck.path`, `sidecars.nginx.port`, `http.additional_rules[0].path`. */
export function leafPaths(value: unknown, prefix = ''): string[] {
  if (isRecord(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return prefix ? [prefix] : [];
    return entries.flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
  }
  if (Array.isArray(value) && value.some((v) => isRecord(v) || Array.isArray(v))) {
    return value.flatMap((v, i) => leafPaths(v, `${prefix}[${i}]`));
  }
  return prefix ? [prefix] : [];
}

export interface Unmapped {
  /** The manifest, relative to the repository. */
  readonly file: string;
  /** The field, dotted (`http.healthcheck.interval`); for an environment override, as merged for it. */
  readonly field: string;
  /** Why it is not carried over, and what to do instead. */
  readonly reason: string;
}

export class ManifestReader {
  private readonly taken = new Set<string>();
  private readonly reasons = new Map<string, string>();

  constructor(readonly file: string, readonly body: Record<string, unknown>) {}

  /** The value at a dotted path; it and everything under it count as carried over. */
  take<T = unknown>(field: string): T | undefined {
    this.taken.add(field);
    return this.peek<T>(field);
  }

  /** The value without marking it (for decisions that another take() settles). */
  peek<T = unknown>(field: string): T | undefined {
    let value: unknown = this.body;
    // Steps are keys, each optionally indexed: `subscribe.topics[0].name`.
    for (const step of field.split('.')) {
      const [, key, indexes] = /^([^[]*)((?:\[\d+\])*)$/.exec(step) ?? [, step, ''];
      if (!isRecord(value)) return undefined;
      value = value[key as string];
      for (const index of (indexes as string).match(/\d+/g) ?? []) {
        if (!Array.isArray(value)) return undefined;
        value = value[Number(index)];
      }
    }
    return value as T | undefined;
  }

  /** Marks a field (and what is under it) as not carried over, with its own reason. */
  skip(field: string, reason: string): void {
    if (this.peek(field) !== undefined) this.reasons.set(field, reason);
  }

  /** Every leaf not taken: with the reason given by skip(), or by `fallback`. */
  leftovers(fallback: (field: string) => string): Unmapped[] {
    const covered = (leaf: string, root: string) => leaf === root || leaf.startsWith(`${root}.`) || leaf.startsWith(`${root}[`);
    const out: Unmapped[] = [];
    for (const leaf of leafPaths(this.body)) {
      if (leaf === 'name' || leaf === 'type' || leaf.startsWith('environments.')) continue;
      if ([...this.taken].some((t) => covered(leaf, t))) continue;
      const skipped = [...this.reasons.entries()].find(([root]) => covered(leaf, root));
      out.push({ file: this.file, field: leaf, reason: skipped ? skipped[1] : fallback(leaf) });
    }
    return out;
  }
}
