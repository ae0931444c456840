import { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { RedisCircuit } from '../redis/redis-circuit';
import { ThrottlerStorageRecord, toRecord } from './memory-throttler.storage';

/**
 * One round trip, O(1): count the hit, start the window on the first one, report the
 * count and the time left. The PTTL check also repairs a key that somehow lost its expiry.
 */
const INCREMENT_SCRIPT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
return { hits, left }
`;

type WithIncrement = Redis & {
  rateLimitIncrement(key: string, ttlMs: number): Promise<[number, number]>;
};

/**
 * Fixed-window counters in Redis, so every instance shares one count per client and
 * endpoint. When Redis is down or slow the limiter fails open (the request is let
 * through, counted as its first hit) rather than turning an outage into 500s or hangs.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly client: WithIncrement;

  constructor(
    client: Redis,
    private readonly circuit: RedisCircuit,
    private readonly prefix = 'rl:',
  ) {
    // defineCommand uses EVALSHA and falls back to EVAL after a Redis restart.
    client.defineCommand('rateLimitIncrement', { numberOfKeys: 1, lua: INCREMENT_SCRIPT });
    this.client = client as WithIncrement;
  }

  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    const [hits, left] = await this.circuit.run(
      () => this.client.rateLimitIncrement(this.prefix + key, ttl),
      [1, ttl] as [number, number],
    );
    return toRecord(Number(hits), Number(left), limit);
  }
}
