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
  // *.redis.e2e-spec.ts talk to Redis itself: only when REDIS_URL is set.
  testPathIgnorePatterns: [
    '/node_modules/',
    ...(process.env.TEST_DATABASE_URL ? [] : ['\\.mysql\\.e2e-spec\\.ts$']),
    ...(process.env.REDIS_URL ? [] : ['\\.redis\\.e2e-spec\\.ts$']),
  ],
  testEnvironment: 'node',
  testTimeout: 60000,
};
