import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import type { Cache } from 'cache-manager';
import { FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { cacheConfig } from '../../config/cache.config';
import { CacheFamily, CachePolicy } from '../decorators/cache-policy.decorator';
import { CacheVersionService } from './cache-version.service';

/** The JSON text of the body: a hit is sent as it is, with no parse and no re-serialisation. */
interface CachedResponse {
  text: string;
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
 * Keys and entries of the GET response cache, shared by the interceptor (which fills it)
 * and the fast path (which answers hits before Nest's pipeline): both compute one key.
 *
 * Key = method, path, sorted query, the caller's account unless the route is shared, and
 * the current versions of the route's families (a write bumps them: see CacheVersionService).
 */
@Injectable()
export class HttpCacheService {
  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    private readonly versions: CacheVersionService,
    @Inject(cacheConfig.KEY) private readonly config: ConfigType<typeof cacheConfig>,
  ) {}

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
    return `http:${createHash('sha256').update(raw).digest('base64url')}`;
  }

  /** The cached JSON text, or undefined (a Redis outage is a miss: see RedisKeyvStore). */
  async get(key: string): Promise<string | undefined> {
    const hit = await this.cache.get<CachedResponse>(key);
    return hit && typeof hit.text === 'string' ? hit.text : undefined;
  }

  async set(key: string, text: string): Promise<void> {
    await this.cache.set<CachedResponse>(key, { text }, this.config.ttlSeconds * 1000);
  }
}
