import { SetMetadata } from '@nestjs/common';

export const CACHE_POLICY_KEY = 'cachePolicy';
/**
 * - `shared`: the answer is the same for every caller; cached once for all.
 * - `per-user` (the default for any GET not marked): cached per account.
 * - `none`: never cached.
 */
export type CachePolicy = 'shared' | 'per-user' | 'none';
export const SharedCache = () => SetMetadata(CACHE_POLICY_KEY, 'shared' satisfies CachePolicy);
export const NoCache = () => SetMetadata(CACHE_POLICY_KEY, 'none' satisfies CachePolicy);
