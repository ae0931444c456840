import { CacheModule } from '@nestjs/cache-manager';
import { Global, Module } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { DiscoveryModule } from '@nestjs/core';
import type Redis from 'ioredis';
import Keyv from 'keyv';
import { cacheConfig } from '../config/cache.config';
import { MemoReflector } from '../common/memo-reflector';
import { RedisCircuit } from '../redis/redis-circuit';
import { REDIS_CLIENT, RedisModule } from '../redis/redis.module';
import { CacheInvalidation } from './cache-invalidation.service';
import { HttpCacheFastPath } from './http-cache.fast-path';
import { HttpCacheInterceptor } from './http-cache.interceptor';
import { HttpCacheService } from './http-cache.service';
import { deserializeJson, serializeJson } from './keyv-json';
import { MemoryKeyvStore } from './memory-keyv-store';
import { RedisKeyvStore } from './redis-keyv-store';
import { MemoryTagStore, RedisTagStore, TAG_STORE, TagStore } from './tag-store';

/**
 * cache-manager over Redis when REDIS_URL is set (shared by every instance), otherwise
 * a bounded in-memory LRU. The Redis store uses the shared ioredis client, whose
 * commands give up within 100 ms (see RedisModule), so a Redis outage is a cache miss.
 */
@Global()
@Module({
  imports: [
    // DiscoveryService: configureApp tags every controller route (see tagNestRoutes).
    DiscoveryModule,
    RedisModule,
    CacheModule.registerAsync({
      isGlobal: true,
      inject: [cacheConfig.KEY, REDIS_CLIENT, RedisCircuit],
      useFactory: (
        config: ConfigType<typeof cacheConfig>,
        redis: Redis | null,
        circuit: RedisCircuit,
      ) => {
        // In memory, values are kept as they are: no JSON round trip on every read. In
        // Redis, plain JSON (keyv-json.ts).
        const keyv = redis
          ? new Keyv({
              store: new RedisKeyvStore(redis, circuit),
              namespace: 'sf',
              useKeyPrefix: false,
              serialize: serializeJson,
              deserialize: deserializeJson,
            })
          : new Keyv({
              store: new MemoryKeyvStore(50_000),
              namespace: 'sf',
              useKeyPrefix: false,
              serialize: undefined,
              deserialize: undefined,
            });
        return {
          stores: [keyv],
          ttl: config.ttlSeconds * 1000,
        };
      },
    }),
  ],
  providers: [
    MemoReflector,
    {
      provide: TAG_STORE,
      inject: [cacheConfig.KEY, REDIS_CLIENT, RedisCircuit],
      useFactory: (
        config: ConfigType<typeof cacheConfig>,
        redis: Redis | null,
        circuit: RedisCircuit,
      ): TagStore =>
        // A tag outlives every answer that could show it (twice the answer's TTL).
        redis
          ? new RedisTagStore(redis, circuit, Math.max(1, config.ttlSeconds) * 2000)
          : new MemoryTagStore(),
    },
    CacheInvalidation,
    HttpCacheService,
    HttpCacheFastPath,
    HttpCacheInterceptor,
  ],
  exports: [
    CacheInvalidation,
    HttpCacheFastPath,
    HttpCacheInterceptor,
    HttpCacheService,
    MemoReflector,
  ],
})
export class AppCacheModule {}
