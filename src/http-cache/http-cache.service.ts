import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import type { Cache } from 'cache-manager';
import { FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { createHash } from 'node:crypto';
import { cacheConfig } from '../config/cache.config';
import { CachePolicy } from '../common/decorators/cache-policy.decorator';
import { TAG_STORE, TagStore } from './tag-store';

/** Longer cache keys are hashed. */
const MAX_RAW_KEY = 200;

/** The JSON text of the body: a hit is sent as it is, with no parse and no re-serialisation. */
interface CachedResponse {
  text: string;
  /** The write sequence before the handler read the database (see TagStore). */
  since: number;
  /** What the answer shows (CacheTags): it is served while none of them changed. */
  tags: string[];
  /** Epoch ms when the entry ends: an in-process copy never outlives the shared entry. */
  expiresAt?: number;
}

const isEntry = (v: unknown): v is CachedResponse =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as CachedResponse).text === 'string' &&
  typeof (v as CachedResponse).since === 'number' &&
  Array.isArray((v as CachedResponse).tags);

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
 * Keys and entries of the GET response cache, shared by HttpCacheInterceptor (which fills
 * it) and its fast path (which answers hits before Nest's pipeline): both compute one key.
 *
 * Key = method, path, the parsed query (normalisedQuery) and the caller's account unless
 * the route is shared. An entry holds the answer's text, the tags of what it shows and the
 * write sequence it was read at; a lookup serves it only while none of those tags was
 * stamped by a later write (TagStore), so a write makes stale exactly the answers that
 * show what it changed, on every instance.
 */
@Injectable()
export class HttpCacheService {
  /**
   * An in-process copy of the entries this instance has read or written. An entry never
   * changes once written (its validity is checked against the tags on every lookup), so a
   * local copy is as good as the store's: with Redis it saves a round trip per hit; in
   * memory it holds the very objects the store holds and saves cache-manager's and Keyv's
   * layers of promises (~8% of a hit's CPU: docs/benchmarks.md, "Redis reads in one
   * command"). Bounded by size, and kept no longer than the shared entry (its expiry is
   * stored in it).
   */
  private readonly local: LRUCache<string, CachedResponse> | undefined;

  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    @Inject(TAG_STORE) private readonly tagStore: TagStore,
    @Inject(cacheConfig.KEY) private readonly config: ConfigType<typeof cacheConfig>,
  ) {
    this.local =
      config.ttlSeconds > 0
        ? new LRUCache<string, CachedResponse>({
            maxSize: 16 * 1024 * 1024,
            sizeCalculation: (e, key) => e.text.length * 2 + key.length + 64 + e.tags.length * 16,
            ttl: config.ttlSeconds * 1000,
          })
        : undefined;
  }

  get enabled(): boolean {
    return this.config.ttlSeconds > 0;
  }

  keyFor(
    request: FastifyRequest,
    policy: Exclude<CachePolicy, 'none'>,
    userId: number | undefined,
  ): string {
    const url = request.url;
    const q = url.indexOf('?');
    const raw = [
      'GET',
      q < 0 ? url : url.slice(0, q),
      normalisedQuery(request.query),
      policy === 'shared' ? '*' : `acct:${userId}`,
    ].join('\n');
    // Readable as it is when short (SHA-256 was ~3% of a cached read, with its native
    // object per call); hashed when long, since a query string can be. The two never meet:
    // a raw key has newlines, a hash has none.
    return raw.length <= MAX_RAW_KEY
      ? `http:${raw}`
      : `http:${createHash('sha256').update(raw).digest('base64url')}`;
  }

  /**
   * The cached JSON text while nothing it shows has changed, or undefined (a Redis outage
   * is a miss: see RedisKeyvStore and RedisTagStore).
   */
  async get(key: string): Promise<string | undefined> {
    const entry = await this.entry(key);
    if (!entry) return undefined;
    return (await this.tagStore.unchanged(entry.tags, entry.since)) ? entry.text : undefined;
  }

  /** The write sequence to store an answer with: take it before the handler reads. */
  snapshot(): Promise<number | undefined> {
    return this.tagStore.snapshot();
  }

  async set(key: string, text: string, since: number, tags: readonly string[]): Promise<void> {
    const ttl = this.config.ttlSeconds * 1000;
    const entry: CachedResponse = { text, since, tags: [...tags], expiresAt: Date.now() + ttl };
    await this.cache.set<CachedResponse>(key, entry, ttl);
    this.local?.set(key, entry, { ttl });
  }

  private async entry(key: string): Promise<CachedResponse | undefined> {
    const near = this.local?.get(key);
    if (near !== undefined) return near;
    const hit = await this.cache.get<unknown>(key);
    if (!isEntry(hit)) return undefined;
    const left = typeof hit.expiresAt === 'number' ? hit.expiresAt - Date.now() : 0;
    if (left > 0) this.local?.set(key, hit, { ttl: left });
    return hit;
  }
}
