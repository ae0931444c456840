import { registerAs } from '@nestjs/config';
import { DEFAULT_DATABASE_URL } from './database.config';
import { defaultRedisKeyPrefix } from './redis-key-prefix';

export const cacheConfig = registerAs('cache', () => ({
  redisUrl: process.env.REDIS_URL,
  /** Starts every key this deployment writes to Redis (see redis-key-prefix.ts). */
  redisKeyPrefix:
    process.env.REDIS_KEY_PREFIX ??
    defaultRedisKeyPrefix(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL),
  ttlSeconds: Number(process.env.CACHE_TTL ?? 60),
  throttleLimit: Number(process.env.THROTTLE_LIMIT ?? 100),
  throttleTtlSeconds: Number(process.env.THROTTLE_TTL ?? 86400),
}));
export type CacheConfig = ReturnType<typeof cacheConfig>;
