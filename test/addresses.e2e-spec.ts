import { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ADMIN, startApp, TestApp } from './helpers/test-app';
import { expectProblem, Http } from './helpers/http';
import { customerSession } from './helpers/seed';

const home = {
  name: '  Ada Lovelace ',
  line1: '221B Baker Street',
  city: 'London',
  postalCode: 'NW1 6XE',
  country: 'GB',
};
const answered = {
  name: 'Ada Lovelace',
  line1: '221B Baker Street',
  line2: null,
  city: 'London',
  region: null,
  postalCode: 'NW1 6XE',
  country: 'GB',
  phone: null,
};

describe('Shipping addresses (e2e)', () => {
  let t: TestApp;
  let http: Http;
  let ds: DataSource;
  let admin: string;
  let seq = 0;

  const shopper = () => customerSession(t.app, http, `addr-${++seq}`);
  const product = async (stock = 10) => {
    const res = await http.post(
      '/products',
      { name: `Address product ${++seq}`, price: '2.50', stock },
      { token: admin },
    );
    expect(res.status).toBe(201);
    return res.body.id as number;
  };
  const stockOf = async (id: number) =>
    Number((await ds.query('SELECT stock FROM products WHERE id = ?', [id]))[0].stock);
  const count = async (table: string) =>
    Number((await ds.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  const save = (token: string, body: unknown) => http.post('/auth/me/addresses', body, { token });

  beforeAll(async () => {
    t = await startApp();
    http = new Http(t.baseUrl);
    ds = t.app.get<DataSource>(getDataSourceToken());
    admin = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
  });
  afterAll(async () => t.close());

  describe('saved addresses', () => {
    it('creates (trimmed, omitted fields null), lists, edits, deletes; the list is fresh after each write', async () => {
      const s = await shopper();
      expect((await http.get('/auth/me/addresses', { token: s.token })).body).toEqual({ data: [] });
      const created = await save(s.token, { ...home, line2: ' Flat 3 ', phone: '+442071234567' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ ...answered, line2: 'Flat 3', phone: '+442071234567' });
      const id = created.body.id as number;
      let list = await http.get('/auth/me/addresses', { token: s.token });
      expect(list.body.data).toEqual([created.body]);
      const edited = await http.patch(
        `/auth/me/addresses/${id}`,
        { city: ' Cambridge ', line2: null, region: 'Cambridgeshire' },
        { token: s.token },
      );
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({
        city: 'Cambridge',
        line2: null,
        region: 'Cambridgeshire',
      });
      list = await http.get('/auth/me/addresses', { token: s.token });
      expect(list.body.data).toEqual([edited.body]);
      expect((await http.delete(`/auth/me/addresses/${id}`, { token: s.token })).status).toBe(204);
      list = await http.get('/auth/me/addresses', { token: s.token });
      expect(list.body).toEqual({ data: [] });
      expectProblem(await http.delete(`/auth/me/addresses/${id}`, { token: s.token }), 404);
    });

    it("keeps to its owner: another customer's address is 404 and never listed", async () => {
      const owner = await shopper();
      const other = await shopper();
      const id = (await save(owner.token, home)).body.id as number;
      expect((await http.get('/auth/me/addresses', { token: other.token })).body.data).toEqual([]);
      expectProblem(
        await http.patch(`/auth/me/addresses/${id}`, { city: 'Oxford' }, { token: other.token }),
        404,
      );
      expectProblem(await http.delete(`/auth/me/addresses/${id}`, { token: other.token }), 404);
      const list = await http.get('/auth/me/addresses', { token: owner.token });
      expect(list.body.data).toEqual([expect.objectContaining({ id, city: 'London' })]);
    });

    it('is 403 for an account without a customer', async () => {
      expectProblem(await http.get('/auth/me/addresses', { token: admin }), 403);
      expectProblem(await save(admin, home), 403);
    });

    it('keeps at most 10: the 11th is 422 and not written', async () => {
      const s = await shopper();
      for (let i = 0; i < 10; i++) {
        expect((await save(s.token, { ...home, line1: `${i} Baker Street` })).status).toBe(201);
      }
      const refused = await save(s.token, home);
      expectProblem(refused, 422);
      expect(refused.body.detail).toMatch(/at most 10/);
      expect((await http.get('/auth/me/addresses', { token: s.token })).body.data).toHaveLength(10);
    });

    it('keeps at most 10 under concurrent creates', async () => {
      const s = await shopper();
      for (let i = 0; i < 8; i++) expect((await save(s.token, home)).status).toBe(201);
      const results = await Promise.all(Array.from({ length: 4 }, () => save(s.token, home)));
      expect(results.map((r) => r.status).sort()).toEqual([201, 201, 422, 422]);
      expect((await http.get('/auth/me/addresses', { token: s.token })).body.data).toHaveLength(10);
    });

    it.each([
      ['a lower-case country', { country: 'gb' }, 'country'],
      ['an unassigned country', { country: 'ZZ' }, 'country'],
      ['an alpha-3 country', { country: 'GBR' }, 'country'],
      ['a phone not in E.164', { phone: '020 7123 4567' }, 'phone'],
      ['an empty name', { name: '' }, 'name'],
      ['a blank city', { city: '   ' }, 'city'],
      ['a line1 of 201 characters', { line1: 'x'.repeat(201) }, 'line1'],
      ['a line2 of 201 code points', { line2: '😀'.repeat(201) }, 'line2'],
      ['a null name', { name: null }, 'name'],
      ['a number for postalCode', { postalCode: 12345 }, 'postalCode'],
      ['an unknown field', { email: 'a@example.com' }, 'email'],
    ])('refuses %s with 400 naming the field, writing nothing', async (_what, change, field) => {
      const s = await shopper();
      const before = await count('addresses');
      const res = await save(s.token, { ...home, ...change });
      expectProblem(res, 400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await count('addresses')).toBe(before);
    });

    it('refuses a PATCH that empties or nulls a required field (400)', async () => {
      const s = await shopper();
      const id = (await save(s.token, home)).body.id as number;
      expectProblem(
        await http.patch(`/auth/me/addresses/${id}`, { name: ' ' }, { token: s.token }),
        400,
      );
      expectProblem(
        await http.patch(`/auth/me/addresses/${id}`, { country: null }, { token: s.token }),
        400,
      );
      const list = await http.get('/auth/me/addresses', { token: s.token });
      expect(list.body.data[0]).toMatchObject({ name: 'Ada Lovelace', country: 'GB' });
    });
  });

  describe('on orders', () => {
    it('keeps an inline address on the order, in every order answer; none is null', async () => {
      const s = await shopper();
      const p = await product();
      const placed = await http.post(
        '/orders',
        {
          items: [{ productId: p, quantity: 1 }],
          shippingAddress: { ...home, region: ' Greater London' },
        },
        { token: s.token },
      );
      expect(placed.status).toBe(201);
      expect(placed.body.shippingAddress).toEqual({ ...answered, region: 'Greater London' });
      const got = await http.get(`/orders/${placed.body.id}`, { token: s.token });
      expect(got.body).toEqual(placed.body);
      const plain = await http.post(
        '/orders',
        { items: [{ productId: p, quantity: 1 }] },
        { token: s.token },
      );
      expect(plain.body.shippingAddress).toBeNull();
      const page = await http.get('/orders', { token: s.token });
      expect(page.body.data.map((o: { shippingAddress: unknown }) => o.shippingAddress)).toEqual([
        null,
        { ...answered, region: 'Greater London' },
      ]);
      const byAdmin = await http.get(`/orders/${placed.body.id}`, { token: admin });
      expect(byAdmin.body.shippingAddress).toEqual(placed.body.shippingAddress);
    });

    it('copies a saved address: editing or deleting it never changes the order', async () => {
      const s = await shopper();
      const p = await product();
      const id = (await save(s.token, home)).body.id as number;
      const placed = await http.post(
        '/orders',
        { items: [{ productId: p, quantity: 2 }], shippingAddressId: id },
        { token: s.token },
      );
      expect(placed.status).toBe(201);
      expect(placed.body.shippingAddress).toEqual(answered);
      await http.patch(`/auth/me/addresses/${id}`, { city: 'Leeds' }, { token: s.token });
      expect((await http.get(`/orders/${placed.body.id}`, { token: s.token })).body).toEqual(
        placed.body,
      );
      await http.delete(`/auth/me/addresses/${id}`, { token: s.token });
      expect((await http.get(`/orders/${placed.body.id}`, { token: s.token })).body).toEqual(
        placed.body,
      );
    });

    it("refuses another customer's saved address with 404 and takes no stock", async () => {
      const owner = await shopper();
      const thief = await shopper();
      const p = await product(5);
      const id = (await save(owner.token, home)).body.id as number;
      const orders = await count('orders');
      const res = await http.post(
        '/orders',
        { items: [{ productId: p, quantity: 1 }], shippingAddressId: id },
        { token: thief.token },
      );
      expectProblem(res, 404);
      expectProblem(
        await http.post(
          '/orders',
          { items: [{ productId: p, quantity: 1 }], shippingAddressId: 2_000_000_000 },
          { token: thief.token },
        ),
        404,
      );
      expect(await stockOf(p)).toBe(5);
      expect(await count('orders')).toBe(orders);
    });

    it("lets an administrator ship to the named customer's saved address, not to another's", async () => {
      const s = await shopper();
      const other = await shopper();
      const p = await product();
      const id = (await save(s.token, home)).body.id as number;
      const ok = await http.post(
        '/orders',
        { items: [{ productId: p, quantity: 1 }], customerId: s.customerId, shippingAddressId: id },
        { token: admin },
      );
      expect(ok.status).toBe(201);
      expect(ok.body.shippingAddress).toEqual(answered);
      expectProblem(
        await http.post(
          '/orders',
          {
            items: [{ productId: p, quantity: 1 }],
            customerId: other.customerId,
            shippingAddressId: id,
          },
          { token: admin },
        ),
        404,
      );
    });

    it('refuses both ways at once (400) and a bad inline address (400), writing nothing', async () => {
      const s = await shopper();
      const p = await product(5);
      const id = (await save(s.token, home)).body.id as number;
      const orders = await count('orders');
      const both = await http.post(
        '/orders',
        { items: [{ productId: p, quantity: 1 }], shippingAddress: home, shippingAddressId: id },
        { token: s.token },
      );
      expectProblem(both, 400);
      expect(both.body.errors.map((e: { field: string }) => e.field)).toContain(
        'shippingAddressId',
      );
      const bad = await http.post(
        '/orders',
        { items: [{ productId: p, quantity: 1 }], shippingAddress: { ...home, country: 'XX' } },
        { token: s.token },
      );
      expectProblem(bad, 400);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain(
        'shippingAddress.country',
      );
      expectProblem(
        await http.post(
          '/orders',
          { items: [{ productId: p, quantity: 1 }], shippingAddress: null },
          { token: s.token },
        ),
        400,
      );
      expect(await stockOf(p)).toBe(5);
      expect(await count('orders')).toBe(orders);
    });

    it('includes the address in the Idempotency-Key request: another address with the same key is 422', async () => {
      const s = await shopper();
      const p = await product();
      const opts = { token: s.token, headers: { 'idempotency-key': 'addr-key-1' } };
      const body = { items: [{ productId: p, quantity: 1 }], shippingAddress: home };
      const first = await http.post('/orders', body, opts);
      expect(first.status).toBe(201);
      const again = await http.post('/orders', body, opts);
      expect(again.body).toEqual(first.body);
      expectProblem(
        await http.post('/orders', { ...body, shippingAddress: { ...home, city: 'Bath' } }, opts),
        422,
      );
      expect(await stockOf(p)).toBe(9);
    });
  });

  describe('on checkout', () => {
    it('ships a checkout to a saved address or an inline one; no body still works', async () => {
      const s = await shopper();
      const p = await product();
      const id = (await save(s.token, home)).body.id as number;
      await http.put(`/cart/items/${p}`, { quantity: 2 }, { token: s.token });
      const saved = await http.post(
        '/cart/checkout',
        { shippingAddressId: id },
        { token: s.token },
      );
      expect(saved.status).toBe(201);
      expect(saved.body.shippingAddress).toEqual(answered);
      await http.put(`/cart/items/${p}`, { quantity: 1 }, { token: s.token });
      const inline = await http.post(
        '/cart/checkout',
        { shippingAddress: { ...home, phone: ' +442071234567 ' } },
        { token: s.token },
      );
      expect(inline.status).toBe(201);
      expect(inline.body.shippingAddress).toEqual({ ...answered, phone: '+442071234567' });
      await http.put(`/cart/items/${p}`, { quantity: 1 }, { token: s.token });
      const none = await http.post('/cart/checkout', undefined, { token: s.token });
      expect(none.status).toBe(201);
      expect(none.body.shippingAddress).toBeNull();
      expect(await stockOf(p)).toBe(6);
    });

    it("refuses another customer's address (404), both ways (400) and a bad address (400), keeping the cart", async () => {
      const owner = await shopper();
      const s = await shopper();
      const p = await product(5);
      const theirs = (await save(owner.token, home)).body.id as number;
      const mine = (await save(s.token, home)).body.id as number;
      await http.put(`/cart/items/${p}`, { quantity: 2 }, { token: s.token });
      expectProblem(
        await http.post('/cart/checkout', { shippingAddressId: theirs }, { token: s.token }),
        404,
      );
      expectProblem(
        await http.post(
          '/cart/checkout',
          { shippingAddressId: mine, shippingAddress: home },
          { token: s.token },
        ),
        400,
      );
      expectProblem(
        await http.post(
          '/cart/checkout',
          { shippingAddress: { ...home, name: '' } },
          { token: s.token },
        ),
        400,
      );
      expectProblem(await http.post('/cart/checkout', { note: 'x' }, { token: s.token }), 400);
      expect(await stockOf(p)).toBe(5);
      expect((await http.get('/cart', { token: s.token })).body.items).toHaveLength(1);
    });

    it('includes the address in the Idempotency-Key request (422 for another address)', async () => {
      const s = await shopper();
      const p = await product();
      await http.put(`/cart/items/${p}`, { quantity: 1 }, { token: s.token });
      const opts = { token: s.token, headers: { 'idempotency-key': 'addr-checkout-1' } };
      const first = await http.post('/cart/checkout', { shippingAddress: home }, opts);
      expect(first.status).toBe(201);
      const again = await http.post('/cart/checkout', { shippingAddress: home }, opts);
      expect(again.body).toEqual(first.body);
      expectProblem(
        await http.post('/cart/checkout', { shippingAddress: { ...home, country: 'IE' } }, opts),
        422,
      );
      expectProblem(await http.post('/cart/checkout', undefined, opts), 422);
    });
  });
});
