/** Unit, policy and `terraform validate` tests. The emulator end-to-end test has its own config. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // Anchored: an unanchored ".js" would also skip any test whose path merely contains "?js".
  testPathIgnorePatterns: ['/node_modules/', '\\.js$', '\\.d\\.ts$', '/e2e/'],
  // Transpile only, with esbuild (.jest/esbuild-transform.cjs); types are checked once by `tsc --noEmit` in npm test.
  transform: { '^.+\\.tsx?$': '<rootDir>/.jest/esbuild-transform.cjs' },
  setupFiles: ['<rootDir>/__tests__/helpers/quiet-sdk.ts'],
  setupFilesAfterEnv: ['<rootDir>/__tests__/helpers/setup.ts'],
  // The shipped stacks, synthesized once for every file (helpers/global-setup.ts).
  globalSetup: '<rootDir>/__tests__/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/__tests__/helpers/global-teardown.ts',
  testTimeout: 120000,
  // Every core: the suites are CPU-bound synths and terraform subprocesses (jest's default leaves one idle).
  maxWorkers: '100%',
  testSequencer: '<rootDir>/.jest/sequencer.cjs',
};
