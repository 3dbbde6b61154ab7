/**
 * Jest transform: TypeScript to CommonJS with esbuild (already a dependency: it bundles the app
 * command). Transpile only, like ts-jest with isolatedModules, several times faster; types are
 * checked once by `tsc --noEmit` in `npm test`.
 */
const { transformSync } = require('esbuild');
const { createHash } = require('crypto');
const { version } = require('esbuild/package.json');
const fs = require('fs');
const path = require('path');

// The project's compiler options (class-field semantics follow its target, as for tsc and the app bundle).
const tsconfigRaw = fs.readFileSync(path.join(__dirname, '..', 'tsconfig.json'), 'utf8');

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: filename.endsWith('.tsx') ? 'tsx' : 'ts',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'external',
      sourcefile: filename,
      tsconfigRaw,
    });
    return { code, map };
  },
  getCacheKey(source, filename) {
    return createHash('sha256').update(version).update(tsconfigRaw).update('\0').update(filename).update('\0').update(source).digest('hex');
  },
};
