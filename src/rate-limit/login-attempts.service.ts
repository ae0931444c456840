import { Injectable } from '@nestjs/common';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { rateLimited } from '../common/errors/domain-error';
import { canonicalUsername } from '../common/username';

export const LOGIN_THROTTLER = 'login';
export const LOGIN_BLOCKED_MESSAGE =
  'Too many sign-in attempts for this username from this address; try again later';

/**
 * The `login` throttler's counter of one address and username. The same text is the
 * tracker and the storage key (AppThrottlerGuard.generateKey), whatever the route, so every
 * place that checks a password counts in one bucket.
 */
export function loginKey(ip: string, username: unknown): string {
  return `login:${ip}:${canonicalUsername(username) ?? ''}`;
}

/**
 * Sign-in attempts counted outside the login route: a password check of a signed-in
 * account (POST /auth/me/password) counts like a sign-in with its username from its
 * address, in the login throttler's own storage (Redis with REDIS_URL) and limits.
 */
@Injectable()
export class LoginAttempts {
  constructor(
    @InjectThrottlerOptions() private readonly options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
  ) {}

  /** Counts one attempt; rate_limited (429 with Retry-After) once over the limit. */
  async count(ip: string, username: string): Promise<void> {
    const throttlers = Array.isArray(this.options) ? this.options : this.options.throttlers;
    const login = throttlers.find((t) => t.name === LOGIN_THROTTLER);
    const { limit, ttl } = login ?? {};
    if (typeof limit !== 'number' || typeof ttl !== 'number') return;
    const blockDuration = typeof login?.blockDuration === 'number' ? login.blockDuration : ttl;
    const record = await this.storage.increment(
      loginKey(ip, username),
      ttl,
      limit,
      blockDuration,
      LOGIN_THROTTLER,
    );
    if (record.isBlocked) throw rateLimited(LOGIN_BLOCKED_MESSAGE, record.timeToBlockExpire);
  }
}
