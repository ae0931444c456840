/** E2E tests: over HTTP against a real database, migrated. */
module.exports = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: '.',
  testRegex: '.e2e-spec.ts$',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }],
    // content-disposition (used by @fastify/static for Swagger UI) ships ESM only.
    '^.+/node_modules/content-disposition/.+\\.js$': [
      'ts-jest',
      { tsconfig: 'test/tsconfig.json' },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  // *.mysql.e2e-spec.ts need a networked database (outages, several instances): MariaDB pass only.
  testPathIgnorePatterns: process.env.TEST_DATABASE_URL
    ? ['/node_modules/']
    : ['/node_modules/', '\\.mysql\\.e2e-spec\\.ts$'],
  testEnvironment: 'node',
  testTimeout: 60000,
};
