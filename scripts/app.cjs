#!/usr/bin/env node
/**
 * The cdktf `app` command (cdktf.json). Runs main.ts without type-checking it (types are checked by
 * `npm test` / `npm run build`): esbuild bundles main.ts and everything it imports into one
 * CommonJS file, cached under node_modules/.cache, and node runs that file. One file means no
 * per-module resolution and no loader hooks, so a synth costs about a third of `node --import tsx`.
 *
 * The cache is rebuilt whenever any project file in the bundle changes (size or mtime) or the
 * installed packages change (package-lock.json, node_modules/.package-lock.json).
 */
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const entry = path.join(root, 'main.ts');
const cacheDir = path.join(root, 'node_modules', '.cache', 'cdktf-app');
const bundle = path.join(cacheDir, 'main.cjs');
const manifest = path.join(cacheDir, 'inputs.json');
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

function buildBundle() {
  const esbuild = require('esbuild');
  const result = esbuild.buildSync({
    entryPoints: [entry],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    metafile: true,
    logLevel: 'warning',
  });
  // Project files only: node_modules changes are covered by the lock files.
  const projectFiles = Object.keys(result.metafile.inputs).filter((file) => !file.startsWith('node_modules/'));
  const files = [...new Set([...projectFiles, ...ALWAYS_WATCHED])];
  fs.writeFileSync(manifest, JSON.stringify({ files, fingerprint: fingerprint(files) }));
}

if (!cachedBundleIsFresh()) {
  fs.mkdirSync(cacheDir, { recursive: true });
  buildBundle();
}
try {
  require(bundle);
} catch (error) {
  // Bad input is the user's to fix: print the message naming environment, field and fix, no stack.
  if (error && (error.name === 'ConfigError' || /^(IMAGE_TAG|CDKTF_AWS_ENDPOINT) /.test(error.message))) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
