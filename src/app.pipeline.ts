import { CanActivate, NestInterceptor, Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { JwtAuthGuard } from './auth/guards/jwt-auth.guard';
import { RolesGuard } from './auth/guards/roles.guard';
import { ProblemFilter } from './common/filters/problem.filter';
import { applicationConfigOf } from './fences/nest.fence';
import { AppThrottlerGuard } from './rate-limit/app-throttler.guard';

/**
 * The app's global request pipeline, in one place (Nest runs guards, then interceptors,
 * then pipes, then the handler; the filter answers every error):
 * - guards, in this order: the rate limit first, so requests with a bad token are counted
 *   too, then authentication, then the role check (registered by AuthModule, which owns
 *   their dependencies; ThrottlerModule is set up in RateLimitModule);
 * - interceptors: none. The response cache is an interceptor bound to its GET routes
 *   (HttpCacheInterceptor), so other routes never pay for Nest's interceptor chain, and
 *   its fast path, which answers hits before Nest, would skip any global one;
 * - pipes: createValidationPipe() (configureApp, app.useGlobalPipes);
 * - filters: ProblemFilter (problem+json for every error).
 */
export const GLOBAL_GUARDS: readonly Type<CanActivate>[] = [
  AppThrottlerGuard,
  JwtAuthGuard,
  RolesGuard,
];
export const GLOBAL_INTERCEPTORS: readonly Type<NestInterceptor>[] = [];

/** For AuthModule's providers: each guard as a global guard, in order. */
export const globalGuardProviders = () =>
  GLOBAL_GUARDS.map((guard) => ({ provide: APP_GUARD, useExisting: guard }));
export const globalFilterProviders = () => [{ provide: APP_FILTER, useClass: ProblemFilter }];

/** Nest's own global guards (what Nest runs), as instances in their order. */
export function globalGuardsOf(app: NestFastifyApplication): CanActivate[] {
  return applicationConfigOf(app).getGlobalGuards();
}

/**
 * Refuses to start when Nest's global pipeline is not the one listed above: the cache's
 * fast path runs Nest's global guards itself and no interceptor, so a global guard added
 * elsewhere (or request-scoped), or any global interceptor, would be skipped on hits.
 */
export function assertFastPathPipeline(app: NestFastifyApplication): void {
  const config = applicationConfigOf(app);
  const guards = config.getGlobalGuards().map((g) => g.constructor);
  const interceptors = [
    ...config.getGlobalInterceptors(),
    ...config.getGlobalRequestInterceptors(),
  ];
  const agree =
    guards.length === GLOBAL_GUARDS.length &&
    guards.every((g, i) => g === GLOBAL_GUARDS[i]) &&
    config.getGlobalRequestGuards().length === 0 &&
    interceptors.length === GLOBAL_INTERCEPTORS.length;
  if (!agree) {
    throw new Error(
      `The global pipeline is not app.pipeline.ts's: guards [${guards.map((g) => g.name).join(', ')}], ` +
        `${interceptors.length} interceptor(s); the cache's fast path would skip what differs`,
    );
  }
}
