import { ADMIN, startApp, TestApp } from './helpers/test-app';
import { expectProblem, Http } from './helpers/http';
import { customerSession } from './helpers/seed';

/**
 * Text compares the same way on both databases: MariaDB's default collation folds case,
 * accents and trailing spaces, so without the binary columns these pass on SQLite only.
 */
describe('Exact text: usernames, SKUs, session ids, Idempotency-Keys (e2e)', () => {
  let t: TestApp;
  let http: Http;
  let admin: string;

  beforeAll(async () => {
    t = await startApp();
    http = new Http(t.baseUrl);
    admin = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
  });
  afterAll(async () => t.close());

  describe('usernames are ASCII, compared in lower case', () => {
    beforeAll(async () => {
      const res = await http.post(
        '/accounts',
        { username: 'kim', password: 'kim-password-1', role: 'admin' },
        { token: admin },
      );
      expect(res.status).toBe(201);
    });

    it.each([
      ['ádmin'], // MariaDB's utf8mb4_unicode_ci: = 'admin'
      ['ADMIN '], // PAD SPACE: = 'admin'
      [' admin'],
      ['admin\t'],
      ['ＡＤＭＩＮ'], // full-width letters
    ])('never signs %j in as admin: 400, whatever the password', async (username) => {
      const res = await http.post('/auth/login', { username, password: ADMIN.password });
      expectProblem(res, 400);
      expect(res.body.errors).toEqual([{ field: 'username', message: expect.any(String) }]);
    });

    it('refuses the Kelvin sign, which lower-cases to an ASCII k (400)', async () => {
      const res = await http.post('/auth/login', {
        username: '\u212Aim',
        password: 'kim-password-1',
      });
      expectProblem(res, 400);
    });

    it('signs in whatever the ASCII case', async () => {
      expect(
        (await http.post('/auth/login', { username: 'KiM', password: 'kim-password-1' })).status,
      ).toBe(200);
    });

    it('keeps 401 alike for an unknown user and a wrong password', async () => {
      const wrong = await http.post('/auth/login', { username: 'kim', password: 'wrong-pass-1' });
      const unknown = await http.post('/auth/login', { username: 'nobody-here', password: 'x' });
      expectProblem(wrong, 401);
      expectProblem(unknown, 401);
      expect(wrong.body.detail).toBe(unknown.body.detail);
    });

    it.each([['Álvaro'], ['bjørn'], [' padded'], ['trailing '], ['tab\tbed'], ['\u212Aelvin']])(
      'refuses %j as a new username (400)',
      async (username) => {
        const res = await http.post(
          '/accounts',
          { username, password: 'password-123', role: 'admin' },
          { token: admin },
        );
        expectProblem(res, 400);
        expect(res.body.errors).toEqual([{ field: 'username', message: expect.any(String) }]);
      },
    );

    it('stores a new username lower-case: another case is the same name (409)', async () => {
      const res = await http.post(
        '/accounts',
        { username: 'Mixed.Case', password: 'password-123', role: 'admin' },
        { token: admin },
      );
      expect(res.status).toBe(201);
      expect(res.body.username).toBe('mixed.case');
      const again = await http.post(
        '/accounts',
        { username: 'MIXED.CASE', password: 'password-123', role: 'admin' },
        { token: admin },
      );
      expectProblem(again, 409);
      const renamed = await http.patch(
        `/accounts/${res.body.id}`,
        { username: 'mïxed.case' },
        { token: admin },
      );
      expectProblem(renamed, 400);
    });
  });

  describe('SKUs compare exactly', () => {
    const create = (sku: string, name: string) =>
      http.post('/products', { name, price: '1.00', sku }, { token: admin });

    it('takes SKUs that differ only in case as two; the same SKU stays unique (409)', async () => {
      const upper = await create('BEAN-1KG', 'Coffee one');
      const lower = await create('bean-1kg', 'Coffee two');
      expect(upper.status).toBe(201);
      expect(lower.status).toBe(201);
      expect(lower.body.sku).toBe('bean-1kg');
      expectProblem(await create('BEAN-1KG', 'Coffee three'), 409);
      const other = await create('OTHER-1', 'Coffee four');
      expectProblem(
        await http.patch(`/products/${other.body.id}`, { sku: 'bean-1kg' }, { token: admin }),
        409,
      );
      // Search ignores case and accents by design (DESIGN.md, "Search"); SKUs themselves do not.
      const found = await http.get('/products?search=bean-1kg', { token: admin });
      expect(found.body.data.map((p: { sku: string }) => p.sku).sort()).toEqual([
        'BEAN-1KG',
        'bean-1kg',
      ]);
      const accented = await http.get(`/products?search=${encodeURIComponent('béan-1kg')}`, {
        token: admin,
      });
      expect(accented.status).toBe(200);
      expect(accented.body.data.map((p: { sku: string }) => p.sku).sort()).toEqual([
        'BEAN-1KG',
        'bean-1kg',
      ]);
    });
  });

  describe('session ids compare exactly', () => {
    it('takes a refresh token whose session id differs in case as unknown, ending nothing', async () => {
      const pair = await http.login(ADMIN.username, ADMIN.password);
      const [sessionId, secret] = pair.refreshToken.split('.');
      for (const other of [`${sessionId.toUpperCase()}.${secret}`, `${sessionId} .${secret}`]) {
        expectProblem(await http.post('/auth/refresh', { refreshToken: other }), 401);
      }
      // Had the lookup folded case, the mismatch would have ended the session as a replay.
      expect((await http.post('/auth/refresh', { refreshToken: pair.refreshToken })).status).toBe(
        200,
      );
    });
  });

  describe('Idempotency-Keys compare exactly', () => {
    it('places a second order for a key that differs only in case', async () => {
      const shopper = await customerSession(t.app, http, 'exact-keys');
      const product = await http.post(
        '/products',
        { name: 'Keyed', price: '2.00', stock: 10 },
        { token: admin },
      );
      const body = { items: [{ productId: product.body.id, quantity: 1 }] };
      const order = (key: string) =>
        http.post('/orders', body, {
          token: shopper.token,
          headers: { 'idempotency-key': key },
        });
      const first = await order('Key-abc');
      const second = await order('key-ABC');
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.body.id).not.toBe(first.body.id);
      const replay = await order('Key-abc');
      expect(replay.status).toBe(201);
      expect(replay.body.id).toBe(first.body.id);
      const stock = await http.get(`/products/${product.body.id}`, { token: admin });
      expect(stock.body.stock).toBe(8);
    });
  });
});

