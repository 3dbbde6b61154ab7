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
 * The cache is rebuilt whenever any project file in the bundle changes (size or mtime) or the
 * installed packages change (package-lock.json, node_modules/.package-lock.json).
 */
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const keepStackTraces = process.env.CDKTF_STACK_TRACES === '1';
// main.ts unless another entry is given (the benchmark's many-environment app).
const entry = path.resolve(root, process.argv[2] || 'main.ts');
const cacheDir = path.join(root, 'node_modules', '.cache', 'cdktf-app', path.relative(root, entry).replace(/[^A-Za-z0-9]+/g, '_'));
const bundle = path.join(cacheDir, keepStackTraces ? 'main-traces.cjs' : 'main.cjs');
const manifest = `${bundle}.inputs.json`;
const ALWAYS_WATCHED = ['package-lock.json', 'node_modules/.package-lock.json', 'tsconfig.json', 'scripts/app.cjs'];

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

/** esbuild plugin: the two stack-trace helpers of cdktf and constructs return an empty trace. */
const withoutCreationStackTraces = {
  name: 'without-creation-stack-traces',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/](cdktf[\\/]lib[\\/]tokens|constructs[\\/]lib)[\\/]private[\\/]stack-trace\.js$/ }, () => ({
      contents: 'exports.captureStackTrace = function captureStackTrace() { return []; };',
      loader: 'js',
    }));
  },
};

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
    logLevel: 'warning',
    plugins: keepStackTraces ? [] : [withoutCreationStackTraces],
  });
  // Project files only: node_modules changes are covered by the lock files.
  const projectFiles = Object.keys(result.metafile.inputs).filter((file) => !file.startsWith('node_modules/'));
  const files = [...new Set([...projectFiles, ...ALWAYS_WATCHED])];
  fs.writeFileSync(manifest, JSON.stringify({ files, fingerprint: fingerprint(files) }));
}

async function main() {
  if (!cachedBundleIsFresh()) {
    fs.mkdirSync(cacheDir, { recursive: true });
    await buildBundle();
  }
  require(bundle);
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
