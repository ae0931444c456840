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

/** The resource families whose writes make cached reads stale (see CacheVersionService). */
export const CACHE_FAMILIES = [
  'products',
  'categories',
  'customers',
  'accounts',
  'orders',
  'cart',
] as const;
export type CacheFamily = (typeof CACHE_FAMILIES)[number];

export const CACHE_FAMILIES_KEY = 'cacheFamilies';
/**
 * The families a route's answer depends on (its cached GETs are keyed by their current
 * versions) and, on a write route, the families a successful write makes stale. Without
 * it a controller's first path segment is used when it names a family
 * (`@Controller('orders')` -> 'orders').
 */
export const CacheFamilies = (...families: CacheFamily[]) =>
  SetMetadata(CACHE_FAMILIES_KEY, families);
