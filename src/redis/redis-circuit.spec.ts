import { Logger } from '@nestjs/common';
import { REDIS_RETRY_AFTER_MS, RedisCircuit } from './redis-circuit';

describe('RedisCircuit', () => {
  let now = 0;
  let warn: jest.SpyInstance;
  let log: jest.SpyInstance;

  beforeEach(() => {
    now = 0;
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  const failing = () => Promise.reject(new Error('Connection is closed.'));

  it('returns the fallback on failure and warns once per outage', async () => {
    const c = new RedisCircuit(() => now);
    expect(await c.run(failing, 'fallback')).toBe('fallback');
    now += REDIS_RETRY_AFTER_MS;
    expect(await c.run(failing, 'fallback')).toBe('fallback');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(c.healthy).toBe(false);
  });

  it('skips Redis for a while after a failure, then probes it again', async () => {
    const c = new RedisCircuit(() => now);
    await c.run(failing, null);
    const call = jest.fn(() => Promise.resolve('value'));
    expect(await c.run(call, 'skipped')).toBe('skipped');
    expect(call).not.toHaveBeenCalled();
    now += REDIS_RETRY_AFTER_MS;
    expect(await c.run(call, 'skipped')).toBe('value');
    expect(c.healthy).toBe(true);
    expect(log).toHaveBeenCalledTimes(1);
  });
});
