/**
 * `npm run check:cdk-terrain [-- --keep]`: does our app synthesize the same Terraform with CDK Terrain
 * (cdktn, the maintained fork of the archived CDKTF) as with our cdktf? Needs the npm registry and
 * a few minutes; not part of `npm test`.
 *
 * In a temporary folder it
 *   1. copies what a synth needs (main.ts, src/, scripts/app.cjs, cdktf.json, tsconfig.json,
 *      package.json) twice: once next to our installed node_modules (linked), once as the fork
 *      project;
 *   2. installs the fork there under the cdktf name (`"cdktf": "npm:cdktn@<version>"`), the other
 *      dependencies at our package-lock versions, constructs at a version the fork accepts, and
 *      npm overrides so @cdktf/provider-aws (which declares a peer cdktf ^0.21) takes the fork;
 *   3. synthesizes every stack with the app command (`node scripts/app.cjs`, what `cdktf synth` /
 *      `cdktn synth` run) into separate output folders: ours; the fork's fast path; the fork with
 *      creation traces kept (no patch at all); the fork with its own `prepareStack()` instead of
 *      SelfContainedStack's (runs the fork's preparing resolve pass and the validations it feeds);
 *   4. compares every file: ours vs the fork must be identical except the version metadata
 *      (`//.metadata.version` in each cdk.tf.json, `version` in manifest.json), the three fork runs
 *      must be identical to each other.
 * Prints PASS/FAIL per stack with the first differing JSON path; exits 1 on any difference.
 * The temporary folder is removed unless --keep is given or a check fails.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const FORK = 'cdktn';
const FORK_VERSION = '0.24.0';
const FORK_CLI = 'cdktn-cli';

const root = path.resolve(__dirname, '..');
const KEEP = process.argv.includes('--keep');
const SOURCES = ['main.ts', 'src', 'scripts/app.cjs', 'cdktf.json', 'tsconfig.json', 'package.json'];
const started = Date.now();
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const log = (line: string) => process.stdout.write(`${line}\n`);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Files = Map<string, string>;

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

function npmView(spec: string, field: string): Json | undefined {
  const result = run('npm', ['view', spec, field, '--json'], root);
  if (result.status !== 0 || !result.stdout.trim()) return undefined;
  return JSON.parse(result.stdout) as Json;
}

function fail(message: string): never {
  process.stderr.write(`check:cdk-terrain: ${message}\n`);
  process.exit(2);
}

function copySources(to: string): void {
  for (const item of SOURCES) {
    fs.mkdirSync(path.dirname(path.join(to, item)), { recursive: true });
    fs.cpSync(path.join(root, item), path.join(to, item), { recursive: true });
  }
}

/** Our installed packages, seen from `to`: one symlink per top-level entry (the app cache stays in `to`). */
function linkOurNodeModules(to: string): void {
  const modules = path.join(to, 'node_modules');
  fs.mkdirSync(modules);
  for (const entry of fs.readdirSync(path.join(root, 'node_modules'))) {
    if (entry !== '.cache') fs.symlinkSync(path.join(root, 'node_modules', entry), path.join(modules, entry));
  }
}

// ---------------------------------------------------------------------------------------------
// 1. versions
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
const locked = (name: string): string => {
  const version = lock.packages?.[`node_modules/${name}`]?.version;
  if (!version) fail(`${name} is not in package-lock.json`);
  return version;
};
const oursVersion: string = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'cdktf', 'package.json'), 'utf8')).version;

const forkPeers = (npmView(`${FORK}@${FORK_VERSION}`, 'peerDependencies') ?? {}) as Record<string, string>;
const cliNode = npmView(`${FORK_CLI}@${FORK_VERSION}`, 'engines.node');
if (cliNode === undefined) fail(`cannot read ${FORK_CLI}@${FORK_VERSION} from the npm registry (is it reachable?)`);
let constructsVersion = locked('constructs');
let constructsNote = `${constructsVersion} (ours)`;
if (forkPeers.constructs) {
  const accepted = npmView(`constructs@${forkPeers.constructs}`, 'version');
  const list = (Array.isArray(accepted) ? accepted : accepted ? [accepted] : []) as string[];
  if (!list.length) fail(`no constructs version matches ${FORK}'s peer range ${forkPeers.constructs}`);
  if (!list.includes(constructsVersion)) {
    constructsVersion = list[list.length - 1];
    constructsNote = `${constructsVersion} (${FORK} ${FORK_VERSION} needs constructs ${forkPeers.constructs}; ours is ${locked('constructs')})`;
  }
}

