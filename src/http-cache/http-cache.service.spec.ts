import { ConfigType } from '@nestjs/config';
import type { Cache } from 'cache-manager';
import { FastifyRequest } from 'fastify';
import { parse } from 'fast-querystring';
import { cacheConfig } from '../config/cache.config';
import { CacheVersionService } from './cache-version.service';
import { HttpCacheService, normalisedQuery } from './http-cache.service';

describe('normalisedQuery', () => {
  // Fastify's own query parser: the keys are built from what the handler receives.
  const parsed = (qs: string): unknown => parse(qs);

  it('sorts parameters by name, keeping the order of repeated ones', () => {
    expect(normalisedQuery(parsed('b=2&a=1'))).toBe(normalisedQuery(parsed('a=1&b=2')));
    expect(normalisedQuery(parsed('a=2&b=0&a=1'))).toBe('[["a",["2","1"]],["b","0"]]');
    expect(normalisedQuery(parsed('a=2&a=1'))).not.toBe(normalisedQuery(parsed('a=1&a=2')));
  });

  it('is empty without a query and keeps encoded values apart', () => {
    expect(normalisedQuery(parsed(''))).toBe('');
    expect(normalisedQuery(undefined)).toBe('');
    expect(normalisedQuery(parsed('search=a%26b'))).not.toBe(normalisedQuery(parsed('search=a&b')));
  });

  it('keeps apart what the handler tells apart, bad percent-encoding included', () => {
    // The parser leaves an invalid sequence as it is; U+FFFD is another value.
    expect(parsed('search=%FF')).toEqual({ search: '%FF' });
    expect(normalisedQuery(parsed('search=%FF'))).not.toBe(
      normalisedQuery(parsed('search=%EF%BF%BD')),
    );
    expect(normalisedQuery(parsed('search=%ED%A0%80'))).not.toBe(
      normalisedQuery(parsed('search=%EF%BF%BD%EF%BF%BD%EF%BF%BD')),
    );
    expect(normalisedQuery({ search: '\uD800' })).not.toBe(normalisedQuery({ search: '\uFFFD' }));
    // ...and together what it receives alike.
    expect(normalisedQuery(parsed('search=a+b'))).toBe(normalisedQuery(parsed('search=a%20b')));
    expect(normalisedQuery(parsed('search=%41'))).toBe(normalisedQuery(parsed('search=A')));
  });
});

describe('HttpCacheService', () => {
  const request = (url: string) => {
    const q = url.indexOf('?');
    return { url, query: parse(q < 0 ? '' : url.slice(q + 1)) } as unknown as FastifyRequest;
  };
  function build(redisUrl: string | undefined) {
    const store = new Map<string, unknown>();
    const cache = {
      get: jest.fn(async (k: string) => store.get(k)),
      set: jest.fn(async (k: string, v: unknown) => void store.set(k, v)),
    };
    let version = 'v1';
    const versions = { current: jest.fn(async (fs: readonly string[]) => fs.map(() => version)) };
    const svc = new HttpCacheService(
      cache as unknown as Cache,
      versions as unknown as CacheVersionService,
      { ttlSeconds: 60, redisUrl } as ConfigType<typeof cacheConfig>,
    );
    return { svc, cache, store, bump: (v: string) => (version = v) };
  }

  it('keys by path, sorted query, caller and family versions', async () => {
    const { svc, bump } = build(undefined);
    const a = await svc.keyFor(request('/p?b=1&a=2'), 'per-user', ['products'], 1);
    expect(await svc.keyFor(request('/p?a=2&b=1'), 'per-user', ['products'], 1)).toBe(a);
    expect(await svc.keyFor(request('/p?a=2&b=1'), 'per-user', ['products'], 2)).not.toBe(a);
    expect(await svc.keyFor(request('/p?a=2&b=1'), 'shared', ['products'], 1)).not.toBe(a);
    bump('v2');
    expect(await svc.keyFor(request('/p?a=2&b=1'), 'per-user', ['products'], 1)).not.toBe(a);
  });

  it('keeps short keys readable and hashes long ones', async () => {
    const { svc } = build(undefined);
    const short = await svc.keyFor(request('/p/1?x=1'), 'shared', ['products'], 1);
    expect(short).toBe('http:GET\n/p/1\n[["x","1"]]\n*\nproducts@v1');
    const q = `q=${'a'.repeat(300)}`;
    const long = await svc.keyFor(request(`/p?${q}`), 'shared', ['products'], 1);
    expect(long).toMatch(/^http:[A-Za-z0-9_-]{43}$/);
    expect(await svc.keyFor(request(`/p?${q}b`), 'shared', ['products'], 1)).not.toBe(long);
  });

  it('with Redis, answers a repeated hit from its in-process copy', async () => {
    const { svc, cache, store } = build('redis://localhost:6379');
    store.set('k', { text: '{"a":1}', expiresAt: Date.now() + 60_000 });
    expect(await svc.get('k')).toBe('{"a":1}');
    expect(await svc.get('k')).toBe('{"a":1}');
    expect(cache.get).toHaveBeenCalledTimes(1);
    await svc.set('k2', '{"b":2}');
    expect(await svc.get('k2')).toBe('{"b":2}');
    expect(cache.get).toHaveBeenCalledTimes(1);
    expect(await svc.get('missing')).toBeUndefined();
  });

  it('never keeps its copy longer than the shared entry lives', async () => {
    const { svc, cache, store } = build('redis://localhost:6379');
    store.set('old', { text: '{}', expiresAt: Date.now() - 1 });
    store.set('legacy', { text: '{}' });
    await svc.get('old');
    await svc.get('old');
    await svc.get('legacy');
    await svc.get('legacy');
    expect(cache.get).toHaveBeenCalledTimes(4);
  });

  it('without Redis, keeps no second copy (the store is in memory already)', async () => {
    const { svc, cache, store } = build(undefined);
    store.set('k', { text: '{}' });
    await svc.get('k');
    await svc.get('k');
    expect(cache.get).toHaveBeenCalledTimes(2);
  });
});
