import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import type { Cache } from 'cache-manager';
import { FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { createHash } from 'node:crypto';
import { cacheConfig } from '../../config/cache.config';
import { CacheFamily, CachePolicy } from '../decorators/cache-policy.decorator';
import { CacheVersionService } from './cache-version.service';

/** Longer cache keys are hashed. */
const MAX_RAW_KEY = 200;

/** The JSON text of the body: a hit is sent as it is, with no parse and no re-serialisation. */
interface CachedResponse {
  text: string;
  /** Epoch ms when the entry ends: an in-process copy never outlives the shared entry. */
  expiresAt?: number;
}

/**
 * Parameters sorted by name, so `?b=1&a=2` and `?a=2&b=1` share one entry. The sort is
 * stable: repeated parameters keep their order, which a handler may give meaning to.
 */
export function normalisedQuery(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return '';
  const params = [...new URLSearchParams(url.slice(q + 1)).entries()];
  params.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new URLSearchParams(params).toString();
}

/**
 * Keys and entries of the GET response cache, shared by HttpCacheGuard (which fills it)
 * and the fast path (which answers hits before Nest's pipeline): both compute one key.
 *
 * Key = method, path, sorted query, the caller's account unless the route is shared, and
 * the current versions of the route's families (SHA-256 of them when that is long) (a write bumps them: see CacheVersionService).
 */
@Injectable()
export class HttpCacheService {
  /**
   * With Redis, an in-process copy of the entries this instance has read or written. An
   * entry's key holds its families' versions, so an entry never changes: a write makes it
   * unreachable (the versions are still read from Redis on every request) rather than
   * stale, and a local copy is as good as Redis's. It saves a Redis round trip per hit.
   * Bounded by size, and kept no longer than the shared entry (its expiry is stored in it).
   */
  private readonly local: LRUCache<string, string> | undefined;

  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    private readonly versions: CacheVersionService,
    @Inject(cacheConfig.KEY) private readonly config: ConfigType<typeof cacheConfig>,
  ) {
    this.local =
      config.redisUrl && config.ttlSeconds > 0
        ? new LRUCache<string, string>({
            maxSize: 16 * 1024 * 1024,
            sizeCalculation: (text, key) => text.length * 2 + key.length + 64,
            ttl: config.ttlSeconds * 1000,
          })
        : undefined;
  }

  get enabled(): boolean {
    return this.config.ttlSeconds > 0;
  }

  async keyFor(
    request: FastifyRequest,
    policy: Exclude<CachePolicy, 'none'>,
    families: readonly CacheFamily[],
    userId: number | undefined,
  ): Promise<string> {
    const versions = await this.versions.current(families);
    const url = request.url;
    const q = url.indexOf('?');
    const raw = [
      'GET',
      q < 0 ? url : url.slice(0, q),
      normalisedQuery(url),
      policy === 'shared' ? '*' : `acct:${userId}`,
      families.map((f, i) => `${f}@${versions[i]}`).join(','),
    ].join('\n');
    // Readable as it is when short (SHA-256 was ~3% of a cached read, with its native
    // object per call); hashed when long, since a query string can be. The two never meet:
    // a raw key has newlines, a hash has none.
    return raw.length <= MAX_RAW_KEY
      ? `http:${raw}`
      : `http:${createHash('sha256').update(raw).digest('base64url')}`;
  }

  /** The cached JSON text, or undefined (a Redis outage is a miss: see RedisKeyvStore). */
  async get(key: string): Promise<string | undefined> {
    const near = this.local?.get(key);
    if (near !== undefined) return near;
    const hit = await this.cache.get<CachedResponse>(key);
    if (!hit || typeof hit.text !== 'string') return undefined;
    const left = typeof hit.expiresAt === 'number' ? hit.expiresAt - Date.now() : 0;
    if (left > 0) this.local?.set(key, hit.text, { ttl: left });
    return hit.text;
  }

  async set(key: string, text: string): Promise<void> {
    const ttl = this.config.ttlSeconds * 1000;
    await this.cache.set<CachedResponse>(key, { text, expiresAt: Date.now() + ttl }, ttl);
    this.local?.set(key, text, { ttl });
  }
}
