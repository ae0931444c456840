import { ConfigType } from '@nestjs/config';
import type { Cache } from 'cache-manager';
import { FastifyRequest } from 'fastify';
import { parse } from 'fast-querystring';
import { cacheConfig } from '../config/cache.config';
import { MemoryTagStore } from './tag-store';
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
    const tags = new MemoryTagStore();
    const svc = new HttpCacheService(cache as unknown as Cache, tags, {
      ttlSeconds: 60,
      redisUrl,
    } as ConfigType<typeof cacheConfig>);
    return { svc, cache, store, tags };
  }
  const entry = (text: string, extra: object = {}) => ({ text, since: 0, tags: ['t'], ...extra });

  it('keys by path, sorted query and caller', () => {
    const { svc } = build(undefined);
    const a = svc.keyFor(request('/p?b=1&a=2'), 'per-user', 1);
    expect(svc.keyFor(request('/p?a=2&b=1'), 'per-user', 1)).toBe(a);
    expect(svc.keyFor(request('/p?a=2&b=1'), 'per-user', 2)).not.toBe(a);
    expect(svc.keyFor(request('/p?a=2&b=1'), 'shared', 1)).not.toBe(a);
  });

  it('keeps short keys readable and hashes long ones', () => {
    const { svc } = build(undefined);
    expect(svc.keyFor(request('/p/1?x=1'), 'shared', 1)).toBe('http:GET\n/p/1\n[["x","1"]]\n*');
    const q = `q=${'a'.repeat(300)}`;
    const long = svc.keyFor(request(`/p?${q}`), 'shared', 1);
    expect(long).toMatch(/^http:[A-Za-z0-9_-]{43}$/);
    expect(svc.keyFor(request(`/p?${q}b`), 'shared', 1)).not.toBe(long);
  });

  it('serves an entry until one of its tags is changed by a later write, and only that', async () => {
    const { svc, tags } = build(undefined);
    const since = (await svc.snapshot()) as number;
    await svc.set('list', '[1,2]', since, ['p:1', 'p:2']);
    await svc.set('one', '{"id":3}', since, ['p:3']);
    expect(await svc.get('list')).toBe('[1,2]');
    await tags.stamp(['p:3']);
    expect(await svc.get('list')).toBe('[1,2]');
    expect(await svc.get('one')).toBeUndefined();
    await tags.stamp(['p:2']);
    expect(await svc.get('list')).toBeUndefined();
  });

  it('refuses an answer read before a write that was stamped while it was being read', async () => {
    const { svc, tags } = build(undefined);
    const since = (await svc.snapshot()) as number;
    // The handler reads the old row; the write commits and stamps; then the answer is stored.
    await tags.stamp(['p:1']);
    await svc.set('one', '{"stock":5}', since, ['p:1']);
    expect(await svc.get('one')).toBeUndefined();
    const after = (await svc.snapshot()) as number;
    await svc.set('one', '{"stock":4}', after, ['p:1']);
    expect(await svc.get('one')).toBe('{"stock":4}');
  });

  it('with Redis, answers a repeated hit from its in-process copy', async () => {
    const { svc, cache, store } = build('redis://localhost:6379');
    store.set('k', entry('{"a":1}', { expiresAt: Date.now() + 60_000 }));
    expect(await svc.get('k')).toBe('{"a":1}');
    expect(await svc.get('k')).toBe('{"a":1}');
    expect(cache.get).toHaveBeenCalledTimes(1);
    await svc.set('k2', '{"b":2}', 0, []);
    expect(await svc.get('k2')).toBe('{"b":2}');
    expect(cache.get).toHaveBeenCalledTimes(1);
    expect(await svc.get('missing')).toBeUndefined();
  });

  it('never keeps its copy longer than the shared entry lives, and ignores other shapes', async () => {
    const { svc, cache, store } = build('redis://localhost:6379');
    store.set('old', entry('{}', { expiresAt: Date.now() - 1 }));
    store.set('legacy', { text: '{}' });
    await svc.get('old');
    await svc.get('old');
    expect(await svc.get('legacy')).toBeUndefined();
    await svc.get('legacy');
    expect(cache.get).toHaveBeenCalledTimes(4);
  });

  it('without Redis, keeps no second copy (the store is in memory already)', async () => {
    const { svc, cache, store } = build(undefined);
    store.set('k', entry('{}'));
    await svc.get('k');
    await svc.get('k');
    expect(cache.get).toHaveBeenCalledTimes(2);
  });
});
