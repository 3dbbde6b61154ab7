/**
 * The destructive-plan guard on real `terraform show -json` plans (fixtures made with Terraform
 * 1.11 and hashicorp/aws 5.100.0 against moto by __tests__/fixtures/plans/generate.ts). No
 * Terraform or emulator at test time.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {
  AllowRule,
  PlanJson,
  STATEFUL_RESOURCE_TYPES,
  addressCandidates,
  allowMatches,
  changeKind,
  formatReplacePaths,
  guardPlans,
  parsePlanJson,
  splitAllowList,
  splitAllowPattern,
} from '../src/ops/plan-guard';
import { formatReport, renderMarkdownSummary } from '../src/ops/plan-guard-report';
import { GuardIO, runPlanGuard, stackLabel } from '../src/ops/plan-guard-cli';

const ROOT = path.join(__dirname, '..');
const FIXTURES = path.join(__dirname, 'fixtures', 'plans');
const fixturePath = (name: string) => path.join(FIXTURES, `${name}.json`);
const load = (name: string): PlanJson => parsePlanJson(fs.readFileSync(fixturePath(name), 'utf8'), `${name}.json`);
const allow = (...patterns: string[]): AllowRule[] => patterns.map((pattern) => ({ pattern, from: '--allow' }));
const guard = (name: string, ...patterns: string[]) => guardPlans([{ stack: name, source: `${name}.json`, plan: load(name) }], allow(...patterns));

const DB = 'aws_db_instance.database';
const MEDIA = 'aws_s3_bucket.media';
const WORKER_LOGS = 'aws_cloudwatch_log_group.app["worker"]';
const ZONE_B = 'aws_route53_zone.zones["b.example.com"]';
const ARCHIVE = 'module.archive.aws_s3_bucket.this';

/** runPlanGuard with in-memory I/O: files are the fixtures, stdin is given, output captured. */
async function run(argv: string[], opts: { env?: Record<string, string>; stdin?: string } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const appended: Record<string, string> = {};
  const io: GuardIO = {
    readText: (p) => fs.readFileSync(p, 'utf8'),
    readStdin: async () => opts.stdin ?? '',
    appendText: (p, text) => (appended[p] = (appended[p] ?? '') + text),
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  };
  const code = await runPlanGuard(argv, opts.env ?? {}, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n'), appended };
}

describe('stateful resource types', () => {
  test('one list, each type once with a reason, covering the stack\'s data stores', () => {
    const types = STATEFUL_RESOURCE_TYPES.map((t) => t.type);
    expect(new Set(types).size).toBe(types.length);
    for (const t of STATEFUL_RESOURCE_TYPES) expect(t.reason.length).toBeGreaterThan(10);
    expect(types).toEqual(expect.arrayContaining([
      'aws_db_instance', 'aws_rds_cluster', 'aws_elasticache_replication_group', 'aws_elasticache_cluster', 'aws_s3_bucket',
      'aws_dynamodb_table', 'aws_cloudwatch_log_group', 'aws_secretsmanager_secret', 'aws_ecr_repository', 'aws_kms_key',
      'aws_sqs_queue', 'aws_route53_zone', 'aws_efs_file_system', 'aws_db_snapshot',
    ]));
    // Re-creatable from configuration alone: their replacement must pass.
    expect(types).not.toEqual(expect.arrayContaining(['aws_ecs_task_definition']));
    expect(types).not.toContain('aws_ssm_parameter');
  });
});

describe('a plan replacing the database and destroying a bucket (destructive.json)', () => {
  const result = guard('destructive');
  const blocked = (address: string) => result.blocked.find((f) => f.address === address);

  test('fails, blocking every stateful destroy or replacement and nothing else', () => {
    expect(result.ok).toBe(false);
    expect(result.blocked.map((f) => f.address).sort()).toEqual([ZONE_B, WORKER_LOGS, DB, MEDIA, ARCHIVE].sort());
  });

  test('the database replacement names the attribute that forces it', () => {
    expect(blocked(DB)).toMatchObject({ kind: 'replace', actions: ['delete', 'create'], replacePaths: ['username'], type: 'aws_db_instance' });
    const report = formatReport(result);
    expect(report).toMatch(/BLOCKED {2}aws_db_instance\.database\n/);
    expect(report).toMatch(/replace_paths: username/);
    expect(report).toMatch(/actions: +delete, create \(replace\)/);
  });

  test('the removed bucket, for_each keys and the bucket inside a module are blocked', () => {
    expect(blocked(MEDIA)).toMatchObject({ kind: 'destroy', actions: ['delete'], actionReason: 'removed from the configuration' });
    expect(blocked(WORKER_LOGS)).toMatchObject({ kind: 'destroy', actionReason: 'its for_each key is gone' });
    expect(blocked(ZONE_B)).toMatchObject({ kind: 'destroy', type: 'aws_route53_zone' });
    expect(blocked(ARCHIVE)).toMatchObject({ kind: 'replace', replacePaths: ['bucket'] });
  });

  test('the task definition replacement, the parameter update and the new log group pass', () => {
    const listed = result.stacks[0].findings.map((f) => f.address);
    expect(listed).not.toContain('aws_ecs_task_definition.web');
    expect(listed).not.toContain('aws_ssm_parameter.image_tag');
    expect(listed).not.toContain('aws_cloudwatch_log_group.app["jobs"]');
  });

  test('counts per stack, replacements on their own; resource_drift ignored', () => {
    expect(result.stacks[0].counts).toEqual({ import: 0, add: 1, change: 1, destroy: 3, replace: 3, forget: 0 });
    expect(result.stacks[0].driftIgnored).toBeGreaterThan(0);
    expect(formatReport(result)).toMatch(/0 to import, 1 to add, 1 to change, 3 to destroy, 3 to replace, 0 to forget; \d+ drifted outside Terraform \(ignored\)/);
  });

  test('the failure message prints a ready-made allow list that, used as is, lets the plan pass', async () => {
    const { code, stdout } = await run([fixturePath('destructive')]);
    expect(code).toBe(1);
    const line = /ALLOW_DESTROY='(.*)'$/m.exec(stdout);
    expect(line).not.toBeNull();
    const again = await run([fixturePath('destructive')], { env: { ALLOW_DESTROY: line![1] } });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/PASSED, with 5 explicitly allowed stateful destroy\/replacements: that data WILL be lost/);
  });
});

