import { Module } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { ThrottlerModule } from '@nestjs/throttler';
import { FastifyRequest } from 'fastify';
import type Redis from 'ioredis';
import { authConfig } from '../config/auth.config';
import { cacheConfig } from '../config/cache.config';
import { RedisCircuit } from '../redis/redis-circuit';
import { REDIS_CLIENT } from '../redis/redis.module';
import { LOGIN_THROTTLER, LoginAttempts, loginKey } from './login-attempts.service';
import { LOGIN_THROTTLE_KEY } from './login-throttle.decorator';
import { MemoryThrottlerStorage } from './memory-throttler.storage';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/**
 * Login attempts count per address and username, so nobody can lock out a user elsewhere.
 * The username in its stored form, by the sign-in rule itself: `ADMIN` counts as `admin`,
 * and every spelling no account can have (`ádmin`, `admin `, which sign-in refuses with 400)
 * shares one bucket per address instead of getting a fresh one each.
 */
export function loginTracker(request: FastifyRequest): string {
  const body = request.body as { username?: unknown } | undefined;
  return loginKey(request.ip, body?.username);
}

/**
 * Two throttlers: `default` on every Nest route (per client and endpoint; health opts out
 * with @SkipThrottle, docs are not Nest routes), and `login` on routes marked
 * @LoginThrottle(). Counters live in Redis when REDIS_URL is set, else in memory.
 *
 * The guard itself (AppThrottlerGuard) is registered in AuthModule, before the JWT guard:
 * a request with a bad token is counted too (by address), and the guard identifies the
 * account from a valid token itself (see AppThrottlerGuard.getTracker).
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [cacheConfig.KEY, authConfig.KEY, REDIS_CLIENT, RedisCircuit],
      useFactory: (
        cache: ConfigType<typeof cacheConfig>,
        auth: ConfigType<typeof authConfig>,
        redis: Redis | null,
        circuit: RedisCircuit,
      ) => ({
        storage: redis ? new RedisThrottlerStorage(redis, circuit) : new MemoryThrottlerStorage(),
        throttlers: [
          {
            name: 'default',
            limit: cache.throttleLimit,
            ttl: cache.throttleTtlSeconds * 1000,
          },
          {
            name: LOGIN_THROTTLER,
            limit: auth.loginThrottleLimit,
            ttl: auth.loginThrottleTtlSeconds * 1000,
            getTracker: (req) => loginTracker(req as FastifyRequest),
            // Must depend on the route only: AppThrottlerGuard decides it once per route.
            skipIf: (context) =>
              Reflect.getMetadata(LOGIN_THROTTLE_KEY, context.getHandler()) !== true,
          },
        ],
      }),
    }),
  ],
  providers: [LoginAttempts],
  exports: [LoginAttempts],
})
export class RateLimitModule {}
