import { Controller, Get, Post } from '@nestjs/common';
import { ExecutionContextHost } from '../fences/nest.fence';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CacheFamilies, NoCache, SharedCache } from '../common/decorators/cache-policy.decorator';
import { MemoReflector } from '../common/memo-reflector';
import { CacheVersionService } from './cache-version.service';
import { HttpCacheFastPath } from './http-cache.fast-path';
import { HttpCacheGuard } from './http-cache.guard';
import { HttpCacheService } from './http-cache.service';

@Controller('orders')
class OrdersLike {
  @Get(':id') get() {}
  @Post() @CacheFamilies('orders', 'products') create() {}
}

@Controller('status')
class Elsewhere {
  @Get() @SharedCache() shared() {}
  @Get('health') @NoCache() health() {}
  @Post() write() {}
}

type OnSend = (
  req: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  done: (err: Error | null, payload?: unknown) => void,
) => void;

function build(enabled = true) {
  const cache = {
    enabled,
    keyFor: jest.fn(async (_r: FastifyRequest, policy: string, families: string[], user?: number) =>
      [policy, families.join(','), user].join('|'),
    ),
    set: jest.fn(async () => undefined),
  };
  const versions = { bump: jest.fn(async () => undefined) };
  const misses = new Map<unknown, string>();
  const fastPath = { missedKey: (req: unknown) => misses.get(req) };
  const guard = new HttpCacheGuard(
    new MemoReflector(),
    cache as unknown as HttpCacheService,
    versions as unknown as CacheVersionService,
    fastPath as unknown as HttpCacheFastPath,
  );
  let onSend: OnSend | undefined;
  guard.attach({
    addHook: (_name: string, hook: OnSend) => void (onSend = hook),
  } as unknown as FastifyInstance);

  /** One request through the guard, then its answer through the onSend hook. */
  async function request(
    method: string,
    classRef: object,
    handler: (...args: unknown[]) => unknown,
    opts: { user?: number; status?: number; payload?: unknown; missed?: string } = {},
  ) {
    const headers: Record<string, string> = {};
    const req = {
      method,
      url: '/x',
      user: opts.user === undefined ? undefined : { id: opts.user },
    } as unknown as FastifyRequest;
    if (opts.missed !== undefined) misses.set(req, opts.missed);
    const reply = {
      statusCode: opts.status ?? 200,
      header(name: string, value: string) {
        headers[name] = value;
        return reply;
      },
    } as unknown as FastifyReply;
    const ctx = new ExecutionContextHost([req, reply], classRef as never, handler);
    expect(await guard.canActivate(ctx)).toBe(true);
    const payload = opts.payload ?? '{"ok":true}';
    const sent = await new Promise((resolve, reject) =>
      onSend!(req, reply, payload, (err, out) => (err ? reject(err) : resolve(out))),
    );
    expect(sent).toBe(payload);
    return headers;
  }
  return { cache, versions, request };
}

describe('HttpCacheGuard', () => {
  const proto = (c: { prototype: object }) => c.prototype as Record<string, () => unknown>;

  it('stores a per-user GET answered 200 under the key read before the handler, as a MISS', async () => {
    const { cache, request } = build();
    const headers = await request('GET', OrdersLike, proto(OrdersLike).get, { user: 7 });
    expect(headers['X-Cache']).toBe('MISS');
    expect(cache.keyFor).toHaveBeenCalledWith(expect.anything(), 'per-user', ['orders'], 7);
    expect(cache.set).toHaveBeenCalledWith('per-user|orders|7', '{"ok":true}');
  });

  it('stores under the key the fast path just missed with, without reading versions again', async () => {
    const { cache, request } = build();
    await request('GET', OrdersLike, proto(OrdersLike).get, {
      user: 7,
      missed: 'k-from-fast-path',
    });
    expect(cache.keyFor).not.toHaveBeenCalled();
    expect(cache.set).toHaveBeenCalledWith('k-from-fast-path', '{"ok":true}');
  });

  it('stores nothing for an error, a per-user route without a caller, or @NoCache', async () => {
    const { cache, request } = build();
    await request('GET', OrdersLike, proto(OrdersLike).get, { user: 7, status: 404 });
    expect(await request('GET', OrdersLike, proto(OrdersLike).get)).toEqual({});
    expect(await request('GET', Elsewhere, proto(Elsewhere).health, { user: 7 })).toEqual({});
    expect(cache.set).not.toHaveBeenCalled();
  });

  it("hands a shared route's policy to the key and never caches HEAD", async () => {
    const { cache, request } = build();
    await request('GET', Elsewhere, proto(Elsewhere).shared, { user: 7 });
    expect(cache.keyFor).toHaveBeenCalledWith(expect.anything(), 'shared', [], 7);
    expect(cache.set).toHaveBeenCalledWith('shared||7', '{"ok":true}');
    await request('HEAD', Elsewhere, proto(Elsewhere).shared, { user: 7 });
    expect(cache.keyFor).toHaveBeenCalledTimes(1);
  });

  it('bumps the declared families after a 2xx write, and nothing after a failed one', async () => {
    const { versions, cache, request } = build();
    await request('POST', OrdersLike, proto(OrdersLike).create, { user: 7, status: 409 });
    expect(versions.bump).not.toHaveBeenCalled();
    await request('POST', OrdersLike, proto(OrdersLike).create, { user: 7, status: 201 });
    expect(versions.bump).toHaveBeenCalledWith('orders', 'products');
    expect(cache.set).not.toHaveBeenCalled();
  });

  it('bumps nothing for a controller whose path names no family', async () => {
    const { versions, request } = build();
    await request('POST', Elsewhere, proto(Elsewhere).write, { user: 7, status: 201 });
    expect(versions.bump).not.toHaveBeenCalled();
  });

  it('leaves GETs alone when the cache is off, but still bumps on writes', async () => {
    const { cache, versions, request } = build(false);
    expect(await request('GET', OrdersLike, proto(OrdersLike).get, { user: 7 })).toEqual({});
    expect(cache.keyFor).not.toHaveBeenCalled();
    await request('POST', OrdersLike, proto(OrdersLike).create, { user: 7, status: 201 });
    expect(versions.bump).toHaveBeenCalledTimes(1);
  });
});
