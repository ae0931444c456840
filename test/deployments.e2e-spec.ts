import * as bcrypt from 'bcrypt';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ChildProcess } from 'node:child_process';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { defaultRedisKeyPrefix } from '../src/config/redis-key-prefix';
import { freePort, startRedis, stopRedis } from './helpers/redis-server';
import { ADMIN, redisUrl, startApp, TestApp } from './helpers/test-app';
import { expectProblem, Http } from './helpers/http';
import { customerSession } from './helpers/seed';

/** An administrator inserted directly, next to the bootstrap one. */
async function seedAdmin(app: NestFastifyApplication, username: string): Promise<number> {
  const ds = app.get<DataSource>(getDataSourceToken());
  const saved = await ds.getRepository('Account').save({
    username,
    passwordHash: await bcrypt.hash('other-admin-password', 4),
    role: 'admin',
    customerId: null,
  });
  return saved.id as number;
}

/**
 * Two deployments (think staging and production) with their own databases, the same
 * JWT_SECRET and, when REDIS_URL is set, one Redis database. The second one derives its
 * REDIS_KEY_PREFIX from its database, as a deployment that does not set one does.
 * Their account ids collide on purpose: account N is a customer in one, an admin in the other.
 */
describe('Two deployments side by side (e2e)', () => {
  let a: TestApp;
  let b: TestApp;
  let httpA: Http;
  let httpB: Http;
  let customerA: { accountId: number; token: string };
  let adminB: string;

  beforeAll(async () => {
    a = await startApp();
    b = await startApp({ sqlite: true, env: { REDIS_KEY_PREFIX: undefined } });
    httpA = new Http(a.baseUrl);
    httpB = new Http(b.baseUrl);
    customerA = await customerSession(a.app, httpA, 'deploy-shopper');
    const adminIdB = await seedAdmin(b.app, 'deploy-admin');
    // The premise of the tests: the same id, a customer in A and an admin in B.
    expect(adminIdB).toBe(customerA.accountId);
    adminB = (await httpB.login('deploy-admin', 'other-admin-password')).accessToken;
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it("refuses a token of the other deployment, even where its account id is an admin's", async () => {
    expectProblem(await httpB.get('/accounts', { token: customerA.token }), 401);
    expectProblem(await httpB.get('/auth/me', { token: customerA.token }), 401);
    // And the other way round, while each token still works where it was issued.
    expectProblem(await httpA.get('/auth/me', { token: adminB }), 401);
    expect((await httpA.get('/auth/me', { token: customerA.token })).status).toBe(200);
    expect((await httpB.get('/auth/me', { token: adminB })).status).toBe(200);
  });

  if (redisUrl) {
    describe('on one Redis', () => {
      it("never gives an account the other deployment's state (role)", async () => {
        // B's admin makes B cache its account state; A's customer with the same id stays one.
        expect((await httpB.get('/accounts', { token: adminB })).status).toBe(200);
        expectProblem(await httpA.get('/accounts', { token: customerA.token }), 403);
        const me = await httpA.get('/auth/me', { token: customerA.token });
        expect(me.body).toMatchObject({ id: customerA.accountId, role: 'customer' });
      });

      it('never serves one deployment a product list the other cached', async () => {
        const created = await httpA.post(
          '/products',
          { name: 'Only in deployment A', price: '4.00', stock: 3 },
          { token: (await httpA.login(ADMIN.username, ADMIN.password)).accessToken },
        );
        expect(created.status).toBe(201);
        const fromA = await httpA.get('/products', { token: customerA.token });
        const againA = await httpA.get('/products', { token: customerA.token });
        expect(againA.headers.get('x-cache')).toBe('HIT');
        expect(fromA.text).toContain('Only in deployment A');
        const fromB = await httpB.get('/products', { token: adminB });
        expect(fromB.status).toBe(200);
        expect(fromB.headers.get('x-cache')).toBe('MISS');
        expect(fromB.text).not.toContain('Only in deployment A');
      });

      it("never counts one deployment's requests against the other's limit", async () => {
        // Anonymous requests count by address, the same one for both deployments here.
        let last = await httpA.get('/orders');
        for (let i = 0; i < 4; i++) last = await httpA.get('/orders');
        const limit = Number(last.headers.get('x-ratelimit-limit'));
        expect(Number(last.headers.get('x-ratelimit-remaining'))).toBe(limit - 5);
        const fromB = await httpB.get('/orders');
        expectProblem(fromB, 401);
        expect(Number(fromB.headers.get('x-ratelimit-remaining'))).toBe(limit - 1);
      });
    });
  }

  // Needs redis-server, as the outage test does (REDIS_URL set for the suite).
  if (redisUrl) {
    describe('on a Redis of its own', () => {
      let server: ChildProcess;
      let port: number;
      let own: TestApp;
      beforeAll(async () => {
        port = await freePort();
        server = await startRedis(port);
        own = await startApp({
          sqlite: true,
          env: { REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_KEY_PREFIX: undefined },
        });
      });
      afterAll(async () => {
        await own?.close();
        await stopRedis(server);
      });

      it('writes every key under the prefix derived from its database', async () => {
        const http = new Http(own.baseUrl);
        const pair = await http.login(ADMIN.username, ADMIN.password);
        const token = pair.accessToken;
        const created = await http.post(
          '/products',
          { name: 'Prefixed tea', price: '2.00', stock: 1 },
          { token },
        );
        expect(created.status).toBe(201);
        for (let i = 0; i < 2; i++) {
          expect((await http.get('/products', { token })).status).toBe(200);
          expect((await http.get('/auth/me', { token })).status).toBe(200);
        }
        expect((await http.post('/auth/refresh', { refreshToken: pair.refreshToken })).status).toBe(
          200,
        );
        expectProblem(await http.get('/orders'), 401);
        expect((await http.post('/auth/logout', undefined, { token })).status).toBe(204);

        const redis = new Redis(`redis://127.0.0.1:${port}`);
        const prefix = defaultRedisKeyPrefix(own.databaseUrl);
        // Every kind of key is written: counts, write stamps, answers, account state. Answers
        // are stored after they are sent, so on a loaded machine the last may still be on
        // its way: look again for up to 5 s.
        const kinds = ['rl:', 'cache-seq', 'cache-tag:', 'http:', 'account-state:'];
        const missing = (keys: string[]) =>
          kinds.filter((kind) => !keys.some((k) => k.startsWith(prefix + kind)));
        let keys = await redis.keys('*');
        for (let waited = 0; missing(keys).length > 0 && waited < 5000; waited += 50) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          keys = await redis.keys('*');
        }
        redis.disconnect();
        expect(keys.filter((k) => !k.startsWith(prefix))).toEqual([]);
        expect(missing(keys)).toEqual([]);
      });
    });
  }
});
