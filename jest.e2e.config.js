/**
 * End-to-end deploy against a local AWS emulator (moto): `npm run test:e2e`. Slow (several
 * minutes) and needs moto_server and terraform, so it is kept out of `npm test` (jest.config.js
 * ignores /e2e/). Prerequisites and shims: README, "How it is tested".
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__/e2e'],
  testMatch: ['**/*.e2e.test.ts'],
  // Anchored, like jest.config.js: an unanchored ".js" would also skip paths merely containing "?js".
  testPathIgnorePatterns: ['/node_modules/', '\\.js$', '\\.d\\.ts$'],
  // Transpile only (tsconfig isolatedModules); types are checked by `tsc --noEmit` in npm test.
  transform: { '^.+\\.tsx?$': '<rootDir>/.jest/esbuild-transform.cjs' },
  setupFiles: ['<rootDir>/__tests__/helpers/quiet-sdk.ts'],
  // Each file has emulators of its own. With a sandbox given (E2E_SANDBOX: CI, where the README's
  // first command deployed staging), deploy.e2e deploys only prod, and the adoption runs beside it:
  // two deploys on two cores. Without one, deploy.e2e deploys staging and prod at once, so the files
  // run one after the other.
  maxWorkers: process.env.E2E_SANDBOX ? 2 : 1,
  // The deploy runs in beforeAll (13 min hook timeout); this covers the individual checks.
  testTimeout: 5 * 60 * 1000,
  // Show each check and the harness's timing lines as they happen.
  verbose: true,
};
