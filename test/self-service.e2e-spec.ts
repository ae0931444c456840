import { ADMIN, redisUrl, startApp, TestApp } from './helpers/test-app';
import { expectProblem, Http } from './helpers/http';
import { customerSession, seedCustomerAccount } from './helpers/seed';

describe('Self-service (e2e)', () => {
  let t: TestApp;
  let http: Http;
  let admin: string;

  beforeAll(async () => {
    t = await startApp();
    http = new Http(t.baseUrl);
    admin = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
  });
  afterAll(async () => t.close());

  describe('PATCH /auth/me', () => {
    it("changes the caller's own name and phone; /auth/me and its orders show it at once", async () => {
      const me = await customerSession(t.app, http, 'self-edit');
      const product = await http.post(
        '/products',
        { name: 'Self-service tea', price: '3.50', stock: 10 },
        { token: admin },
      );
      expect(product.status).toBe(201);
      const order = await http.post(
        '/orders',
        { items: [{ productId: product.body.id, quantity: 1 }] },
        { token: me.token },
      );
      expect(order.status).toBe(201);
      // Read first, so that the old answers are cached.
      for (let i = 0; i < 2; i++) {
        expect((await http.get('/auth/me', { token: me.token })).body.customer.name).toBe(
          'self-edit',
        );
        const read = await http.get(`/orders/${order.body.id}`, { token: me.token });
        expect(read.body.customer.name).toBe('self-edit');
      }

      const res = await http.patch(
        '/auth/me',
        { name: '  Ada Self  ', phone: '+4915199999999' },
        { token: me.token },
      );
      expect(res.status).toBe(200);
      expect(res.body.customer).toMatchObject({
        id: me.customerId,
        name: 'Ada Self',
        phone: '+4915199999999',
        email: 'self-edit@example.com',
      });
      const after = await http.get('/auth/me', { token: me.token });
      expect(after.body.customer).toMatchObject({ name: 'Ada Self', phone: '+4915199999999' });
      const orderAfter = await http.get(`/orders/${order.body.id}`, { token: me.token });
      expect(orderAfter.body.customer.name).toBe('Ada Self');
      const list = await http.get('/orders', { token: me.token });
      expect(list.body.data[0].customer.name).toBe('Ada Self');
      const byAdmin = await http.get(`/customers/${me.customerId}`, { token: admin });
      expect(byAdmin.body).toMatchObject({ name: 'Ada Self', phone: '+4915199999999' });
    });

    it('refuses email, username, any other field and bad values with 400, writing nothing', async () => {
      const me = await customerSession(t.app, http, 'self-strict');
      for (const body of [
        { email: 'other@example.com' },
        { username: 'someone' },
        { name: 'Ok', role: 'admin' },
        { name: null },
        { name: '' },
        { phone: '015112345678' },
        { name: 'x'.repeat(121) },
      ]) {
        expectProblem(await http.patch('/auth/me', body, { token: me.token }), 400);
      }
      const after = await http.get(`/customers/${me.customerId}`, { token: admin });
      expect(after.body).toMatchObject({
        name: 'self-strict',
        email: 'self-strict@example.com',
        phone: '+4915100000000',
      });
      const account = await http.get('/auth/me', { token: me.token });
      expect(account.body.username).toBe('self-strict');
    });

    it('is 403 for an account without a customer, 401 without a token', async () => {
      expectProblem(await http.patch('/auth/me', { name: 'Admin' }, { token: admin }), 403);
      expectProblem(await http.patch('/auth/me', { name: 'Nobody' }), 401);
    });
  });

  describe('POST /auth/me/password', () => {
    const change = (token: string, currentPassword: string, newPassword: string) =>
      http.post('/auth/me/password', { currentPassword, newPassword }, { token });

    it('changes the password: other sessions end at once, this one (and its refresh) goes on', async () => {
      const me = await customerSession(t.app, http, 'self-pass');
      const other = await http.login('self-pass', 'customer-password');
      // Used first, so the other session's state is cached when it ends.
      expect((await http.get('/auth/me', { token: other.accessToken })).status).toBe(200);

      const res = await change(me.token, 'customer-password', 'a-brand-new-password');
      expect(res.status).toBe(204);
      expect(res.text).toBe('');

      expectProblem(await http.get('/auth/me', { token: other.accessToken }), 401);
      expectProblem(await http.post('/auth/refresh', { refreshToken: other.refreshToken }), 401);
      expect((await http.get('/auth/me', { token: me.token })).status).toBe(200);
      const refreshed = await http.post('/auth/refresh', { refreshToken: me.refreshToken });
      expect(refreshed.status).toBe(200);
      const next = refreshed.body.accessToken as string;
      expect((await http.get('/auth/me', { token: next })).status).toBe(200);

      expectProblem(
        await http.post('/auth/login', { username: 'self-pass', password: 'customer-password' }),
        401,
      );
      await http.login('self-pass', 'a-brand-new-password');
    });

    it('is 403 for a wrong current password, and changes nothing', async () => {
      const me = await customerSession(t.app, http, 'self-wrong');
      const other = await http.login('self-wrong', 'customer-password');
      expectProblem(await change(me.token, 'not-the-password', 'a-brand-new-password'), 403);
      expect((await http.get('/auth/me', { token: other.accessToken })).status).toBe(200);
      await http.login('self-wrong', 'customer-password');
    });

    it('works for an admin too (no customer needed)', async () => {
      await seedAdmin('self-admin');
      const pair = await http.login('self-admin', 'admin-password-1');
      const res = await change(pair.accessToken, 'admin-password-1', 'admin-password-2');
      expect(res.status).toBe(204);
      await http.login('self-admin', 'admin-password-2');
    });

    it('refuses bad bodies with 400, and no token with 401', async () => {
      const me = await customerSession(t.app, http, 'self-bad');
      for (const body of [
        {},
        { currentPassword: 'customer-password' },
        { currentPassword: 'customer-password', newPassword: 'short' },
        { currentPassword: 'customer-password', newPassword: 'é'.repeat(37) },
        { currentPassword: 'customer-password', newPassword: 'long-enough', extra: 1 },
        { currentPassword: 1, newPassword: 'long-enough' },
      ]) {
        expectProblem(await http.post('/auth/me/password', body, { token: me.token }), 400);
      }
      expectProblem(
        await http.post('/auth/me/password', { currentPassword: 'x', newPassword: 'long-enough' }),
        401,
      );
      await http.login('self-bad', 'customer-password');
    });

    async function seedAdmin(username: string): Promise<void> {
      const res = await http.post(
        '/accounts',
        { username, password: 'admin-password-1', role: 'admin' },
        { token: admin },
      );
      expect(res.status).toBe(201);
    }
  });

  describe('counted like a sign-in (LOGIN_THROTTLE_LIMIT=3)', () => {
    let limited: TestApp;
    let h: Http;
    beforeAll(async () => {
      // The same database (on MariaDB a fresh one would replace it under the app above).
      limited = await startApp({
        databaseUrl: t.databaseUrl,
        env: { LOGIN_THROTTLE_LIMIT: '3', TRUST_PROXY: 'true' },
      });
      h = new Http(limited.baseUrl);
    });
    afterAll(async () => limited.close());

    const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });

    it('wrong current passwords lock sign-in for that username from that address', async () => {
      await seedCustomerAccount(limited.app, 'self-lock');
      const { accessToken } = await h.login('self-lock', 'customer-password');
      const address = '203.0.113.40';
      for (let i = 0; i < 2; i++) {
        const res = await h.post(
          '/auth/me/password',
          { currentPassword: 'guess-guess', newPassword: 'a-brand-new-password' },
          { token: accessToken, ...from(address) },
        );
        expectProblem(res, 403);
      }
      // The third attempt of the bucket is a sign-in: still allowed, and the last one.
      const third = await h.post(
        '/auth/login',
        { username: 'SELF-LOCK', password: 'wrong-password' },
        from(address),
      );
      expectProblem(third, 401);
      const locked = await h.post(
        '/auth/login',
        { username: 'self-lock', password: 'customer-password' },
        from(address),
      );
      expectProblem(locked, 429);
      // The password check is locked too, even with the right password.
      const change = await h.post(
        '/auth/me/password',
        { currentPassword: 'customer-password', newPassword: 'a-brand-new-password' },
        { token: accessToken, ...from(address) },
      );
      expectProblem(change, 429);
      expect(change.body.detail).toMatch(/sign-in attempts/);
      // As every 429 (DESIGN.md, rate limit): when to try again.
      expect(Number(change.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      // Elsewhere the username is not locked, and the password is unchanged.
      const elsewhere = await h.post(
        '/auth/login',
        { username: 'self-lock', password: 'customer-password' },
        from('198.51.100.40'),
      );
      expect(elsewhere.status).toBe(200);
    });
  });

  if (redisUrl) {
    describe('two instances on one database and Redis', () => {
      let second: TestApp;
      let http2: Http;
      beforeAll(async () => {
        second = await startApp({ databaseUrl: t.databaseUrl });
        http2 = new Http(second.baseUrl);
      });
      afterAll(async () => second.close());

      it("a password change on one instance ends the other sessions' tokens on the other", async () => {
        const me = await customerSession(t.app, http, 'self-multi');
        const other = await http.login('self-multi', 'customer-password');
        expect((await http2.get('/auth/me', { token: other.accessToken })).status).toBe(200);
        const res = await http.post(
          '/auth/me/password',
          { currentPassword: 'customer-password', newPassword: 'a-brand-new-password' },
          { token: me.token },
        );
        expect(res.status).toBe(204);
        expectProblem(await http2.get('/auth/me', { token: other.accessToken }), 401);
        expect((await http2.get('/auth/me', { token: me.token })).status).toBe(200);
      });
    });
  }
});