log(`CDK Terrain check: ${FORK} ${FORK_VERSION} installed as "cdktf" vs our cdktf ${oursVersion}`);
log(
  `Node ${process.version}: ${FORK_CLI} ${FORK_VERSION} needs node ${String(cliNode)}` +
    `${nodeSatisfies(String(cliNode)) ? '' : ' (not this machine)'}, so the stacks are synthesized by the app command itself` +
    ' (node scripts/app.cjs, what cdktf synth / cdktn synth run); the fork library runs on Node 20.',
);

/** Enough of semver for an engines field like ">=22.19.0". */
function nodeSatisfies(range: string): boolean {
  const match = /^>=\s*(\d+)\.(\d+)\.(\d+)$/.exec(range.trim());
  if (!match) return false;
  const want = match.slice(1).map(Number);
  const have = process.versions.node.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (have[i] !== want[i]) return have[i] > want[i];
  return true;
}

// ---------------------------------------------------------------------------------------------
// 2. the two projects
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-terrain-check-'));
const oursDir = path.join(tmp, 'ours');
const forkDir = path.join(tmp, 'fork');
log(`Temporary folder: ${tmp}`);
copySources(oursDir);
linkOurNodeModules(oursDir);
copySources(forkDir);

const dependencies: Record<string, string> = {};
for (const name of Object.keys(pkg.dependencies)) dependencies[name] = locked(name);
dependencies.cdktf = `npm:${FORK}@${FORK_VERSION}`;
dependencies.constructs = constructsVersion;
const forkPackage = {
  name: `${pkg.name}-cdk-terrain-check`,
  private: true,
  dependencies,
  // The bundler of scripts/app.cjs; nothing else of our devDependencies is needed to synthesize.
  devDependencies: { esbuild: locked('esbuild') },
  // Packages built for cdktf 0.21 declare peers cdktf ^0.21 / constructs ^10.4: give them the fork.
  overrides: Object.fromEntries(
    Object.keys(pkg.dependencies)
      .filter((name) => name.startsWith('@cdktf/'))
      .map((name) => [name, { cdktf: '$cdktf', constructs: '$constructs' }]),
  ),
};
fs.writeFileSync(path.join(forkDir, 'package.json'), `${JSON.stringify(forkPackage, null, 2)}\n`);

let since = Date.now();
log(`Installing into fork/: cdktf=npm:${FORK}@${FORK_VERSION}, constructs ${constructsNote}, ` + Object.entries(dependencies).filter(([n]) => !['cdktf', 'constructs'].includes(n)).map(([n, v]) => `${n} ${v}`).join(', ') + ` ...`);
const install = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], forkDir);
if (install.status !== 0) fail(`npm install failed in ${forkDir}:\n${install.stderr}`);
const installed = JSON.parse(fs.readFileSync(path.join(forkDir, 'node_modules', 'cdktf', 'package.json'), 'utf8'));
if (installed.name !== FORK || installed.version !== FORK_VERSION) fail(`node_modules/cdktf is ${installed.name}@${installed.version}, expected ${FORK}@${FORK_VERSION}`);
const forkVersion: string = installed.version;
log(`  installed in ${seconds(since)}`);

// ---------------------------------------------------------------------------------------------
// 3. synths
interface Synth {
  readonly files: Files;
  readonly report: string;
  readonly seconds: number;
}

const TIMED_RUNS = 3;
const baseEnv: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', CDKTF_APP_DEBUG: '1' };
for (const name of ['CDKTF_STACK_TRACES', 'CDKTF_APP_PATCH_TARGETS', 'CDKTN_DISABLE_CREATION_STACK', 'CDKTF_OUTDIR']) delete baseEnv[name];

