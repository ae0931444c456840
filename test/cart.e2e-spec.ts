import { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ADMIN, startApp, TestApp } from './helpers/test-app';
import { expectProblem, Http } from './helpers/http';
import { customerSession } from './helpers/seed';

describe('Cart (e2e)', () => {
  let t: TestApp;
  let http: Http;
  let ds: DataSource;
  let admin: string;
  let seq = 0;

  const product = async (price: string, stock: number, name = `Cart item ${++seq}`) => {
    const res = await http.post('/products', { name, price, stock }, { token: admin });
    expect(res.status).toBe(201);
    return res.body.id as number;
  };
  const stockOf = async (id: number) =>
    Number((await ds.query('SELECT stock FROM products WHERE id = ?', [id]))[0].stock);
  const put = (token: string, productId: number | string, quantity: unknown) =>
    http.put(`/cart/items/${productId}`, { quantity }, { token });
  const shopper = (name: string) => customerSession(t.app, http, name);

  beforeAll(async () => {
    t = await startApp();
    http = new Http(t.baseUrl);
    ds = t.app.get<DataSource>(getDataSourceToken());
    admin = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
  });
  afterAll(async () => t.close());

  it('starts empty', async () => {
    const { token } = await shopper('empty');
    const res = await http.get('/cart', { token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [], total: '0.00' });
  });

  it('sets, replaces and removes quantities, with exact totals at current prices', async () => {
    const { token } = await shopper('setter');
    const dime = await product('0.10', 50, 'Dime');
    const tea = await product('4.15', 50, 'Tea');
    let res = await put(token, dime, 3);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        {
          productId: dime,
          name: 'Dime',
          unitPrice: '0.10',
          quantity: 3,
          lineTotal: '0.30',
          available: true,
        },
      ],
      total: '0.30',
    });
    await put(token, tea, 1);
    res = await put(token, tea, 2); // sets, does not add
    expect(res.body.items.map((i: any) => [i.productId, i.quantity])).toEqual([
      [dime, 3],
      [tea, 2],
    ]);
    expect(res.body.total).toBe('8.60');
    await http.patch(`/products/${tea}`, { price: '5.00' }, { token: admin });
    res = await http.get('/cart', { token });
    expect(res.body.items[1]).toMatchObject({ unitPrice: '5.00', lineTotal: '10.00' });
    expect(res.body.total).toBe('10.30');
    res = await put(token, dime, 0);
    expect(res.body.items.map((i: any) => i.productId)).toEqual([tea]);
  });

  it.each([[-1], [1001], [1.5], ['2'], [null]])('refuses quantity %j with 400', async (q) => {
    const { token } = await shopper(`bad${String(q).replace(/\W/g, '')}`);
    const p = await product('1.00', 5);
    const res = await put(token, p, q);
    expectProblem(res, 400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('quantity');
  });

  it('refuses unknown fields, bad ids, and unknown or deleted products', async () => {
    const { token } = await shopper('strict');
    const p = await product('1.00', 5);
    expectProblem(
      await http.put(`/cart/items/${p}`, { quantity: 1, price: '0.01' }, { token }),
      400,
    );
    expectProblem(await put(token, 'abc', 1), 400);
    expectProblem(await put(token, 999999, 1), 404);
    await http.delete(`/products/${p}`, { token: admin });
    expectProblem(await put(token, p, 1), 404);
    expect((await http.get('/cart', { token })).body.items).toEqual([]);
  });

  it('marks lines short of stock and lines whose product is gone', async () => {
    const { token } = await shopper('marker');
    const few = await product('1.00', 2);
    const gone = await product('2.00', 10, 'Soon gone');
    await put(token, few, 3);
    await put(token, gone, 1);
    await http.delete(`/products/${gone}`, { token: admin });
    const res = await http.get('/cart', { token });
    expect(res.body.items).toEqual([
      expect.objectContaining({ productId: few, available: false, problem: 'insufficient_stock' }),
      expect.objectContaining({
        productId: gone,
        name: 'Soon gone',
        available: false,
        problem: 'gone',
      }),
    ]);
  });

  it('removes one line (204, then 404) and empties the cart (204)', async () => {
    const { token } = await shopper('remover');
    const a = await product('1.00', 5);
    const b = await product('1.00', 5);
    await put(token, a, 1);
    await put(token, b, 1);
    const del = await http.delete(`/cart/items/${a}`, { token });
    expect(del.status).toBe(204);
    expectProblem(await http.delete(`/cart/items/${a}`, { token }), 404);
    expect((await http.get('/cart', { token })).body.items.map((i: any) => i.productId)).toEqual([
      b,
    ]);
    expect((await http.delete('/cart', { token })).status).toBe(204);
    expect((await http.get('/cart', { token })).body).toEqual({ items: [], total: '0.00' });
    expect((await http.delete('/cart', { token })).status).toBe(204);
  });

  it('keeps one cart per customer', async () => {
    const one = await shopper('one');
    const two = await shopper('two');
    const p = await product('1.00', 5);
    await put(one.token, p, 2);
    expect((await http.get('/cart', { token: two.token })).body.items).toEqual([]);
    expectProblem(await http.delete(`/cart/items/${p}`, { token: two.token }), 404);
    expect((await http.get('/cart', { token: one.token })).body.items).toHaveLength(1);
  });

  it('has no cart for administrators (403) and none without a token (401)', async () => {
    expectProblem(await http.get('/cart', { token: admin }), 403);
    expectProblem(await http.put('/cart/items/1', { quantity: 1 }, { token: admin }), 403);
    expectProblem(await http.delete('/cart/items/1', { token: admin }), 403);
    expectProblem(await http.delete('/cart', { token: admin }), 403);
    expectProblem(await http.post('/cart/checkout', undefined, { token: admin }), 403);
    expectProblem(await http.get('/cart'), 401);
  });

  describe('at most 50 lines, like an order', () => {
    const products = async (count: number) => {
      const ids: number[] = [];
      for (let i = 0; i < count; i++) ids.push(await product('1.00', 100));
      return ids;
    };

    it('refuses a 51st product with 422, keeps every line changeable, and checks out all 50', async () => {
      const s = await shopper('capped');
      const ids = await products(51);
      for (const id of ids.slice(0, 50)) expect((await put(s.token, id, 1)).status).toBe(200);
      const refused = await put(s.token, ids[50], 1);
      expectProblem(refused, 422);
      expect(refused.body.detail).toMatch(/at most 50 products/);
      // A line already in the cart still changes, and removing one makes room.
      const changed = await put(s.token, ids[0], 3);
      expect(changed.status).toBe(200);
      expect(changed.body.items).toHaveLength(50);
      expect((await put(s.token, ids[1], 0)).status).toBe(200);
      expect((await put(s.token, ids[50], 1)).status).toBe(200);
      expectProblem(await put(s.token, ids[1], 1), 422);
      const cart = await http.get('/cart', { token: s.token });
      expect(cart.body.items).toHaveLength(50);
      expect(cart.body.items.map((i: { productId: number }) => i.productId)).not.toContain(ids[1]);
      const order = await http.post('/cart/checkout', undefined, { token: s.token });
      expect(order.status).toBe(201);
      expect(order.body.items).toHaveLength(50);
    });

    it('never holds 51 lines when the 50th and 51st products are put concurrently', async () => {
      const ids = await products(49 + 2 * 4);
      for (let round = 0; round < 4; round++) {
        const s = await shopper(`cap-race-${round}`);
        for (const id of ids.slice(0, 49)) expect((await put(s.token, id, 1)).status).toBe(200);
        const last = ids.slice(49 + round * 2, 51 + round * 2);
        const results = await Promise.all(last.map((id) => put(s.token, id, 1)));
        expect(results.map((r) => r.status).sort()).toEqual([200, 422]);
        const lines = await ds.query('SELECT COUNT(*) AS n FROM cart_items WHERE customerId = ?', [
          s.customerId,
        ]);
        expect(Number(lines[0].n)).toBe(50);
      }
    });
  });

  describe('checkout', () => {
    it('places an order from the cart, takes stock and empties the cart', async () => {
      const s = await shopper('buyer');
      const dime = await product('0.10', 10, 'Dime again');
      const tea = await product('4.15', 10, 'Tea again');
      await put(s.token, tea, 2);
      await put(s.token, dime, 3);
      const res = await http.post('/cart/checkout', undefined, { token: s.token });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        status: 'pending',
        customer: { id: s.customerId },
        total: '8.60',
        items: [
          {
            productId: dime,
            name: 'Dime again',
            unitPrice: '0.10',
            quantity: 3,
            lineTotal: '0.30',
          },
          { productId: tea, name: 'Tea again', unitPrice: '4.15', quantity: 2, lineTotal: '8.30' },
        ],
      });
      expect(await stockOf(dime)).toBe(7);
      expect(await stockOf(tea)).toBe(8);
      expect((await http.get('/cart', { token: s.token })).body.items).toEqual([]);
      const got = await http.get(`/orders/${res.body.id}`, { token: s.token });
      expect(got.body).toEqual(res.body);
    });

    it('refuses an empty cart with 422', async () => {
      const s = await shopper('nothing');
      expectProblem(await http.post('/cart/checkout', undefined, { token: s.token }), 422);
    });

    it('refuses a cart with a gone product (422 naming it) and keeps the cart', async () => {
      const s = await shopper('gonebuyer');
      const ok = await product('1.00', 10);
      const gone = await product('1.00', 10);
      await put(s.token, ok, 1);
      await put(s.token, gone, 1);
      await http.delete(`/products/${gone}`, { token: admin });
      const res = await http.post('/cart/checkout', undefined, { token: s.token });
      expectProblem(res, 422);
      expect(res.body.detail).toContain(String(gone));
      expect(await stockOf(ok)).toBe(10);
      expect((await http.get('/cart', { token: s.token })).body.items).toHaveLength(2);
    });

    it('refuses a line short of stock (409) and changes nothing', async () => {
      const s = await shopper('shortbuyer');
      const ok = await product('1.00', 10);
      const few = await product('1.00', 1, 'Few left');
      await put(s.token, ok, 2);
      await put(s.token, few, 2);
      const res = await http.post('/cart/checkout', undefined, { token: s.token });
      expectProblem(res, 409);
      expect(res.body.detail).toContain('Few left');
      expect(await stockOf(ok)).toBe(10);
      expect(await stockOf(few)).toBe(1);
      expect((await http.get('/cart', { token: s.token })).body.items).toHaveLength(2);
    });

    it('honours Idempotency-Key: a replay returns the first order, never a second', async () => {
      const s = await shopper('idembuyer');
      const p = await product('3.00', 10);
      await put(s.token, p, 2);
      const opts = { token: s.token, headers: { 'idempotency-key': 'checkout-1' } };
      const first = await http.post('/cart/checkout', undefined, opts);
      expect(first.status).toBe(201);
      const again = await http.post('/cart/checkout', undefined, opts);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(await stockOf(p)).toBe(8);
      // The same key on another endpoint is another request: 422.
      const other = await http.post('/orders', { items: [{ productId: p, quantity: 1 }] }, opts);
      expectProblem(other, 422);
      expectProblem(
        await http.post('/cart/checkout', undefined, {
          token: s.token,
          headers: { 'idempotency-key': 'x'.repeat(256) },
        }),
        400,
      );
    });

    it('orders once when the same cart is checked out concurrently', async () => {
      const s = await shopper('racer');
      const p = await product('1.00', 100);
      await put(s.token, p, 5);
      const results = await Promise.all(
        Array.from({ length: 6 }, () => http.post('/cart/checkout', undefined, { token: s.token })),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((x) => x === 201)).toHaveLength(1);
      expect(statuses.every((x) => x === 201 || x === 409 || x === 422)).toBe(true);
      expect(await stockOf(p)).toBe(95);
    });
  });
});