describe('Login limit: no fresh bucket for another spelling (e2e, LOGIN_THROTTLE_LIMIT=3)', () => {
  let t: TestApp;
  let http: Http;

  beforeAll(async () => {
    t = await startApp({ env: { LOGIN_THROTTLE_LIMIT: '3', TRUST_PROXY: 'true' } });
    http = new Http(t.baseUrl);
    const admin = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
    const res = await http.post(
      '/accounts',
      { username: 'victim', password: 'victim-password', role: 'admin' },
      { token: admin },
    );
    expect(res.status).toBe(201);
  });
  afterAll(async () => t.close());

  const attempt = (username: string, password: string) =>
    http.post(
      '/auth/login',
      { username, password },
      { headers: { 'x-forwarded-for': '203.0.113.50' } },
    );

  it('once victim is locked, no spelling of it signs in', async () => {
    for (let i = 0; i < 3; i++) expectProblem(await attempt('victim', 'wrong-password'), 401);
    expectProblem(await attempt('victim', 'victim-password'), 429);
    expectProblem(await attempt('VICTIM', 'victim-password'), 429);
    for (const spelling of ['víctim', 'VÍCTIM', 'victim ', 'VICTIM ', ' victim', 'vıctim']) {
      const res = await attempt(spelling, 'victim-password');
      expect([400, 429]).toContain(res.status);
    }
  });
});
