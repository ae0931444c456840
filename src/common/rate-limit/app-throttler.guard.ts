import { Injectable } from '@nestjs/common';
import { MemoReflector } from '../memo-reflector';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerException,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { FastifyReply, FastifyRequest } from 'fastify';
import { TokenService } from '../../auth/token.service';

/** The lowest `remaining` reported so far for a request, so the tightest limit is shown. */
const shown = new WeakMap<object, number>();

/**
 * The library guard with one set of headers whatever the throttler: X-RateLimit-Limit,
 * -Remaining and -Reset describe the tightest limit that applies to the request (the
 * library would name a second throttler's headers `X-RateLimit-Limit-login` and
 * `Retry-After-login`), and a 429 always carries a plain Retry-After.
 *
 * Registered before the JWT guard (see AuthModule), so requests with a missing or bad
 * token are limited too, by address; a valid token makes the account the client.
 */
@Injectable()
export class AppThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: MemoReflector,
    private readonly tokens: TokenService,
  ) {
    super(options, storage, reflector);
  }

  /**
   * The account of a valid access token (signature and expiry; verification is memoised, so
   * this costs a map lookup), otherwise the client address (X-Forwarded-For only with
   * TRUST_PROXY, through Fastify's trustProxy).
   */
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const request = req as unknown as FastifyRequest;
    const account = this.tokens.accountOf(request.headers.authorization);
    return account !== undefined ? `acct:${account}` : `ip:${request.ip}`;
  }

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