describe('imports (adopting what exists, docs/migrating.md): real plans of import blocks', () => {
  test('import.json: an import is not a destroy: the adopted bucket and instance pass, counted as imports', async () => {
    const result = guard('import');
    expect(result.ok).toBe(true);
    expect(result.stacks[0].findings).toEqual([]);
    expect(result.stacks[0].counts).toEqual({ import: 2, add: 1, change: 1, destroy: 0, replace: 0, forget: 0 });
    const { code, stdout } = await run([fixturePath('import')]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/2 to import, 1 to add, 1 to change, 0 to destroy, 0 to replace, 0 to forget/);
    expect(stdout).toMatch(/PASSED: no stateful resource is destroyed or replaced\./);
  });

  test('import-replace.json: an import followed by a replacement of the adopted instance is blocked, saying it deletes what exists', async () => {
    const result = guard('import-replace');
    expect(result.ok).toBe(false);
    expect(result.blocked).toEqual([expect.objectContaining({ address: 'aws_db_instance.database', kind: 'replace', importing: 'pg-guard-legacy-db', replacePaths: ['username'] })]);
    expect(result.stacks[0].counts).toEqual({ import: 2, add: 1, change: 0, destroy: 0, replace: 1, forget: 0 });
    const { code, stdout } = await run([fixturePath('import-replace')]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/BLOCKED {2}aws_db_instance\.database\n[\s\S]*imports: +pg-guard-legacy-db: an object that exists \(adopted\); the replacement deletes it right after the import/);
    expect(renderMarkdownSummary(result)).toContain('imported `pg-guard-legacy-db`, then replaced: the adopted object is deleted');
  });
});

