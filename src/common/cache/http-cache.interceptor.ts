import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { PATH_METADATA } from '@nestjs/common/constants';
import type { Cache } from 'cache-manager';
import { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { mergeMap, Observable, of } from 'rxjs';
import { cacheConfig } from '../../config/cache.config';
import {
  CACHE_FAMILIES,
  CACHE_FAMILIES_KEY,
  CACHE_POLICY_KEY,
  CacheFamily,
  CachePolicy,
} from '../decorators/cache-policy.decorator';
import { CacheVersionService } from './cache-version.service';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The JSON text of the body: a hit is sent as it is, with no parse and no re-serialisation. */
interface CachedResponse {
  text: string;
}

/**
 * Parameters sorted by name, so `?b=1&a=2` and `?a=2&b=1` share one entry. The sort is
 * stable: repeated parameters keep their order, which a handler may give meaning to.
 */
export function normalisedQuery(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return '';
  const params = [...new URLSearchParams(url.slice(q + 1)).entries()];
  params.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new URLSearchParams(params).toString();
}

/**
 * The response cache (GET only) and the write side of its invalidation.
 *
 * GET: key = method, path, sorted query, the caller's account unless the route is
 * @SharedCache(), and the current versions of the route's families. Only a 200 with a
 * body is stored. `X-Cache: HIT|MISS` tells which. The JWT guard has already run, so a
 * shared entry is still only served to an authenticated caller; a per-user route with no
 * caller is not cached at all.
 *
 * POST, PUT, PATCH, DELETE: a successful write bumps the route's families, so a feature whose
 * service forgets to bump is still fresh for writes made over HTTP.
 */
@Injectable()
export class HttpCacheInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    private readonly versions: CacheVersionService,
    @Inject(cacheConfig.KEY) private readonly config: ConfigType<typeof cacheConfig>,
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
    if (policy === 'none' || this.config.ttlSeconds <= 0) return next.handle();
    const userId = request.user?.id;
    if (policy === 'per-user' && userId === undefined) return next.handle();

    const versions = await this.versions.current(families);
    const path = request.url.split('?')[0];
    const raw = [
      request.method,
      path,
      normalisedQuery(request.url),
      policy === 'shared' ? '*' : `acct:${userId}`,
      families.map((f, i) => `${f}@${versions[i]}`).join(','),
    ].join('\n');
    const key = `http:${createHash('sha256').update(raw).digest('base64url')}`;

    const hit = await this.cache.get<CachedResponse>(key);
    if (hit && typeof hit.text === 'string') {
      void reply.header('X-Cache', 'HIT');
      void reply.header('content-type', 'application/json; charset=utf-8');
      return of(hit.text);
    }
    void reply.header('X-Cache', 'MISS');
    return next.handle().pipe(
      mergeMap(async (body: unknown) => {
        if (reply.statusCode === 200 && body !== undefined) {
          const text = JSON.stringify(body);
          await this.cache.set<CachedResponse>(key, { text }, this.config.ttlSeconds * 1000);
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
