import { ADMIN, startApp, TestApp } from './helpers/test-app';
import { expectProblem, Http, HttpResponse } from './helpers/http';
import { customerSession } from './helpers/seed';

const fields = (res: HttpResponse) =>
  ((res.body.errors ?? []) as { field: string }[]).map((e) => e.field);

/** No response ever carries a password or a hash, under any key. */
const expectNoSecrets = (res: HttpResponse) =>
  expect(res.text).not.toMatch(/password|hash|\$2[aby]\$/i);

describe('Accounts (e2e)', () => {
  let t: TestApp;
  let http: Http;
  let admin: string;
  let customerToken: string;
  let n = 0;

  const createCustomer = async () => {
    n += 1;
    const res = await http.post(
      '/customers',
      { name: `Person ${n}`, email: `p${n}@example.com`, phone: '+4915112345678' },
      { token: admin },
    );
    expect(res.status).toBe(201);
    return res.body as { id: number; name: string; email: string };
  };
  const createAccount = async (body: Record<string, unknown>) => {
    const res = await http.post('/accounts', body, { token: admin });
    expect(res.status).toBe(201);
    return res.body as { id: number; username: string };
  };

  beforeAll(async () => {
    t = await startApp();
    http = new Http(t.baseUrl);
    admin = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
    customerToken = (await customerSession(t.app, http, 'shopper')).token;
  });
  afterAll(async () => t.close());

  it('full journey: admin creates a customer and its account; the customer signs in and sees itself', async () => {
    const c = await createCustomer();
    const res = await http.post(
      '/accounts',
      { username: 'Journey.User', password: 'journey-pass-1', customerId: c.id },
      { token: admin },
    );
    expect(res.status).toBe(201);
    expectNoSecrets(res);
    expect(res.body).toEqual({
      id: expect.any(Number),
      username: 'journey.user',
      role: 'customer',
      customerId: c.id,
      customer: expect.objectContaining({ id: c.id, name: c.name, email: c.email }),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    // Usernames are case-insensitive at sign-in too.
    const session = await http.login('JOURNEY.user', 'journey-pass-1');
    const me = await http.get('/auth/me', { token: session.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      id: res.body.id,
      role: 'customer',
      customer: { id: c.id, email: c.email },
    });
    expectNoSecrets(me);
  });

  it('reads an account and lists accounts with their customers, never a secret', async () => {
    const c = await createCustomer();
    const acc = await createAccount({
      username: `list${n}`,
      password: 'password-123',
      customerId: c.id,
    });
    const got = await http.get(`/accounts/${acc.id}`, { token: admin });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: acc.id, customer: { id: c.id } });
    expectNoSecrets(got);
    const page = await http.get('/accounts?limit=100', { token: admin });
    expect(page.status).toBe(200);
    expectNoSecrets(page);
    expect(page.body.meta).toMatchObject({ page: 1, limit: 100 });
    const listed = page.body.data.find((a: { id: number }) => a.id === acc.id);
    expect(listed).toMatchObject({ username: `list${n}`, customer: { id: c.id } });
    const adminRow = page.body.data.find(
      (a: { username: string }) => a.username === ADMIN.username,
    );
    expect(adminRow).toMatchObject({ role: 'admin', customerId: null, customer: null });
    const small = await http.get('/accounts?limit=1&page=2', { token: admin });
    expect(small.body.data).toHaveLength(1);
    expectProblem(await http.get('/accounts?limit=101', { token: admin }), 400);
  });

  it('creates an administrator without a customer', async () => {
    const res = await http.post(
      '/accounts',
      { username: 'second-admin', password: 'admin-pass-2', role: 'admin' },
      { token: admin },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ role: 'admin', customerId: null, customer: null });
    const session = await http.login('second-admin', 'admin-pass-2');
    expect((await http.get('/customers', { token: session.accessToken })).status).toBe(200);
  });

  it.each([
    [{ password: 'p'.repeat(73) }, 'password'],
    // 37 two-byte characters: 37 characters but 74 bytes.
    [{ password: 'é'.repeat(37) }, 'password'],
    [{ password: 'short' }, 'password'],
    [{ username: 'ab' }, 'username'],
    [{ username: 'has space' }, 'username'],
    [{ username: 'x'.repeat(65) }, 'username'],
    [{ role: 'root' }, 'role'],
    [{ customerId: undefined }, 'customerId'],
    [{ customerId: 'one' }, 'customerId'],
    [{ customerId: 0 }, 'customerId'],
    [{ tokenVersion: 5 }, 'tokenVersion'],
    [{ passwordHash: 'x' }, 'passwordHash'],
  ])('rejects %j with a 400 naming %s', async (over, field) => {
    const c = await createCustomer();
    const res = await http.post(
      '/accounts',
      { username: `v${n}`, password: 'password-123', customerId: c.id, ...over },
      { token: admin },
    );
    expectProblem(res, 400);
    expect(fields(res)).toContain(field);
  });

  it('accepts a password of exactly 72 bytes', async () => {
    const c = await createCustomer();
    const password = 'p'.repeat(72);
    await createAccount({ username: `max${n}`, password, customerId: c.id });
    await expect(http.login(`max${n}`, password)).resolves.toHaveProperty('accessToken');
  });

  it('answers 422 for an unknown customer, naming customerId', async () => {
    const res = await http.post(
      '/accounts',
      { username: 'orphan', password: 'password-123', customerId: 999999 },
      { token: admin },
    );
    expectProblem(res, 422);
    expect(fields(res)).toEqual(['customerId']);
  });

  it('refuses a duplicate username in another case and a second account for a customer (409)', async () => {
    const c1 = await createCustomer();
    const c2 = await createCustomer();
    await createAccount({ username: 'Unique.Name', password: 'password-123', customerId: c1.id });
    const dupName = await http.post(
      '/accounts',
      { username: 'UNIQUE.name', password: 'password-123', customerId: c2.id },
      { token: admin },
    );
    expectProblem(dupName, 409);
    expect(dupName.body.detail).toMatch(/username/);
    const dupCustomer = await http.post(
      '/accounts',
      { username: 'another-name', password: 'password-123', customerId: c1.id },
      { token: admin },
    );
    expectProblem(dupCustomer, 409);
    expect(dupCustomer.body.detail).toMatch(/customer/i);
  });

  it('is for administrators only (403 for a customer, 401 without a token)', async () => {
    const body = { username: 'nope1', password: 'password-123', role: 'admin' };
    expectProblem(await http.post('/accounts', body, { token: customerToken }), 403);
    expectProblem(await http.get('/accounts', { token: customerToken }), 403);
    expectProblem(await http.get('/accounts/1', { token: customerToken }), 403);
    expectProblem(
      await http.patch('/accounts/1', { username: 'x1x' }, { token: customerToken }),
      403,
    );
    expectProblem(await http.delete('/accounts/1', { token: customerToken }), 403);
    expectProblem(await http.post('/accounts', body), 401);
    expectProblem(await http.get('/accounts'), 401);
    expectProblem(await http.get('/accounts/1'), 401);
    expectProblem(await http.patch('/accounts/1', { username: 'x1x' }), 401);
    expectProblem(await http.delete('/accounts/1'), 401);
  });

  it('answers 400 for a malformed id and 404 for an unknown one', async () => {
    expectProblem(await http.get('/accounts/-1', { token: admin }), 400);
    expectProblem(await http.get('/accounts/999999', { token: admin }), 404);
    expectProblem(await http.patch('/accounts/999999', { username: 'zzz' }, { token: admin }), 404);
    expectProblem(await http.delete('/accounts/999999', { token: admin }), 404);
  });

  it('renames an account (200), case-insensitively unique (409)', async () => {
    const c = await createCustomer();
    const acc = await createAccount({
      username: `ren${n}`,
      password: 'password-123',
      customerId: c.id,
    });
    const res = await http.patch(
      `/accounts/${acc.id}`,
      { username: `Renamed${n}` },
      { token: admin },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: acc.id, username: `renamed${n}`, customer: { id: c.id } });
    expectNoSecrets(res);
    await expect(http.login(`renamed${n}`, 'password-123')).resolves.toHaveProperty('accessToken');
    expectProblem(
      await http.patch(
        `/accounts/${acc.id}`,
        { username: ADMIN.username.toUpperCase() },
        { token: admin },
      ),
      409,
    );
    expectProblem(
      await http.patch(`/accounts/${acc.id}`, { role: 'admin' }, { token: admin }),
      400,
    );
    expectProblem(
      await http.patch(`/accounts/${acc.id}`, { password: 'p'.repeat(73) }, { token: admin }),
      400,
    );
    for (const field of ['username', 'password']) {
      const res = await http.patch(`/accounts/${acc.id}`, { [field]: null }, { token: admin });
      expectProblem(res, 400);
      expect(fields(res)).toContain(field);
    }
    const roleNull = await http.post(
      '/accounts',
      { username: `nullrole${n}`, password: 'password-123', role: null, customerId: null },
      { token: admin },
    );
    expectProblem(roleNull, 400);
    expect(fields(roleNull)).toContain('customerId');
  });

  it('a new password ends every existing session: old access and refresh tokens get 401, the new password works', async () => {
    const c = await createCustomer();
    const acc = await createAccount({
      username: `rev${n}`,
      password: 'old-password',
      customerId: c.id,
    });
    const old = await http.login(`rev${n}`, 'old-password');
    expect((await http.get('/auth/me', { token: old.accessToken })).status).toBe(200);
    const res = await http.patch(
      `/accounts/${acc.id}`,
      { password: 'new-password' },
      { token: admin },
    );
    expect(res.status).toBe(200);
    expectNoSecrets(res);
    expectProblem(await http.get('/auth/me', { token: old.accessToken }), 401);
    expectProblem(await http.post('/auth/refresh', { refreshToken: old.refreshToken }), 401);
    expectProblem(
      await http.post('/auth/login', { username: `rev${n}`, password: 'old-password' }),
      401,
    );
    const fresh = await http.login(`rev${n}`, 'new-password');
    expect((await http.get('/auth/me', { token: fresh.accessToken })).status).toBe(200);
    const refreshed = await http.post('/auth/refresh', { refreshToken: fresh.refreshToken });
    expect(refreshed.status).toBe(200);
  });

  it('deletes an account (204) but not its customer; its token gets 401 at once', async () => {
    const c = await createCustomer();
    const acc = await createAccount({
      username: `del${n}`,
      password: 'password-123',
      customerId: c.id,
    });
    const session = await http.login(`del${n}`, 'password-123');
    expect((await http.get('/auth/me', { token: session.accessToken })).status).toBe(200);
    expect((await http.delete(`/accounts/${acc.id}`, { token: admin })).status).toBe(204);
    expectProblem(await http.get('/auth/me', { token: session.accessToken }), 401);
    expectProblem(await http.post('/auth/refresh', { refreshToken: session.refreshToken }), 401);
    expectProblem(await http.get(`/accounts/${acc.id}`, { token: admin }), 404);
    expect((await http.get(`/customers/${c.id}`, { token: admin })).status).toBe(200);
    // The customer may get a new account now.
    await createAccount({ username: `del${n}-again`, password: 'password-123', customerId: c.id });
  });

  it('gives a customer one account even under concurrent requests', async () => {
    const c = await createCustomer();
    const results = await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        http.post(
          '/accounts',
          { username: `race${n}-${i}`, password: 'password-123', customerId: c.id },
          { token: admin },
        ),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) expectProblem(r, 409);
  });

  describe('the last administrator', () => {
    it('survives concurrent deletions of every administrator', async () => {
      for (let i = 0; i < 4; i++) {
        await createAccount({ username: `racer${i}`, password: 'password-123', role: 'admin' });
      }
      const me = await http.get('/auth/me', { token: admin });
      const all = await http.get('/accounts?limit=100', { token: admin });
      // Only the original administrator and the racers take part.
      for (const a of all.body.data as { id: number; username: string; role: string }[]) {
        if (a.role === 'admin' && a.id !== me.body.id && !a.username.startsWith('racer')) {
          expect((await http.delete(`/accounts/${a.id}`, { token: admin })).status).toBe(204);
        }
      }
      const admins = (all.body.data as { id: number; username: string; role: string }[]).filter(
        (a) => a.role === 'admin' && a.username.startsWith('racer'),
      );
      // Each racer deletes itself, all at once; with the original admin that leaves one.
      const tokens = await Promise.all(
        admins.map(async (a) => (await http.login(a.username, 'password-123')).accessToken),
      );
      const results = await Promise.all([
        ...admins.map((a, i) => http.delete(`/accounts/${a.id}`, { token: tokens[i] })),
        http.delete(`/accounts/${me.body.id}`, { token: admin }),
      ]);
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 204)).toHaveLength(results.length - 1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(1);
      // Whoever survived is still an administrator; make it the `admin` token for what follows.
      const survivorIndex = statuses.indexOf(409);
      const survivorToken = survivorIndex < admins.length ? tokens[survivorIndex] : admin;
      const left = await http.get('/accounts?limit=100', { token: survivorToken });
      expect(left.body.data.filter((a: { role: string }) => a.role === 'admin')).toHaveLength(1);
      admin = survivorToken;
    });

    it('cannot be deleted, directly or through its customer', async () => {
      // Start from exactly one administrator: remove every other one.
      const all = await http.get('/accounts?limit=100', { token: admin });
      const me = await http.get('/auth/me', { token: admin });
      for (const a of all.body.data as { id: number; role: string }[]) {
        if (a.role === 'admin' && a.id !== me.body.id) {
          expect((await http.delete(`/accounts/${a.id}`, { token: admin })).status).toBe(204);
        }
      }
      const last = await http.delete(`/accounts/${me.body.id}`, { token: admin });
      expectProblem(last, 409);
      expect(last.body.detail).toMatch(/last administrator/);

      // An administrator tied to a customer: deleting the customer would delete it too.
      const c = await createCustomer();
      const other = await createAccount({
        username: 'customer-admin',
        password: 'password-123',
        role: 'admin',
        customerId: c.id,
      });
      const otherToken = (await http.login('customer-admin', 'password-123')).accessToken;
      // Two admins: the original one may go; then customer-admin is the last.
      expect((await http.delete(`/accounts/${me.body.id}`, { token: otherToken })).status).toBe(
        204,
      );
      expectProblem(await http.get('/auth/me', { token: admin }), 401);
      expectProblem(await http.delete(`/customers/${c.id}`, { token: otherToken }), 409);
      expectProblem(await http.delete(`/accounts/${other.id}`, { token: otherToken }), 409);
      expect((await http.get(`/customers/${c.id}`, { token: otherToken })).status).toBe(200);
    });
  });
});