describe('plans that must pass', () => {
  test.each([
    ['app-release', 'task definition replaced (new revision), SSM parameter updated', { import: 0, add: 0, change: 1, destroy: 0, replace: 1, forget: 0 }],
    ['create', 'first deploy: creates only', { import: 0, add: 11, change: 0, destroy: 0, replace: 0, forget: 0 }],
    ['no-op', 'nothing to do, only drift', { import: 0, add: 0, change: 0, destroy: 0, replace: 0, forget: 0 }],
    ['empty', 'no resource_changes at all', { import: 0, add: 0, change: 0, destroy: 0, replace: 0, forget: 0 }],
  ])('%s.json (%s) exits 0', async (name, _what, counts) => {
    const result = guard(name);
    expect(result.ok).toBe(true);
    expect(result.stacks[0].findings).toEqual([]);
    expect(result.stacks[0].counts).toEqual(counts);
    const { code, stdout } = await run([fixturePath(name)]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/PASSED: no stateful resource is destroyed or replaced\./);
  });

  test('a removed block with destroy = false ("forget") passes and is logged', async () => {
    const result = guard('forget');
    expect(result.ok).toBe(true);
    expect(result.stacks[0].findings).toEqual([expect.objectContaining({ address: MEDIA, verdict: 'forgotten', actions: ['forget'] })]);
    const { code, stdout } = await run([fixturePath('forget')]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/forget {3}aws_s3_bucket\.media\n[\s\S]*removed from the state only/);
  });
});

