import { registerAs } from '@nestjs/config';

export const cacheConfig = registerAs('cache', () => ({
  redisUrl: process.env.REDIS_URL,
  ttlSeconds: Number(process.env.CACHE_TTL ?? 60),
  throttleLimit: Number(process.env.THROTTLE_LIMIT ?? 100),
  throttleTtlSeconds: Number(process.env.THROTTLE_TTL ?? 86400),
}));
export type CacheConfig = ReturnType<typeof cacheConfig>;
