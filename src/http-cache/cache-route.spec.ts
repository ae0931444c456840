import { Controller, Get, Post } from '@nestjs/common';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '../fences/nest.fence';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { PerUserCache, SharedCache } from '../common/decorators/cache-policy.decorator';
import { MemoReflector } from '../common/memo-reflector';
import { cacheRouteOf, nestRouteOf, tagNestRoutes } from './cache-route';

const listTags = () => ['p:set'];
const cartTags = () => ['cart:1'];

@Controller('products')
class Products {
  @Get() @SharedCache(listTags) list() {}
  @Post() @RouteConfig({ keep: 1 }) create() {}
  helper() {}
}

@Controller('cart')
class Cart {
  @Get() @PerUserCache(cartTags) get() {}
  @Post('checkout') checkout() {}
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

  it('reads the policy and tags of marked routes; any other route is not cached', () => {
    const route = (classRef: { prototype: object }, name: string) =>
      cacheRouteOf(reflector, {
        classRef: classRef as never,
        handler: (classRef.prototype as Record<string, () => void>)[name],
      });
    expect(route(Products, 'list')).toEqual({ policy: 'shared', tags: listTags });
    expect(route(Cart, 'get')).toEqual({ policy: 'per-user', tags: cartTags });
    expect(route(Cart, 'checkout').policy).toBe('none');
    expect(route(Misc, 'get').policy).toBe('none');
  });
});
