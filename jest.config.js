/** Unit, policy and `terraform validate` tests. The emulator end-to-end test has its own config. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // Anchored: an unanchored ".js" would also skip any test whose path merely contains "?js".
  testPathIgnorePatterns: ['/node_modules/', '\\.js$', '\\.d\\.ts$', '/e2e/'],
  // Transpile only (tsconfig isolatedModules); types are checked once by `tsc --noEmit` in npm test.
  transform: { '^.+\\.tsx?$': ['ts-jest', { diagnostics: false }] },
  setupFilesAfterEnv: ['<rootDir>/__tests__/helpers/setup.ts'],
  testTimeout: 120000,
};
