import { Logger } from '@nestjs/common';
import { ChildProcess } from 'node:child_process';
import { ADMIN, redisUrl, startApp, TestApp } from './helpers/test-app';
import { Http, HttpResponse } from './helpers/http';
import { freePort, startRedis as startRedisOn, stopRedis } from './helpers/redis-server';
import { customerSession } from './helpers/seed';

// A port of its own (a fixed one could be another server's: its probe would answer).
let port = 0;
const startRedis = () => startRedisOn(port);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function timed(call: () => Promise<HttpResponse>): Promise<HttpResponse> {
  const started = Date.now();
  const res = await call();
  expect(Date.now() - started).toBeLessThan(1000);
  return res;
}

// The outage test needs Redis in the first place (REDIS_URL set for the suite).
if (redisUrl) {
  describe('Redis outage (e2e)', () => {
    let redis: ChildProcess;
    let t: TestApp;
    let http: Http;
    let admin: string;
    let customer: string;
    let productId: number;
    let warn: jest.SpyInstance;

    beforeAll(async () => {
      port = await freePort();
      redis = await startRedis();
      t = await startApp({ env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
      http = new Http(t.baseUrl);
      admin = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
      customer = (await customerSession(t.app, http, 'outage-shopper')).token;
      const res = await http.post('/products', { name: 'Sturdy', price: '1.00' }, { token: admin });
      productId = res.body.id;
    });
    beforeEach(() => {
      warn = jest.spyOn(Logger.prototype, 'warn');
    });
    afterEach(() => warn.mockRestore());
    afterAll(async () => {
      await t.close();
      await stopRedis(redis);
    });

    const readProduct = () => http.get(`/products/${productId}`, { token: customer });
    const redisWarnings = () =>
      warn.mock.calls.filter(([message]) => String(message).includes('Redis is unavailable'))
        .length;

    it('caches through the throwaway Redis to begin with', async () => {
      await readProduct();
      expect((await readProduct()).headers.get('x-cache')).toBe('HIT');
    });

    it('keeps answering within 1 s from the database while Redis is down, warning once', async () => {
      await stopRedis(redis);
      for (let i = 0; i < 5; i++) {
        const res = await timed(readProduct);
        expect(res.status).toBe(200);
        expect(res.headers.get('x-cache')).toBe('MISS');
        expect(res.headers.get('x-ratelimit-limit')).not.toBeNull();
      }
      // The JWT guard's account check falls back to the database too.
      const me = await timed(() => http.get('/auth/me', { token: customer }));
      expect(me.status).toBe(200);
      const patched = await timed(() =>
        http.patch(`/products/${productId}`, { price: '2.00' }, { token: admin }),
      );
      expect(patched.status).toBe(200);
      const read = await timed(readProduct);
      expect(read.body.price).toBe('2.00');
      const login = await timed(() => http.post('/auth/login', ADMIN));
      expect(login.status).toBe(200);
      expect(redisWarnings()).toBe(1);
    });

    it('resumes caching when Redis is back, without a restart', async () => {
      redis = await startRedis();
      let cached = false;
      for (let i = 0; i < 40 && !cached; i++) {
        await sleep(250);
        await readProduct();
        const res = await readProduct();
        expect(res.status).toBe(200);
        cached = res.headers.get('x-cache') === 'HIT';
      }
      expect(cached).toBe(true);
      expect((await readProduct()).body.price).toBe('2.00');
    });

    it('gives up on a Redis that hangs, within 1 s per request', async () => {
      redis.kill('SIGSTOP');
      try {
        for (let i = 0; i < 5; i++) {
          const res = await timed(() => http.get('/auth/me', { token: customer }));
          expect(res.status).toBe(200);
        }
        expect((await timed(readProduct)).status).toBe(200);
        expect(redisWarnings()).toBe(1);
      } finally {
        redis.kill('SIGCONT');
      }
    });
  });
}

// Runs with or without a Redis for the suite: nothing listens on this port.
describe('Redis unreachable from the start (e2e)', () => {
  let t: TestApp;
  let http: Http;

  beforeAll(async () => {
    t = await startApp({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    http = new Http(t.baseUrl);
  });
  afterAll(async () => t.close());

  it('starts and serves every request from the database, uncached and unthrottled', async () => {
    const admin = (await timed(() => http.post('/auth/login', ADMIN))).body.accessToken as string;
    const created = await timed(() =>
      http.post('/products', { name: 'No Redis', price: '1.00' }, { token: admin }),
    );
    expect(created.status).toBe(201);
    for (let i = 0; i < 3; i++) {
      const res = await timed(() => http.get(`/products/${created.body.id}`, { token: admin }));
      expect(res.status).toBe(200);
      expect(res.headers.get('x-cache')).toBe('MISS');
    }
    const ready = await http.get('/health/ready');
    expect(ready.status).toBe(503);
  });
});
