import type { ApplicationConfig } from '@nestjs/core';
/**
 * Fence: the Nest names this app reads that the packages' entry points do not export.
 * Every import of a Nest package's inner path is here (eslint forbids them elsewhere);
 * nest.fence.spec.ts fails when a release renames or moves one.
 *
 * - ExecutionContextHost: the response cache's fast path runs the global guards with the
 *   very ExecutionContext Nest builds (http-cache.fast-path.ts).
 * - GUARDS_METADATA, INTERCEPTORS_METADATA: the fast path refuses routes with scoped
 *   guards or interceptors, which it would skip.
 * - PATH_METADATA, ROUTE_ARGS_METADATA, RouteParamtypes: which methods are routes and what
 *   they validate (cache-route.ts, openapi/validation-rules.ts).
 * - FASTIFY_ROUTE_CONFIG_METADATA: the `@RouteConfig` key, through which each route's Nest
 *   class and method reach Fastify's hooks (cache-route.ts).
 * - applicationConfigOf: Nest keeps an app's global enhancers in its ApplicationConfig, a
 *   private field; app.pipeline.ts checks at start-up that they are the listed ones.
 * - THROTTLER_*: the keys @nestjs/throttler's decorators write, which AppThrottlerGuard
 *   reads once per route instead of on every request.
 */
export {
  GUARDS_METADATA,
  INTERCEPTORS_METADATA,
  PATH_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants';
export { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
export { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
export { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';
export {
  THROTTLER_BLOCK_DURATION,
  THROTTLER_KEY_GENERATOR,
  THROTTLER_LIMIT,
  THROTTLER_SKIP,
  THROTTLER_TRACKER,
  THROTTLER_TTL,
} from '@nestjs/throttler/dist/throttler.constants';

/** The application's ApplicationConfig (its global guards, interceptors, pipes, filters). */
export function applicationConfigOf(app: object): ApplicationConfig {
  const config = (app as unknown as { config?: ApplicationConfig }).config;
  if (!config || typeof config.getGlobalGuards !== 'function') {
    throw new Error("Nest's application no longer keeps its ApplicationConfig in `config`");
  }
  return config;
}