function readTree(dir: string): Files {
  const files: Files = new Map();
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(path.relative(dir, full), fs.readFileSync(full, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

/** Runs the app command once to build its bundle, then TIMED_RUNS times; the last run's output, the median time. */
function synth(label: string, project: string, env: Record<string, string> = {}, entry?: string): Synth | string {
  const outdir = path.join(tmp, `out-${label}`);
  const args = ['scripts/app.cjs', ...(entry ? [entry] : [])];
  let last: SpawnSyncReturns<string> | undefined;
  const times: number[] = [];
  for (let i = 0; i <= TIMED_RUNS; i++) {
    fs.rmSync(outdir, { recursive: true, force: true });
    const t = Date.now();
    last = run(process.execPath, args, project, { ...baseEnv, ...env, CDKTF_OUTDIR: outdir });
    if (i > 0) times.push((Date.now() - t) / 1000);
    if (last.status !== 0) return `node ${args.join(' ')} failed (exit ${last.status}):\n${last.stderr.trim()}`;
  }
  const took = times.sort((x, y) => x - y)[Math.floor(times.length / 2)];
  const report = last!.stderr.split('\n').find((line) => line.startsWith('[app.cjs]')) ?? '(no [app.cjs] report)';
  return { files: readTree(outdir), report: report.replace(/^\[app\.cjs\] /, ''), seconds: took };
}

// The fork with its own TerraformStack.prototype.prepareStack on our stacks, then the real main.ts.
const FULL_PREPARE_ENTRY = 'check-full-prepare.ts';
fs.writeFileSync(
  path.join(forkDir, FULL_PREPARE_ENTRY),
  [
    "import { TerraformStack } from 'cdktf';",
    "import { SelfContainedStack } from './src/stacks/self-contained-stack';",
    '',
    'SelfContainedStack.prototype.prepareStack = TerraformStack.prototype.prepareStack;',
    "require('./main');",
    '',
  ].join('\n'),
);

since = Date.now();
const ours = synth('ours', oursDir);
const fork = synth('fork', forkDir);
const forkTraces = synth('fork-traces', forkDir, { CDKTF_STACK_TRACES: '1' });
const forkFullPrepare = synth('fork-full-prepare', forkDir, {}, FULL_PREPARE_ENTRY);
log(`  synthesized 4 ways (each: bundle built, then ${TIMED_RUNS} timed runs) in ${seconds(since)}`);

// ---------------------------------------------------------------------------------------------
// 4. comparisons
/** JSON paths (`//.metadata.version` style) where a and b differ, at most `limit`. */
function jsonDifferences(a: Json, b: Json, at = '', limit = 5, found: string[] = []): string[] {
  if (found.length >= limit) return found;
  const isObject = (x: Json): x is { [key: string]: Json } => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length) && found.length < limit; i++) {
      if (i >= a.length || i >= b.length) found.push(`${at}[${i}]`);
      else jsonDifferences(a[i], b[i], `${at}[${i}]`, limit, found);
    }
  } else if (isObject(a) && isObject(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (found.length >= limit) break;
      const child = at ? `${at}.${key}` : key;
      if (!(key in a) || !(key in b)) found.push(child);
      else jsonDifferences(a[key], b[key], child, limit, found);
    }
  } else if (a !== b) {
    found.push(at || '(root)');
  }
  return found;
}

/** Where each output file carries the cdktf version (and nothing else may differ). */
const versionPath = (file: string): string[] | undefined =>
  file === 'manifest.json' ? ['version'] : file.endsWith('cdk.tf.json') ? ['//', 'metadata', 'version'] : undefined;

/** The file with the version at its version path replaced by a placeholder, if it is exactly `version`. */
function normalised(file: string, json: Json, version: string): { json: Json; normalisedPath?: string } {
  const at = versionPath(file);
  if (!at) return { json };
  const copy = structuredClone(json);
  let holder: Json = copy;
  for (const key of at.slice(0, -1)) holder = holder && typeof holder === 'object' && !Array.isArray(holder) ? holder[key] : null;
  const last = at[at.length - 1];
  if (!holder || typeof holder !== 'object' || Array.isArray(holder) || holder[last] !== version) return { json };
  holder[last] = '<cdk version>';
  return { json: copy, normalisedPath: at.join('.') };
}

/** How the bytes compare once the (first) version string is replaced on both sides. */
function bytesNote(oursText: string, forkText: string): string {
  const swap = (text: string, version: string) => text.replace(`"version": "${version}"`, '"version": "<cdk version>"');
  const [o, f] = [swap(oursText, oursVersion), swap(forkText, forkVersion)];
  if (o === f) return 'bytes otherwise identical';
  // A newline cannot occur inside a JSON string, so this only touches empty arrays.
  const emptyArrays = (text: string) => text.replace(/\[\n\s*\]/g, '[]');
  if (emptyArrays(o) === emptyArrays(f)) return 'bytes otherwise differ only in empty arrays: "[\\n  ]" (cdktf) vs "[]" (cdktn)';
  return 'same JSON, formatted differently';
}

interface Row {
  readonly ok: boolean;
  readonly line: string;
}

