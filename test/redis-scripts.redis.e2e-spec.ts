import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { RedisBatchReader } from '../src/redis/redis-batch-reader';
import { RedisCircuit } from '../src/redis/redis-circuit';
import { createRedisClient, whenReady } from '../src/redis/redis.module';
import { RedisThrottlerStorage } from '../src/rate-limit/redis-throttler.storage';
import { redisUrl } from './helpers/test-app';

/**
 * The Redis side of the batched commands, against a real Redis (the unit tests check the
 * callers against a fake with the same contract): the rate-limit script and the shared MGET.
 */
const url = redisUrl;
if (url) {
  describe('Redis scripts (e2e)', () => {
    const prefix = `test-scripts:${randomUUID()}:`;
    let client: Redis;
    beforeAll(async () => {
      client = createRedisClient(url, prefix);
      await whenReady(client, 1000);
    });
    afterAll(async () => {
      const raw = new Redis(url);
      const keys = await raw.keys(`${prefix}*`);
      if (keys.length > 0) await raw.del(...keys);
      raw.disconnect();
      client.disconnect();
    });

    it('counts a key hit several times in one turn once, by that many, each hit its own count', async () => {
      const storage = new RedisThrottlerStorage(client, new RedisCircuit());
      const records = await Promise.all([
        storage.increment('burst', 60_000, 3),
        storage.increment('other', 1_000, 3),
        storage.increment('burst', 60_000, 3),
        storage.increment('burst', 60_000, 3),
        storage.increment('burst', 60_000, 3),
      ]);
      expect(records.map((r) => r.totalHits)).toEqual([1, 1, 2, 3, 4]);
      expect(records.map((r) => r.isBlocked)).toEqual([false, false, false, false, true]);
      expect(await client.get('rl:burst')).toBe('4');
      // The window started with the batch: the key expires within it.
      const left = await client.pttl('rl:burst');
      expect(left).toBeGreaterThan(50_000);
      expect(left).toBeLessThanOrEqual(60_000);
      expect(await client.pttl('rl:other')).toBeLessThanOrEqual(1_000);
      const next = await storage.increment('burst', 60_000, 3);
      expect(next.totalHits).toBe(5);
    });

    it('reads every caller of one turn in one MGET, under the client prefix', async () => {
      await client.set('a', '1');
      await client.set('b', '2');
      const reader = RedisBatchReader.of(client);
      const mget = jest.spyOn(client, 'mget');
      const [ab, b, missing] = await Promise.all([
        reader.read(['a', 'b']),
        reader.read(['b']),
        reader.read(['nothing']),
      ]);
      expect([ab, b, missing]).toEqual([['1', '2'], ['2'], [null]]);
      expect(mget).toHaveBeenCalledTimes(1);
      mget.mockRestore();
    });
  });
}
