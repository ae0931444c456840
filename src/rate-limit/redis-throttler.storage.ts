import { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { RedisCircuit } from '../redis/redis-circuit';
import { ThrottlerStorageRecord, toRecord } from './memory-throttler.storage';

/**
 * One round trip, O(1) per key: count the hit, start the window on the first one, report
 * the count and the time left. The PTTL check also repairs a key that somehow lost its
 * expiry. Takes any number of keys (KEYS[i] with its window ARGV[i] and its number of hits
 * ARGV[#KEYS + i]): the hits of one turn of the event loop are counted in one call, a key
 * hit several times in it (one client's burst) once, by that many.
 */
const INCREMENT_SCRIPT = `
local n = #KEYS
local out = {}
for i, key in ipairs(KEYS) do
  local count = tonumber(ARGV[n + i])
  local hits = redis.call('INCRBY', key, count)
  if hits == count then redis.call('PEXPIRE', key, ARGV[i]) end
  local left = redis.call('PTTL', key)
  if left < 0 then
    redis.call('PEXPIRE', key, ARGV[i])
    left = tonumber(ARGV[i])
  end
  out[#out + 1] = hits
  out[#out + 1] = left
end
return out
`;

type WithIncrement = Redis & {
  rateLimitIncrement(keyCount: number, ...keysTtlsCounts: (string | number)[]): Promise<number[]>;
};

interface Batch {
  keys: string[];
  ttls: number[];
  counts: number[];
  /** Each key's place in `keys`. */
  index: Map<string, number>;
  waiters: {
    slot: number;
    /** This hit's place among its key's hits of the batch, from 1. */
    nth: number;
    resolve(value: [number, number]): void;
    reject(err: unknown): void;
  }[];
}

/**
 * Fixed-window counters in Redis, so every instance shares one count per client and
 * endpoint. When Redis is down or slow the limiter fails open (the request is let
 * through, counted as its first hit) rather than turning an outage into 500s or hangs.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly client: WithIncrement;
  private batch: Batch | undefined;

  constructor(
    client: Redis,
    private readonly circuit: RedisCircuit,
    private readonly prefix = 'rl:',
  ) {
    // defineCommand uses EVALSHA and falls back to EVAL after a Redis restart. Without
    // numberOfKeys the first argument says how many keys follow.
    client.defineCommand('rateLimitIncrement', { lua: INCREMENT_SCRIPT });
    this.client = client as WithIncrement;
  }

  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    const [hits, left] = await this.circuit.run(() => this.batched(this.prefix + key, ttl), [
      1,
      ttl,
    ] as [number, number]);
    return toRecord(Number(hits), Number(left), limit);
  }

  /** Hits counted while the event loop handles one batch of I/O go to Redis together. */
  private batched(key: string, ttl: number): Promise<[number, number]> {
    let batch = this.batch;
    if (!batch) {
      const fresh: Batch = { keys: [], ttls: [], counts: [], index: new Map(), waiters: [] };
      batch = this.batch = fresh;
      setImmediate(() => this.flush(fresh));
    }
    let slot = batch.index.get(key);
    if (slot === undefined) {
      slot = batch.keys.push(key) - 1;
      batch.ttls.push(ttl);
      batch.counts.push(0);
      batch.index.set(key, slot);
    }
    const nth = ++batch.counts[slot];
    return new Promise((resolve, reject) => batch.waiters.push({ slot, nth, resolve, reject }));
  }

  private flush(batch: Batch): void {
    this.batch = undefined;
    this.client
      .rateLimitIncrement(batch.keys.length, ...batch.keys, ...batch.ttls, ...batch.counts)
      .then(
        (out) => {
          // The key's count after the batch, less the hits after this one: as if each hit
          // had been counted on its own, in order.
          for (const w of batch.waiters) {
            const after = Number(out[2 * w.slot]);
            w.resolve([after - batch.counts[w.slot] + w.nth, Number(out[2 * w.slot + 1])]);
          }
        },
        (err: unknown) => batch.waiters.forEach((w) => w.reject(err)),
      );
  }
}
