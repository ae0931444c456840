import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { MemoReflector } from '../memo-reflector';
import { PATH_METADATA } from '@nestjs/common/constants';
import { FastifyReply, FastifyRequest } from 'fastify';
import { mergeMap, Observable, of } from 'rxjs';
import {
  CACHE_FAMILIES,
  CACHE_FAMILIES_KEY,
  CACHE_POLICY_KEY,
  CacheFamily,
  CachePolicy,
} from '../decorators/cache-policy.decorator';
import { CacheVersionService } from './cache-version.service';
import { HttpCacheFastPath } from './http-cache.fast-path';
import { HttpCacheService } from './http-cache.service';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The response cache (GET only) and the write side of its invalidation.
 *
 * GET: key as HttpCacheService says. Only a 200 with a body is stored. `X-Cache: HIT|MISS`
 * tells which. The guards have already run, so a shared entry is still only served to an
 * authenticated caller; a per-user route with no caller is not cached at all. Each
 * cacheable route is also handed to HttpCacheFastPath, which answers its later hits
 * before Nest's pipeline (running the same guards).
 *
 * POST, PUT, PATCH, DELETE: a successful write bumps the route's families, so a feature whose
 * service forgets to bump is still fresh for writes made over HTTP.
 */
@Injectable()
export class HttpCacheInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: MemoReflector,
    private readonly cache: HttpCacheService,
    private readonly versions: CacheVersionService,
    private readonly fastPath: HttpCacheFastPath,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const policy =
      this.reflector.getAllAndOverride<CachePolicy | undefined>(CACHE_POLICY_KEY, [
        context.getHandler(),
        context.getClass(),
      ]) ?? 'per-user';
    const families = this.familiesOf(context);

    if (WRITE_METHODS.has(request.method)) {
      if (families.length === 0) return next.handle();
      return next.handle().pipe(
        mergeMap(async (body: unknown) => {
          await this.versions.bump(...families);
          return body;
        }),
      );
    }
    // HEAD and OPTIONS neither read from nor invalidate the cache.
    if (request.method !== 'GET') return next.handle();
    if (policy === 'none' || !this.cache.enabled) return next.handle();
    const userId = request.user?.id;
    if (policy === 'per-user' && userId === undefined) return next.handle();
    this.fastPath.remember(request, context, policy, families);

    const key = await this.cache.keyFor(request, policy, families, userId);
    const hit = await this.cache.get(key);
    if (hit !== undefined) {
      void reply.header('X-Cache', 'HIT');
      void reply.header('content-type', 'application/json; charset=utf-8');
      return of(hit);
    }
    void reply.header('X-Cache', 'MISS');
    return next.handle().pipe(
      mergeMap(async (body: unknown) => {
        if (reply.statusCode === 200 && body !== undefined) {
          await this.cache.set(key, JSON.stringify(body));
        }
        return body;
      }),
    );
  }

  private familiesOf(context: ExecutionContext): CacheFamily[] {
    const declared = this.reflector.getAllAndOverride<CacheFamily[] | undefined>(
      CACHE_FAMILIES_KEY,
      [context.getHandler(), context.getClass()],
    );
    if (declared) return declared;
    const path = String(Reflect.getMetadata(PATH_METADATA, context.getClass()) ?? '');
    const first = path.replace(/^\//, '').split('/')[0];
    return (CACHE_FAMILIES as readonly string[]).includes(first) ? [first as CacheFamily] : [];
  }
}
