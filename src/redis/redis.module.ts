import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import Redis from 'ioredis';
import { cacheConfig } from '../config/cache.config';
import { REDIS_COMMAND_TIMEOUT_MS, RedisCircuit } from './redis-circuit';

/** The shared ioredis client, or null when REDIS_URL is not set. */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

/**
 * ioredis by default queues commands while disconnected and retries them forever, which
 * would hang every request during an outage. Here a command fails at once when the
 * connection is down (no offline queue, no per-request retries) and after 100 ms when
 * Redis is slow; the connection itself is retried in the background, so service resumes
 * without a restart.
 *
 * `keyPrefix` (REDIS_KEY_PREFIX) is put by ioredis on every key argument of every command,
 * the KEYS of scripts included, so no caller can write outside this deployment's namespace.
 * It does not apply to patterns of KEYS/SCAN: this service uses neither.
 */
const CONNECT_TIMEOUT_MS = 1000;

export function createRedisClient(url: string, keyPrefix: string): Redis {
  const client = new Redis(url, {
    keyPrefix,
    enableOfflineQueue: false,
    // Off: each auto-pipeline is an ioredis Pipeline object per tick, and a cached read's
    // commands come one per tick (guards run in turn), so it cost more than it saved. The
    // hot reads are batched per turn instead (RedisBatchReader, the throttler's script);
    // docs/benchmarks.md, "Redis reads in one command".
    enableAutoPipelining: false,
    maxRetriesPerRequest: 0,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // Closing while Redis is unreachable otherwise holds the process open for 2 s.
    disconnectTimeout: 200,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  });
  // Errors surface through the commands (and RedisCircuit logs them once); an unhandled
  // 'error' event would otherwise be printed on every reconnect attempt.
  client.on('error', () => undefined);
  return client;
}

/**
 * Resolves once the client is connected, or after `ms` (Redis down at start: the app starts
 * without it, degraded, and the client keeps reconnecting). Without the wait, the commands
 * of start-up and of the first requests would meet a client still connecting, fail at once
 * (no offline queue) and open RedisCircuit for a second.
 */
export async function whenReady(client: Redis, ms: number): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    client.once('ready', done);
  });
}

@Injectable()
class RedisClientCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly client: Redis | null) {}

  /**
   * After the HTTP server has stopped (Nest runs onModuleDestroy before): a write still in
   * flight during shutdown must still bump its cache families in Redis.
   */
  onApplicationShutdown(): void {
    this.client?.disconnect();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [cacheConfig.KEY],
      useFactory: async (config: ConfigType<typeof cacheConfig>): Promise<Redis | null> => {
        if (!config.redisUrl) return null;
        const client = createRedisClient(config.redisUrl, config.redisKeyPrefix);
        await whenReady(client, CONNECT_TIMEOUT_MS);
        return client;
      },
    },
    { provide: RedisCircuit, useFactory: () => new RedisCircuit() },
    RedisClientCloser,
  ],
  exports: [REDIS_CLIENT, RedisCircuit],
})
export class RedisModule {}
