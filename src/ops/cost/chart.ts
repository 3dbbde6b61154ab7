/**
 * The cost breakdown as people would rather look at it: one stacked bar per environment, its
 * monthly estimate by category (`npm run cost -- --svg cost.svg`), and a one-line total per
 * environment at the end of the text output.
 */
import { CostLine, StackEstimate } from './estimate';

export const CATEGORIES = ['Compute', 'Database and cache', 'Network', 'Load balancer', 'Edge and WAF', 'Monitoring', 'Secrets and keys', 'Usage assumptions', 'Other'] as const;
export type Category = (typeof CATEGORIES)[number];

/** A colour per category (colour-blind safe: the Okabe-Ito palette, then grey). */
const COLOURS: Record<Category, string> = {
  Compute: '#0072B2', 'Database and cache': '#E69F00', Network: '#009E73', 'Load balancer': '#56B4E9',
  'Edge and WAF': '#CC79A7', Monitoring: '#D55E00', 'Secrets and keys': '#F0E442', 'Usage assumptions': '#999999', Other: '#000000',
};

/** The category of a fixed-floor line, by what it bills. */
export function costCategory(line: Pick<CostLine, 'item'>): Category {
  const item = line.item;
  if (/^Fargate|ECR|ephemeral/i.test(item)) return 'Compute';
  if (/^(RDS|ElastiCache|Aurora)/.test(item)) return 'Database and cache';
  if (/NAT|Elastic IP|endpoint|Transit|VPC|flow log/i.test(item) && !/ALB/.test(item)) return 'Network';
  if (/Load Balancer|ALB/i.test(item)) return 'Load balancer';
  if (/CloudFront|WAF|Route 53|Shield/i.test(item)) return 'Edge and WAF';
  if (/CloudWatch|alarm|dashboard|logs/i.test(item)) return 'Monitoring';
  if (/Secrets Manager|secret|KMS/i.test(item)) return 'Secrets and keys';
  return 'Other';
}

/** Monthly USD per category of one environment (the usage assumptions as one category). */
export function byCategory(e: StackEstimate): Record<Category, number> {
  const out = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  for (const line of e.lines) out[costCategory(line)] += line.monthlyUsd;
  out['Usage assumptions'] += e.assumptionsUsd;
  return out;
}

const usd = (n: number) => `${n.toFixed(2)} USD`;
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One line per environment: its estimate a month, floor and assumptions. */
export function totalsLines(estimates: StackEstimate[]): string[] {
  return estimates.filter((e) => !e.error).map((e) => `total ${e.name}: ${usd(e.totalUsd)}/month (fixed floor ${usd(e.floorUsd)} + usage assumptions ${usd(e.assumptionsUsd)})`);
}

/** A standalone SVG: per environment a bar scaled to the most expensive one, its segments by category, a legend. */
export function costChartSvg(estimates: StackEstimate[]): string {
  const priced = estimates.filter((e) => !e.error);
  const width = 860;
  const label = 150;
  const barWidth = width - label - 150;
  const rowHeight = 44;
  const top = 40;
  const max = Math.max(1, ...priced.map((e) => e.totalUsd));
  const rows = priced.map((e, i) => {
    const y = top + i * rowHeight;
    let x = label;
    const parts = byCategory(e);
    const segments = CATEGORIES.filter((c) => parts[c] > 0).map((c) => {
      const w = (parts[c] / e.totalUsd) * (e.totalUsd / max) * barWidth;
      const rect = `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="24" fill="${COLOURS[c]}"><title>${escape(`${e.name}: ${c} ${usd(parts[c])}/month`)}</title></rect>`;
      x += w;
      return rect;
    });
    return [
      `<text x="${label - 10}" y="${y + 17}" text-anchor="end">${escape(e.name)}${e.production ? ' (prod)' : ''}</text>`,
      ...segments,
      `<text x="${(x + 8).toFixed(1)}" y="${y + 17}">${escape(usd(e.totalUsd))}/month</text>`,
    ].join('\n  ');
  });
  const legendY = top + priced.length * rowHeight + 10;
  const used = CATEGORIES.filter((c) => priced.some((e) => byCategory(e)[c] > 0));
  const legend = used.map((c, i) => {
    const x = label + (i % 4) * 170;
    const y = legendY + Math.floor(i / 4) * 22;
    return `<rect x="${x}" y="${y}" width="12" height="12" fill="${COLOURS[c]}"/><text x="${x + 18}" y="${y + 11}">${escape(c)}</text>`;
  });
  const height = legendY + Math.ceil(used.length / 4) * 22 + 20;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">`,
    `  <text x="${label}" y="22" font-weight="bold">Monthly cost estimate per environment (730 h, npm run cost)</text>`,
    `  ${rows.join('\n  ')}`,
    `  ${legend.join('\n  ')}`,
    '</svg>',
    '',
  ].join('\n');
}
