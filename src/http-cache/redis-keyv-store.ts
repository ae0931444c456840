import type Redis from 'ioredis';
import { RedisBatchReader } from '../redis/redis-batch-reader';
import { RedisCircuit } from '../redis/redis-circuit';

const MAX_PENDING_DELETES = 10_000;

/**
 * The Keyv store over the shared ioredis client (Keyv serializes values and keeps the
 * expiry; this only moves strings). Every call goes through RedisCircuit, so with Redis
 * down or slow a read is a miss and a write is skipped, within the command timeout.
 *
 * A delete that could not reach Redis is remembered and replayed before the next read
 * once Redis answers again: deletes are what make cached data fresh (account revocation,
 * cache version bumps), so losing one would let stale data come back after the outage.
 */
export class RedisKeyvStore {
  /** Keyv sets this; unused because Keyv builds the keys itself (useKeyPrefix: false). */
  namespace?: string;
  readonly opts = { dialect: 'redis-ioredis' };
  private readonly pendingDeletes = new Set<string>();
  private readonly reader: RedisBatchReader;

  constructor(
    private readonly client: Redis,
    private readonly circuit: RedisCircuit,
  ) {
    this.reader = RedisBatchReader.of(client);
  }

  async get(key: string): Promise<string | undefined> {
    const [value] = await this.getMany([key]);
    return value;
  }

  /**
   * Keyv reads several keys (the JWT guard's account and session) in one call: one place
   * in the turn's MGET instead of a read, a promise and a circuit check each.
   */
  async getMany(keys: string[]): Promise<(string | undefined)[]> {
    return this.circuit.run(
      async () => {
        await this.replayDeletes();
        const values = await this.reader.read(keys);
        return values.map((value) => value ?? undefined);
      },
      keys.map(() => undefined),
    );
  }

  async set(key: string, value: string, ttl?: number): Promise<boolean> {
    return this.circuit.run(async () => {
      if (typeof ttl === 'number' && ttl > 0) await this.client.set(key, value, 'PX', ttl);
      else await this.client.set(key, value);
      return true;
    }, false);
  }

  async delete(key: string): Promise<boolean> {
    const done = await this.circuit.run(async () => (await this.client.del(key)) >= 0, false);
    if (!done) this.rememberDelete(key);
    return done;
  }

  /**
   * Not used by the app (freshness comes from version keys and TTLs). Deliberately a
   * no-op: the database also holds the shared rate-limit counters.
   */
  async clear(): Promise<void> {
    await Promise.resolve();
  }

  private rememberDelete(key: string): void {
    if (this.pendingDeletes.size >= MAX_PENDING_DELETES) {
      const oldest = this.pendingDeletes.values().next().value;
      if (oldest !== undefined) this.pendingDeletes.delete(oldest);
    }
    this.pendingDeletes.add(key);
  }

  private async replayDeletes(): Promise<void> {
    if (this.pendingDeletes.size === 0) return;
    const keys = [...this.pendingDeletes];
    await this.client.del(...keys);
    for (const key of keys) this.pendingDeletes.delete(key);
  }
}
