import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import { randomBytes } from 'node:crypto';
import { CacheFamily } from '../common/decorators/cache-policy.decorator';

const versionKey = (family: string) => `cache-version:${family}`;
/** Longer than any cached response lives; an expired version only costs misses. */
const VERSION_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * One version per resource family, kept in the cache store (so in Redis every instance
 * sees the same one). Cached GET responses carry the versions of their families in the
 * key; a write bumps its families and every cached read of them becomes unreachable at
 * once, on every instance.
 *
 * A bump deletes the version and the next read picks a new random one. A delete, unlike
 * an increment, needs no atomic counter in the store, and one that fails during a Redis
 * outage is replayed when Redis is back (RedisKeyvStore), so no stale entry returns.
 */
@Injectable()
export class CacheVersionService {
  constructor(@Inject(CACHE_MANAGER) private readonly cache: Cache) {}

  /** Call after the write has committed (before, a concurrent read could re-cache old data). */
  async bump(...families: CacheFamily[]): Promise<void> {
    await Promise.all([...new Set(families)].map((f) => this.cache.del(versionKey(f))));
  }

  /** The current version of each family, in order; a missing one is created. */
  async current(families: readonly string[]): Promise<string[]> {
    if (families.length === 0) return [];
    const values = await this.cache.mget<string>(families.map(versionKey));
    return Promise.all(
      families.map(async (family, i) => {
        const value = values[i];
        if (typeof value === 'string') return value;
        // Random, not 0: a version that was evicted must never match older entries again.
        const fresh = randomBytes(6).toString('base64url');
        await this.cache.set(versionKey(family), fresh, VERSION_TTL_MS);
        return fresh;
      }),
    );
  }
}