describe('allowing a destroy for one run', () => {
  test('--allow <db address> lets the replacement pass while the bucket destroy still fails', async () => {
    const result = guard('destructive', DB);
    expect(result.allowed.map((f) => f.address)).toEqual([DB]);
    expect(result.blocked.map((f) => f.address)).toContain(MEDIA);
    const { code, stdout } = await run(['--allow', DB, fixturePath('destructive')]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/allowed {2}aws_db_instance\.database\n[\s\S]*allowed by: +--allow aws_db_instance\.database/);
    expect(stdout).toMatch(/BLOCKED {2}aws_s3_bucket\.media/);
    expect(stdout).not.toMatch(/--allow 'aws_db_instance\.database'/); // not suggested again
  });

  test('a glob: aws_s3_bucket.* covers root buckets, not the bucket inside module.archive', () => {
    const result = guard('destructive', 'aws_s3_bucket.*');
    expect(result.allowed.map((f) => f.address)).toEqual([MEDIA]);
    expect(result.blocked.map((f) => f.address)).toContain(ARCHIVE);
    expect(guard('destructive', '*aws_s3_bucket.*').allowed.map((f) => f.address).sort()).toEqual([MEDIA, ARCHIVE].sort());
  });

  test('module addresses: exact, the module itself, or a glob under it', () => {
    for (const pattern of [ARCHIVE, 'module.archive', 'module.archive.*']) {
      expect(guard('destructive', pattern).allowed.map((f) => f.address)).toEqual([ARCHIVE]);
    }
  });

  test('for_each keys with dots and quotes: exact instance, the resource address, or a glob', () => {
    expect(guard('destructive', ZONE_B).allowed.map((f) => f.address)).toEqual([ZONE_B]);
    expect(guard('destructive', 'aws_route53_zone.zones').allowed.map((f) => f.address)).toEqual([ZONE_B]);
    expect(guard('destructive', 'aws_route53_zone.zones["*.example.com"]').allowed.map((f) => f.address)).toEqual([ZONE_B]);
    // Another key is not this instance.
    expect(guard('destructive', 'aws_route53_zone.zones["a.example.com"]').allowed).toEqual([]);
  });

  test('ALLOW_DESTROY (comma- or newline-separated) adds to --allow; everything allowed passes', async () => {
    const { code, stdout } = await run(['-a', ARCHIVE, fixturePath('destructive')], {
      env: { ALLOW_DESTROY: ` ${DB}, ${MEDIA}\n${WORKER_LOGS},aws_route53_zone.zones["b.example.com"] ` },
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(/allowed by: +ALLOW_DESTROY aws_db_instance\.database/);
    expect(stdout).toMatch(/allowed by: +--allow module\.archive\.aws_s3_bucket\.this/);
  });

  test('"<stack>:" scopes an allow to one stack: the stacks share their addresses', async () => {
    const both = [`staging=${fixturePath('destructive')}`, `prod=${fixturePath('destructive')}`];
    const scoped = await run(['--allow', `staging:${DB}`, ...both]);
    expect(scoped.code).toBe(1);
    expect(scoped.stdout).toMatch(/^staging [\s\S]*allowed {2}aws_db_instance\.database\n[\s\S]*^prod [\s\S]*BLOCKED {2}aws_db_instance\.database\n/m);
    // The suggested list names the stack of each address, and works as is.
    const line = /ALLOW_DESTROY='(.*)'$/m.exec(scoped.stdout)![1];
    expect(line.split(',')).toEqual(expect.arrayContaining([`prod:${DB}`, `staging:${MEDIA}`, `prod:${ZONE_B}`]));
    expect(line.split(',')).not.toContain(`staging:${DB}`);
    expect((await run(both, { env: { ALLOW_DESTROY: `${line},staging:${DB}` } })).code).toBe(0);
    // Unscoped, it covers every stack of the run.
    const unscoped = await run(['--allow', DB, ...both]);
    expect(unscoped.stdout).not.toMatch(/BLOCKED {2}aws_db_instance\.database/);
  });

  test('an allow that matches nothing is reported (typo, other stack)', async () => {
    const { stdout } = await run(['--allow', 'aws_db_instance.databse', fixturePath('destructive')]);
    expect(stdout).toMatch(/warning: --allow aws_db_instance\.databse matched no stateful destroy or replacement/);
    const redundant = await run(['--allow', DB, '--allow', 'aws_db_instance.*', fixturePath('destructive')]);
    expect(redundant.stdout).not.toMatch(/warning:/);
  });

  test('a destroy plan blocks every stateful resource; --allow "*" passes it, loudly', async () => {
    const result = guard('destroy');
    expect(result.blocked).toHaveLength(8); // db, 2 log groups, 2 zones, 3 buckets
    expect(result.blocked.every((f) => f.kind === 'destroy')).toBe(true);
    const { code } = await run(['--allow', '*', fixturePath('destroy')]);
    expect(code).toBe(0);
    expect(renderMarkdownSummary(guard('destroy', '*'))).toMatch(/\[!WARNING\]\n> \*\*Allowed for this run: these stateful resources WILL be destroyed/);
  });

  test('a deposed object (interrupted create_before_destroy) of a bucket is blocked, and says so', async () => {
    const result = guard('deposed');
    expect(result.blocked).toEqual([expect.objectContaining({ address: 'aws_s3_bucket.exports', kind: 'destroy', deposed: expect.stringMatching(/^[0-9a-f]{8}$/) })]);
    const { code, stdout } = await run([fixturePath('deposed')]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/BLOCKED {2}aws_s3_bucket\.exports \(deposed object [0-9a-f]{8}\)/);
  });
});

describe('the Markdown job summary', () => {
  const result = guardPlans([
    { stack: 'staging', source: 'destructive.json', plan: load('destructive') },
    { stack: 'prod', source: 'app-release.json', plan: load('app-release') },
  ]);
  const md = renderMarkdownSummary(result);

  test('lists import/add/change/destroy/replace per stack', () => {
    expect(md).toContain('| stack | import | add | change | destroy | replace | forget | stateful blocked | stateful allowed |');
    expect(md).toContain('| staging | 0 | 1 | 1 | 3 | 3 | 0 | **5** | 0 |');
    expect(md).toContain('| prod | 0 | 0 | 1 | 0 | 1 | 0 | 0 | 0 |');
  });

  test('calls out the stateful replacement loudly, with the attribute forcing it', () => {
    expect(md).toMatch(/^### Terraform plan guard: FAILED, 5 stateful destroy\/replacements/);
    expect(md).toContain('> [!CAUTION]');
    expect(md).toContain('> - **REPLACE** `aws_db_instance.database` in **staging** (forced by `username`)');
    expect(md).toMatch(/\| staging \| `aws_db_instance\.database` \| `aws_db_instance` \| \*\*REPLACE\*\* \| replace_paths: `username`;/);
    expect(md).toContain('> - **DESTROY** `aws_route53_zone.zones["b.example.com"]` in **staging**');
    expect(md).toMatch(/> This run fails\. If it is intended, rerun with `ALLOW_DESTROY` set to `staging:aws_cloudwatch_log_group\.app\["worker"\],staging:/);
  });

  test('a clean plan gets a short summary without alerts', () => {
    const clean = renderMarkdownSummary(guard('app-release'));
    expect(clean).toMatch(/^### Terraform plan guard: passed\n/);
    expect(clean).not.toContain('[!CAUTION]');
  });

  test('the CLI appends it to --summary, or to $GITHUB_STEP_SUMMARY', async () => {
    const explicit = await run(['--summary', 'summary.md', fixturePath('destructive')]);
    expect(explicit.appended['summary.md']).toContain('> [!CAUTION]');
    const github = await run([`prod=${fixturePath('app-release')}`], { env: { GITHUB_STEP_SUMMARY: '/gh/summary' } });
    expect(github.appended['/gh/summary']).toContain('| prod | 0 | 0 | 1 | 0 | 1 | 0 | 0 | 0 |');
    expect(Object.keys((await run([fixturePath('no-op')])).appended)).toEqual([]);
  });
});

describe('usage and input errors exit 2 with a clear message', () => {
  const valid = fs.readFileSync(fixturePath('destructive'), 'utf8');
  test.each([
    ['not JSON', '{"format_version": "1.2", ', /stdin: not valid JSON .*: expected the output of `terraform show -json <planfile>`/],
    ['empty input', '  \n', /stdin: empty input: expected the output of `terraform show -json <planfile>`/],
    ['`terraform plan -json` log lines', '{"@level":"info","@message":"Terraform 1.11.4","type":"version"}\n{"@level":"info"}\n', /stdin: this is the log stream of `terraform plan -json`, not a plan/],
    ['a state, not a plan', '{"format_version":"1.0","terraform_version":"1.11.4","values":{"root_module":{}}}', /stdin: this is `terraform show -json` of a state, not of a saved plan/],
    ['an empty state', '{"format_version":"1.0"}', /stdin: this is `terraform show -json` of a state, not of a saved plan/],
    ['some other JSON', '[1, 2]', /stdin: not Terraform plan JSON \(no "format_version"\)/],
    ['a future format', '{"format_version":"2.0","planned_values":{}}', /unsupported format_version "2\.0"/],
    ['a resource change without actions', '{"format_version":"1.2","resource_changes":[{"address":"aws_s3_bucket.a","mode":"managed","type":"aws_s3_bucket","name":"a","change":{}}]}', /resource_changes\[0\] \(aws_s3_bucket\.a\): "change\.actions" must be a non-empty list of strings/],
    ['a truncated plan', valid.slice(0, valid.length / 2), /stdin: not valid JSON/],
  ])('%s', async (_what, stdin, message) => {
    const { code, stdout, stderr } = await run(['-'], { stdin });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stdout).toBe('');
  });

  test.each([
    [[], /no plan given/],
    [['--allow'], /Option '-a, --allow <value>' argument missing/],
    [['--allow', '', 'plan.json'], /--allow needs an address or glob/],
    [['--force', 'plan.json'], /Unknown option '--force'/],
    [['-', '-'], /stdin \(-\) can be read only once/],
    [[fixturePath('destructive'), fixturePath('destructive')], /two plans are named "destructive"/],
  ])('arguments %j', async (argv, message) => {
    const { code, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toContain('usage: npx tsx scripts/plan-guard.ts');
  });

  test('stdin takes a stack name too (prod=-), so secrets never need a plan.json on disk', async () => {
    const { code, stdout } = await run(['prod=-'], { stdin: fs.readFileSync(fixturePath('app-release'), 'utf8') });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^prod {2}\(stdin, Terraform 1\.11\.4\)/);
  });

  test('a missing file', async () => {
    const { code, stderr } = await run(['/nonexistent/plan.json']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/\/nonexistent\/plan\.json: cannot read \(ENOENT/);
  });

  test('--help prints the usage and exits 0', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: /);
  });
});

describe('building blocks', () => {
  test('action lists', () => {
    expect(changeKind(['delete', 'create'])).toBe('replace');
    expect(changeKind(['create', 'delete'])).toBe('replace'); // create_before_destroy
    expect(changeKind(['delete'])).toBe('destroy');
    expect(changeKind(['forget'])).toBe('forget');
    expect(changeKind(['create', 'forget'])).toBe('forget'); // replaced, old object kept (destroy = false)
    expect(changeKind(['update'])).toBe('update');
    expect(changeKind(['read'])).toBe('read');
    expect(changeKind(['no-op'])).toBe('no-op');
    expect(changeKind(['delete', 'someday'])).toBe('replace'); // unknown, but deletes: fail closed
    expect(changeKind(['someday'])).toBe('unknown');
  });

  test('replace_paths', () => {
    expect(formatReplacePaths([['username'], ['ingress', 0, 'cidr_blocks'], ['tags', 'Name']])).toEqual(['username', 'ingress[0].cidr_blocks', 'tags.Name']);
    expect(formatReplacePaths(undefined)).toEqual([]);
  });

  test('address candidates keep dots inside keys together', () => {
    expect(addressCandidates('module.a["x.y"].aws_route53_record.r["a.example.com"]').sort()).toEqual([
      'module.a',
      'module.a.aws_route53_record.r',
      'module.a["x.y"]',
      'module.a["x.y"].aws_route53_record.r',
      'module.a["x.y"].aws_route53_record.r["a.example.com"]',
    ]);
    expect(allowMatches('aws_s3_bucket.media', 'aws_s3_bucket.media_old')).toBe(false);
    expect(allowMatches('aws_s3_bucket.media', 'aws_s3_bucket.media[0]')).toBe(true);
    expect(allowMatches('module.a', 'module.ab.aws_s3_bucket.x')).toBe(false);
  });

  test('stack prefixes', () => {
    expect(splitAllowPattern('prod:aws_s3_bucket.*')).toEqual({ stack: 'prod', address: 'aws_s3_bucket.*' });
    expect(splitAllowPattern('aws_route53_record.r["a:b"]')).toEqual({ address: 'aws_route53_record.r["a:b"]' });
    expect(splitAllowPattern('module.m["x:y"].aws_s3_bucket.b')).toEqual({ address: 'module.m["x:y"].aws_s3_bucket.b' });
  });

  test('ALLOW_DESTROY splitting', () => {
    expect(splitAllowList(undefined)).toEqual([]);
    expect(splitAllowList(' a.b , c.d\n\ne.f[0],')).toEqual(['a.b', 'c.d', 'e.f[0]']);
    expect(splitAllowList('aws_route53_record.r["a,b"],x.y')).toEqual(['aws_route53_record.r["a,b"]', 'x.y']);
  });

  test('stack names from paths', () => {
    expect(stackLabel('cdktf.out/stacks/prod/plan.json')).toBe('prod');
    expect(stackLabel('prod.plan.json')).toBe('prod');
    expect(stackLabel('plans/staging.json')).toBe('staging');
    expect(stackLabel('staging/plan.json')).toBe('staging');
    expect(stackLabel('-')).toBe('stdin');
  });
});

describe('the script', () => {
  // Once through the real process: exit codes are what CI acts on.
  const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  const script = (args: string[], input?: string) => {
    const env = { ...process.env };
    delete env.ALLOW_DESTROY;
    delete env.GITHUB_STEP_SUMMARY;
    return spawnSync(tsx, ['scripts/plan-guard.ts', ...args], { cwd: ROOT, env, input, encoding: 'utf8' });
  };

  test('exits 1 on a blocked plan, 0 when allowed, 2 on malformed input', () => {
    const blocked = script([fixturePath('destructive')]);
    expect(blocked.status).toBe(1);
    expect(blocked.stdout).toMatch(/FAILED: 5 stateful resources would be destroyed or replaced/);
    const allowedRun = script(['--allow', '*', '-'], fs.readFileSync(fixturePath('destructive'), 'utf8'));
    expect(allowedRun.status).toBe(0);
    const malformed = script(['-'], 'not json');
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toMatch(/plan-guard: stdin: not valid JSON/);
  });
});

/**
 * A replaced target group (target-group.json: the container port 8000 -> 8080, the way the stacks
 * route a service) is not downtime-free: create_before_destroy creates the new group and moves the
 * listener rule to it in the same apply, before the service has a task registered there (ECS
 * accepts only a group a listener already forwards to, so the order cannot be reversed). The
 * guard blocks it in production and says why; elsewhere it passes with a note.
 */
describe('replacements that interrupt traffic (production)', () => {
  const plan = load('target-group');
  const change = (address: string) => plan.resource_changes!.find((rc) => rc.address === address)!;

  test('the order Terraform plans: the new group first, the rule and the service moved in place, the old group deleted last', () => {
    expect(change('aws_lb_target_group.web').change.actions).toEqual(['create', 'delete']);
    expect(formatReplacePaths(change('aws_lb_target_group.web').change.replace_paths)).toEqual(['port']);
    expect(change('aws_lb_listener_rule.web').change.actions).toEqual(['update']);
    expect(change('aws_ecs_service.web').change.actions).toEqual(['update']);
  });

  test('blocked in a production stack, with what it interrupts and the allow that lets it through', () => {
    const result = guardPlans([{ stack: 'prod', source: 'target-group.json', plan, production: true }]);
    expect(result.ok).toBe(false);
    expect(result.blocked.map((f) => [f.address, f.kind, f.stateful])).toEqual([['aws_lb_target_group.web', 'replace', '']]);
    expect(result.blocked[0].disrupts).toMatch(/answers 503 from the moment the listener rule moves to the new, empty group/);
    const report = formatReport(result);
    expect(report).toMatch(/disrupts: +target group: .* \(production\)/);
    expect(report).toMatch(/FAILED: 1 production resource would be replaced with an interruption of traffic\./);
    expect(report).toContain("--allow 'aws_lb_target_group.web'");
    expect(guardPlans([{ stack: 'prod', source: 'x', plan, production: true }], allow('aws_lb_target_group.web')).ok).toBe(true);
    expect(renderMarkdownSummary(result)).toMatch(/interrupts traffic: target group/);
  });

  test('passes outside production, with a note', () => {
    const result = guardPlans([{ stack: 'staging', source: 'target-group.json', plan }]);
    expect(result.ok).toBe(true);
    expect(result.stacks[0].notes).toEqual([expect.stringMatching(/^aws_lb_target_group\.web: replaced, which interrupts traffic .*blocked in production stacks$/)]);
  });

  test('the command marks the config\'s production stacks, and --production others', async () => {
    const file = fixturePath('target-group');
    expect((await run([`staging=${file}`])).code).toBe(0);
    expect((await run([`staging=${file}`, '--production', 'staging'])).code).toBe(1);
    const out: string[] = [];
    const io: GuardIO = { readText: (p) => fs.readFileSync(p, 'utf8'), readStdin: async () => '', appendText: () => undefined, out: (t) => out.push(t), err: (t) => out.push(t) };
    expect(await runPlanGuard([`prod=${file}`], {}, io, ['prod'])).toBe(1);
    // npm run plan-guard reads the config: prod is production there.
    const cli = spawnSync('npx', ['tsx', 'scripts/plan-guard.ts', `prod=${file}`], { cwd: ROOT, encoding: 'utf8' });
    expect(cli.status).toBe(1);
    expect(cli.stdout).toMatch(/BLOCKED +aws_lb_target_group\.web/);
  });
});
