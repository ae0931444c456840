import { Injectable } from '@nestjs/common';
import { ThrottlerException, ThrottlerGuard, ThrottlerRequest } from '@nestjs/throttler';
import { FastifyReply, FastifyRequest } from 'fastify';

/** The lowest `remaining` reported so far for a request, so the tightest limit is shown. */
const shown = new WeakMap<object, number>();

/**
 * The library guard with one set of headers whatever the throttler: X-RateLimit-Limit,
 * -Remaining and -Reset describe the tightest limit that applies to the request (the
 * library would name a second throttler's headers `X-RateLimit-Limit-login` and
 * `Retry-After-login`), and a 429 always carries a plain Retry-After.
 *
 * Registered right after the JWT guard (see AuthModule), so request.user is set and the
 * tracker can be the account.
 */
@Injectable()
export class AppThrottlerGuard extends ThrottlerGuard {
  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    const { context, limit, ttl, throttler, blockDuration, getTracker, generateKey } = props;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const name = throttler.name ?? 'default';
    const tracker = await getTracker(request, context);
    const key = generateKey(context, tracker, name);
    const record = await this.storageService.increment(key, ttl, limit, blockDuration, name);
    const remaining = Math.max(0, limit - record.totalHits);
    const before = shown.get(request);
    if (before === undefined || remaining < before || record.isBlocked) {
      shown.set(request, remaining);
      void reply.header('X-RateLimit-Limit', limit);
      void reply.header('X-RateLimit-Remaining', remaining);
      void reply.header('X-RateLimit-Reset', record.timeToExpire);
    }
    if (record.isBlocked) {
      void reply.header('Retry-After', record.timeToBlockExpire);
      throw new ThrottlerException(
        name === 'login'
          ? 'Too many sign-in attempts for this username from this address; try again later'
          : 'Too many requests; try again later',
      );
    }
    return true;
  }
}
