/**
 * The command line of `npm run cost` (node-io.ts wires it to the file system and the in-process
 * synth, scripts/cost.ts runs it): which stacks to price, the assumptions, the output format. No
 * process or fs access of its own (CostIO).
 */
import * as path from 'path';
import { parseArgs } from 'util';
import { ASSUMPTION_DOCS, Assumptions, DEFAULT_ASSUMPTIONS, StackEstimate, StackJson, estimateStack } from './estimate';
import { formatAssumptions, formatFooter, formatJson, formatMarkdown, formatText } from './report';
import { costChartSvg, totalsLines } from './chart';
import { closest } from 'fastest-levenshtein';
import { parseErrorLine } from '../command';

export const USAGE = `Usage: npm run cost -- [options]

A monthly (730 h) estimate of each environment's fixed cost floor, offline, from the stacks of the
current configuration (src/config/environments.ts, synthesized in-process into a temporary folder;
cdktf.out is neither read nor written) and the price table in src/ops/cost/prices.ts, plus usage
assumption lines and what each cost switch saves.

Options:
  --env <name>            only this environment (repeatable; default: every environment in src/config/environments.ts)
  --stack <path>          price this synthesized stack instead: a cdk.tf.json or the folder holding it (repeatable)
  --outdir <dir>          price <dir>/stacks/<env>/cdk.tf.json as synthesized earlier (no synth; may be
                          older than the current configuration); --cdktf-out <dir> is the same
  --production            a --stack is a production environment (no Spot / night-schedule switches)
  --non-production        a --stack is not production (default when its name is not a known environment)
  --assume <key=value>    change one usage assumption (repeatable), e.g. --assume cloudfrontTransferGb=500
  --assumptions <file>    a JSON object of assumptions, e.g. {"logsIngestedGb": 40}
  --svg <file>            also write the breakdown per environment as a chart (SVG: one bar each, by category)
  --json                  machine-readable output
  --markdown              Markdown tables
  --no-synth              price cdktf.out/stacks/<env>/cdk.tf.json as synthesized earlier (same as
                          --outdir cdktf.out): no synth, fails when a stack is missing
  -h, --help              this text

Assumption keys (defaults):
${(Object.keys(ASSUMPTION_DOCS) as (keyof Assumptions)[]).map((k) => `  ${k} (${DEFAULT_ASSUMPTIONS[k]}): ${ASSUMPTION_DOCS[k]}`).join('\n')}

Exit codes: 0 every stack priced, 1 a stack could not be priced (no prices for its region), 2 usage or input error.`;

export class CostUsageError extends Error {}

export interface CostArgs {
  envs: string[];
  stacks: string[];
  production?: boolean;
  assumptions: Partial<Assumptions>;
  assumptionsFile?: string;
  format: 'text' | 'json' | 'markdown';
  /** Synthesize the current configuration (false: --no-synth or --cdktf-out). */
  synth: boolean;
  /** An existing cdktf output folder to price by environment (--cdktf-out; --no-synth: cdktf.out). */
  cdktfOut?: string;
  /** Also write the chart here (--svg). */
  svg?: string;
  help: boolean;
}

function parseAssumption(text: string, into: Partial<Assumptions>): void {
  const m = /^([A-Za-z]+)=(.*)$/.exec(text);
  if (!m) throw new CostUsageError(`--assume expects key=value, got "${text}"`);
  setAssumption(m[1], m[2], into, '--assume');
}

function setAssumption(key: string, value: unknown, into: Partial<Assumptions>, from: string): void {
  if (!(key in DEFAULT_ASSUMPTIONS)) {
    throw new CostUsageError(`${from}: unknown assumption "${key}" (known: ${Object.keys(DEFAULT_ASSUMPTIONS).join(', ')})`);
  }
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < 0) throw new CostUsageError(`${from}: ${key} must be a number >= 0, got ${JSON.stringify(value)}`);
  into[key as keyof Assumptions] = n;
}

