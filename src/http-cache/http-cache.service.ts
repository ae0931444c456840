import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import type { Cache } from 'cache-manager';
import { FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { createHash } from 'node:crypto';
import { cacheConfig } from '../config/cache.config';
import { CacheFamily, CachePolicy } from '../common/decorators/cache-policy.decorator';
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
 * The query exactly as the handler sees it: Fastify's parse of it (`request.query`), not
 * the raw text, since two parsers disagree on bad percent-encoding (`%FF` stays `%FF` for
 * Fastify, URLSearchParams makes it U+FFFD like `%EF%BF%BD`), and a key that merges two
 * queries the handler tells apart serves one's answer to the other. Parameters sorted by
 * name, so `?b=1&a=2` and `?a=2&b=1` share one entry; a repeated parameter is one array,
 * in its order, which a handler may give meaning to. JSON: every string is kept apart.
 */
export function normalisedQuery(query: unknown): string {
  if (query === null || typeof query !== 'object') return '';
  const params = Object.entries(query);
  if (params.length === 0) return '';
  // Names of one object are distinct: the order is total.
  params.sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify(params);
}

/**
 * Keys and entries of the GET response cache, shared by HttpCacheGuard (which fills it)
 * and the fast path (which answers hits before Nest's pipeline): both compute one key.
 *
 * Key = method, path, the parsed query (normalisedQuery), the caller's account unless the
 * route is shared, and the current versions of the route's families (SHA-256 of them when that is long) (a write bumps them: see CacheVersionService).
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
      normalisedQuery(request.query),
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
