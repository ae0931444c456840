import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE_JWT_SECRET, validateEnv, weakJwtSecret } from './env.validation';

describe('validateEnv', () => {
  it('accepts an empty environment (every variable has a default)', () => {
    expect(() => validateEnv({})).not.toThrow();
  });

  it('names the variable in one line', () => {
    expect(() => validateEnv({ PORT: 'eighty' })).toThrow(/^Invalid configuration: PORT: /);
    expect(() => validateEnv({ DATABASE_URL: 'postgres://x' })).toThrow(/DATABASE_URL/);
    expect(() => validateEnv({ JWT_SECRET: 'short' })).toThrow(
      /JWT_SECRET must be at least 32 bytes/,
    );
  });

  it('requires JWT_SECRET and a real bcrypt cost in production', () => {
    expect(() => validateEnv({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: required/);
    const secret = 'Zk3q9XvLr2Tn8WbY5mPc7HdJ4sFg6QaE';
    expect(() =>
      validateEnv({ NODE_ENV: 'production', JWT_SECRET: secret, BCRYPT_COST: '4' }),
    ).toThrow(/BCRYPT_COST/);
    expect(() => validateEnv({ NODE_ENV: 'production', JWT_SECRET: secret })).not.toThrow();
  });

  describe('JWT_SECRET in production', () => {
    const prod = (JWT_SECRET: string) => () => validateEnv({ NODE_ENV: 'production', JWT_SECRET });

    it('knows the placeholder of .env.example', () => {
      const example = readFileSync(join(__dirname, '..', '..', '.env.example'), 'utf8');
      expect(example).toContain(`# JWT_SECRET=${EXAMPLE_JWT_SECRET}\n`);
    });

    it('refuses the .env.example placeholder', () => {
      expect(prod(EXAMPLE_JWT_SECRET)).toThrow(/JWT_SECRET: is the \.env\.example placeholder/);
    });

    it('refuses a secret with fewer than 16 distinct characters', () => {
      expect(prod('a'.repeat(32))).toThrow(/JWT_SECRET: is plainly not random/);
      expect(prod('abcdefghijklmno'.repeat(3))).toThrow(/plainly not random/);
      expect(weakJwtSecret('abcdefghijklmnop'.repeat(2))).toBeUndefined();
    });

    it('accepts a random secret, and leaves other environments alone', () => {
      expect(prod('Zk3q9XvLr2Tn8WbY5mPc7HdJ4sFg6QaE')).not.toThrow();
      expect(() => validateEnv({ NODE_ENV: 'test', JWT_SECRET: 'a'.repeat(32) })).not.toThrow();
      expect(() => validateEnv({ JWT_SECRET: EXAMPLE_JWT_SECRET })).not.toThrow();
    });
  });

  it('takes a REDIS_KEY_PREFIX of safe characters only, never an empty one', () => {
    expect(() => validateEnv({ REDIS_KEY_PREFIX: 'shop-prod:' })).not.toThrow();
    expect(() => validateEnv({ REDIS_KEY_PREFIX: '' })).toThrow(/REDIS_KEY_PREFIX/);
    expect(() => validateEnv({ REDIS_KEY_PREFIX: 'a b' })).toThrow(/REDIS_KEY_PREFIX/);
    expect(() => validateEnv({ REDIS_KEY_PREFIX: 'x'.repeat(65) })).toThrow(/REDIS_KEY_PREFIX/);
  });

  it('takes SHUTDOWN_DRAIN as whole seconds, 0 to 300', () => {
    expect(() => validateEnv({ SHUTDOWN_DRAIN: '0' })).not.toThrow();
    expect(() => validateEnv({ SHUTDOWN_DRAIN: '30' })).not.toThrow();
    for (const bad of ['-1', '1.5', 'soon', '5000'])
      expect(() => validateEnv({ SHUTDOWN_DRAIN: bad })).toThrow(/SHUTDOWN_DRAIN/);
  });

  it('takes REQUEST_TIMEOUT in whole seconds, at least 1', () => {
    expect(validateEnv({ REQUEST_TIMEOUT: '5' })).toMatchObject({ REQUEST_TIMEOUT: 5 });
    expect(() => validateEnv({ REQUEST_TIMEOUT: '0' })).toThrow(/REQUEST_TIMEOUT/);
    expect(() => validateEnv({ REQUEST_TIMEOUT: '1.5' })).toThrow(/REQUEST_TIMEOUT/);
  });
});