export function parseCostArgs(argv: readonly string[]): CostArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        env: { type: 'string', multiple: true },
        stack: { type: 'string', multiple: true },
        production: { type: 'boolean' },
        'non-production': { type: 'boolean' },
        assume: { type: 'string', multiple: true },
        assumptions: { type: 'string' },
        json: { type: 'boolean' },
        markdown: { type: 'boolean' },
        'no-synth': { type: 'boolean' },
        outdir: { type: 'string' },
        'cdktf-out': { type: 'string' },
        svg: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (e) {
    throw new CostUsageError(`${parseErrorLine(e as Error)}: npm run cost -- --help lists the options`);
  }
  const v = parsed.values;
  // --outdir as in every other command; --cdktf-out, its earlier name, still works.
  if (v.outdir !== undefined && v['cdktf-out'] !== undefined && v.outdir !== v['cdktf-out']) throw new CostUsageError('--outdir and --cdktf-out are one option (--cdktf-out its earlier name): give one folder');
  const outdir = v.outdir ?? v['cdktf-out'];
  if (v.json && v.markdown) throw new CostUsageError('--json and --markdown exclude each other');
  if (v.production && v['non-production']) throw new CostUsageError('--production and --non-production exclude each other');
  if (outdir !== undefined && (v.stack ?? []).length > 0) throw new CostUsageError('--outdir and --stack exclude each other');
  if (outdir === '') throw new CostUsageError('--outdir expects a folder');
  const assumptions: Partial<Assumptions> = {};
  for (const a of v.assume ?? []) parseAssumption(a, assumptions);
  return {
    envs: v.env ?? [],
    stacks: v.stack ?? [],
    production: v.production ? true : v['non-production'] ? false : undefined,
    assumptions,
    assumptionsFile: v.assumptions,
    format: v.json ? 'json' : v.markdown ? 'markdown' : 'text',
    synth: !v['no-synth'] && outdir === undefined,
    cdktfOut: outdir,
    ...(v.svg !== undefined ? { svg: v.svg } : {}),
    help: !!v.help,
  };
}

export interface CostIO {
  /** Environments of src/config/environments.ts, in order. */
  environments: readonly { name: string; production: boolean }[];
  /** Folder holding cdktf.out. */
  root: string;
  exists(file: string): boolean;
  isDirectory(file: string): boolean;
  readText(file: string): string;
  writeText(file: string, text: string): void;
  /**
   * Synthesizes the current configuration (in-process, into a temporary folder) and returns each
   * stack's cdk.tf.json text by stack name.
   */
  synth(): ReadonlyMap<string, string>;
  out(text: string): void;
  err(text: string): void;
}

interface Target {
  name: string;
  /** Where the stack is read from (for a synthesized one, where cdktf would have written it). */
  file: string;
  production?: boolean;
}

function stackFile(outdir: string, env: string): string {
  return path.join(outdir, 'stacks', env, 'cdk.tf.json');
}

/** The cdktf output folder environments are read from when not synthesized: --cdktf-out, else <root>/cdktf.out. */
function outdirOf(args: CostArgs, io: CostIO): string {
  return args.cdktfOut !== undefined ? path.resolve(io.root, args.cdktfOut) : path.join(io.root, 'cdktf.out');
}

function targetsOf(args: CostArgs, io: CostIO): Target[] {
  const known = new Map(io.environments.map((e) => [e.name, e.production]));
  if (args.stacks.length > 0) {
    return args.stacks.map((s) => {
      const file = io.isDirectory(s) ? path.join(s, 'cdk.tf.json') : s;
      const name = path.basename(file) === 'cdk.tf.json' ? path.basename(path.dirname(path.resolve(file))) : path.basename(file).replace(/\.json$/, '');
      return { name, file, production: args.production ?? known.get(name) ?? false };
    });
  }
  const envs = args.envs.length > 0 ? args.envs : io.environments.map((e) => e.name);
  for (const e of envs) {
    if (!known.has(e)) throw new CostUsageError(`no environment "${e}": did you mean "${closest(e, [...known.keys()])}"? (src/config/environments.ts has ${[...known.keys()].join(', ')})`);
  }
  return envs.map((name) => ({ name, file: stackFile(outdirOf(args, io), name), production: known.get(name) }));
}

