import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { RedisCircuit } from '../redis/redis-circuit';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/** The increment script's contract, in JS: [hits, msLeft] per key, windows from ARGV. */
class FakeRedis {
  counts = new Map<string, number>();
  calls = 0;
  sent: string[][] = [];
  down = false;
  defineCommand(): void {}
  async rateLimitIncrement(n: number, ...args: (string | number)[]): Promise<number[]> {
    this.calls++;
    if (this.down) throw new Error('Connection is closed.');
    const keys = args.slice(0, n) as string[];
    const ttls = args.slice(n, 2 * n) as number[];
    const counts = args.slice(2 * n) as number[];
    this.sent.push(keys);
    return keys.flatMap((k, i) => {
      const hits = (this.counts.get(k) ?? 0) + Number(counts[i]);
      this.counts.set(k, hits);
      return [hits, ttls[i]];
    });
  }
}

describe('RedisThrottlerStorage', () => {
  let redis: FakeRedis;
  let storage: RedisThrottlerStorage;
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    redis = new FakeRedis();
    storage = new RedisThrottlerStorage(redis as unknown as Redis, new RedisCircuit());
  });
  afterEach(() => jest.restoreAllMocks());

  it('counts the hits of one turn of the event loop in one call, each key apart', async () => {
    const [a1, b1, a2] = await Promise.all([
      storage.increment('a', 60_000, 2),
      storage.increment('b', 1_000, 2),
      storage.increment('a', 60_000, 2),
    ]);
    expect(redis.calls).toBe(1);
    // A key hit twice in the turn is sent once, by two: each hit still gets its own count.
    expect(redis.sent).toEqual([['rl:a', 'rl:b']]);
    expect([a1.totalHits, b1.totalHits, a2.totalHits]).toEqual([1, 1, 2]);
    expect(b1.timeToExpire).toBe(1);
    const a3 = await storage.increment('a', 60_000, 2);
    expect(a3.totalHits).toBe(3);
    expect(a3.isBlocked).toBe(true);
    expect(redis.calls).toBe(2);
  });

  it('fails open when Redis fails: the hit counts as the first of its window', async () => {
    redis.down = true;
    const record = await storage.increment('a', 60_000, 1);
    expect(record.totalHits).toBe(1);
    expect(record.isBlocked).toBe(false);
  });
});
