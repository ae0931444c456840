import { validateEnv } from './env.validation';

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
    expect(() =>
      validateEnv({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), BCRYPT_COST: '4' }),
    ).toThrow(/BCRYPT_COST/);
    expect(() => validateEnv({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) })).not.toThrow();
  });

  it('takes REQUEST_TIMEOUT in whole seconds, at least 1', () => {
    expect(validateEnv({ REQUEST_TIMEOUT: '5' })).toMatchObject({ REQUEST_TIMEOUT: 5 });
    expect(() => validateEnv({ REQUEST_TIMEOUT: '0' })).toThrow(/REQUEST_TIMEOUT/);
    expect(() => validateEnv({ REQUEST_TIMEOUT: '1.5' })).toThrow(/REQUEST_TIMEOUT/);
  });
});
