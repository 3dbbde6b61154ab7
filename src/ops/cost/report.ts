/** Text, Markdown and JSON renderings of cost estimates (src/ops/cost/estimate.ts). Pure functions. */
import { ASSUMPTION_DOCS, Assumptions, CostLine, StackEstimate, SwitchResult } from './estimate';
import { OFFICIAL_PAGES, Price, READ } from './prices';

const usd = (n: number): string => n.toFixed(2);

/** `$0.048/hour`, with `*` when the price is an estimate. */
export function unitPrice(price: Price | undefined): string {
  if (!price) return '-';
  return `$${price.usd}/${price.unit}${price.source === 'estimate' ? '*' : ''}`;
}

function kind(e: StackEstimate): string {
  return e.production === undefined ? '' : e.production ? ', production' : ', non-production';
}

function switchEffect(s: SwitchResult): string {
  if (!s.applicable || s.savesUsd === undefined) return `n/a: ${s.detail}`;
  const effect = s.savesUsd >= 0 ? `saves ${usd(s.savesUsd)}` : `costs ${usd(-s.savesUsd)} more`;
  return `${effect} → floor ${usd(s.floorAfterUsd!)}  (${s.detail})`;
}

function table(rows: string[][], rightAligned: number[]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (rightAligned.includes(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd());
}

function lineRows(lines: CostLine[], label = (l: CostLine) => l.item): string[][] {
  return lines.map((l) => [label(l), l.quantityLabel, unitPrice(l.price), usd(l.monthlyUsd)]);
}

function assumptionKey(l: CostLine): string | undefined {
  return /^assumption (\w+):/.exec(l.notes[0] ?? '')?.[1];
}

/** Line notes, each once, with the lines it applies to. */
function groupedNotes(lines: CostLine[]): string[] {
  const byNote = new Map<string, string[]>();
  for (const l of lines) {
    for (const n of l.notes) {
      if (n.startsWith('assumption ')) continue;
      const subject = l.item.replace(/ (vCPU|memory) \(.*\)$/, '');
      const subjects = byNote.get(n) ?? [];
      if (!subjects.includes(subject)) subjects.push(subject);
      byNote.set(n, subjects);
    }
  }
  return [...byNote].map(([note, subjects]) => `${subjects.join(', ')}: ${note}`);
}

/** Human-readable report of one environment. */
export function formatText(e: StackEstimate): string {
  const out: string[] = [];
  out.push(`== ${e.name} (${e.region}${kind(e)}): monthly estimate in USD, ${e.hoursPerMonth} h/month ==`);
  if (e.error) {
    out.push(e.error, '');
    return out.join('\n');
  }
  out.push('', 'Fixed floor');
  const floorRows = [['item', 'quantity', 'unit price', 'monthly'], ...lineRows(e.lines), ['Fixed floor total', '', '', usd(e.floorUsd)]];
  out.push(...table(floorRows, [3]).map((r) => `  ${r}`));

  out.push('', 'Usage assumptions (change them with --assume key=value or --assumptions file.json)');
  if (e.assumptionLines.length === 0) {
    out.push('  (none apply to this stack)');
  } else {
    const rows = [
      ['assumption', 'quantity', 'unit price', 'monthly'],
      ...lineRows(e.assumptionLines, (l) => `${l.item} [${assumptionKey(l)}]`),
      ['Assumptions subtotal', '', '', usd(e.assumptionsUsd)],
    ];
    out.push(...table(rows, [3]).map((r) => `  ${r}`));
  }
  out.push('', `Estimate (fixed floor + assumptions): ${usd(e.totalUsd)} USD/month`);

  out.push('', 'What the switches save (the fixed floor re-priced on a modified copy of the stack)');
  const sw = table(e.switches.map((s) => [s.label, switchEffect(s)]), []);
  out.push(...sw.map((r) => `  ${r}`));

  if (e.notPriced.length > 0) {
    out.push('', 'Not priced (not in the total)');
    for (const n of e.notPriced) out.push(`  - ${n.address}: ${n.reason}`);
  }
  if (e.usageDriven.length > 0) {
    out.push('', 'Usage-driven resources');
    for (const u of e.usageDriven) out.push(`  - ${u.type} (${u.count}): ${u.note}`);
  }
  const notes = groupedNotes([...e.lines, ...e.assumptionLines]);
  if (notes.length + e.notes.length > 0) {
    out.push('', 'Notes');
    for (const n of [...notes, ...e.notes]) out.push(`  - ${n}`);
  }
  out.push('', `No charge of their own: ${e.noCharge.reduce((s, t) => s + t.count, 0)} resources of ${e.noCharge.length} types (IAM, security groups, subnets, routes, listeners ...).`);
  if (e.estimatedPrices > 0) {
    out.push(`* ${e.estimatedPrices} line(s) use a price marked 'estimate' (no readable dated source); each entry in src/ops/cost/prices.ts says why.`);
  }
  out.push('');
  return out.join('\n');
}

/** The assumptions in force and what each one means. */
export function formatAssumptions(a: Assumptions): string {
  const rows = (Object.keys(ASSUMPTION_DOCS) as (keyof Assumptions)[]).map((k) => [k, String(a[k]), ASSUMPTION_DOCS[k]]);
  return ['Assumptions in force (--assume key=value to change):', ...table(rows, []).map((r) => `  ${r}`)].join('\n');
}

/** The closing lines of a text report: sources and how to get exact numbers. */
export function formatFooter(): string {
  return [
    `Prices: src/ops/cost/prices.ts (on-demand list prices, read ${READ}; every entry has its source URL and date).`,
    `Check them against ${OFFICIAL_PAGES.fargate}, ${OFFICIAL_PAGES.rds}, ${OFFICIAL_PAGES.vpc} ...`,
    'Exact numbers: infracost breakdown --path cdktf.out/stacks/<env> (needs a free Infracost API key).',
    '',
  ].join('\n');
}

const md = (s: string): string => s.replace(/\|/g, '\\|');

/** Markdown of one environment. */
export function formatMarkdown(e: StackEstimate): string {
  const out: string[] = [`### ${e.name} (${e.region}${kind(e)})`, ''];
  if (e.error) {
    out.push(e.error, '');
    return out.join('\n');
  }
  out.push('| item | quantity | unit price | USD/month |', '| --- | --- | ---: | ---: |');
  for (const l of e.lines) out.push(`| ${md(l.item)} | ${md(l.quantityLabel)} | ${md(unitPrice(l.price))} | ${usd(l.monthlyUsd)} |`);
  out.push(`| **fixed floor** | | | **${usd(e.floorUsd)}** |`);
  for (const l of e.assumptionLines) {
    out.push(`| assumption \`${assumptionKey(l)}\`: ${md(l.item)} | ${md(l.quantityLabel)} | ${md(unitPrice(l.price))} | ${usd(l.monthlyUsd)} |`);
  }
  out.push(`| **assumptions** | | | **${usd(e.assumptionsUsd)}** |`);
  out.push(`| **estimate** | | | **${usd(e.totalUsd)}** |`, '');
  out.push('| switch | effect on the fixed floor (USD/month) | floor after |', '| --- | --- | ---: |');
  for (const s of e.switches) {
    if (!s.applicable || s.savesUsd === undefined) out.push(`| ${md(s.label)} | n/a: ${md(s.detail)} | |`);
    else out.push(`| ${md(s.label)} | ${s.savesUsd >= 0 ? `saves ${usd(s.savesUsd)}` : `costs ${usd(-s.savesUsd)} more`} | ${usd(s.floorAfterUsd!)} |`);
  }
  if (e.notPriced.length > 0) {
    out.push('', 'Not priced:', ...e.notPriced.map((n) => `- \`${n.address}\`: ${n.reason}`));
  }
  if (e.estimatedPrices > 0) out.push('', '`*` price marked `estimate` in `src/ops/cost/prices.ts` (no readable dated source; each entry says why).');
  out.push('');
  return out.join('\n');
}

/** Machine-readable output of all environments. */
export function formatJson(estimates: StackEstimate[]): string {
  return `${JSON.stringify({ pricesRead: READ, hoursPerMonth: estimates[0]?.hoursPerMonth ?? 730, stacks: estimates }, null, 2)}\n`;
}
