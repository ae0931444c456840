import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import Redis from 'ioredis';
import { cacheConfig } from '../config/cache.config';

/** Readiness of Redis, when one is configured. Never waits long: a ping gets 1 s. */
@Injectable()
export class RedisHealthIndicator implements OnModuleDestroy {
  private client?: Redis;

  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(cacheConfig.KEY) private readonly config: ConfigType<typeof cacheConfig>,
  ) {}

  get configured(): boolean {
    return Boolean(this.config.redisUrl);
  }

  async check(key = 'redis'): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    if (!this.client) {
      this.client = new Redis(this.config.redisUrl as string, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        connectTimeout: 1000,
        // Closing while Redis is unreachable otherwise holds the process open for 2 s.
        disconnectTimeout: 200,
      });
      // Once, not per check: a listener per check would pile up.
      this.client.on('error', () => undefined);
    }
    try {
      if (this.client.status === 'wait' || this.client.status === 'end')
        await this.client.connect();
      await Promise.race([
        this.client.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1000).unref()),
      ]);
      return indicator.up();
    } catch {
      return indicator.down({ message: 'Redis is not answering' });
    }
  }

  onModuleDestroy(): void {
    this.client?.disconnect();
  }
}
