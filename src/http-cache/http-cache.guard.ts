import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CacheFamily } from '../common/decorators/cache-policy.decorator';
import { MemoReflector } from '../common/memo-reflector';
import { CacheVersionService } from './cache-version.service';
import { cacheRouteOf } from './cache-route';
import { HttpCacheFastPath } from './http-cache.fast-path';
import { HttpCacheService } from './http-cache.service';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What the response on its way out must do, decided before the handler ran. */
type Pending = { kind: 'store'; key: string } | { kind: 'bump'; families: CacheFamily[] };

/**
 * The response cache's per-route decisions, taken in Nest's pipeline (where the route's
 * decorators are known) and carried out in Fastify's `onSend` hook (where the answer is).
 * It is the last global guard and always allows: it is not an access check. It is not an
 * interceptor because any global interceptor puts every request of every route through
 * Nest's interceptor chain (rxjs, AsyncResource.bind): ~20% of a `POST /orders`.
 *
 * GET: key as HttpCacheService says (versions read before the handler reads the
 * database), `X-Cache: MISS`, and the body is stored on the way out if the status is 200.
 * Hits never get here: HttpCacheFastPath answers them in `onRequest` (so a route with
 * its own `@UseGuards`/`@UseInterceptors`, which that path skips, is never served from the
 * cache). HEAD and OPTIONS neither read from nor invalidate the cache.
 *
 * POST, PUT, PATCH, DELETE: a 2xx answer bumps the route's families before it is sent, so
 * the client's next read is fresh, and so is everyone's.
 */
@Injectable()
export class HttpCacheGuard implements CanActivate {
  private readonly pending = new WeakMap<FastifyRequest, Pending>();

  constructor(
    private readonly reflector: MemoReflector,
    private readonly cache: HttpCacheService,
    private readonly versions: CacheVersionService,
    private readonly fastPath: HttpCacheFastPath,
  ) {}

  /** Adds the `onSend` hook that stores or bumps as decided here. */
  attach(fastify: FastifyInstance): void {
    // Callback style: most answers (every cache hit) have nothing to do and pay no promise.
    fastify.addHook('onSend', (request, reply, payload, done) => {
      const work = this.onSend(request, reply, payload);
      if (work === undefined) done(null, payload);
      else work.then(() => done(null, payload), done);
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const { policy, families } = cacheRouteOf(this.reflector, {
      classRef: context.getClass(),
      handler: context.getHandler(),
    });
    if (WRITE_METHODS.has(request.method)) {
      if (families.length > 0) this.pending.set(request, { kind: 'bump', families });
      return true;
    }
    if (request.method !== 'GET' || !this.cache.enabled || policy === 'none') return true;
    const userId = request.user?.id;
    if (policy === 'per-user' && userId === undefined) return true;
    // The fast path has usually just missed with this very key: no second versions read.
    const key =
      this.fastPath.missedKey(request) ??
      (await this.cache.keyFor(request, policy, families, userId));
    this.pending.set(request, { kind: 'store', key });
    void http.getResponse<FastifyReply>().header('X-Cache', 'MISS');
    return true;
  }

  private onSend(
    request: FastifyRequest,
    reply: FastifyReply,
    payload: unknown,
  ): Promise<void> | undefined {
    const pending = this.pending.get(request);
    if (!pending) return undefined;
    const status = reply.statusCode;
    if (pending.kind === 'bump') {
      if (status >= 200 && status < 300) return this.versions.bump(...pending.families);
    } else if (status === 200 && typeof payload === 'string' && payload.length > 0) {
      return this.cache.set(pending.key, payload);
    }
    return undefined;
  }
}
