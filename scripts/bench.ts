/**
 * `npm run bench [-- --runs N] [-- --tests] [-- --strict]`: how fast and how lean a synth is (and
 * with --tests, how long `npm test` takes, once). Measures, median of N runs each (wall time and
 * peak RSS via /usr/bin/time when present):
 *   - the app command exactly as cdktf.json runs it,
 *   - the `cdktf init` template's way (`npx ts-node main.ts`, type-checked),
 *   - the floor: node loading only cdktf,
 *   - `npx cdktf synth` end to end,
 *   - growth: the app with 2 and with 10 environments (scripts/bench-app.ts),
 * then prints a table and the goals. Exits 0 unless --strict and a goal is missed.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const runsArg = args.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(args[runsArg + 1]) : 5;
const STRICT = args.includes('--strict');
const TESTS = args.includes('--tests');
if (!(RUNS >= 1)) throw new Error('--runs must be a positive number');

const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const appCommand: string = JSON.parse(fs.readFileSync(path.join(root, 'cdktf.json'), 'utf8')).app;

interface Sample {
  readonly seconds: number;
  readonly peakMb?: number;
}
interface Result {
  readonly label: string;
  readonly median: number;
  readonly min: number;
  readonly peakMb?: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs a shell command once in a fresh output dir; fails loudly (with its stderr) if it fails. */
function runOnce(command: string, env: Record<string, string>): Sample {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-out-'));
  const timeFile = path.join(outdir, 'time.txt');
  const fullEnv = { ...process.env, CHECKPOINT_DISABLE: '1', CDKTF_OUTDIR: outdir, ...env };
  const started = process.hrtime.bigint();
  const result = TIME
    ? spawnSync(TIME, ['-f', '%e %M', '-o', timeFile, 'sh', '-c', command], { cwd: root, env: fullEnv, encoding: 'utf8' })
    : spawnSync('sh', ['-c', command], { cwd: root, env: fullEnv, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  try {
    if (result.status !== 0) {
      process.stderr.write(`\n"${command}" failed (exit ${result.status}):\n${result.stderr}\n${result.stdout}\n`);
      process.exit(1);
    }
    if (!TIME) return { seconds: wall };
    const [seconds, kb] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
    return { seconds, peakMb: kb / 1024 };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function measure(label: string, command: string, runs = RUNS, env: Record<string, string> = {}): Result {
  runOnce(command, env); // warm-up: file cache, the synth bundle cache, npx resolution
  const samples = Array.from({ length: runs }, () => runOnce(command, env));
  process.stderr.write(`  measured ${label}\n`);
  const peaks = samples.map((s) => s.peakMb).filter((m): m is number => m !== undefined);
  return {
    label,
    median: median(samples.map((s) => s.seconds)),
    min: Math.min(...samples.map((s) => s.seconds)),
    peakMb: peaks.length ? Math.max(...peaks) : undefined,
  };
}

/** The `cdktf init` template runs `npx ts-node main.ts`; it type-checks every file it loads (a type error fails the run). */
const TS_NODE = 'npx ts-node main.ts';

process.stderr.write(`Benchmarking (${RUNS} runs each, after a warm-up)...\n`);
const results = {
  app: measure(`app command: ${appCommand}`, appCommand),
  tsNode: measure('template way: npx ts-node main.ts (type-checked)', TS_NODE, Math.min(RUNS, 3)),
  floor: measure("floor: node -e \"require('cdktf')\"", `node -e "require('cdktf')"`),
  synth: measure('npx cdktf synth (end to end)', 'npx cdktf synth --output "$CDKTF_OUTDIR"', Math.min(RUNS, 3)),
  two: measure('app, 2 environments (bench-app)', 'node scripts/app.cjs scripts/bench-app.ts', RUNS, { BENCH_ENVS: '2' }),
  ten: measure('app, 10 environments (bench-app)', 'node scripts/app.cjs scripts/bench-app.ts', RUNS, { BENCH_ENVS: '10' }),
  // Once, no warm-up: the suite is minutes of CPU, and its own global setup synthesizes anyway.
  ...(TESTS ? { tests: (() => {
    const sample = runOnce('npm test --silent', {});
    process.stderr.write('  measured npm test\n');
    return { label: 'npm test (once)', median: sample.seconds, min: sample.seconds, peakMb: sample.peakMb };
  })() } : {}),
};

const fmt = (n: number) => n.toFixed(2);
const lines = [
  `Machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()}`,
  '',
  '| command | median s | min s | peak MB |',
  '| --- | ---: | ---: | ---: |',
  ...Object.values(results).map((r) => `| ${r.label} | ${fmt(r.median)} | ${fmt(r.min)} | ${r.peakMb !== undefined ? r.peakMb.toFixed(0) : 'n/a'} |`),
];

const speedup = results.tsNode.median / results.app.median;
const growth = results.ten.median / results.two.median;
const goals: [string, boolean][] = [
  [`app command <= 0.5 s (${fmt(results.app.median)} s)`, results.app.median <= 0.5],
  [`app command <= 300 MB peak (${results.app.peakMb?.toFixed(0) ?? 'n/a'} MB)`, results.app.peakMb === undefined || results.app.peakMb <= 300],
  [`npx cdktf synth <= 5 s (${fmt(results.synth.median)} s)`, results.synth.median <= 5],
  [`app >= 5x faster than the ts-node way (${speedup.toFixed(1)}x)`, speedup >= 5],
  [`10 environments <= 2x the time of 2 (${growth.toFixed(2)}x)`, growth <= 2],
  ...(results.tests ? [[`npm test <= 90 s (${fmt(results.tests.median)} s)`, results.tests.median <= 90] as [string, boolean]] : []),
];
lines.push('', 'Goals:', ...goals.map(([text, ok]) => `- ${ok ? 'PASS' : 'FAIL'} ${text}`));
console.log(lines.join('\n'));
if (STRICT && goals.some(([, ok]) => !ok)) process.exit(1);
