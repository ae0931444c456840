/** E2E tests: over HTTP against a real database, migrated. */
module.exports = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: '.',
  testRegex: '.e2e-spec.ts$',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }],
    // content-disposition (used by @fastify/static for Swagger UI) ships ESM only.
    '^.+/node_modules/content-disposition/.+\\.js$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }],
  },
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  testEnvironment: 'node',
  testTimeout: 60000,
};
