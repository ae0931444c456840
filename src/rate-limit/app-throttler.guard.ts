import { ExecutionContext, Injectable } from '@nestjs/common';
import { MemoReflector } from '../common/memo-reflector';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerException,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
// Not re-exported by the package's index; the names the library's own guard reads.
import {
  THROTTLER_BLOCK_DURATION,
  THROTTLER_KEY_GENERATOR,
  THROTTLER_LIMIT,
  THROTTLER_SKIP,
  THROTTLER_TRACKER,
  THROTTLER_TTL,
} from '../fences/nest.fence';
import { FastifyReply, FastifyRequest } from 'fastify';
import { BearerAccounts } from './bearer-accounts';
import { LOGIN_BLOCKED_MESSAGE, LOGIN_THROTTLER } from './login-attempts.service';

/** The lowest `remaining` reported so far for a request, so the tightest limit is shown. */
const shown = new WeakMap<object, number>();

/** Per-route settings the library reads from decorators (@Throttle and friends). */
const ROUTE_SETTINGS = [
  THROTTLER_LIMIT,
  THROTTLER_TTL,
  THROTTLER_BLOCK_DURATION,
  THROTTLER_TRACKER,
  THROTTLER_KEY_GENERATOR,
];

/** One throttler that applies to a route, with its settings resolved. */
type Step = Omit<ThrottlerRequest, 'context'>;

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
    private readonly tokens: BearerAccounts,
  ) {
    super(options, storage, reflector);
  }

  /**
   * The account of a valid access token (signature and expiry; verification is memoised, so
   * this costs a map lookup), otherwise the client address (X-Forwarded-For only with
   * TRUST_PROXY, through Fastify's trustProxy).
   */
  /** Per handler and class: the steps, or null for the library's own path. */
  private readonly plans = new WeakMap<object, WeakMap<object, Step[] | null>>();

  /**
   * The library's canActivate, with the throttlers that apply to a route and their
   * settings worked out once per route: the library re-reads five decorator keys and
   * awaits three settings per throttler on every request, which was a measurable part of
   * a cached read. A route with its own @Throttle settings, or a setting given as a
   * function of the request, takes the library's path.
   */
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const steps = this.stepsFor(context);
    if (steps === null) return super.canActivate(context);
    for (const step of steps) await this.handleRequest({ context, ...step });
    return true;
  }

  private stepsFor(context: ExecutionContext): Step[] | null {
    const handler = context.getHandler();
    const classRef = context.getClass();
    let byClass = this.plans.get(handler);
    if (!byClass) this.plans.set(handler, (byClass = new WeakMap()));
    let steps = byClass.get(classRef);
    if (steps === undefined) byClass.set(classRef, (steps = this.plan(context)));
    return steps;
  }

  private plan(context: ExecutionContext): Step[] | null {
    const targets = [context.getHandler(), context.getClass()];
    const { getTracker, generateKey, skipIf: commonSkipIf } = this.commonOptions;
    if (!getTracker || !generateKey) return null;
    const steps: Step[] = [];
    for (const throttler of this.throttlers) {
      const name = throttler.name ?? 'default';
      if (this.reflector.getAllAndOverride<boolean>(THROTTLER_SKIP + name, targets)) continue;
      const custom = ROUTE_SETTINGS.some(
        (key) => this.reflector.getAllAndOverride<unknown>(key + name, targets) !== undefined,
      );
      // This app's skipIf looks at the route only (see RateLimitModule): decided once.
      const skipIf = throttler.skipIf ?? commonSkipIf;
      if (skipIf?.(context)) continue;
      const { limit, ttl } = throttler;
      const blockDuration = throttler.blockDuration ?? ttl;
      if (
        custom ||
        typeof limit !== 'number' ||
        typeof ttl !== 'number' ||
        typeof blockDuration !== 'number'
      ) {
        return null;
      }
      steps.push({
        throttler,
        limit,
        ttl,
        blockDuration,
        getTracker: throttler.getTracker ?? getTracker,
        generateKey: throttler.generateKey ?? generateKey,
      });
    }
    return steps;
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const request = req as unknown as FastifyRequest;
    const account = this.tokens.accountOf(request.headers.authorization);
    return account !== undefined ? `acct:${account}` : `ip:${request.ip}`;
  }

  /**
   * The library's key (class, handler, throttler, tracker) without its SHA-256 (~2% of a
   * request in the profile): the parts are short. Hashed only when long, since the login
   * tracker holds a client-chosen username and counters live in memory or Redis.
   */
  protected override generateKey(context: ExecutionContext, suffix: string, name: string): string {
    // One bucket per address and username whatever the route (see loginKey); short by
    // construction (a username no account can have counts as '').
    if (name === LOGIN_THROTTLER && suffix.length <= 200) return suffix;
    const key = `${context.getClass().name}-${context.getHandler().name}-${name}-${suffix}`;
    return key.length <= 200 ? key : super.generateKey(context, suffix, name);
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
        name === LOGIN_THROTTLER ? LOGIN_BLOCKED_MESSAGE : 'Too many requests; try again later',
      );
    }
    return true;
  }
}
