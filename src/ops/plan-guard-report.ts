/**
 * The plan guard's verdict as people read it: the terminal report with the `--allow` to pass when
 * a destroy is intended, and the Markdown summary for $GITHUB_STEP_SUMMARY.
 */
import type { ChangeKind, Counts, Finding, GuardResult } from './plan-guard';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Terraform's wording, with replacements counted on their own (Terraform counts each as add + destroy). */
export function formatCounts(c: Counts): string {
  return `${c.import} to import, ${c.add} to add, ${c.change} to change, ${c.destroy} to destroy, ${c.replace} to replace, ${c.forget} to forget`;
}

const KIND_WORD: Partial<Record<ChangeKind, string>> = { destroy: 'destroy', replace: 'replace', forget: 'forget' };

/** Single-quotes for a POSIX shell: addresses carry `"` and `[`. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function findingLines(f: Finding): string[] {
  const label = f.verdict === 'blocked' ? 'BLOCKED' : f.verdict === 'allowed' ? 'allowed' : 'forget ';
  const lines = [`  ${label}  ${f.address}${f.deposed ? ` (deposed object ${f.deposed})` : ''}`];
  const detail = (k: string, v: string) => lines.push(`           ${`${k}:`.padEnd(15)}${v}`);
  detail('type', f.type);
  if (f.stateful && f.verdict !== 'forgotten') detail('loses', f.stateful);
  if (f.disrupts) detail('disrupts', `${f.disrupts} (production)`);
  detail('actions', f.kind === 'forget' ? f.actions.join(', ') : `${f.actions.join(', ')} (${KIND_WORD[f.kind] ?? f.kind})`);
  if (f.replacePaths.length > 0) detail('replace_paths', f.replacePaths.join(', '));
  if (f.actionReason) detail('why', f.actionReason);
  if (f.importing !== undefined) detail('imports', `${f.importing}: an object that exists (adopted); the replacement deletes it right after the import`);
  if (f.deposed) detail('note', 'left over from an interrupted create_before_destroy replacement; deleting it deletes a real object');
  if (f.verdict === 'forgotten') detail('note', 'removed from the state only; the object itself is kept (removed block, destroy = false)');
  if (f.allowedBy) detail('allowed by', `${f.allowedBy.from} ${f.allowedBy.pattern}`);
  return lines;
}

/** Allow patterns that would let exactly the blocked changes through (stack-prefixed when several stacks were checked). */
export function suggestedAllows(result: GuardResult): string[] {
  // With several stacks, name the stack: the same address may exist in each of them.
  const several = result.stacks.length > 1;
  return [...new Set(result.blocked.map((f) => (several ? `${f.stack}:${f.address}` : f.address)))];
}

/** The console report: per stack counts and every blocked, allowed or forgotten change. */
export function formatReport(result: GuardResult): string {
  const lines: string[] = [];
  for (const s of result.stacks) {
    lines.push(`${s.stack}  (${s.source}${s.terraformVersion ? `, Terraform ${s.terraformVersion}` : ''})`);
    lines.push(`  ${formatCounts(s.counts)}${s.driftIgnored ? `; ${s.driftIgnored} drifted outside Terraform (ignored)` : ''}`);
    for (const note of s.notes) lines.push(`  note: ${note}`);
    if (!s.findings.some((f) => f.verdict !== 'forgotten')) lines.push('  no stateful resource is destroyed or replaced');
    for (const f of s.findings) lines.push(...findingLines(f));
    lines.push('');
  }
  for (const r of result.unusedAllows) lines.push(`warning: ${r.from} ${r.pattern} matched no stateful destroy or replacement (typo, or another stack?)`);
  if (result.ok) {
    lines.push(
      result.allowed.length > 0
        ? `PASSED, with ${plural(result.allowed.length, 'explicitly allowed stateful destroy/replacement')}: that data WILL be lost on apply.`
        : 'PASSED: no stateful resource is destroyed or replaced.',
    );
  } else {
    const addresses = suggestedAllows(result);
    const lost = result.blocked.filter((f) => !f.disrupts).length;
    const interrupted = result.blocked.length - lost;
    lines.push(`FAILED: ${[lost > 0 ? `${plural(lost, 'stateful resource')} would be destroyed or replaced (data loss)` : '', interrupted > 0 ? `${plural(interrupted, 'production resource')} would be replaced with an interruption of traffic` : ''].filter(Boolean).join('; ')}.`);
    lines.push('If that is intended, allow exactly these addresses for one run:');
    lines.push(`  ${addresses.map((a) => `--allow ${shellQuote(a)}`).join(' ')}`);
    lines.push(`  or ALLOW_DESTROY=${shellQuote(addresses.join(','))}`);
  }
  return lines.join('\n');
}

