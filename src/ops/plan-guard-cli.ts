/**
 * `npm run plan-guard` (scripts/plan-guard.ts) and the release's --guard: the plan files and allow
 * rules from the command line and ALLOW_DESTROY, the verdict of plan-guard.ts, the report of
 * plan-guard-report.ts. The I/O is injected so tests run it in-process.
 */
import { parseArgs } from 'util';
import { AllowRule, PlanInput, PlanInputError, guardPlans, parsePlanJson, splitAllowList } from './plan-guard';
import { formatReport, renderMarkdownSummary } from './plan-guard-report';

export const USAGE = `usage: npx tsx scripts/plan-guard.ts [--allow <address-or-glob>]... [--summary <file>] <plan.json | stack=plan.json | ->...
Reads \`terraform show -json <planfile>\` output (one file per stack, or - for stdin) and exits 1 when
the plan would destroy or replace a stateful resource (database, cache, bucket, log group, secret,
ECR repository, KMS key, queue, hosted zone ...) that is not explicitly allowed.

  --allow, -a <pattern>   allow this address for this run; repeatable. Exact address
                          (aws_db_instance.database_instance_D7FC2283), a resource or module address
                          (covers its instances), or a glob with * (aws_s3_bucket.*). Quote it:
                          --allow 'aws_route53_record.r["a.example.com"]'. Prefix "<stack>:" to
                          allow it in that stack only (prod:aws_s3_bucket.*)
  --summary <file>        append a Markdown summary to <file> (default: $GITHUB_STEP_SUMMARY when set)
  --production <stack>    check this stack as production (repeatable; the config's production
                          environments always are): replacing a target group, listener, load
                          balancer, ECS service or CloudFront distribution interrupts traffic and
                          is blocked there too, unless allowed like a stateful change
  ALLOW_DESTROY           more patterns, comma- or newline-separated (e.g. from a workflow input)

The stack name is the part before "=", else the folder after stacks/ (cdktf.out/stacks/prod/plan.json),
else the file name without .json/.plan. Exit 0: nothing blocked; 1: blocked; 2: usage or input error.
  e.g. terraform -chdir=cdktf.out/stacks/prod plan -out plan.tfplan
       terraform -chdir=cdktf.out/stacks/prod show -json plan.tfplan > prod.plan.json
       npx tsx scripts/plan-guard.ts prod.plan.json`;

export class UsageError extends Error {}

export interface PlanArg {
  readonly stack: string;
  /** A path, or "-" for stdin. */
  readonly path: string;
}

export interface GuardArgs {
  readonly plans: readonly PlanArg[];
  readonly allow: readonly AllowRule[];
  readonly summaryFile?: string;
  /** Stacks checked as production (--production, plus the config's production environments). */
  readonly production: readonly string[];
  readonly help: boolean;
}

/** `stacks/<name>/...` -> name; `prod.plan.json` -> prod; `prod/plan.json` -> prod. */
export function stackLabel(path: string): string {
  if (path === '-') return 'stdin';
  const parts = path.split(/[\\/]+/).filter(Boolean);
  const i = parts.lastIndexOf('stacks');
  if (i >= 0 && i + 2 < parts.length) return parts[i + 1];
  const file = (parts[parts.length - 1] ?? path).replace(/\.json$/, '').replace(/(^|[.-])(tf)?plan$/, '');
  return file || parts[parts.length - 2] || 'plan';
}

/** Parses the command line (util.parseArgs) plus ALLOW_DESTROY; UsageError on anything wrong. */
export function parseGuardArgs(argv: readonly string[], env: Record<string, string | undefined>): GuardArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        allow: { type: 'string', short: 'a', multiple: true },
        summary: { type: 'string' },
        production: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const help = parsed.values.help === true;
  const allow: AllowRule[] = [];
  for (const pattern of parsed.values.allow ?? []) {
    if (pattern.trim() === '') throw new UsageError('--allow needs an address or glob, got an empty string');
    allow.push({ pattern: pattern.trim(), from: '--allow' });
  }
  for (const pattern of splitAllowList(env.ALLOW_DESTROY)) allow.push({ pattern, from: 'ALLOW_DESTROY' });

  const plans = parsed.positionals.map((arg): PlanArg => {
    // `prod=plan.json` names the stack; a bare path (even one containing "=") is named from the path.
    const m = /^([A-Za-z0-9_.-]+)=(.+)$/.exec(arg);
    return m ? { stack: m[1], path: m[2] } : { stack: stackLabel(arg), path: arg };
  });
  if (!help && plans.length === 0) throw new UsageError('no plan given: pass a `terraform show -json` file, or - for stdin');
  if (plans.filter((p) => p.path === '-').length > 1) throw new UsageError('stdin (-) can be read only once');
  const seen = new Set<string>();
  for (const p of plans) {
    if (seen.has(p.stack)) throw new UsageError(`two plans are named "${p.stack}": name them, e.g. staging=staging.json prod=prod.json`);
    seen.add(p.stack);
  }
  const summaryFile = parsed.values.summary ?? (env.GITHUB_STEP_SUMMARY || undefined);
  return { plans, allow, summaryFile, production: parsed.values.production ?? [], help };
}

export interface GuardIO {
  readText(path: string): string;
  readStdin(): Promise<string>;
  appendText(path: string, text: string): void;
  out(text: string): void;
  err(text: string): void;
}

/**
 * The whole command: 0 nothing blocked, 1 blocked, 2 usage or input error. `productionStacks`:
 * the stacks the config says are production (scripts/plan-guard.ts passes them), on top of
 * --production.
 */
export async function runPlanGuard(argv: readonly string[], env: Record<string, string | undefined>, io: GuardIO, productionStacks: readonly string[] = []): Promise<number> {
  let args: GuardArgs;
  try {
    args = parseGuardArgs(argv, env);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`plan-guard: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.out(USAGE);
    return 0;
  }
  const inputs: PlanInput[] = [];
  try {
    for (const p of args.plans) {
      const source = p.path === '-' ? 'stdin' : p.path;
      let text: string;
      try {
        text = p.path === '-' ? await io.readStdin() : io.readText(p.path);
      } catch (e) {
        throw new PlanInputError(`${source}: cannot read (${(e as Error).message})`);
      }
      inputs.push({ stack: p.stack, source, plan: parsePlanJson(text, source), production: [...args.production, ...productionStacks].includes(p.stack) });
    }
  } catch (e) {
    if (!(e instanceof PlanInputError)) throw e;
    io.err(`plan-guard: ${e.message}`);
    return 2;
  }
  const result = guardPlans(inputs, args.allow);
  io.out(formatReport(result));
  if (args.summaryFile) {
    try {
      io.appendText(args.summaryFile, renderMarkdownSummary(result));
    } catch (e) {
      // The verdict matters more than the summary: report, keep the exit code.
      io.err(`plan-guard: could not write the summary to ${args.summaryFile}: ${(e as Error).message}`);
    }
  }
  return result.ok ? 0 : 1;
}
