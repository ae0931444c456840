import { CACHE_MANAGER, CacheInterceptor } from '@nestjs/cache-manager';
import { CallHandler, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Cache } from 'cache-manager';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, mergeMap, Observable, of } from 'rxjs';
import { MemoReflector } from '../common/memo-reflector';
import { cacheRouteOf, CacheRoute } from './cache-route';
import { HttpCacheFastPath } from './http-cache.fast-path';
import { HttpCacheService } from './http-cache.service';

/**
 * The response cache, bound to the GET handlers by SharedCache / PerUserCache (never
 * global: interceptors cost only the routes that have them). It owns the key (trackBy),
 * `X-Cache` and the store: a hit is the stored JSON text, sent as it is; a miss runs the
 * handler and stores its answer with the tags of what it shows and the write sequence
 * taken before the handler read (see TagStore), so a write that raced the read refuses it.
 *
 * Most hits never get here: HttpCacheFastPath answers them from Fastify's onRequest with
 * this very key and the same global guards; a request it missed comes here with its key.
 */
@Injectable()
export class HttpCacheInterceptor extends CacheInterceptor {
  constructor(
    @Inject(CACHE_MANAGER) cacheManager: Cache,
    reflector: Reflector,
    private readonly memo: MemoReflector,
    private readonly http: HttpCacheService,
    private readonly fastPath: HttpCacheFastPath,
  ) {
    super(cacheManager, reflector);
  }

  protected override trackBy(context: ExecutionContext): string | undefined {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (request.method !== 'GET' || !this.http.enabled) return undefined;
    const { policy } = this.routeOf(context);
    if (policy === 'none') return undefined;
    const userId = request.user?.id;
    if (policy === 'per-user' && userId === undefined) return undefined;
    return this.fastPath.missedKey(request) ?? this.http.keyFor(request, policy, userId);
  }

  override async intercept(
    context: ExecutionContext,
    next: CallHandler,
  ): Promise<Observable<unknown>> {
    const key = this.trackBy(context);
    if (key === undefined) return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    if (this.fastPath.missedKey(request) === undefined) {
      const text = await this.http.get(key);
      if (text !== undefined) {
        void reply
          .header('X-Cache', 'HIT')
          .header('content-type', 'application/json; charset=utf-8');
        return of(text);
      }
    }
    const since = await this.http.snapshot();
    void reply.header('X-Cache', 'MISS');
    // No sequence (Redis unreachable): served, not stored.
    if (since === undefined) return next.handle();
    const { tags } = this.routeOf(context);
    return next.handle().pipe(
      mergeMap((body: unknown) => {
        if (reply.statusCode !== 200 || body === undefined) return of(body);
        const text = JSON.stringify(body);
        // Stored before the answer leaves: the caller's next read is a hit.
        return from(
          this.http
            .set(
              key,
              text,
              since,
              tags(body as never, request.user, (request.query ?? {}) as Record<string, unknown>),
            )
            .then(() => body),
        );
      }),
    );
  }

  private routeOf(context: ExecutionContext): CacheRoute {
    return cacheRouteOf(this.memo, { classRef: context.getClass(), handler: context.getHandler() });
  }
}
