import KeyvRedis from '@keyv/redis';
import { CacheModule } from '@nestjs/cache-manager';
import { Global, Module } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import Keyv from 'keyv';
import { LRUCache } from 'lru-cache';
import { cacheConfig } from '../../config/cache.config';

/**
 * cache-manager over Redis when REDIS_URL is set (shared by every instance), otherwise
 * a bounded in-memory LRU.
 */
@Global()
@Module({
  imports: [
    CacheModule.registerAsync({
      isGlobal: true,
      inject: [cacheConfig.KEY],
      useFactory: (config: ConfigType<typeof cacheConfig>) => {
        const store = config.redisUrl
          ? new KeyvRedis(config.redisUrl)
          : new LRUCache<string, object>({ max: 50_000 });
        return {
          stores: [new Keyv({ store, namespace: 'sf', useKeyPrefix: false })],
          ttl: config.ttlSeconds * 1000,
        };
      },
    }),
  ],
})
export class AppCacheModule {}
