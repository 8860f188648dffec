/**
 * Two projects over every workspace: fast unit tests (`*.test.ts`) and integration tests
 * (`*.int.test.ts`) that talk to a real Redis and real processes. Workspace packages resolve
 * to their TypeScript sources so unit tests need no build; integration tests that spawn
 * processes run the built `dist/` (npm test builds first).
 */
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
];

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@wechat-dispatch/(shared|core|wechat-client|testkit|client)$':
      '<rootDir>/packages/$1/src/index.ts',
    // The sandbox is an app, but tests and benchmarks start it in-process as a library.
    '^@wechat-dispatch/sandbox$': '<rootDir>/apps/sandbox/src/index.ts',
  },
  roots: ['<rootDir>/packages', '<rootDir>/apps'],
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
};

module.exports = {
  maxWorkers: 2,
  // Integration tests start processes and wait on real queues; unit tests finish long before.
  testTimeout: 120000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['**/test/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.int\\.test\\.ts$', '/node_modules/'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['**/test/**/*.int.test.ts'],
    },
  ],
};
