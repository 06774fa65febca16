/** Tests run in band: they share one private Redis and each builds its own database. */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testRegex: 'test/.*\\.(spec|e2e-spec)\\.ts$',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
    // A few dependencies ship ESM only; Node 20 loads them natively, jest needs them compiled.
    '^.+/node_modules/(content-disposition|@fastify/cookie|cookie|@scure/base|@noble/hashes)/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', isolatedModules: true } }],
  },
  // otplib's plugins load @scure/base and @noble/hashes (ESM only; the second nested under its plugin).
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/|@fastify/cookie/|cookie/|@scure/base/|@noble/hashes/|@otplib/plugin-crypto-noble/node_modules/@noble/hashes/)'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  setupFiles: ['<rootDir>/test/support/env-setup.ts'],
  testTimeout: 60000,
};