function compareWithOurs(a: Synth, b: Synth): Row[] {
  const rows: Row[] = [];
  const names = [...new Set([...a.files.keys(), ...b.files.keys()])].sort();
  // One row per stack folder (its cdk.tf.json first), then the other files.
  const stackOf = (file: string) => /^stacks[\\/]([^\\/]+)[\\/]/.exec(file)?.[1];
  const groups = new Map<string, string[]>();
  for (const name of names) {
    const key = stackOf(name) ?? name;
    groups.set(key, [...(groups.get(key) ?? []), name]);
  }
  for (const [group, files] of groups) {
    const problems: string[] = [];
    const notes: string[] = [];
    for (const file of files) {
      const oursText = a.files.get(file);
      const forkText = b.files.get(file);
      if (oursText === undefined || forkText === undefined) {
        problems.push(`${path.basename(file)} only in ${oursText === undefined ? 'the fork' : 'ours'}`);
        continue;
      }
      if (oursText === forkText) continue;
      if (!file.endsWith('.json')) {
        problems.push(`${path.basename(file)} differs (not JSON)`);
        continue;
      }
      const o = normalised(file, JSON.parse(oursText), oursVersion);
      const f = normalised(file, JSON.parse(forkText), forkVersion);
      const differences = jsonDifferences(o.json, f.json);
      if (differences.length) {
        problems.push(`${path.basename(file)} differs, first at ${differences[0]}${differences.length > 1 ? ` (also ${differences.slice(1).join(', ')}${differences.length >= 5 ? ', ...' : ''})` : ''}`);
      } else {
        notes.push(`${stackOf(file) ? `${path.basename(file)}: ` : ''}same JSON except ${o.normalisedPath} (${oursVersion} -> ${forkVersion}); ${bytesNote(oursText, forkText)}`);
      }
    }
    const label = stackOf(files[0]) ? `stack ${group}` : group;
    rows.push({ ok: problems.length === 0, line: `${problems.length ? 'FAIL' : 'PASS'} ${label}: ${problems.length ? problems.join('; ') : notes.join('; ') || 'identical'}` });
  }
  return rows;
}

function compareSame(label: string, a: Synth, b: Synth): Row {
  const names = [...new Set([...a.files.keys(), ...b.files.keys()])].sort();
  const changed = names.filter((name) => a.files.get(name) !== b.files.get(name));
  if (!changed.length) return { ok: true, line: `PASS ${label}: ${names.length} files byte-identical` };
  const first = changed[0];
  const at = a.files.has(first) && b.files.has(first) && first.endsWith('.json') ? jsonDifferences(JSON.parse(a.files.get(first)!), JSON.parse(b.files.get(first)!))[0] : 'whole file';
  return { ok: false, line: `FAIL ${label}: ${changed.length} file(s) differ, first ${first} at ${at}` };
}

const rows: Row[] = [];
log('');
if (typeof ours === 'string') rows.push({ ok: false, line: `FAIL ours: ${ours}` });
if (typeof fork === 'string') rows.push({ ok: false, line: `FAIL fork: ${fork}` });
if (typeof ours !== 'string' && typeof fork !== 'string') {
  log(`ours (cdktf ${oursVersion}), app command: ${ours.report}`);
  log(`fork (${FORK} ${forkVersion}), app command: ${fork.report}`);
  log('');
  log(`Ours vs the fork (only the cdktf version may differ):`);
  rows.push(...compareWithOurs(ours, fork));
}
const forkRows: Row[] = [];
for (const [label, other] of [
  ['fork fast path == fork with creation traces kept (CDKTF_STACK_TRACES=1)', forkTraces],
  [`fork with SelfContainedStack == fork with ${FORK}'s own prepareStack() (preparing pass + its validations)`, forkFullPrepare],
] as const) {
  if (typeof other === 'string') forkRows.push({ ok: false, line: `FAIL ${label}: ${other}` });
  else if (typeof fork !== 'string') forkRows.push(compareSame(label, fork, other));
}
for (const row of rows) log(`  ${row.line}`);
log('');
log('The fork against itself:');
for (const row of forkRows) log(`  ${row.line}`);

if (typeof ours !== 'string' && typeof fork !== 'string') {
  log('');
  log(`App command, median of ${TIMED_RUNS} warm runs: ours ${ours.seconds.toFixed(2)} s, fork ${fork.seconds.toFixed(2)} s` + (typeof forkTraces !== 'string' ? `, fork with traces kept ${forkTraces.seconds.toFixed(2)} s` : '') + (typeof forkFullPrepare !== 'string' ? `, fork with its own prepareStack ${forkFullPrepare.seconds.toFixed(2)} s` : ''));
}

const ok = [...rows, ...forkRows].every((row) => row.ok);
log('');
log(`${ok ? 'PASS' : 'FAIL'}: ${ok ? `every stack synthesizes the same with ${FORK} ${forkVersion}` : 'see the FAIL lines above'} (${seconds(started)})`);
if (ok && !KEEP) fs.rmSync(tmp, { recursive: true, force: true });
else log(`Kept ${tmp} (outputs in out-*/)`);
process.exit(ok ? 0 : 1);
