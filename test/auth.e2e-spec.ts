import { createHmac } from 'node:crypto';
import { ADMIN, redisUrl, startApp, TestApp } from './helpers/test-app';
import { expectProblem, Http } from './helpers/http';
import { customerSession } from './helpers/seed';

const SECRET = 'e2e-secret-that-is-at-least-32-bytes-long!!';
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
function forge(header: object, payload: object, secret = SECRET): string {
  const head = `${b64(header)}.${b64(payload)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}
const decode = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

describe('Auth (e2e)', () => {
  let t: TestApp;
  let http: Http;

  beforeAll(async () => {
    t = await startApp();
    http = new Http(t.baseUrl);
  });
  afterAll(async () => t.close());

  describe('login', () => {
    it('returns a token pair with the documented shape', async () => {
      const res = await http.post('/auth/login', ADMIN);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: 900,
      });
      const claims = decode(res.body.accessToken);
      expect(claims).toMatchObject({ sub: expect.any(Number), role: 'admin' });
      expect(claims.exp - claims.iat).toBe(900);
    });

    it('is case-insensitive on the username', async () => {
      expect((await http.post('/auth/login', { ...ADMIN, username: 'ADMIN' })).status).toBe(200);
    });

    it('answers 401 alike for an unknown user and a wrong password', async () => {
      const wrong = await http.post('/auth/login', {
        username: ADMIN.username,
        password: 'nope-nope',
      });
      const unknown = await http.post('/auth/login', { username: 'ghost', password: 'nope-nope' });
      expectProblem(wrong, 401);
      expectProblem(unknown, 401);
      expect(wrong.body.detail).toBe(unknown.body.detail);
    });

    it('rejects a password over 72 bytes and unknown fields with 400', async () => {
      expectProblem(
        await http.post('/auth/login', { username: 'admin', password: 'é'.repeat(37) }),
        400,
      );
      expectProblem(await http.post('/auth/login', { ...ADMIN, role: 'admin' }), 400);
      expectProblem(await http.post('/auth/login', {}), 400);
    });
  });

  describe('refresh and logout', () => {
    it('rotates the refresh token: the used one stops working', async () => {
      const first = await http.login(ADMIN.username, ADMIN.password);
      const second = await http.post('/auth/refresh', { refreshToken: first.refreshToken });
      expect(second.status).toBe(200);
      expect(second.body.refreshToken).not.toBe(first.refreshToken);
      const again = await http.post('/auth/refresh', { refreshToken: second.body.refreshToken });
      expect(again.status).toBe(200);
    });

    it('ends the whole session when a rotated token is replayed', async () => {
      const first = await http.login(ADMIN.username, ADMIN.password);
      const second = await http.post('/auth/refresh', { refreshToken: first.refreshToken });
      expectProblem(await http.post('/auth/refresh', { refreshToken: first.refreshToken }), 401);
      // The legitimate holder's newer token is now dead too.
      expectProblem(
        await http.post('/auth/refresh', { refreshToken: second.body.refreshToken }),
        401,
      );
    });

    it('refuses garbage refresh tokens', async () => {
      expectProblem(
        await http.post('/auth/refresh', { refreshToken: 'not-a-real-token-at-all' }),
        401,
      );
      expectProblem(await http.post('/auth/refresh', { refreshToken: 42 }), 400);
    });

    it('logout ends the session refresh token', async () => {
      const pair = await http.login(ADMIN.username, ADMIN.password);
      const out = await http.post('/auth/logout', undefined, { token: pair.accessToken });
      expect(out.status).toBe(204);
      expectProblem(await http.post('/auth/refresh', { refreshToken: pair.refreshToken }), 401);
    });

    it('logout needs a token', async () => {
      expectProblem(await http.post('/auth/logout'), 401);
    });

    it("logout ends the session's access token at once, and no other session", async () => {
      const ending = await http.login(ADMIN.username, ADMIN.password);
      const other = await http.login(ADMIN.username, ADMIN.password);
      // Used first, so the session's state is cached when it ends.
      expect((await http.get('/auth/me', { token: ending.accessToken })).status).toBe(200);
      const out = await http.post('/auth/logout', undefined, { token: ending.accessToken });
      expect(out.status).toBe(204);
      expectProblem(await http.get('/auth/me', { token: ending.accessToken }), 401);
      expectProblem(await http.post('/auth/logout', undefined, { token: ending.accessToken }), 401);
      expect((await http.get('/auth/me', { token: other.accessToken })).status).toBe(200);
    });

    it('a replayed refresh token ends every access token of its session at once', async () => {
      const first = await http.login(ADMIN.username, ADMIN.password);
      const second = await http.post('/auth/refresh', { refreshToken: first.refreshToken });
      expect(second.status).toBe(200);
      const tokens = [first.accessToken, second.body.accessToken as string];
      for (const token of tokens) expect((await http.get('/auth/me', { token })).status).toBe(200);
      expectProblem(await http.post('/auth/refresh', { refreshToken: first.refreshToken }), 401);
      for (const token of tokens) expectProblem(await http.get('/auth/me', { token }), 401);
    });

    it('answers login and refresh with Cache-Control: no-store (RFC 6749, 5.1)', async () => {
      const login = await http.post('/auth/login', ADMIN);
      expect(login.status).toBe(200);
      expect(login.headers.get('cache-control')).toBe('no-store');
      const refresh = await http.post('/auth/refresh', {
        refreshToken: login.body.refreshToken,
      });
      expect(refresh.status).toBe(200);
      expect(refresh.headers.get('cache-control')).toBe('no-store');
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

      it('a logout on one instance ends the access token on the other at once', async () => {
        const pair = await http.login(ADMIN.username, ADMIN.password);
        // The second instance knows the session as live (its state is cached in Redis).
        expect((await http2.get('/auth/me', { token: pair.accessToken })).status).toBe(200);
        const out = await http.post('/auth/logout', undefined, { token: pair.accessToken });
        expect(out.status).toBe(204);
        expectProblem(await http2.get('/auth/me', { token: pair.accessToken }), 401);
      });

      it('a replayed refresh token on one instance ends the session on the other', async () => {
        const pair = await http.login(ADMIN.username, ADMIN.password);
        const rotated = await http.post('/auth/refresh', { refreshToken: pair.refreshToken });
        expect(rotated.status).toBe(200);
        const token = rotated.body.accessToken as string;
        expect((await http2.get('/auth/me', { token })).status).toBe(200);
        expectProblem(await http2.post('/auth/refresh', { refreshToken: pair.refreshToken }), 401);
        expectProblem(await http.get('/auth/me', { token }), 401);
      });
    });
  }

  describe('me', () => {
    it("returns the caller's account with its customer, never a hash", async () => {
      const c = await customerSession(t.app, http, 'me-user');
      const res = await http.get('/auth/me', { token: c.token });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: c.accountId,
        username: 'me-user',
        role: 'customer',
        customer: { id: c.customerId, email: 'me-user@example.com' },
      });
      expect(res.text).not.toMatch(/password|hash/i);
    });
  });

  describe('token verification', () => {
    let valid: string;
    let claims: Record<string, unknown>;
    beforeAll(async () => {
      valid = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
      claims = decode(valid);
    });

    const me = (token: string) => http.get('/auth/me', { token });

    it('accepts the genuine token', async () => {
      expect((await me(valid)).status).toBe(200);
    });

    it('rejects alg none with 401', async () => {
      const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
      expectProblem(await me(token), 401);
    });

    it('rejects another algorithm (HS512) with 401', async () => {
      const head = `${b64({ alg: 'HS512', typ: 'JWT' })}.${b64(claims)}`;
      const sig = createHmac('sha512', SECRET).update(head).digest('base64url');
      expectProblem(await me(`${head}.${sig}`), 401);
    });

    it('rejects a token without exp with 401', async () => {
      const { exp: _exp, ...rest } = claims;
      expectProblem(await me(forge({ alg: 'HS256', typ: 'JWT' }, rest)), 401);
    });

    it('rejects an expired token with 401', async () => {
      const past = Math.floor(Date.now() / 1000) - 10;
      expectProblem(
        await me(forge({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat: past - 900, exp: past })),
        401,
      );
    });

    it('rejects an edited payload (role escalation) with 401, not 403', async () => {
      const [h, , s] = valid.split('.');
      expectProblem(await me(`${h}.${b64({ ...claims, role: 'admin', sub: 999 })}.${s}`), 401);
    });

    it('rejects a token signed with another key', async () => {
      expectProblem(await me(forge({ alg: 'HS256', typ: 'JWT' }, claims, 'x'.repeat(40))), 401);
    });

    it('rejects malformed authorization headers', async () => {
      expectProblem(await http.get('/auth/me', { headers: { authorization: 'Basic abc' } }), 401);
      expectProblem(await http.get('/auth/me', { headers: { authorization: 'Bearer' } }), 401);
      expectProblem(await me('a.b.c'), 401);
    });
  });

  describe('roles', () => {
    it('keeps admin routes from customers (403) and everyone from protected routes without a token (401)', async () => {
      const c = await customerSession(t.app, http, 'role-user');
      expectProblem(
        await http.post('/products', { name: 'x', price: '1.00' }, { token: c.token }),
        403,
      );
      const noToken = await http.get('/products');
      expectProblem(noToken, 401);
      expect(noToken.headers.get('www-authenticate')).toBe('Bearer');
    });
  });
});
