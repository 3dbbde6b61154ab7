#!/usr/bin/env node
/**
 * The cdktf `app` command (cdktf.json). Runs main.ts without type-checking it (types are checked by
 * `npm test` / `npm run build`): esbuild bundles main.ts and everything it imports into one
 * CommonJS file, cached under node_modules/.cache, and node runs that file. One file means no
 * per-module resolution and no loader hooks, so a synth costs about a third of `node --import tsx`.
 *
 * Creation stack traces: cdktf and constructs capture a full stack trace for every token and
 * construct, used only to enrich the message of a token that fails to resolve. That capture is a
 * third of a synth, so the bundle replaces it with an empty trace; set CDKTF_STACK_TRACES=1 when
 * debugging such an error to get them back.
 *
 * That replacement targets a private module of each package, so it is applied only where it fits:
 * each target (PATCH_TARGETS) must exist in the package the entry resolves and export exactly one
 * function, captureStackTrace, returning an array. A target that is missing or different (another
 * version of the package, or CDK Terrain, whose module also exports captureCreationStack) is left
 * as it is: the synth is then slower, never wrong. CDK Terrain has its own switch for the same
 * saving, CDKTN_DISABLE_CREATION_STACK, which this command sets unless traces are kept.
 * CDKTF_APP_DEBUG=1 prints, on stderr, what was patched and whether the bundle was rebuilt.
 * CDKTF_APP_PATCH_TARGETS='{"<package>":"<file in the package, or absolute>",...}' replaces
 * PATCH_TARGETS (tests use it to simulate a package whose module is missing or different).
 *
 * The cache is rebuilt whenever any project file in the bundle changes (size or mtime), the
 * installed packages change (package-lock.json, node_modules/.package-lock.json) or the patch
 * detection gives another result; the bundle's name says which patches it carries.
 */
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const keepStackTraces = process.env.CDKTF_STACK_TRACES === '1';
const debug = process.env.CDKTF_APP_DEBUG === '1';
// main.ts unless another entry is given (the benchmark's many-environment app).
const entry = path.resolve(root, process.argv[2] || 'main.ts');
const cacheDir = path.join(root, 'node_modules', '.cache', 'cdktf-app', path.relative(root, entry).replace(/[^A-Za-z0-9]+/g, '_'));
const ALWAYS_WATCHED = ['package-lock.json', 'node_modules/.package-lock.json', 'tsconfig.json', 'scripts/app.cjs'];
/** The creation-stack-trace helpers: package name -> file inside the package. */
const PATCH_TARGETS = process.env.CDKTF_APP_PATCH_TARGETS
  ? JSON.parse(process.env.CDKTF_APP_PATCH_TARGETS)
  : { cdktf: 'lib/tokens/private/stack-trace.js', constructs: 'lib/private/stack-trace.js' };
const EMPTY_TRACE_MODULE = 'exports.captureStackTrace = function captureStackTrace() { return []; };';

/** The package folder node (and esbuild) resolve `name` to from the entry's folder, or undefined. */
function packageDir(name) {
  for (let dir = path.dirname(entry); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * For each target: its real path and whether it has the shape the replacement assumes: it exists
 * and exports exactly { captureStackTrace: function returning an array }.
 */
function detectPatchTargets() {
  return Object.entries(PATCH_TARGETS).map(([name, file]) => {
    try {
      return inspectTarget(name, file);
    } catch (error) {
      return { name, patch: false, reason: `cannot be inspected (${error && error.message})` };
    }
  });
}

function inspectTarget(name, file) {
  const dir = packageDir(name);
  if (!dir) return { name, patch: false, reason: `package ${name} not found` };
  const target = path.resolve(dir, file);
  if (!fs.existsSync(target)) return { name, file: target, patch: false, reason: 'missing' };
  const real = fs.realpathSync(target);
  try {
    const exported = require(real);
    const names = Object.keys(exported).filter((key) => key !== '__esModule');
    const fits = names.length === 1 && typeof exported.captureStackTrace === 'function' && Array.isArray(exported.captureStackTrace());
    return fits
      ? { name, file: real, patch: true }
      : { name, file: real, patch: false, reason: `exports ${names.join(', ') || 'nothing'} instead of only captureStackTrace()` };
  } catch (error) {
    return { name, file: real, patch: false, reason: `cannot be inspected (${error && error.message})` };
  }
}

const targets = keepStackTraces ? [] : detectPatchTargets();
const patched = targets.filter((t) => t.patch);
const allPatched = patched.length === targets.length && !process.env.CDKTF_APP_PATCH_TARGETS;
const bundleName = keepStackTraces ? 'main-traces' : allPatched ? 'main' : `main-patched-${patched.map((t) => t.name).join('+') || 'none'}`;
const bundle = path.join(cacheDir, `${bundleName}.cjs`);
const manifest = `${bundle}.inputs.json`;
// Part of the cache key: a package whose helper appears, disappears or changes shape rebuilds.
const detection = targets.map((t) => `${t.name}:${t.file || ''}:${t.patch ? 'patch' : `skip ${t.reason}`}`);

function fingerprint(files) {
  return files
    .map((file) => {
      try {
        const stat = fs.statSync(path.join(root, file));
        return `${file}:${stat.size}:${stat.mtimeMs}`;
      } catch {
        return `${file}:missing`;
      }
    })
    .concat(detection)
    .join('\n');
}

function cachedBundleIsFresh() {
  try {
    const recorded = JSON.parse(fs.readFileSync(manifest, 'utf8'));
    return fs.existsSync(bundle) && recorded.fingerprint === fingerprint(recorded.files);
  } catch {
    return false;
  }
}

/** esbuild plugin: the detected stack-trace helpers (exact files) return an empty trace. */
const withoutCreationStackTraces = {
  name: 'without-creation-stack-traces',
  setup(build) {
    const files = new Set(patched.map((t) => t.file));
    build.onLoad({ filter: /[\\/]stack-trace\.js$/ }, (args) => (files.has(args.path) ? { contents: EMPTY_TRACE_MODULE, loader: 'js' } : undefined));
  },
};

/**
 * esbuild plugin: `archiver` (zip streams for cdktf's TerraformAsset, ~25 ms of module loading on
 * every synth) becomes a stub. The stacks use no assets; one that did would fail loudly, here.
 */
const withoutArchiver = {
  name: 'without-archiver',
  setup(build) {
    build.onResolve({ filter: /^archiver$/ }, () => ({ path: 'archiver', namespace: 'stub' }));
    build.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents: "module.exports = function archiver() { throw new Error('cdktf assets (TerraformAsset) are not supported by scripts/app.cjs: archiver is stubbed out of the bundle'); };",
      loader: 'js',
    }));
  },
};

