// NestJS 12 ships ES modules only, and Jest on Node 20 cannot require() them: tests run as ES
// modules (NODE_OPTIONS=--experimental-vm-modules, set by the npm scripts).
const transform = {
  '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.jest.json', diagnostics: false }],
};
const common = {
  transform,
  extensionsToTreatAsEsm: ['.ts'],
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
};

// Real servers (Redis, PostgreSQL, FerretDB) are started once per run, and only when a project
// that needs them has a test to run: Jest runs a project's global setup only then, and runs the
// same module once however many projects name it. Unit specs start nothing.
const withServers = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

/** @type {import('jest').Config} */
module.exports = {
  // A global option: Jest ignores testTimeout inside a project. e2e tests start gateway processes
  // and servers, seconds each on a busy 2-core machine.
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      ...withServers,
      displayName: 'contract',
      testMatch: ['<rootDir>/test/contract/**/*.contract-spec.ts'],
    },
    {
      ...common,
      ...withServers,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
    },
    // The control panel in a real Chromium (skipped with a notice when it is not installed).
    {
      ...common,
      ...withServers,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
    },
  ],
};
