import { ExecutionContext, Type } from '@nestjs/common';
import { FASTIFY_ROUTE_CONFIG_METADATA, PATH_METADATA } from '../fences/nest.fence';
import type { FastifyRequest } from 'fastify';
import {
  CACHE_POLICY_KEY,
  CACHE_TAGS_KEY,
  CachePolicy,
  CacheTagsOf,
} from '../common/decorators/cache-policy.decorator';
import { MemoReflector } from '../common/memo-reflector';

/** A route's controller class and method, as Nest's ExecutionContext names them. */
export interface NestRoute {
  classRef: Type<unknown>;
  handler: ReturnType<ExecutionContext['getHandler']>;
}

export interface CacheRoute {
  policy: CachePolicy;
  tags: CacheTagsOf<never>;
}

/** The Fastify route config key that carries a route's NestRoute (see tagNestRoutes). */
const NEST_ROUTE = 'nestRoute';

/**
 * Tags every route method of the given controllers with its class and method in its
 * Fastify route config (Nest passes `@RouteConfig` metadata through to Fastify), so
 * Fastify's own hooks know a request's Nest route before Nest's router runs: the cache's
 * fast path can answer the very first request of a route. Call before the app's init,
 * which registers the routes.
 */
export function tagNestRoutes(controllers: Type<unknown>[]): void {
  for (const classRef of controllers) {
    const proto = classRef.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const handler = Object.getOwnPropertyDescriptor(proto, name)?.value as unknown;
      if (typeof handler !== 'function' || name === 'constructor') continue;
      if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
      const config = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) ?? {}) as object;
      const route: NestRoute = { classRef, handler };
      Reflect.defineMetadata(
        FASTIFY_ROUTE_CONFIG_METADATA,
        { ...config, [NEST_ROUTE]: route },
        handler,
      );
    }
  }
}

/** The Nest route of a request, when its controller was tagged. */
export function nestRouteOf(request: FastifyRequest): NestRoute | undefined {
  const config = request.routeOptions.config as { [NEST_ROUTE]?: NestRoute } | undefined;
  return config?.[NEST_ROUTE];
}

/**
 * A route's cache policy (`none` unless marked with SharedCache or PerUserCache) and the
 * tags of its answers.
 */
export function cacheRouteOf(reflector: MemoReflector, route: NestRoute): CacheRoute {
  let found = resolved.get(route.handler);
  if (!found) resolved.set(route.handler, (found = resolveCacheRoute(reflector, route)));
  return found;
}

/** Per handler: decorator metadata does not change once the classes are defined. */
const resolved = new WeakMap<object, CacheRoute>();

function resolveCacheRoute(reflector: MemoReflector, route: NestRoute): CacheRoute {
  const targets = [route.handler, route.classRef];
  const policy =
    reflector.getAllAndOverride<CachePolicy | undefined>(CACHE_POLICY_KEY, targets) ?? 'none';
  const tags = reflector.getAllAndOverride<CacheTagsOf<never> | undefined>(CACHE_TAGS_KEY, targets);
  return tags && policy !== 'none' ? { policy, tags } : { policy: 'none', tags: () => [] };
}
