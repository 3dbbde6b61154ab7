/**
 * Readers of synthesized Terraform JSON (cdk.tf.json) for the cost estimate: the stack's shape,
 * nested blocks as cdktf renders them, references, counts. Pure functions, no pricing.
 */

/** The parts of a synthesized stack the estimate reads. */
export interface StackJson {
  provider?: Record<string, unknown>;
  resource?: Record<string, Record<string, any>>;
  data?: Record<string, Record<string, any>>;
  [key: string]: unknown;
}

export type Body = Record<string, any>;

export function resourcesOf(json: StackJson, type: string): [string, Body][] {
  return Object.entries(json.resource?.[type] ?? {});
}

/** A nested block: cdktf renders single blocks as objects and repeated ones as arrays. */
export function blocks(value: unknown): Body[] {
  if (Array.isArray(value)) return value.filter((v) => v && typeof v === 'object');
  return value && typeof value === 'object' ? [value as Body] : [];
}

export function firstBlock(value: unknown): Body | undefined {
  return blocks(value)[0];
}

/** Logical name of `${<type>.<name>.<attr>}` references in a string (first match). */
export function referencedName(value: unknown, type: string): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = new RegExp(`\\b${type}\\.([A-Za-z0-9_-]+)\\.`).exec(value);
  return m?.[1];
}

/**
 * A count as the estimate reads it: a number, a numeric string, or a conditional expression
 * whose released branch is the number after the `:` (`${(... == "unreleased") ? 0 : 2}` → 2).
 */
export function releasedCount(value: unknown): { count: number; expression: boolean } | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return { count: value, expression: false };
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return { count: Number(text), expression: false };
  const m = /:\s*(\d+)\s*\)?\s*\}$/.exec(text);
  if (m && text.startsWith('${') && text.includes('?')) return { count: Number(m[1]), expression: true };
  return undefined;
}

export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/** The `count` meta-argument: 1 when absent, the number when literal, undefined otherwise. */
export function instances(body: Body): number | undefined {
  if (body.count === undefined) return 1;
  const c = releasedCount(body.count);
  return c?.count;
}

export function regionOf(json: StackJson): string | undefined {
  const aws = json.provider?.aws;
  const list = Array.isArray(aws) ? aws : aws ? [aws] : [];
  const main = list.find((p: any) => p && typeof p === 'object' && !p.alias) ?? list[0];
  const region = (main as any)?.region;
  return typeof region === 'string' && !region.includes('${') ? region : undefined;
}
