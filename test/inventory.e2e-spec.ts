import { ADMIN, startApp, TestApp } from './helpers/test-app';
import { expectProblem, Http } from './helpers/http';
import { customerSession } from './helpers/seed';

interface Movement {
  id: number;
  productId: number;
  delta: number;
  stockAfter: number;
  reason: string;
  orderId: number | null;
  accountId: number | null;
  note: string | null;
}

describe('Inventory ledger (e2e)', () => {
  let t: TestApp;
  let http: Http;
  let admin: string;
  let adminId: number;
  let shoppers: { token: string; accountId: number; customerId: number }[];
  let seq = 0;

  beforeAll(async () => {
    t = await startApp();
    http = new Http(t.baseUrl);
    admin = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
    adminId = (await http.get('/auth/me', { token: admin })).body.id;
    shoppers = [];
    for (let i = 0; i < 4; i++) shoppers.push(await customerSession(t.app, http, `stocker${i}`));
  });
  afterAll(async () => t.close());

  const product = async (stock?: number) => {
    const res = await http.post(
      '/products',
      { name: `Ledger ${++seq}`, price: '2.00', ...(stock === undefined ? {} : { stock }) },
      { token: admin },
    );
    expect(res.status).toBe(201);
    return res.body.id as number;
  };
  const stockOf = async (id: number) =>
    (await http.get(`/products/${id}`, { token: admin })).body.stock as number;
  /** Every movement of a product, oldest first. */
  const movements = async (id: number): Promise<Movement[]> => {
    const all: Movement[] = [];
    for (let page = 1; ; page++) {
      const res = await http.get(`/products/${id}/stock-movements?limit=100&page=${page}`, {
        token: admin,
      });
      expect(res.status).toBe(200);
      all.push(...(res.body.data as Movement[]));
      if (page >= res.body.meta.totalPages) break;
    }
    return all.reverse();
  };
  /** stock = the sum of the deltas; each stockAfter = the previous one + delta, by id. */
  const expectConsistent = async (id: number) => {
    const list = await movements(id);
    const stock = await stockOf(id);
    expect(list.reduce((sum, m) => sum + m.delta, 0)).toBe(stock);
    let running = 0;
    for (let i = 0; i < list.length; i++) {
      if (i > 0) expect(list[i].id).toBeGreaterThan(list[i - 1].id);
      expect(list[i].delta).not.toBe(0);
      running += list[i].delta;
      expect({ id: list[i].id, stockAfter: list[i].stockAfter }).toEqual({
        id: list[i].id,
        stockAfter: running,
      });
      expect(list[i].stockAfter).toBeGreaterThanOrEqual(0);
    }
    return list;
  };
  const order = (token: string, productId: number, quantity: number, customerId?: number) =>
    http.post(
      '/orders',
      { items: [{ productId, quantity }], ...(customerId ? { customerId } : {}) },
      { token },
    );

  it('records the initial stock of a new product, none for zero', async () => {
    const p = await product(7);
    expect(await movements(p)).toEqual([
      expect.objectContaining({
        productId: p,
        delta: 7,
        stockAfter: 7,
        reason: 'initial',
        orderId: null,
        accountId: adminId,
        note: null,
      }),
    ]);
    expect(await movements(await product())).toEqual([]);
  });

  it('adjusts with a note (201 the movement), refuses going below zero (409), writes nothing on bad input', async () => {
    const p = await product(3);
    const res = await http.post(
      `/products/${p}/stock-adjustments`,
      { delta: -2, note: '  Two broken  ' },
      { token: admin },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      productId: p,
      delta: -2,
      stockAfter: 1,
      reason: 'adjustment',
      accountId: adminId,
      note: 'Two broken',
    });
    expectProblem(
      await http.post(
        `/products/${p}/stock-adjustments`,
        { delta: -2, note: 'x' },
        { token: admin },
      ),
      409,
    );
    for (const body of [
      { delta: 0, note: 'zero' },
      { delta: 1.5, note: 'half' },
      { delta: '1', note: 'text' },
      { delta: 1 },
      { delta: 1, note: '' },
      { delta: 1, note: '   ' },
      { delta: 1, note: 'x'.repeat(201) },
      { delta: 1, note: 'ok', extra: true },
    ]) {
      expectProblem(
        await http.post(`/products/${p}/stock-adjustments`, body, { token: admin }),
        400,
      );
    }
    expectProblem(
      await http.post(
        `/products/${p}/stock-adjustments`,
        { delta: 1, note: 'customer' },
        { token: shoppers[0].token },
      ),
      403,
    );
    expectProblem(
      await http.post(
        '/products/999999/stock-adjustments',
        { delta: 1, note: 'x' },
        { token: admin },
      ),
      404,
    );
    expectProblem(await http.get('/products/999999/stock-movements', { token: admin }), 404);
    expectProblem(
      await http.get(`/products/${p}/stock-movements`, { token: shoppers[0].token }),
      403,
    );
    expect(await stockOf(p)).toBe(1);
    expect((await expectConsistent(p)).map((m) => m.reason)).toEqual(['initial', 'adjustment']);
  });

  it('refuses stock in PATCH /products/:id with a 400 pointing at stock adjustments', async () => {
    const p = await product(5);
    const res = await http.patch(`/products/${p}`, { name: 'Renamed', stock: 9 }, { token: admin });
    expectProblem(res, 400);
    expect(res.body.detail).toContain('stock-adjustments');
    expect(res.body.errors).toEqual([
      { field: 'stock', message: expect.stringContaining('stock-adjustments') },
    ]);
    expect((await http.get(`/products/${p}`, { token: admin })).body).toMatchObject({
      name: `Ledger ${seq}`,
      stock: 5,
    });
  });

  it('records orders (one per line, negative), cancels and status cancels, naming the account', async () => {
    const p = await product(10);
    const q = await product(10);
    const [s] = shoppers;
    const own = await http.post(
      '/orders',
      {
        items: [
          { productId: p, quantity: 2 },
          { productId: q, quantity: 3 },
        ],
      },
      { token: s.token },
    );
    expect(own.status).toBe(201);
    const forCustomer = await order(admin, p, 1, s.customerId);
    expect(forCustomer.status).toBe(201);
    // Refused orders move nothing.
    expectProblem(await order(s.token, p, 100), 409);
    expect(
      (await http.post(`/orders/${own.body.id}/cancel`, undefined, { token: s.token })).status,
    ).toBe(200);
    const status = await http.patch(
      `/orders/${forCustomer.body.id}/status`,
      { status: 'cancelled' },
      { token: admin },
    );
    expect(status.status).toBe(200);
    const ofP = await expectConsistent(p);
    expect(ofP.map((m) => [m.reason, m.delta, m.stockAfter, m.orderId, m.accountId])).toEqual([
      ['initial', 10, 10, null, adminId],
      ['order', -2, 8, own.body.id, s.accountId],
      ['order', -1, 7, forCustomer.body.id, adminId],
      ['cancel', 2, 9, own.body.id, s.accountId],
      ['cancel', 1, 10, forCustomer.body.id, adminId],
    ]);
    expect((await expectConsistent(q)).map((m) => [m.reason, m.delta])).toEqual([
      ['initial', 10],
      ['order', -3],
      ['cancel', 3],
    ]);
  });

  it('lists movements newest first, paginated', async () => {
    const p = await product(1);
    for (let i = 0; i < 3; i++) {
      await http.post(
        `/products/${p}/stock-adjustments`,
        { delta: 1, note: `n${i}` },
        { token: admin },
      );
    }
    const res = await http.get(`/products/${p}/stock-movements?limit=2`, { token: admin });
    expect(res.body.meta).toMatchObject({ total: 4, totalPages: 2, page: 1, limit: 2 });
    expect(res.body.data.map((m: Movement) => m.note)).toEqual(['n2', 'n1']);
    expectProblem(
      await http.get(`/products/${p}/stock-movements?limit=101`, { token: admin }),
      400,
    );
  });

  it('filters by stockBelow for administrators only (1..1,000,000)', async () => {
    const low = await product(2);
    const high = await product(500);
    const res = await http.get('/products?stockBelow=3&limit=100', { token: admin });
    const ids = (res.body.data as { id: number; stock: number }[]).map((x) => x.id);
    expect(ids).toContain(low);
    expect(ids).not.toContain(high);
    for (const x of res.body.data as { stock: number }[]) expect(x.stock).toBeLessThan(3);
    // A customer is refused, also when an administrator's answer is in the cache.
    expectProblem(
      await http.get('/products?stockBelow=3&limit=100', { token: shoppers[0].token }),
      403,
    );
    for (const bad of ['0', '1000001', '1.5', 'abc', '-1']) {
      expectProblem(await http.get(`/products?stockBelow=${bad}`, { token: admin }), 400);
    }
  });

  it('never deadlocks concurrent orders on one product (the stock index is not used to find the row)', async () => {
    const p = await product(100_000);
    for (let round = 0; round < 5; round++) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          order(admin, p, 1 + (i % 3), shoppers[i % shoppers.length].customerId),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));
    }
    await expectConsistent(p);
  });

  it('keeps stock = sum of deltas and an exact stockAfter chain under dozens of concurrent writers', async () => {
    const p = await product(60);
    const placed: { id: number; token: string; byAdmin: boolean }[] = [];
    const statuses: number[] = [];
    const cancelled: number[] = [];
    let ordersPlaced = 0;
    const note = (status: number) => statuses.push(status);
    // Round 1: 30 orders (own and on behalf) and 16 adjustments at once.
    await Promise.all([
      ...Array.from({ length: 30 }, async (_, i) => {
        const s = shoppers[i % shoppers.length];
        const byAdmin = i % 5 === 0;
        const res = await order(
          byAdmin ? admin : s.token,
          p,
          1 + (i % 3),
          byAdmin ? s.customerId : undefined,
        );
        note(res.status);
        if (res.status === 201) {
          ordersPlaced++;
          placed.push({ id: res.body.id, token: s.token, byAdmin });
        }
      }),
      ...Array.from({ length: 16 }, async (_, i) => {
        const res = await http.post(
          `/products/${p}/stock-adjustments`,
          { delta: i % 2 === 0 ? 3 : -(i % 7) - 1, note: `race ${i}` },
          { token: admin },
        );
        note(res.status);
      }),
    ]);
    expect(placed.length).toBeGreaterThan(5);
    // Round 2: cancel most of them (both ways) while more orders and adjustments race.
    await Promise.all([
      ...placed.slice(0, -2).map(async (o, i) => {
        const res =
          i % 2 === 0
            ? await http.post(`/orders/${o.id}/cancel`, undefined, { token: o.token })
            : await http.patch(`/orders/${o.id}/status`, { status: 'cancelled' }, { token: admin });
        note(res.status);
        if (res.status === 200) cancelled.push(o.id);
      }),
      // A second cancel of the same order never restocks twice.
      ...placed.slice(0, 4).map(async (o) => {
        const res = await http.post(`/orders/${o.id}/cancel`, undefined, { token: admin });
        note(res.status);
        if (res.status === 200) cancelled.push(o.id);
      }),
      ...Array.from({ length: 20 }, async (_, i) => {
        const res = await order(shoppers[i % shoppers.length].token, p, 1 + (i % 4));
        note(res.status);
        if (res.status === 201) ordersPlaced++;
      }),
      ...Array.from({ length: 12 }, async (_, i) => {
        const res = await http.post(
          `/products/${p}/stock-adjustments`,
          { delta: i % 3 === 0 ? -5 : 2, note: `race2 ${i}` },
          { token: admin },
        );
        note(res.status);
      }),
    ]);
    // Only successes and refusals of the rules: no 5xx, nothing lost.
    for (const s of statuses) expect([200, 201, 409]).toContain(s);
    const list = await expectConsistent(p);
    const cancels = list.filter((m) => m.reason === 'cancel');
    expect(new Set(cancels.map((m) => m.orderId)).size).toBe(cancels.length);
    // Each of the orders cancelled once, whichever of the racing cancels won.
    expect(cancelled.sort((x, y) => x - y)).toEqual(
      placed
        .slice(0, -2)
        .map((o) => o.id)
        .sort((x, y) => x - y),
    );
    expect(cancels.length).toBe(placed.length - 2);
    const orders = list.filter((m) => m.reason === 'order');
    expect(orders.length).toBe(ordersPlaced);
  });
});
