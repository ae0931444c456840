import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import type { AuthUser } from './current-user.decorator';
import { HttpCacheInterceptor } from '../../http-cache/http-cache.interceptor';

export const CACHE_POLICY_KEY = 'cachePolicy';
export const CACHE_TAGS_KEY = 'cacheTags';
/**
 * - `shared`: the answer is the same for every caller; cached once for all.
 * - `per-user`: cached per account (orders, cart, me): never served to anyone else.
 * - `none`: never cached (any GET without one of the decorators below).
 */
export type CachePolicy = 'shared' | 'per-user' | 'none';

/**
 * What an answer shows, as CacheTags: the answer is served from the cache while none of
 * them was changed by a write (see CacheInvalidation). `user` is the caller (per-user),
 * `query` the parsed query.
 */
export type CacheTagsOf<T> = (
  body: T,
  user: AuthUser | undefined,
  query: Record<string, unknown>,
) => readonly string[];

const cached = <T>(policy: CachePolicy, tags: CacheTagsOf<T>) =>
  applyDecorators(
    SetMetadata(CACHE_POLICY_KEY, policy),
    SetMetadata(CACHE_TAGS_KEY, tags),
    UseInterceptors(HttpCacheInterceptor),
  );

/** A GET whose answer is the same for every caller, cached once for all. */
export const SharedCache = <T>(tags: CacheTagsOf<T>) => cached('shared', tags);
/** A GET whose answer depends on the caller, cached per account. */
export const PerUserCache = <T>(tags: CacheTagsOf<T>) => cached('per-user', tags);
/** Says in the code that a GET is not cached (the default without a decorator). */
export const NoCache = () => SetMetadata(CACHE_POLICY_KEY, 'none' satisfies CachePolicy);
