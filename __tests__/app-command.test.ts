import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { environments } from '../src/config/environments';

/**
 * The app command (scripts/app.cjs) replaces the creation-stack-trace helpers of cdktf and
 * constructs in its bundle, but only after checking that each one exists and has the expected
 * shape. These tests run the real command, as cdktf.json does, and prove that:
 *   - with today's packages both helpers are patched and the output is byte for byte the output
 *     with the traces kept (CDKTF_STACK_TRACES=1, no patch at all);
 *   - a helper that is missing, or different (CDK Terrain's also exports captureCreationStack), or
 *     cannot be loaded is left alone: no crash, same output;
 *   - the detection is part of the bundle's cache key.
 * Missing and different helpers are simulated with CDKTF_APP_PATCH_TARGETS, which replaces the
 * list of helper files the command inspects; the inspection itself is the shipped code.
 */
const root = path.resolve(__dirname, '..');
const cacheDir = path.join(root, 'node_modules', '.cache', 'cdktf-app', 'main_ts');
const CONTROL = ['CDKTF_STACK_TRACES', 'CDKTF_APP_PATCH_TARGETS', 'CDKTF_APP_DEBUG', 'CDKTF_OUTDIR', 'CDKTN_DISABLE_CREATION_STACK'];

type Files = Map<string, string>;
interface Run {
  readonly files: Files;
  /** The command's one-line report (CDKTF_APP_DEBUG=1). */
  readonly report: string;
  /** What happened to the V8 code cache: none/rejected/used, and whether it was written. */
  readonly codeCache: string;
}

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

/** Runs `node scripts/app.cjs` into a fresh output folder; fails with its stderr if it fails. */
function runApp(env: Record<string, string> = {}): Run {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'app-command-'));
  try {
    const base = { ...process.env };
    for (const name of CONTROL) delete base[name];
    const result = spawnSync(process.execPath, ['scripts/app.cjs'], {
      cwd: root,
      env: { ...base, ...env, CDKTF_APP_DEBUG: '1', CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' },
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`node scripts/app.cjs failed (exit ${result.status}):\n${result.stderr}`);
    const report = result.stderr.split('\n').find((line) => line.startsWith('[app.cjs] creation stack traces'));
    if (!report) throw new Error(`no [app.cjs] report on stderr:\n${result.stderr}`);
    const codeCache = result.stderr.split('\n').find((line) => line.startsWith('[app.cjs] code cache: ')) ?? '';
    return { files: readTree(outdir), report, codeCache: codeCache.replace('[app.cjs] code cache: ', '') };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Every file of either run whose content differs (or exists on one side only). */
function differing(a: Files, b: Files): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].sort().filter((name) => a.get(name) !== b.get(name));
}

const fixtures = fs.mkdtempSync(path.join(os.tmpdir(), 'app-command-fixtures-'));
afterAll(() => fs.rmSync(fixtures, { recursive: true, force: true }));

/** A helper with CDK Terrain's shape: captureStackTrace plus captureCreationStack. */
function cdkTerrainShapedHelper(): string {
  const file = path.join(fixtures, 'cdktn', 'stack-trace.js');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    [
      'exports.captureStackTrace = function captureStackTrace() { return []; };',
      'exports.captureCreationStack = function captureCreationStack() { return exports.captureStackTrace(); };',
    ].join('\n'),
  );
  return file;
}

/** A helper that throws when loaded. */
function brokenHelper(): string {
  const file = path.join(fixtures, 'broken', 'stack-trace.js');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, "throw new Error('not the helper you expect');\n");
  return file;
}

/** How many trace-capturing helpers a cached bundle still contains (esbuild may rename `object`). */
const captures = (bundle: string) => (fs.readFileSync(path.join(cacheDir, bundle), 'utf8').match(/Error\.captureStackTrace\(\w+, below\)/g) ?? []).length;

const targets = (map: Record<string, string>) => ({ CDKTF_APP_PATCH_TARGETS: JSON.stringify(map) });

