import { ADMIN, startApp, TestApp } from './helpers/test-app';
import { expectProblem, Http } from './helpers/http';
import { customerSession } from './helpers/seed';

describe('Products (e2e)', () => {
  let t: TestApp;
  let http: Http;
  let admin: string;
  let customer: string;

  beforeAll(async () => {
    t = await startApp();
    http = new Http(t.baseUrl);
    admin = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
    customer = (await customerSession(t.app, http, 'shopper')).token;
  });
  afterAll(async () => t.close());

  it('creates a product with an exact price and reads it back', async () => {
    const res = await http.post(
      '/products',
      { name: 'Tea', price: '4.10', stock: 3, sku: 'TEA-1' },
      { token: admin },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Tea', price: '4.10', stock: 3, sku: 'TEA-1' });
    const got = await http.get(`/products/${res.body.id}`, { token: customer });
    expect(got.status).toBe(200);
    expect(got.body.price).toBe('4.10');
  });

  it('accepts a JSON number price and answers with two decimals', async () => {
    const res = await http.post('/products', { name: 'Mug', price: 7.5 }, { token: admin });
    expect(res.status).toBe(201);
    expect(res.body.price).toBe('7.50');
    expect(res.body.stock).toBe(0);
  });

  it.each([
    [{ name: 'X', price: '1.234' }, 'price'],
    [{ name: 'X', price: -1 }, 'price'],
    [{ name: 'X', price: 'abc' }, 'price'],
    [{ name: '', price: '1.00' }, 'name'],
    [{ name: 'X', price: '1.00', stock: -1 }, 'stock'],
    [{ name: 'X', price: '1.00', stock: 1.5 }, 'stock'],
    [{ name: 'X', price: '1.00', extra: true }, 'extra'],
  ])('rejects %j with a 400 naming %s', async (body, field) => {
    const res = await http.post('/products', body, { token: admin });
    expectProblem(res, 400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('refuses a duplicate sku with 409', async () => {
    await http.post('/products', { name: 'A', price: '1.00', sku: 'DUP-1' }, { token: admin });
    const res = await http.post(
      '/products',
      { name: 'B', price: '1.00', sku: 'DUP-1' },
      { token: admin },
    );
    expectProblem(res, 409);
  });

  it('keeps catalog writes for administrators (403 for a customer, 401 without a token)', async () => {
    expectProblem(
      await http.post('/products', { name: 'A', price: '1.00' }, { token: customer }),
      403,
    );
    expectProblem(await http.post('/products', { name: 'A', price: '1.00' }), 401);
    expectProblem(await http.get('/products'), 401);
  });

  it('refuses null for a field on PATCH with a 400, changing nothing', async () => {
    const { body } = await http.post(
      '/products',
      { name: 'Nully', price: '2.00' },
      { token: admin },
    );
    for (const field of ['name', 'price', 'stock']) {
      const res = await http.patch(`/products/${body.id}`, { [field]: null }, { token: admin });
      expectProblem(res, 400);
    }
    const after = await http.get(`/products/${body.id}`, { token: admin });
    expect(after.body).toMatchObject({ name: 'Nully', price: '2.00' });
  });

  it('updates and deletes a product', async () => {
    const { body } = await http.post('/products', { name: 'Old', price: '2.00' }, { token: admin });
    const upd = await http.patch(
      `/products/${body.id}`,
      { name: 'New', price: '2.50' },
      { token: admin },
    );
    expect(upd.status).toBe(200);
    expect(upd.body).toMatchObject({ name: 'New', price: '2.50' });
    expect((await http.delete(`/products/${body.id}`, { token: admin })).status).toBe(204);
    expectProblem(await http.get(`/products/${body.id}`, { token: customer }), 404);
    expectProblem(await http.patch(`/products/${body.id}`, { name: 'Z' }, { token: admin }), 404);
  });

  it('answers 400 for a malformed id and 404 for an unknown one', async () => {
    expectProblem(await http.get('/products/abc', { token: customer }), 400);
    expectProblem(await http.get('/products/0', { token: customer }), 400);
    expectProblem(await http.get('/products/999999', { token: customer }), 404);
  });

  describe('listing', () => {
    beforeAll(async () => {
      for (const [name, price, stock] of [
        ['Zeta list', '30.00', 0],
        ['Alpha list', '10.00', 5],
        ['Mid list', '20.00', 2],
      ] as const) {
        await http.post('/products', { name, price, stock }, { token: admin });
      }
    });

    it('paginates with meta', async () => {
      const res = await http.get('/products?page=1&limit=2', { token: customer });
      expect(res.status).toBe(200);
      expect(res.body.data).toHaveLength(2);
      expect(res.body.meta).toMatchObject({ page: 1, limit: 2 });
      expect(res.body.meta.totalPages).toBe(Math.ceil(res.body.meta.total / 2));
    });

    it('refuses limit above 100 instead of cutting it', async () => {
      expectProblem(await http.get('/products?limit=101', { token: customer }), 400);
      expectProblem(await http.get('/products?page=0', { token: customer }), 400);
    });

    it('searches, filters by price and stock, and sorts', async () => {
      const res = await http.get('/products?search=LIST&sort=-price', { token: customer });
      expect(res.body.data.map((p: { name: string }) => p.name)).toEqual([
        'Zeta list',
        'Mid list',
        'Alpha list',
      ]);
      const cheap = await http.get('/products?search=list&minPrice=15&maxPrice=25.00', {
        token: customer,
      });
      expect(cheap.body.data.map((p: { name: string }) => p.name)).toEqual(['Mid list']);
      const inStock = await http.get('/products?search=list&inStock=true&sort=name', {
        token: customer,
      });
      expect(inStock.body.data.map((p: { name: string }) => p.name)).toEqual([
        'Alpha list',
        'Mid list',
      ]);
      const out = await http.get('/products?search=list&inStock=false', { token: customer });
      expect(out.body.data.map((p: { name: string }) => p.name)).toEqual(['Zeta list']);
    });

    it('treats LIKE wildcards in search literally', async () => {
      const res = await http.get('/products?search=%25', { token: customer });
      expect(res.status).toBe(200);
      expect(res.body.data).toHaveLength(0);
    });

    it('rejects an unknown sort and a bad price filter', async () => {
      expectProblem(await http.get('/products?sort=stock', { token: customer }), 400);
      expectProblem(await http.get('/products?minPrice=1.999', { token: customer }), 400);
      expectProblem(await http.get('/products?inStock=maybe', { token: customer }), 400);
      expectProblem(await http.get('/products?minPrice=5&maxPrice=1', { token: customer }), 400);
    });
  });
});
