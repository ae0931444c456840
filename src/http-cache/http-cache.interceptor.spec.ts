import { Controller, Get } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '../fences/nest.fence';
import type { Cache } from 'cache-manager';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { lastValueFrom, of } from 'rxjs';
import { PerUserCache, SharedCache } from '../common/decorators/cache-policy.decorator';
import { MemoReflector } from '../common/memo-reflector';
import { cacheConfig } from '../config/cache.config';
import { HttpCacheFastPath } from './http-cache.fast-path';
import { HttpCacheInterceptor } from './http-cache.interceptor';
import { HttpCacheService } from './http-cache.service';
import { MemoryTagStore } from './tag-store';

@Controller('things')
class Things {
  @Get(':id') @SharedCache((b: { id: number }) => [`t:${b.id}`]) get() {}
  @Get() @PerUserCache((_b: unknown, user) => [`mine:${user?.id}`]) mine() {}
}

function build() {
  const store = new Map<string, unknown>();
  const cache = {
    get: async (k: string) => store.get(k),
    set: async (k: string, v: unknown) => void store.set(k, v),
  } as unknown as Cache;
  const tags = new MemoryTagStore();
  const http = new HttpCacheService(cache, tags, { ttlSeconds: 60 } as ConfigType<
    typeof cacheConfig
  >);
  const interceptor = new HttpCacheInterceptor(
    cache,
    new Reflector(),
    new MemoReflector(),
    http,
    new HttpCacheFastPath(http, new MemoReflector()),
  );

  /** One GET through the interceptor, the handler answering `body` with `status`. */
  async function get(
    handler: () => void,
    body: unknown,
    opts: { user?: number; status?: number; url?: string } = {},
  ) {
    const headers: Record<string, string> = {};
    const request = {
      method: 'GET',
      url: opts.url ?? '/things/1',
      query: {},
      user: opts.user === undefined ? undefined : { id: opts.user },
    } as unknown as FastifyRequest;
    const reply = {
      statusCode: opts.status ?? 200,
      header(name: string, value: string) {
        headers[name] = value;
        return this;
      },
    } as unknown as FastifyReply;
    const context = new ExecutionContextHost([request, reply], Things, handler);
    let ran = 0;
    const out = await interceptor.intercept(context, {
      handle: () => {
        ran++;
        return of(body);
      },
    });
    return { body: await lastValueFrom(out), xCache: headers['X-Cache'], ran };
  }
  return { get, tags };
}

describe('HttpCacheInterceptor', () => {
  const { get: getHandler, mine } = Things.prototype;

  it('answers a miss from the handler and the next read from the cache, as stored text', async () => {
    const { get } = build();
    const first = await get(getHandler, { id: 1, name: 'tea' });
    expect(first).toEqual({ body: { id: 1, name: 'tea' }, xCache: 'MISS', ran: 1 });
    const second = await get(getHandler, { id: 1, name: 'other' });
    expect(second).toEqual({ body: '{"id":1,"name":"tea"}', xCache: 'HIT', ran: 0 });
  });

  it('misses once a write stamped a tag the answer shows, and only then', async () => {
    const { get, tags } = build();
    await get(getHandler, { id: 1 });
    await tags.stamp(['t:2']);
    expect((await get(getHandler, { id: 1 })).xCache).toBe('HIT');
    await tags.stamp(['t:1']);
    expect(await get(getHandler, { id: 1, v: 2 })).toMatchObject({ xCache: 'MISS', ran: 1 });
  });

  it('stores no error answer, and no per-user answer without a caller', async () => {
    const { get } = build();
    await get(getHandler, { id: 1 }, { status: 404 });
    expect((await get(getHandler, { id: 1 })).xCache).toBe('MISS');
    expect(await get(mine, [1], { url: '/things' })).toMatchObject({ xCache: undefined, ran: 1 });
  });

  it('keeps one caller’s answer from another', async () => {
    const { get } = build();
    await get(mine, ['a'], { user: 1, url: '/things' });
    expect((await get(mine, ['a'], { user: 1, url: '/things' })).xCache).toBe('HIT');
    expect(await get(mine, ['b'], { user: 2, url: '/things' })).toMatchObject({
      body: ['b'],
      xCache: 'MISS',
    });
  });
});