/** Runs the command; returns the exit code. */
export function runCost(argv: readonly string[], io: CostIO): number {
  let args: CostArgs;
  try {
    args = parseCostArgs(argv);
    if (args.help) {
      io.out(USAGE);
      return 0;
    }
    if (args.assumptionsFile) {
      let fromFile: unknown;
      try {
        fromFile = JSON.parse(io.readText(args.assumptionsFile));
      } catch (e) {
        throw new CostUsageError(`--assumptions ${args.assumptionsFile}: ${(e as Error).message}`);
      }
      if (!fromFile || typeof fromFile !== 'object' || Array.isArray(fromFile)) {
        throw new CostUsageError(`--assumptions ${args.assumptionsFile}: expected a JSON object`);
      }
      const merged: Partial<Assumptions> = {};
      for (const [k, val] of Object.entries(fromFile)) setAssumption(k, val, merged, `--assumptions ${args.assumptionsFile}`);
      args.assumptions = { ...merged, ...args.assumptions }; // --assume wins over the file
    }
    const targets = targetsOf(args, io);
    // Environments are priced as the current configuration synthesizes them, never from a
    // cdktf.out left by an earlier synth (it may predate the last config change), unless asked.
    let synthesized: ReadonlyMap<string, string> | undefined;
    if (args.stacks.length === 0 && args.synth) {
      io.err(`synthesizing ${targets.map((t) => t.name).join(', ')} from the current configuration (in-process; --outdir <dir> or --no-synth price an existing synth instead)`);
      synthesized = io.synth();
      const absent = targets.filter((t) => !synthesized!.has(t.name));
      if (absent.length > 0) throw new CostUsageError(`the synth produced no stack ${absent.map((t) => t.name).join(', ')}`);
    } else {
      const missing = targets.filter((t) => !io.exists(t.file));
      if (missing.length > 0) throw new CostUsageError(`no synthesized stack at ${missing.map((t) => t.file).join(', ')}`);
      if (args.stacks.length === 0) {
        io.err(`pricing ${targets.map((t) => t.file).join(', ')} as synthesized earlier (not re-synthesized: may not match the current configuration)`);
      }
    }

    const estimates: StackEstimate[] = targets.map((t) => {
      let json: StackJson;
      const where = synthesized ? `${t.name} (synthesized)` : t.file;
      try {
        json = JSON.parse(synthesized ? synthesized.get(t.name)! : io.readText(t.file));
      } catch (e) {
        throw new CostUsageError(`${where}: ${(e as Error).message}`);
      }
      return estimateStack(json, { name: t.name, production: t.production, assumptions: args.assumptions });
    });

    if (args.format === 'json') io.out(formatJson(estimates));
    else if (args.format === 'markdown') io.out(estimates.map(formatMarkdown).join('\n'));
    else io.out([...estimates.map(formatText), formatAssumptions(estimates[0]?.assumptions ?? { ...DEFAULT_ASSUMPTIONS, ...args.assumptions }), '', formatFooter(), '', ...totalsLines(estimates)].join('\n'));
    if (args.svg) {
      io.writeText(args.svg, costChartSvg(estimates));
      io.err(`wrote the chart to ${args.svg}`);
    }

    for (const e of estimates.filter((x) => x.error)) io.err(`${e.name}: ${e.error}`);
    return estimates.some((e) => e.error) ? 1 : 0;
  } catch (e) {
    if (e instanceof CostUsageError) {
      io.err(`cost: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
