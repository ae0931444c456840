import { Controller, Get, Post } from '@nestjs/common';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '../fences/nest.fence';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { CacheFamilies, SharedCache } from '../common/decorators/cache-policy.decorator';
import { MemoReflector } from '../common/memo-reflector';
import { cacheRouteOf, nestRouteOf, tagNestRoutes } from './cache-route';

@Controller('products')
class Products {
  @Get() @SharedCache() list() {}
  @Post() @RouteConfig({ keep: 1 }) create() {}
  helper() {}
}

@CacheFamilies('cart')
@Controller('cart')
class Cart {
  @Get() get() {}
  @Post('checkout') @CacheFamilies('cart', 'orders') checkout() {}
}

@Controller('misc')
class Misc {
  @Get() get() {}
}

const requestFor = (handler: object) =>
  ({
    routeOptions: { config: Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) },
  }) as unknown as FastifyRequest;

describe('cache routes', () => {
  beforeAll(() => tagNestRoutes([Products, Cart, Misc]));
  const reflector = new MemoReflector();

  it('tags route methods with their class and method, keeping their own route config', () => {
    const list = Products.prototype.list;
    expect(nestRouteOf(requestFor(list))).toEqual({ classRef: Products, handler: list });
    const create = Products.prototype.create;
    expect(Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, create)).toMatchObject({ keep: 1 });
    expect(nestRouteOf(requestFor(create))?.handler).toBe(create);
    expect(Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, Products.prototype.helper)).toBe(
      undefined,
    );
    expect(nestRouteOf({ routeOptions: {} } as FastifyRequest)).toBeUndefined();
  });

  it('reads the policy (per-user unless marked) and the families (method, class, path)', () => {
    const route = (classRef: { prototype: object }, name: string) =>
      cacheRouteOf(reflector, {
        classRef: classRef as never,
        handler: (classRef.prototype as Record<string, () => void>)[name],
      });
    expect(route(Products, 'list')).toEqual({ policy: 'shared', families: ['products'] });
    expect(route(Cart, 'get')).toEqual({ policy: 'per-user', families: ['cart'] });
    expect(route(Cart, 'checkout')).toEqual({ policy: 'per-user', families: ['cart', 'orders'] });
    expect(route(Misc, 'get')).toEqual({ policy: 'per-user', families: [] });
  });
});
