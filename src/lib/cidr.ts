/** Minimal IPv4 CIDR arithmetic, so subnet layouts are computed (and testable) at synth time. */

export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly base: number;
  readonly prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns an error string instead of throwing so callers can name the field. */
export function parseCidr(text: string): Ipv4Cidr | string {
  const m = CIDR_RE.exec(text);
  if (!m) return `"${text}" is not an IPv4 CIDR like 10.0.0.0/16`;
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return `"${text}" has an octet above 255`;
  const prefix = Number(m[5]);
  if (prefix > 32) return `"${text}" has a prefix length above 32`;
  const addr = (((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3]) >>> 0;
  const base = (addr & mask(prefix)) >>> 0;
  if (base !== addr) {
    return `"${text}" has host bits set; the network address is ${formatCidr({ base, prefix })}`;
  }
  return { base, prefix };
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
}

export function formatCidr(c: Ipv4Cidr): string {
  const b = c.base;
  return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${c.prefix}`;
}

/** Terraform's cidrsubnet(): the `index`-th block of `prefix + newBits` inside `parent`. */
export function subnetCidr(parent: string, newBits: number, index: number): string {
  const p = parseCidr(parent);
  if (typeof p === 'string') throw new Error(p);
  const prefix = p.prefix + newBits;
  if (prefix > 32 || index < 0 || index >= 2 ** newBits) {
    throw new Error(`cannot take block ${index} of /${prefix} inside ${parent}`);
  }
  return formatCidr({ base: (p.base + index * 2 ** (32 - prefix)) >>> 0, prefix });
}

export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  if (typeof x === 'string' || typeof y === 'string') return false;
  const prefix = Math.min(x.prefix, y.prefix);
  return (x.base & mask(prefix)) >>> 0 === (y.base & mask(prefix)) >>> 0;
}

/** Private address space a VPC may use: RFC 1918 and the shared/CGNAT range AWS also accepts. */
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'];

/** True when the whole CIDR lies inside one private range. */
export function isPrivateCidr(cidr: string): boolean {
  const c = parseCidr(cidr);
  if (typeof c === 'string') return false;
  return PRIVATE_RANGES.some((range) => {
    const r = parseCidr(range) as Ipv4Cidr;
    return c.prefix >= r.prefix && cidrsOverlap(cidr, range);
  });
}
