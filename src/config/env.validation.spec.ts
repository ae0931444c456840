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

  it('takes SHUTDOWN_DRAIN as whole seconds, 0 to 300', () => {
    expect(() => validateEnv({ SHUTDOWN_DRAIN: '0' })).not.toThrow();
    expect(() => validateEnv({ SHUTDOWN_DRAIN: '30' })).not.toThrow();
    for (const bad of ['-1', '1.5', 'soon', '5000'])
      expect(() => validateEnv({ SHUTDOWN_DRAIN: bad })).toThrow(/SHUTDOWN_DRAIN/);
  });
});
