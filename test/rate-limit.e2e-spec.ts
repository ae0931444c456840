import { ADMIN, redisUrl, startApp, TestApp } from './helpers/test-app';
import { expectProblem, Http, HttpResponse } from './helpers/http';
import { customerSession } from './helpers/seed';

function expectLimitHeaders(res: HttpResponse, limit: number, remaining: number): void {
  expect(res.headers.get('x-ratelimit-limit')).toBe(String(limit));
  expect(res.headers.get('x-ratelimit-remaining')).toBe(String(remaining));
  expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
}

function expectLimited(res: HttpResponse): void {
  expectProblem(res, 429);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
}

describe('Rate limit (e2e)', () => {
  describe('per client and endpoint (THROTTLE_LIMIT=3)', () => {
    let t: TestApp;
    let http: Http;
    let alice: string;
    let bob: string;

    beforeAll(async () => {
      t = await startApp({ env: { THROTTLE_LIMIT: '3' } });
      http = new Http(t.baseUrl);
      // Two sign-ins: two of the three login requests this address may make.
      alice = (await customerSession(t.app, http, 'rl-alice')).token;
      bob = (await customerSession(t.app, http, 'rl-bob')).token;
    });
    afterAll(async () => t.close());

    it('answers 429 problem+json with Retry-After after the limit, with headers throughout', async () => {
      expectLimitHeaders(await http.get('/auth/me', { token: alice }), 3, 2);
      expectLimitHeaders(await http.get('/auth/me', { token: alice }), 3, 1);
      expectLimitHeaders(await http.get('/auth/me', { token: alice }), 3, 0);
      const limited = await http.get('/auth/me', { token: alice });
      expectLimited(limited);
      expect(limited.body.detail).toMatch(/too many requests/i);
    });

    it('counts a burst of one client exactly: each request its own count, the rest 429', async () => {
      // Sent at once: however they are batched, no hit is lost or counted twice.
      const burst = await Promise.all(
        Array.from({ length: 6 }, () => http.get('/categories', { token: bob })),
      );
      const ok = burst.filter((res) => res.status === 200);
      expect(ok).toHaveLength(3);
      expect(ok.map((res) => res.headers.get('x-ratelimit-remaining')).sort()).toEqual([
        '0',
        '1',
        '2',
      ]);
      burst.filter((res) => res.status !== 200).forEach(expectLimited);
    });

    it('counts each endpoint apart', async () => {
      const other = await http.get('/products', { token: alice });
      expect(other.status).toBe(200);
      expectLimitHeaders(other, 3, 2);
    });

    it('counts two accounts from one address apart', async () => {
      expectLimited(await http.get('/auth/me', { token: alice }));
      const forBob = await http.get('/auth/me', { token: bob });
      expect(forBob.status).toBe(200);
      expectLimitHeaders(forBob, 3, 2);
    });

    it('limits anonymous callers by address (login is a limited endpoint too)', async () => {
      const third = await http.post('/auth/login', { username: 'nobody', password: 'wrong-pass' });
      expectProblem(third, 401);
      expectLimitHeaders(third, 3, 0);
      // Without TRUST_PROXY a forged X-Forwarded-For changes nothing.
      expectLimited(
        await http.post(
          '/auth/login',
          { username: ADMIN.username, password: 'x' },
          { headers: { 'x-forwarded-for': '192.0.2.44' } },
        ),
      );
    });

    it('counts requests with a bad or missing token too, by address (401 until 429)', async () => {
      const forged = `${alice.slice(0, -4)}AAAA`;
      for (const remaining of [2, 1, 0]) {
        const res = await http.get('/customers', { token: forged });
        expectProblem(res, 401);
        expectLimitHeaders(res, 3, remaining);
      }
      expectLimited(await http.get('/customers'));
      // A valid token is its own client: the account, not the address.
      const admin = await http.get('/customers', { token: alice });
      expectProblem(admin, 403);
      expectLimitHeaders(admin, 3, 2);
    });

    it('counts refused (403) requests too: the role check runs after the limit', async () => {
      const refused = await http.post('/products', { name: 'X', price: '1.00' }, { token: alice });
      expectProblem(refused, 403);
      expectLimitHeaders(refused, 3, 2);
    });

    it('leaves health alone', async () => {
      for (let i = 0; i < 5; i++) {
        const res = await http.get('/health');
        expect(res.status).toBe(200);
        expect(res.headers.get('x-ratelimit-limit')).toBeNull();
      }
    });
  });

  describe('login lockout (LOGIN_THROTTLE_LIMIT=3)', () => {
    let t: TestApp;
    let http: Http;

    beforeAll(async () => {
      t = await startApp({ env: { LOGIN_THROTTLE_LIMIT: '3', TRUST_PROXY: 'true' } });
      http = new Http(t.baseUrl);
    });
    afterAll(async () => t.close());

    const attempt = (username: string, password: string, address = '203.0.113.7') =>
      http.post('/auth/login', { username, password }, { headers: { 'x-forwarded-for': address } });

    it('locks a username out for this address after LOGIN_THROTTLE_LIMIT failures', async () => {
      for (let i = 0; i < 3; i++)
        expectProblem(await attempt(ADMIN.username, 'wrong-password'), 401);
      // Even the right password is refused now: guessing cannot continue.
      const locked = await attempt(ADMIN.username, ADMIN.password);
      expectProblem(locked, 429);
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(locked.body.detail).toMatch(/sign-in attempts/);
    });

    it('counts usernames apart and ignores the case of the username', async () => {
      expectProblem(await attempt('ADMIN', ADMIN.password), 429);
      expectProblem(await attempt('someone-else', 'wrong-password'), 401);
    });

    it('does not lock the user out from another address', async () => {
      const elsewhere = await attempt(ADMIN.username, ADMIN.password, '198.51.100.9');
      expect(elsewhere.status).toBe(200);
    });
  });

  describe('refused bodies count too (THROTTLE_LIMIT=3, LOGIN_THROTTLE_LIMIT=2)', () => {
    let t: TestApp;
    let http: Http;
    let admin: string;

    beforeAll(async () => {
      t = await startApp({
        env: { THROTTLE_LIMIT: '3', LOGIN_THROTTLE_LIMIT: '2', TRUST_PROXY: 'true' },
      });
      http = new Http(t.baseUrl);
      admin = (
        await http.post<{ accessToken: string }>(
          '/auth/login',
          { username: ADMIN.username, password: ADMIN.password },
          { headers: { 'x-forwarded-for': '198.51.100.1' } },
        )
      ).body.accessToken;
    });
    afterAll(async () => t.close());

    const deep = '{"a":'.repeat(40) + '1' + '}'.repeat(40);
    const json = { 'content-type': 'application/json' };
    const from = (address: string) => ({ headers: { ...json, 'x-forwarded-for': address } });

    it('counts a refused body against the client and endpoint, with the headers', async () => {
      const first = await http.post('/products', undefined, {
        token: admin,
        headers: json,
        raw: deep,
      });
      expectProblem(first, 400);
      expectLimitHeaders(first, 3, 2);
      const second = await http.post('/products', undefined, {
        token: admin,
        headers: json,
        raw: '{"name":',
      });
      expectProblem(second, 400);
      expectLimitHeaders(second, 3, 1);
      // The same bucket a valid request counts in: the third is the last one allowed.
      const valid = await http.post(
        '/products',
        { name: 'Counted', price: '1.00' },
        { token: admin },
      );
      expect(valid.status).toBe(201);
      expectLimitHeaders(valid, 3, 0);
      expectLimited(
        await http.post('/products', { name: 'Over', price: '1.00' }, { token: admin }),
      );
      // Other endpoints are counted apart.
      expect((await http.get('/products', { token: admin })).status).toBe(200);
    });

    it('answers a client over its limit 429, also for a refused body, and late', async () => {
      const address = '203.0.113.50';
      expectProblem(
        await http.post('/auth/login', undefined, { ...from(address), raw: deep }),
        400,
      );
      expectProblem(
        await http.post('/auth/login', undefined, { ...from(address), raw: deep }),
        400,
      );
      const started = Date.now();
      const limited = await http.post('/auth/login', undefined, { ...from(address), raw: deep });
      expectLimited(limited);
      expect(limited.body.detail).toMatch(/sign-in attempts/);
      // Held ~1 s (OVER_LIMIT_DELAY_MS): a client that sends the next body at once slows down.
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      // A body over the size limit, refused before it is read, is counted and limited too.
      const huge = await http.post('/auth/login', undefined, {
        ...from(address),
        raw: `{"k":"${'x'.repeat(1024 * 1024)}"}`,
      });
      expectLimited(huge);
      // The refused bodies had no username: a sign-in from that address with one still works.
      const login = await http.post(
        '/auth/login',
        { username: ADMIN.username, password: ADMIN.password },
        from(address),
      );
      expect(login.status).toBe(200);
    });

    it('counts bodies of another media type (415) too', async () => {
      const form = {
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-for': '203.0.113.51',
        },
        raw: 'username=admin&password=x',
      };
      expectProblem(await http.post('/auth/login', undefined, form), 415);
      expectProblem(await http.post('/auth/login', undefined, form), 415);
      expectLimited(await http.post('/auth/login', undefined, form));
    });
  });

  if (redisUrl) {
    describe('two instances on one Redis (THROTTLE_LIMIT=3)', () => {
      let first: TestApp;
      let second: TestApp;

      beforeAll(async () => {
        first = await startApp({ env: { THROTTLE_LIMIT: '3' } });
        second = await startApp({ env: { THROTTLE_LIMIT: '3' }, databaseUrl: first.databaseUrl });
      });
      afterAll(async () => {
        await second.close();
        await first.close();
      });

      it('shares one count per client', async () => {
        const h1 = new Http(first.baseUrl);
        const h2 = new Http(second.baseUrl);
        const { token } = await customerSession(first.app, h1, 'rl-shared');
        expectLimitHeaders(await h1.get('/auth/me', { token }), 3, 2);
        expectLimitHeaders(await h2.get('/auth/me', { token }), 3, 1);
        expectLimitHeaders(await h1.get('/auth/me', { token }), 3, 0);
        expectLimited(await h2.get('/auth/me', { token }));
      });
    });
  }
});