/** Writes next to the destination, then renames: a concurrent synth never reads half a file. */
function writeAtomically(file, contents) {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, contents);
  fs.renameSync(temporary, file);
}

async function buildBundle() {
  const esbuild = require('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    metafile: true,
    write: false,
    logLevel: 'warning',
    plugins: [withoutArchiver, ...(patched.length ? [withoutCreationStackTraces] : [])],
  });
  writeAtomically(bundle, result.outputFiles[0].contents);
  // Project files only: package changes are covered by the lock files (and the detection).
  const projectFiles = Object.keys(result.metafile.inputs).filter((file) => !/(^|[\\/])node_modules[\\/]/.test(file));
  const files = [...new Set([...projectFiles, ...ALWAYS_WATCHED])];
  writeAtomically(manifest, JSON.stringify({ files, fingerprint: fingerprint(files), patchTargets: targets }));
}

async function main() {
  const fresh = cachedBundleIsFresh();
  if (!fresh) {
    fs.mkdirSync(cacheDir, { recursive: true });
    await buildBundle();
  }
  if (debug) {
    const patches = keepStackTraces
      ? 'kept (CDKTF_STACK_TRACES=1)'
      : targets.map((t) => (t.patch ? `${t.name} patched` : `${t.name} not patched: ${t.reason}${t.file ? ` (${t.file})` : ''}`)).join('; ');
    console.error(`[app.cjs] creation stack traces: ${patches}; bundle ${path.basename(bundle)} ${fresh ? 'cached' : 'rebuilt'}`);
  }
  // CDK Terrain's own switch for the same saving (ignored by cdktf).
  if (!keepStackTraces && process.env.CDKTN_DISABLE_CREATION_STACK === undefined) process.env.CDKTN_DISABLE_CREATION_STACK = '1';
  requireWithCodeCache(bundle);
}

/**
 * require() of the bundle with V8's code cache kept next to it (`<bundle>.v8cache`): parsing and
 * compiling the ~5 MB bundle is a sixth of a synth, and node 20 has no module compile cache. The
 * cache is written after the run (so it holds the functions the synth compiled). V8 checks cached
 * data against the source's *length* only, so an edit that keeps the bundle's length (a region, an
 * account id) would run the old code: the cache file starts with the SHA-256 of the bundle it was
 * made from and is used only for exactly that bundle.
 */
function requireWithCodeCache(file) {
  const Module = require('module');
  const vm = require('vm');
  const crypto = require('crypto');
  const cacheFile = `${file}.v8cache`;
  const source = fs.readFileSync(file);
  const hash = crypto.createHash('sha256').update(source).digest();
  let cachedData;
  let foreign = false;
  try {
    const cache = fs.readFileSync(cacheFile);
    if (cache.length > hash.length && cache.subarray(0, hash.length).equals(hash)) cachedData = cache.subarray(hash.length);
    else foreign = true;
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source.toString('utf8')), { filename: file, cachedData });
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  mod.loaded = true;
  const run = script.runInThisContext();
  const stale = cachedData === undefined || script.cachedDataRejected;
  run.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  let written = false;
  if (stale) {
    // When main's synth is done (it runs synchronously inside the call above).
    try {
      writeAtomically(cacheFile, Buffer.concat([hash, script.createCachedData()]));
      written = true;
    } catch {
      // A read-only cache folder costs speed, never the synth.
    }
  }
  const state = !stale ? 'used' : foreign ? 'of another bundle' : cachedData === undefined ? 'none' : 'rejected';
  if (debug) console.error(`[app.cjs] code cache: ${state}${written ? ', written' : ''}`);
}

main().catch((error) => {
  // Bad input is the user's to fix: print the message naming environment, field and fix, no stack.
  if (error && (error.name === 'ConfigError' || /^(IMAGE_TAG|CDKTF_AWS_ENDPOINT) /.test(error.message))) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exit(1);
});
