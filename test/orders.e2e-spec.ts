import { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ADMIN, startApp, TestApp } from './helpers/test-app';
import { expectProblem, Http } from './helpers/http';
import { customerSession } from './helpers/seed';

describe('Orders (e2e)', () => {
  let t: TestApp;
  let http: Http;
  let admin: string;
  let alice: { customerId: number; token: string };
  let bob: { customerId: number; token: string };

  const product = async (name: string, price: string, stock: number) => {
    const res = await http.post('/products', { name, price, stock }, { token: admin });
    expect(res.status).toBe(201);
    return res.body.id as number;
  };
  const stockOf = async (id: number) => {
    const ds = t.app.get<DataSource>(getDataSourceToken());
    const row = await ds.query(`SELECT stock FROM products WHERE id = ?`, [id]);
    return Number(row[0].stock);
  };
  const order = (token: string, items: { productId: number; quantity: number }[], extra = {}) =>
    http.post('/orders', { items, ...extra }, { token });

  beforeAll(async () => {
    t = await startApp();
    http = new Http(t.baseUrl);
    admin = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
    alice = await customerSession(t.app, http, 'alice');
    bob = await customerSession(t.app, http, 'bob');
  });
  afterAll(async () => t.close());

  describe('placing', () => {
    it('places an order with exact totals, snapshots and a server-set date, taking stock', async () => {
      const dime = await product('Dime candy', '0.10', 10);
      const tea = await product('Tea', '4.15', 5);
      const before = Date.now();
      const res = await order(alice.token, [
        { productId: tea, quantity: 2 },
        { productId: dime, quantity: 3 },
      ]);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        status: 'pending',
        customer: { id: alice.customerId, name: 'alice', email: 'alice@example.com' },
        total: '8.60',
      });
      // Items in ascending productId order.
      expect(res.body.items).toEqual([
        { productId: dime, name: 'Dime candy', unitPrice: '0.10', quantity: 3, lineTotal: '0.30' },
        { productId: tea, name: 'Tea', unitPrice: '4.15', quantity: 2, lineTotal: '8.30' },
      ]);
      const date = new Date(res.body.orderDate).getTime();
      expect(date).toBeGreaterThanOrEqual(before - 1000);
      expect(date).toBeLessThanOrEqual(Date.now() + 1000);
      expect(await stockOf(dime)).toBe(7);
      expect(await stockOf(tea)).toBe(3);
    });

    it('merges lines naming the same product', async () => {
      const p = await product('Merge me', '1.00', 10);
      const res = await order(alice.token, [
        { productId: p, quantity: 2 },
        { productId: p, quantity: 3 },
      ]);
      expect(res.status).toBe(201);
      expect(res.body.items).toHaveLength(1);
      expect(res.body.items[0]).toMatchObject({ quantity: 5, lineTotal: '5.00' });
      expect(res.body.total).toBe('5.00');
      expect(await stockOf(p)).toBe(5);
    });

    it('refuses a merged quantity above 1000 with 400', async () => {
      const p = await product('Bulk', '1.00', 5000);
      const res = await order(alice.token, [
        { productId: p, quantity: 600 },
        { productId: p, quantity: 600 },
      ]);
      expectProblem(res, 400);
      expect(await stockOf(p)).toBe(5000);
    });

    it('answers 409 naming the product short of stock and changes nothing', async () => {
      const a = await product('Plenty', '1.00', 10);
      const b = await product('Scarce', '2.00', 1);
      const res = await order(alice.token, [
        { productId: a, quantity: 4 },
        { productId: b, quantity: 2 },
      ]);
      expectProblem(res, 409);
      expect(res.body.detail).toContain(`product ${b}`);
      expect(res.body.detail).toContain('Scarce');
      expect(await stockOf(a)).toBe(10);
      expect(await stockOf(b)).toBe(1);
      const list = await http.get(`/orders?customerId=${alice.customerId}`, { token: admin });
      expect(list.body.data.every((o: any) => o.items.every((i: any) => i.productId !== a))).toBe(
        true,
      );
    });

    it('answers 422 naming an unknown or deleted product, and takes no stock', async () => {
      const a = await product('Fine', '1.00', 10);
      const gone = await product('Gone', '1.00', 10);
      expect((await http.delete(`/products/${gone}`, { token: admin })).status).toBe(204);
      const res = await order(alice.token, [
        { productId: a, quantity: 1 },
        { productId: gone, quantity: 1 },
        { productId: 999999, quantity: 1 },
      ]);
      expectProblem(res, 422);
      expect(res.body.detail).toContain(String(gone));
      expect(res.body.detail).toContain('999999');
      expect(await stockOf(a)).toBe(10);
    });

    it.each([
      [{ items: [] }, 'items'],
      [{}, 'items'],
      [{ items: 'x' }, 'items'],
      [{ items: [{ productId: 1, quantity: 0 }] }, 'items.0.quantity'],
      [{ items: [{ productId: 1, quantity: 1001 }] }, 'items.0.quantity'],
      [{ items: [{ productId: 1, quantity: 1.5 }] }, 'items.0.quantity'],
      [{ items: [{ productId: 0, quantity: 1 }] }, 'items.0.productId'],
      [{ items: [{ productId: 1, quantity: 1, price: '0.01' }] }, 'items.0.price'],
      [{ items: [{ productId: 1, quantity: 1 }], total: '0.01' }, 'total'],
      [{ items: [{ productId: 1, quantity: 1 }], status: 'paid' }, 'status'],
      [{ items: [{ productId: 1, quantity: 1 }], orderDate: '2020-01-01' }, 'orderDate'],
      [
        { items: Array.from({ length: 51 }, (_, i) => ({ productId: i + 1, quantity: 1 })) },
        'items',
      ],
    ])('rejects %j with 400 naming %s', async (body, field) => {
      const res = await http.post('/orders', body, { token: alice.token });
      expectProblem(res, 400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('lets a customer order only for itself (403 naming another customer)', async () => {
      const p = await product('Own', '1.00', 10);
      expectProblem(
        await order(alice.token, [{ productId: p, quantity: 1 }], { customerId: bob.customerId }),
        403,
      );
      const own = await order(alice.token, [{ productId: p, quantity: 1 }], {
        customerId: alice.customerId,
      });
      expect(own.status).toBe(201);
      expect(await stockOf(p)).toBe(9);
    });

    it('makes an administrator name an existing customer', async () => {
      const p = await product('For Bob', '3.00', 10);
      expectProblem(await order(admin, [{ productId: p, quantity: 1 }]), 400);
      // Found by the fuzz test: null was let through and ended as a 500.
      expectProblem(await order(admin, [{ productId: p, quantity: 1 }], { customerId: null }), 400);
      const missing = await order(admin, [{ productId: p, quantity: 1 }], { customerId: 999999 });
      expectProblem(missing, 422);
      expect(missing.body.detail).toBe('Customer 999999 does not exist');
      expect(await stockOf(p)).toBe(10);
      const res = await order(admin, [{ productId: p, quantity: 2 }], {
        customerId: bob.customerId,
      });
      expect(res.status).toBe(201);
      expect(res.body.customer.id).toBe(bob.customerId);
      expect(await stockOf(p)).toBe(8);
    });

    it('needs a token', async () => {
      expectProblem(await http.post('/orders', { items: [{ productId: 1, quantity: 1 }] }), 401);
      expectProblem(await http.get('/orders'), 401);
    });
  });

  describe('reading', () => {
    it('shows a customer its own orders only (another one is 404)', async () => {
      const p = await product('Private', '1.25', 10);
      const mine = await order(bob.token, [{ productId: p, quantity: 1 }]);
      expect(mine.status).toBe(201);
      const got = await http.get(`/orders/${mine.body.id}`, { token: bob.token });
      expect(got.status).toBe(200);
      expect(got.body).toEqual(mine.body);
      expectProblem(await http.get(`/orders/${mine.body.id}`, { token: alice.token }), 404);
      expectProblem(await http.get('/orders/999999', { token: bob.token }), 404);
      expectProblem(await http.get('/orders/abc', { token: bob.token }), 400);
      expect((await http.get(`/orders/${mine.body.id}`, { token: admin })).status).toBe(200);

      const aliceList = await http.get('/orders?limit=100', { token: alice.token });
      expect(aliceList.status).toBe(200);
      expect(aliceList.body.data.length).toBeGreaterThan(0);
      expect(aliceList.body.data.every((o: any) => o.customer.id === alice.customerId)).toBe(true);
      // A customer cannot widen its view with the customerId filter.
      const sneaky = await http.get(`/orders?customerId=${bob.customerId}`, { token: alice.token });
      expect(sneaky.body.data).toEqual([]);
    });

    it('keeps the snapshot when the product is edited or deleted later', async () => {
      const p = await product('Original name', '5.00', 10);
      const placed = await order(alice.token, [{ productId: p, quantity: 2 }]);
      await http.patch(`/products/${p}`, { name: 'Renamed', price: '9.99' }, { token: admin });
      let got = await http.get(`/orders/${placed.body.id}`, { token: alice.token });
      expect(got.body.items[0]).toMatchObject({
        name: 'Original name',
        unitPrice: '5.00',
        lineTotal: '10.00',
      });
      expect(got.body.total).toBe('10.00');
      await http.delete(`/products/${p}`, { token: admin });
      got = await http.get(`/orders/${placed.body.id}`, { token: alice.token });
      expect(got.body.items[0].name).toBe('Original name');
    });

    it('lists newest first with admin filters and pagination', async () => {
      const p = await product('Filtered', '1.00', 100);
      const ids: number[] = [];
      for (let i = 0; i < 3; i++) {
        ids.push((await order(bob.token, [{ productId: p, quantity: 1 }])).body.id);
      }
      await http.patch(`/orders/${ids[0]}/status`, { status: 'paid' }, { token: admin });

      const all = await http.get('/orders?limit=100', { token: admin });
      expect(all.status).toBe(200);
      const dates = all.body.data.map((o: any) => new Date(o.orderDate).getTime());
      expect([...dates].sort((a, b) => b - a)).toEqual(dates);
      expect(all.body.data.some((o: any) => o.customer.id === alice.customerId)).toBe(true);
      expect(all.body.data.some((o: any) => o.customer.id === bob.customerId)).toBe(true);

      const bobs = await http.get(`/orders?customerId=${bob.customerId}&limit=100`, {
        token: admin,
      });
      expect(bobs.body.data.every((o: any) => o.customer.id === bob.customerId)).toBe(true);
      expect(bobs.body.data.slice(0, 3).map((o: any) => o.id)).toEqual([...ids].reverse());

      const paid = await http.get('/orders?status=paid', { token: admin });
      expect(paid.body.data.map((o: any) => o.id)).toContain(ids[0]);
      expect(paid.body.data.every((o: any) => o.status === 'paid')).toBe(true);

      const page = await http.get(`/orders?customerId=${bob.customerId}&limit=2&page=1`, {
        token: admin,
      });
      expect(page.body.data).toHaveLength(2);
      expect(page.body.meta).toMatchObject({ page: 1, limit: 2, total: bobs.body.meta.total });

      const future = new Date(Date.now() + 3600_000).toISOString();
      const past = new Date(Date.now() - 3600_000).toISOString();
      const none = await http.get(`/orders?from=${future}`, { token: admin });
      expect(none.body.data).toEqual([]);
      const window = await http.get(`/orders?from=${past}&to=${future}&limit=100`, {
        token: admin,
      });
      expect(window.body.meta.total).toBe(all.body.meta.total);
      const before = await http.get(`/orders?to=${past}`, { token: admin });
      expect(before.body.meta.total).toBe(0);
    });

    it.each([
      ['from=2026-02-01&to=2026-01-01', 'from'],
      ['from=yesterday', 'from'],
      ['status=lost', 'status'],
      ['customerId=abc', 'customerId'],
      ['limit=101', 'limit'],
    ])('rejects the query %s with 400', async (query, field) => {
      const res = await http.get(`/orders?${query}`, { token: admin });
      expectProblem(res, 400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    // ISO 8601 allows these, `new Date()` reads some as Invalid Date (then a 500 in the SQL).
    it.each([
      '2024-W01-1',
      '2024-W01',
      '2024-366',
      '20240101',
      '2024-02-30',
      '2023-02-29',
      '2024-01-01T00:00',
      '2024-01-01T00:00:00',
      '2024-01-01T24:00:00Z',
      '2024-12-31T23:59:60Z',
      '9999-12-31T23:59:59-01:00',
      ' 2024-01-01',
      // Lower-case t and z: RFC 3339 lets a specification require upper case; the document's pattern does.
      '2024-02-29t21:30:00.25z',
    ])('answers the date %j with 400 in from and in to, as a customer too', async (date) => {
      for (const [field, token] of [
        ['from', admin],
        ['to', admin],
        ['from', alice.token],
      ] as const) {
        const res = await http.get(`/orders?${field}=${encodeURIComponent(date)}`, { token });
        expectProblem(res, 400);
        expect(res.body.errors).toEqual([{ field, message: expect.stringContaining('RFC 3339') }]);
      }
    });

    it.each(['2024-02-29', '2024-02-29T23:30:00+02:00', '2024-02-29T21:30:00.25Z'])(
      'accepts the date %s and filters by it (every order here is newer)',
      async (date) => {
        const all = await http.get('/orders', { token: admin });
        expect(all.body.meta.total).toBeGreaterThan(0);
        const since = await http.get(`/orders?from=${encodeURIComponent(date)}`, { token: admin });
        expect(since.status).toBe(200);
        expect(since.body.meta.total).toBe(all.body.meta.total);
        const until = await http.get(`/orders?to=${encodeURIComponent(date)}`, { token: admin });
        expect(until.status).toBe(200);
        expect(until.body.meta.total).toBe(0);
      },
    );
  });

  describe('lifecycle', () => {
    it('moves pending -> paid -> shipped -> delivered and refuses every other move', async () => {
      const p = await product('Lifecycle', '1.00', 10);
      const { body } = await order(alice.token, [{ productId: p, quantity: 1 }]);
      const move = (status: string) =>
        http.patch(`/orders/${body.id}/status`, { status }, { token: admin });
      expectProblem(await move('shipped'), 409);
      expectProblem(await move('pending'), 409);
      expect((await move('paid')).body.status).toBe('paid');
      expectProblem(await move('paid'), 409);
      expect((await move('shipped')).body.status).toBe('shipped');
      expectProblem(await move('cancelled'), 409);
      const delivered = await move('delivered');
      expect(delivered.status).toBe(200);
      expect(delivered.body.status).toBe('delivered');
      expectProblem(await move('cancelled'), 409);
      expectProblem(await move('bogus'), 400);
      expect(await stockOf(p)).toBe(9);
      expectProblem(
        await http.patch(`/orders/${body.id}/status`, { status: 'paid' }, { token: alice.token }),
        403,
      );
      expectProblem(
        await http.patch('/orders/999999/status', { status: 'paid' }, { token: admin }),
        404,
      );
    });

    it('restores stock when an administrator cancels through the status path', async () => {
      const p = await product('Status cancel', '1.00', 10);
      const { body } = await order(alice.token, [{ productId: p, quantity: 4 }]);
      await http.patch(`/orders/${body.id}/status`, { status: 'paid' }, { token: admin });
      expect(await stockOf(p)).toBe(6);
      const res = await http.patch(
        `/orders/${body.id}/status`,
        { status: 'cancelled' },
        { token: admin },
      );
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('cancelled');
      expect(await stockOf(p)).toBe(10);
    });

    it('lets the owner cancel while pending, then never again', async () => {
      const p = await product('Cancel me', '1.00', 10);
      const { body } = await order(alice.token, [{ productId: p, quantity: 3 }]);
      expectProblem(
        await http.post(`/orders/${body.id}/cancel`, undefined, { token: bob.token }),
        404,
      );
      const res = await http.post(`/orders/${body.id}/cancel`, undefined, { token: alice.token });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: body.id, status: 'cancelled' });
      expect(await stockOf(p)).toBe(10);
      expectProblem(
        await http.post(`/orders/${body.id}/cancel`, undefined, { token: alice.token }),
        409,
      );
      expectProblem(await http.post(`/orders/${body.id}/cancel`, undefined, { token: admin }), 409);
      expect(await stockOf(p)).toBe(10);
    });

    it('refuses a customer cancelling a paid order (409) but lets an administrator', async () => {
      const p = await product('Paid cancel', '1.00', 10);
      const { body } = await order(alice.token, [{ productId: p, quantity: 2 }]);
      await http.patch(`/orders/${body.id}/status`, { status: 'paid' }, { token: admin });
      expectProblem(
        await http.post(`/orders/${body.id}/cancel`, undefined, { token: alice.token }),
        409,
      );
      const res = await http.post(`/orders/${body.id}/cancel`, undefined, { token: admin });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('cancelled');
      expect(await stockOf(p)).toBe(10);
    });

    it('restores stock once when two cancels race', async () => {
      const p = await product('Race cancel', '1.00', 10);
      const { body } = await order(alice.token, [{ productId: p, quantity: 5 }]);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          http.post(`/orders/${body.id}/cancel`, undefined, {
            token: i % 2 ? admin : alice.token,
          }),
        ),
      );
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect(results.filter((r) => r.status === 409)).toHaveLength(5);
      expect(await stockOf(p)).toBe(10);
    });

    it('puts stock back even for a product deleted meanwhile', async () => {
      const p = await product('Deleted later', '1.00', 10);
      const { body } = await order(alice.token, [{ productId: p, quantity: 4 }]);
      await http.delete(`/products/${p}`, { token: admin });
      const res = await http.post(`/orders/${body.id}/cancel`, undefined, { token: alice.token });
      expect(res.status).toBe(200);
      expect(await stockOf(p)).toBe(10);
    });
  });

  describe('customers with orders', () => {
    it('cannot be deleted while they have orders (409, nothing removed)', async () => {
      const carol = await customerSession(t.app, http, 'carol');
      const p = await product('Carol', '1.00', 10);
      expect((await order(carol.token, [{ productId: p, quantity: 1 }])).status).toBe(201);
      const res = await http.delete(`/customers/${carol.customerId}`, { token: admin });
      expectProblem(res, 409);
      expect(res.body.detail).toMatch(/still referenced|has orders/);
      // The customer, its account and its order are all still there.
      expect((await http.get(`/customers/${carol.customerId}`, { token: admin })).status).toBe(200);
      expect((await http.get('/orders', { token: carol.token })).body.data).toHaveLength(1);
    });
  });

  describe('concurrency', () => {
    it('sells the last 10 units exactly once to 40 concurrent orders', async () => {
      const p = await product('Last units', '2.50', 10);
      const buyers = [alice, bob];
      for (const name of ['dave', 'erin']) buyers.push(await customerSession(t.app, http, name));
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          order(buyers[i % buyers.length].token, [{ productId: p, quantity: 1 }]),
        ),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s >= 500)).toEqual([]);
      expect(statuses.filter((s) => s === 201)).toHaveLength(10);
      expect(statuses.filter((s) => s === 409)).toHaveLength(30);
      expect(await stockOf(p)).toBe(0);
      const all = await http.get('/orders?limit=100', { token: admin });
      const sold = all.body.data.filter((o: any) => o.items[0]?.productId === p);
      expect(sold).toHaveLength(10);
    });
  });
});
