import { ADMIN, startApp, TestApp } from './helpers/test-app';
import { expectProblem, Http } from './helpers/http';
import { customerSession } from './helpers/seed';

const fields = (res: { body: { errors?: { field: string }[] } }) =>
  (res.body.errors ?? []).map((e) => e.field);

describe('Customers (e2e)', () => {
  let t: TestApp;
  let http: Http;
  let admin: string;
  let customer: string;
  let n = 0;
  const newCustomer = (over: Record<string, unknown> = {}) => {
    n += 1;
    return { name: `Customer ${n}`, email: `c${n}@example.com`, phone: '+4915112345678', ...over };
  };

  beforeAll(async () => {
    t = await startApp();
    http = new Http(t.baseUrl);
    admin = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
    customer = (await customerSession(t.app, http, 'shopper')).token;
  });
  afterAll(async () => t.close());

  it('creates a customer (201), trimming the name and lower-casing the email', async () => {
    const res = await http.post(
      '/customers',
      { name: '  Ada Lovelace ', email: ' Ada@Example.COM', phone: '+441234567890' },
      { token: admin },
    );
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(Number),
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: '+441234567890',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const got = await http.get(`/customers/${res.body.id}`, { token: admin });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
  });

  it('refuses a duplicate email, whatever its case, with 409', async () => {
    const body = newCustomer();
    expect((await http.post('/customers', body, { token: admin })).status).toBe(201);
    const res = await http.post('/customers', newCustomer({ email: body.email.toUpperCase() }), {
      token: admin,
    });
    expectProblem(res, 409);
    expect(res.body.detail).toContain('email');
  });

  it.each([
    [{ email: 'not-an-email' }, 'email'],
    [{ phone: '015112345678' }, 'phone'],
    [{ phone: '+49 151 1234567' }, 'phone'],
    [{ phone: '+0123456789' }, 'phone'],
    [{ phone: '+1234567890123456' }, 'phone'],
    [{ name: '   ' }, 'name'],
    [{ name: 'x'.repeat(121) }, 'name'],
    [{ extra: true }, 'extra'],
  ])('rejects %j with a 400 naming %s', async (over, field) => {
    const res = await http.post('/customers', newCustomer(over), { token: admin });
    expectProblem(res, 400);
    expect(fields(res)).toContain(field);
  });

  it('rejects a body with missing fields, naming each', async () => {
    const res = await http.post('/customers', {}, { token: admin });
    expectProblem(res, 400);
    expect(fields(res)).toEqual(expect.arrayContaining(['name', 'email', 'phone']));
  });

  it('is for administrators only (403 for a customer, 401 without a token)', async () => {
    expectProblem(await http.post('/customers', newCustomer(), { token: customer }), 403);
    expectProblem(await http.get('/customers', { token: customer }), 403);
    expectProblem(await http.get('/customers/1', { token: customer }), 403);
    expectProblem(await http.patch('/customers/1', { name: 'X' }, { token: customer }), 403);
    expectProblem(await http.delete('/customers/1', { token: customer }), 403);
    expectProblem(await http.post('/customers', newCustomer()), 401);
    expectProblem(await http.get('/customers'), 401);
    expectProblem(await http.get('/customers/1'), 401);
    expectProblem(await http.patch('/customers/1', { name: 'X' }), 401);
    expectProblem(await http.delete('/customers/1'), 401);
  });

  it('answers 400 for a malformed id and 404 for an unknown one', async () => {
    expectProblem(await http.get('/customers/abc', { token: admin }), 400);
    expectProblem(await http.get('/customers/999999', { token: admin }), 404);
    expectProblem(await http.patch('/customers/999999', { name: 'X' }, { token: admin }), 404);
    expectProblem(await http.delete('/customers/999999', { token: admin }), 404);
  });

  it('updates name, email and phone (200) and refuses an email in use (409)', async () => {
    const a = (await http.post('/customers', newCustomer(), { token: admin })).body;
    const b = (await http.post('/customers', newCustomer(), { token: admin })).body;
    const upd = await http.patch(
      `/customers/${a.id}`,
      { name: 'Renamed', email: 'Renamed@Example.com', phone: '+15551234567' },
      { token: admin },
    );
    expect(upd.status).toBe(200);
    expect(upd.body).toMatchObject({
      id: a.id,
      name: 'Renamed',
      email: 'renamed@example.com',
      phone: '+15551234567',
    });
    // Its own email again is no conflict.
    const same = await http.patch(
      `/customers/${a.id}`,
      { email: 'renamed@example.com' },
      { token: admin },
    );
    expect(same.status).toBe(200);
    expectProblem(
      await http.patch(`/customers/${a.id}`, { email: b.email }, { token: admin }),
      409,
    );
    expectProblem(
      await http.patch(`/customers/${a.id}`, { phone: 'call me' }, { token: admin }),
      400,
    );
    expectProblem(await http.patch(`/customers/${a.id}`, { id: 5 }, { token: admin }), 400);
    for (const field of ['name', 'email', 'phone']) {
      const res = await http.patch(`/customers/${a.id}`, { [field]: null }, { token: admin });
      expectProblem(res, 400);
      expect(fields(res)).toContain(field);
    }
    const got = await http.get(`/customers/${a.id}`, { token: admin });
    expect(got.body.email).toBe('renamed@example.com');
  });

  it('deletes a customer (204) and its account, whose token stops working at once', async () => {
    const c = (await http.post('/customers', newCustomer(), { token: admin })).body;
    const acc = await http.post(
      '/accounts',
      { username: `gone${c.id}`, password: 'password-123', customerId: c.id },
      { token: admin },
    );
    expect(acc.status).toBe(201);
    const session = await http.login(`gone${c.id}`, 'password-123');
    expect((await http.get('/auth/me', { token: session.accessToken })).status).toBe(200);
    expect((await http.delete(`/customers/${c.id}`, { token: admin })).status).toBe(204);
    expectProblem(await http.get(`/customers/${c.id}`, { token: admin }), 404);
    expectProblem(await http.get(`/accounts/${acc.body.id}`, { token: admin }), 404);
    expectProblem(await http.get('/auth/me', { token: session.accessToken }), 401);
    expectProblem(await http.post('/auth/refresh', { refreshToken: session.refreshToken }), 401);
    expectProblem(await http.delete(`/customers/${c.id}`, { token: admin }), 404);
  });

  describe('listing', () => {
    beforeAll(async () => {
      for (const [name, email, phone] of [
        ['Zoe Search', 'zoe@search.test', '+4930000001'],
        ['Adam Search', 'adam@search.test', '+4930000002'],
        ['Other Person', 'other@elsewhere.test', '+4930777003'],
        ['Percent 100%', 'pct@elsewhere.test', '+4930000004'],
      ]) {
        await http.post('/customers', { name, email, phone }, { token: admin });
      }
    });

    it('paginates with meta', async () => {
      const res = await http.get('/customers?page=1&limit=2', { token: admin });
      expect(res.status).toBe(200);
      expect(res.body.data).toHaveLength(2);
      expect(res.body.meta).toMatchObject({ page: 1, limit: 2 });
      expect(res.body.meta.totalPages).toBe(Math.ceil(res.body.meta.total / 2));
      const page2 = await http.get('/customers?page=2&limit=2', { token: admin });
      expect(page2.body.data[0].id).toBeGreaterThan(res.body.data[1].id);
    });

    it('refuses limit above 100 and unknown query parameters', async () => {
      expectProblem(await http.get('/customers?limit=101', { token: admin }), 400);
      expectProblem(await http.get('/customers?page=0', { token: admin }), 400);
      expectProblem(await http.get('/customers?sort=name', { token: admin }), 400);
    });

    it('searches name, email and phone, case-insensitively', async () => {
      const byName = await http.get('/customers?search=SEARCH', { token: admin });
      expect(byName.body.data.map((c: { name: string }) => c.name)).toEqual([
        'Zoe Search',
        'Adam Search',
      ]);
      expect(byName.body.meta.total).toBe(2);
      const byEmail = await http.get('/customers?search=ELSEWHERE.test', { token: admin });
      expect(byEmail.body.data).toHaveLength(2);
      const byPhone = await http.get(`/customers?search=${encodeURIComponent('+4930777')}`, {
        token: admin,
      });
      expect(byPhone.body.data.map((c: { name: string }) => c.name)).toEqual(['Other Person']);
    });

    it('treats LIKE wildcards in search literally', async () => {
      const pct = await http.get('/customers?search=100%25', { token: admin });
      expect(pct.body.data.map((c: { name: string }) => c.name)).toEqual(['Percent 100%']);
      const under = await http.get('/customers?search=_', { token: admin });
      expect(under.body.data).toHaveLength(0);
    });

    const names = async (search: string, extra = '') => {
      const res = await http.get(`/customers?search=${encodeURIComponent(search)}${extra}`, {
        token: admin,
      });
      expect(res.status).toBe(200);
      return (res.body.data as { name: string }[]).map((c) => c.name);
    };

    it('finds a substring anywhere, accents and case ignored alike in the text and the term', async () => {
      const zoe = await http.post(
        '/customers',
        { name: 'Zoë Müller-Lüdenscheidt', email: 'zoe.mueller@umlaut.test', phone: '+4930555001' },
        { token: admin },
      );
      expect(zoe.status).toBe(201);
      expect(await names('muller')).toEqual(['Zoë Müller-Lüdenscheidt']);
      expect(await names('ZOE MÜL')).toEqual(['Zoë Müller-Lüdenscheidt']);
      expect(await names('ludensch')).toEqual(['Zoë Müller-Lüdenscheidt']);
      expect(await names('mlaut.te')).toEqual(['Zoë Müller-Lüdenscheidt']);
      expect(await names('0555')).toEqual(['Zoë Müller-Lüdenscheidt']);
      // Every run of three is there, but not as one substring.
      expect(await names('mullerzoe')).toEqual([]);
      // No match across two fields (the name's end and the e-mail's start).
      expect(await names('scheidt zoe')).toEqual([]);
      expect(await names('scheidt\nzoe')).toEqual([]);
    });

    it('narrows correctly with terms shorter than the index runs', async () => {
      expect(await names('10')).toEqual(['Percent 100%']);
      expect(await names('ÜD')).toEqual(['Zoë Müller-Lüdenscheidt']);
    });

    it('follows every write: an update moves the customer, a delete removes it', async () => {
      const c = await http.post(
        '/customers',
        { name: 'Quentin Quarry', email: 'qq@quarry.test', phone: '+4930555002' },
        { token: admin },
      );
      expect(await names('quarry')).toEqual(['Quentin Quarry']);
      const renamed = await http.patch(
        `/customers/${c.body.id}`,
        { name: 'Xavier Xylo', email: 'xx@xylo.test' },
        { token: admin },
      );
      expect(renamed.status).toBe(200);
      expect(await names('quarry')).toEqual([]);
      expect(await names('xylo')).toEqual(['Xavier Xylo']);
      expect((await http.delete(`/customers/${c.body.id}`, { token: admin })).status).toBe(204);
      expect(await names('xylo')).toEqual([]);
    });

    it('pages a search by cursor, in id order, with its exact total', async () => {
      for (const k of [1, 2, 3]) {
        await http.post(
          '/customers',
          { name: `Cursor Kim ${k}`, email: `kim${k}@cursor.test`, phone: `+493055510${k}` },
          { token: admin },
        );
      }
      const first = await http.get('/customers?search=CURSOR%20KIM&limit=2', { token: admin });
      expect(first.body.data.map((c: { name: string }) => c.name)).toEqual([
        'Cursor Kim 1',
        'Cursor Kim 2',
      ]);
      expect(first.body.meta).toMatchObject({ total: 3, totalExact: true });
      const next = await http.get(
        `/customers?search=CURSOR%20KIM&limit=2&cursor=${encodeURIComponent(first.body.meta.nextCursor)}`,
        { token: admin },
      );
      expect(next.body.data.map((c: { name: string }) => c.name)).toEqual(['Cursor Kim 3']);
      expect(next.body.meta.nextCursor).toBeNull();
    });
  });
});