/** Table cells: `|` would end the cell, even inside a code span. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: string) => `\`${cell(s)}\``;

function whyCell(f: Finding): string {
  const parts: string[] = [];
  if (f.replacePaths.length > 0) parts.push(`replace_paths: ${f.replacePaths.map(code).join(', ')}`);
  if (f.actionReason) parts.push(cell(f.actionReason));
  if (f.deposed) parts.push(`deposed object ${code(f.deposed)}`);
  if (f.importing !== undefined) parts.push(`imported ${code(f.importing)}, then replaced: the adopted object is deleted`);
  if (f.stateful && f.verdict !== 'forgotten') parts.push(cell(f.stateful));
  if (f.disrupts) parts.push(cell(`interrupts traffic: ${f.disrupts}`));
  return parts.join('; ');
}

function findingTable(findings: readonly Finding[], withAllowedBy: boolean): string[] {
  const head = withAllowedBy ? '| stack | resource | type | change | allowed by | why |' : '| stack | resource | type | change | why |';
  const rows = findings.map((f) => {
    const change = `**${(KIND_WORD[f.kind] ?? f.kind).toUpperCase()}**`;
    const allowedBy = withAllowedBy && f.allowedBy ? ` ${cell(f.allowedBy.from)} ${code(f.allowedBy.pattern)} |` : '';
    return `| ${cell(f.stack)} | ${code(f.address)} | ${code(f.type)} | ${change} |${allowedBy} ${whyCell(f)} |`;
  });
  return [head, head.replace(/[^|]+/g, ' --- '), ...rows];
}

/** Markdown for a GitHub job summary ($GITHUB_STEP_SUMMARY): counts per stack, stateful losses first and loud. */
export function renderMarkdownSummary(result: GuardResult): string {
  const md: string[] = [];
  md.push(`### Terraform plan guard: ${result.ok ? (result.allowed.length ? 'passed, with allowed data loss' : 'passed') : `FAILED, ${plural(result.blocked.length, 'stateful destroy/replacement')}`}`);
  md.push('');
  if (result.blocked.length > 0) {
    md.push('> [!CAUTION]');
    md.push('> **Stateful resources would be destroyed or replaced: their data would be lost.**');
    for (const f of result.blocked) {
      md.push(`> - **${(KIND_WORD[f.kind] ?? f.kind).toUpperCase()}** ${code(f.address)} in **${cell(f.stack)}**${f.replacePaths.length ? ` (forced by ${f.replacePaths.map(code).join(', ')})` : ''}`);
    }
    md.push('>');
    md.push(`> This run fails. If it is intended, rerun with \`ALLOW_DESTROY\` set to ${code(suggestedAllows(result).join(','))}.`);
    md.push('');
  }
  if (result.allowed.length > 0) {
    md.push('> [!WARNING]');
    md.push('> **Allowed for this run: these stateful resources WILL be destroyed or replaced on apply.**');
    for (const f of result.allowed) md.push(`> - **${(KIND_WORD[f.kind] ?? f.kind).toUpperCase()}** ${code(f.address)} in **${cell(f.stack)}**`);
    md.push('');
  }
  md.push('| stack | import | add | change | destroy | replace | forget | stateful blocked | stateful allowed |');
  md.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const s of result.stacks) {
    const c = s.counts;
    const blocked = s.findings.filter((f) => f.verdict === 'blocked').length;
    const allowed = s.findings.filter((f) => f.verdict === 'allowed').length;
    md.push(`| ${cell(s.stack)} | ${c.import} | ${c.add} | ${c.change} | ${c.destroy} | ${c.replace} | ${c.forget} | ${blocked ? `**${blocked}**` : 0} | ${allowed} |`);
  }
  md.push('');
  md.push('Replacements are counted on their own (Terraform\'s "to add"/"to destroy" count each twice).');
  if (result.blocked.length > 0) md.push('', '#### Blocked', '', ...findingTable(result.blocked, false));
  if (result.allowed.length > 0) md.push('', '#### Allowed', '', ...findingTable(result.allowed, true));
  const forgotten = result.stacks.flatMap((s) => s.findings.filter((f) => f.verdict === 'forgotten'));
  if (forgotten.length > 0) {
    md.push('', '#### Forgotten (removed from state, the objects are kept)', '', ...findingTable(forgotten, false));
  }
  const notes = result.stacks.flatMap((s) => s.notes.map((n) => `${s.stack}: ${n}`));
  const unused = result.unusedAllows.map((r) => `${r.from} ${code(r.pattern)} matched no stateful destroy or replacement`);
  if (notes.length + unused.length > 0) md.push('', ...[...notes.map(cell), ...unused].map((n) => `- ${n}`));
  return `${md.join('\n')}\n`;
}
