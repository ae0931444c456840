import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_RETRY_AFTER_MS, RedisCircuit } from '../redis/redis-circuit';
import { RedisKeyvStore } from './redis-keyv-store';

/** Just enough of ioredis, with a switch to make it fail. */
class FakeRedis {
  data = new Map<string, string>();
  down = false;
  private check() {
    if (this.down) return Promise.reject(new Error('Connection is closed.'));
    return Promise.resolve();
  }
  mgetCalls = 0;
  async mget(...keys: string[]) {
    this.mgetCalls++;
    await this.check();
    return keys.map((k) => this.data.get(k) ?? null);
  }
  async set(key: string, value: string) {
    await this.check();
    this.data.set(key, value);
    return 'OK';
  }
  async del(...keys: string[]) {
    await this.check();
    return keys.filter((k) => this.data.delete(k)).length;
  }
}

describe('RedisKeyvStore', () => {
  let now = 0;
  let redis: FakeRedis;
  let store: RedisKeyvStore;

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    now = 0;
    redis = new FakeRedis();
    store = new RedisKeyvStore(redis as unknown as Redis, new RedisCircuit(() => now));
  });
  afterEach(() => jest.restoreAllMocks());

  it('reads and writes through Redis', async () => {
    expect(await store.set('k', 'v', 1000)).toBe(true);
    expect(await store.get('k')).toBe('v');
    expect(await store.delete('k')).toBe(true);
    expect(await store.get('k')).toBeUndefined();
  });

  it('sends the reads of one turn of the event loop as one MGET, each caller its own value', async () => {
    await store.set('a', '1');
    await store.set('b', '2');
    const values = await Promise.all([store.get('a'), store.get('missing'), store.get('b')]);
    expect(values).toEqual(['1', undefined, '2']);
    expect(redis.mgetCalls).toBe(1);
  });

  it('reads several keys in one place of the MGET, missing ones undefined, an outage all misses', async () => {
    await store.set('a', '1');
    const [many, one] = await Promise.all([store.getMany(['a', 'missing']), store.get('a')]);
    expect(many).toEqual(['1', undefined]);
    expect(one).toBe('1');
    expect(redis.mgetCalls).toBe(1);
    redis.down = true;
    expect(await store.getMany(['a', 'b'])).toEqual([undefined, undefined]);
  });

  it('turns failures into misses and skipped writes, never errors', async () => {
    await store.set('k', 'v');
    redis.down = true;
    expect(await store.get('k')).toBeUndefined();
    expect(await store.set('k', 'w')).toBe(false);
  });

  it('replays a delete that failed during an outage before the next read', async () => {
    await store.set('version', 'old');
    redis.down = true;
    expect(await store.delete('version')).toBe(false);
    redis.down = false;
    now += REDIS_RETRY_AFTER_MS;
    expect(await store.get('version')).toBeUndefined();
    expect(redis.data.has('version')).toBe(false);
  });
});