describe('the app command patches only the stack-trace helpers it recognises, and never changes the output', () => {
  let reference: Run;
  beforeAll(() => {
    reference = runApp({ CDKTF_STACK_TRACES: '1' });
  });

  test('the reference run (traces kept) synthesized every stack', () => {
    expect(reference.report).toContain('creation stack traces: kept (CDKTF_STACK_TRACES=1)');
    const stacks = ['bootstrap', ...environments.map((env) => env.name)];
    expect([...reference.files.keys()]).toEqual(expect.arrayContaining(['manifest.json', ...stacks.map((s) => path.join('stacks', s, 'cdk.tf.json'))]));
  });

  test('today: both helpers are found and patched, and the output is identical to the traces-kept output', () => {
    const run = runApp();
    expect(run.report).toContain('cdktf patched; constructs patched; bundle main.cjs');
    expect(differing(run.files, reference.files)).toEqual([]);
    // Not vacuous: the bundle really lost both capturing helpers that the traces-kept bundle has.
    expect(captures('main-traces.cjs')).toBe(2);
    expect(captures('main.cjs')).toBe(0);
  });

  test('helpers missing: nothing is patched, no crash, identical output', () => {
    const run = runApp(targets({ cdktf: 'lib/tokens/private/moved-away.js', constructs: 'lib/private/moved-away.js' }));
    expect(run.report).toMatch(/cdktf not patched: missing \(.*moved-away\.js\); constructs not patched: missing \(.*moved-away\.js\); bundle main-patched-none\.cjs/);
    expect(differing(run.files, reference.files)).toEqual([]);
    expect(captures('main-patched-none.cjs')).toBe(2);
  });

  test('a helper with another shape (CDK Terrain) is skipped, the other one is still patched, identical output', () => {
    const run = runApp(targets({ cdktf: cdkTerrainShapedHelper(), constructs: 'lib/private/stack-trace.js' }));
    expect(run.report).toContain('cdktf not patched: exports captureStackTrace, captureCreationStack instead of only captureStackTrace()');
    expect(run.report).toContain('constructs patched; bundle main-patched-constructs.cjs');
    expect(differing(run.files, reference.files)).toEqual([]);
    expect(captures('main-patched-constructs.cjs')).toBe(1); // cdktf's own, untouched
  });

  test('the detection is part of the cache key: same bundle name, other detection, rebuilt', () => {
    const missing = targets({ cdktf: 'lib/tokens/private/moved-away.js', constructs: 'lib/private/moved-away.js' });
    runApp(missing);
    expect(runApp(missing).report).toMatch(/bundle main-patched-none\.cjs cached$/);
    const unrecognised = runApp(targets({ cdktf: cdkTerrainShapedHelper(), constructs: brokenHelper() }));
    expect(unrecognised.report).toContain('constructs not patched: cannot be inspected (not the helper you expect)');
    expect(unrecognised.report).toMatch(/bundle main-patched-none\.cjs rebuilt$/);
    expect(differing(unrecognised.files, reference.files)).toEqual([]);
  });
});

describe('load time: the V8 code cache and the archiver stub never change the output', () => {
  test('a run without a code cache writes one; the next run uses it; both synthesize the same files; archiver is stubbed', () => {
    fs.rmSync(path.join(cacheDir, 'main.cjs.v8cache'), { force: true });
    const first = runApp();
    expect(first.codeCache).toBe('none, written');
    const second = runApp();
    expect(second.codeCache).toBe('used');
    expect(differing(first.files, second.files)).toEqual([]);
    // archiver (zip streams for cdktf assets, unused here) is not in the bundle.
    const bundle = fs.readFileSync(path.join(cacheDir, 'main.cjs'), 'utf8');
    expect(bundle).toContain('archiver is stubbed out of the bundle');
    expect(bundle).not.toContain('node_modules/archiver/index.js');
  });

  test('the cache of another bundle is never used, even one of the same length (V8 checks only the length)', () => {
    const bundleFile = path.join(cacheDir, 'main.cjs');
    // An edited account id: same length, one character different.
    const original = fs.readFileSync(bundleFile, 'utf8');
    const account = original.indexOf('accountId: "123456789012"');
    expect(account).toBeGreaterThan(0);
    const { mtime, atime } = fs.statSync(bundleFile);
    try {
      fs.writeFileSync(bundleFile, `${original.slice(0, account)}accountId: "123456789013"${original.slice(account + 'accountId: "123456789012"'.length)}`);
      // Keep the manifest's fingerprint (size and mtime) so the edited bundle is run as it is.
      fs.utimesSync(bundleFile, atime, mtime);
      const edited = runApp();
      expect(edited.codeCache).toBe('of another bundle, written');
      expect(JSON.parse(edited.files.get(path.join('stacks', 'staging', 'cdk.tf.json'))!).provider.aws[0].allowed_account_ids).toEqual(['123456789013']);
    } finally {
      fs.writeFileSync(bundleFile, original);
      fs.utimesSync(bundleFile, atime, mtime);
      // The cache now belongs to the edited bundle: the next synth rewrites it.
    }
  });
});
