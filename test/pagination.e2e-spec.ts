import { ADMIN, startApp, TestApp } from './helpers/test-app';
import { expectProblem, Http } from './helpers/http';
import { customerSession } from './helpers/seed';

interface Meta {
  page: number | null;
  limit: number;
  total: number;
  totalPages: number;
  totalExact: boolean;
  nextCursor: string | null;
}

/** Cursor pagination beside page numbers, and exact totals from the list counters. */
describe('Pagination (e2e)', () => {
  let t: TestApp;
  let http: Http;
  let admin: string;
  let alice: { token: string; customerId: number };
  let bob: { token: string; customerId: number };
  const productIds: number[] = [];

  beforeAll(async () => {
    t = await startApp();
    http = new Http(t.baseUrl);
    admin = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
    alice = await customerSession(t.app, http, 'alice');
    bob = await customerSession(t.app, http, 'bob');
    // Repeated prices: the id breaks the ties, pages never skip or repeat a row.
    for (let i = 0; i < 9; i++) {
      const res = await http.post(
        '/products',
        {
          name: `Item ${String.fromCharCode(97 + ((i * 5) % 9))}`,
          price: `${i % 3}.50`,
          stock: i % 4,
        },
        { token: admin },
      );
      productIds.push(res.body.id as number);
    }
  });
  afterAll(async () => t.close());

  async function walk(path: string, token: string): Promise<{ ids: number[]; metas: Meta[] }> {
    const ids: number[] = [];
    const metas: Meta[] = [];
    let res = await http.get(path, { token });
    for (;;) {
      expect(res.status).toBe(200);
      metas.push(res.body.meta as Meta);
      ids.push(...(res.body.data as { id: number }[]).map((r) => r.id));
      const next = (res.body.meta as Meta).nextCursor;
      if (!next) return { ids, metas };
      res = await http.get(`${path}&cursor=${encodeURIComponent(next)}`, { token });
    }
  }

  async function byPages(path: string, token: string): Promise<number[]> {
    const ids: number[] = [];
    for (let page = 1; ; page++) {
      const res = await http.get(`${path}&page=${page}`, { token });
      ids.push(...(res.body.data as { id: number }[]).map((r) => r.id));
      if (page >= (res.body.meta as Meta).totalPages) return ids;
    }
  }

  it.each([
    'sort=price',
    'sort=-price',
    'sort=name',
    'sort=-name',
    'sort=createdAt',
    'inStock=true',
  ])(
    'GET /products?%s by cursor gives the rows of the page-number walk, each once',
    async (query) => {
      const path = `/products?limit=2&${query}`;
      const { ids, metas } = await walk(path, alice.token);
      expect(ids).toEqual(await byPages(path, alice.token));
      expect(new Set(ids).size).toBe(ids.length);
      expect(metas[0].page).toBe(1);
      for (const m of metas.slice(1)) {
        expect(m.page).toBeNull();
        expect(m).toMatchObject({
          total: metas[0].total,
          totalExact: true,
          totalPages: metas[0].totalPages,
        });
      }
      expect(metas[metas.length - 1].nextCursor).toBeNull();
      expect(ids.length).toBe(metas[0].total);
    },
  );

  it('a page-number page carries a cursor to the page after it', async () => {
    const second = await http.get('/products?limit=3&page=2', { token: alice.token });
    const third = await http.get(
      `/products?limit=3&cursor=${encodeURIComponent(second.body.meta.nextCursor as string)}`,
      { token: alice.token },
    );
    const byNumber = await http.get('/products?limit=3&page=3', { token: alice.token });
    expect(third.body.data).toEqual(byNumber.body.data);
    expect(third.body.meta.nextCursor).toBeNull();
  });

  it('refuses page with cursor, an edited cursor, and a cursor sent with anything else', async () => {
    const first = await http.get('/products?limit=2&sort=price', { token: alice.token });
    const cursor = first.body.meta.nextCursor as string;
    const q = (extra: string, c = cursor) => `/products?${extra}&cursor=${encodeURIComponent(c)}`;
    expectProblem(await http.get(q('limit=2&sort=price&page=2'), { token: alice.token }), 400);
    const [body, sig] = cursor.split('.');
    const edited = Buffer.from(
      Buffer.from(body, 'base64url').toString().replace(/\d/, '9'),
    ).toString('base64url');
    expectProblem(
      await http.get(q('limit=2&sort=price', `${edited}.${sig}`), { token: alice.token }),
      400,
    );
    expectProblem(
      await http.get(q('limit=2&sort=price', 'not-a-cursor'), { token: alice.token }),
      400,
    );
    // Other sort, limit, filters, caller, list.
    expectProblem(await http.get(q('limit=2&sort=-price'), { token: alice.token }), 400);
    expectProblem(await http.get(q('limit=3&sort=price'), { token: alice.token }), 400);
    expectProblem(
      await http.get(q('limit=2&sort=price&inStock=true'), { token: alice.token }),
      400,
    );
    expectProblem(await http.get(q('limit=2&sort=price'), { token: bob.token }), 400);
    expectProblem(
      await http.get(`/orders?limit=2&cursor=${encodeURIComponent(cursor)}`, {
        token: alice.token,
      }),
      400,
    );
    // The same request again is fine.
    expect((await http.get(q('limit=2&sort=price'), { token: alice.token })).status).toBe(200);
  });

  it('keeps exact totals by stock through orders, cancels, stock adjustments and deletes', async () => {
    const totals = async () => {
      const [all, inStock, out] = await Promise.all(
        ['', '&inStock=true', '&inStock=false'].map((f) =>
          http.get(`/products?limit=1${f}`, { token: alice.token }),
        ),
      );
      for (const r of [all, inStock, out]) expect(r.body.meta.totalExact).toBe(true);
      return [all.body.meta.total, inStock.body.meta.total, out.body.meta.total] as number[];
    };
    const before = await totals();
    expect(before).toEqual([9, 6, 3]);
    const last = await http.post(
      '/products',
      { name: 'Last one', price: '1.00', stock: 1 },
      { token: admin },
    );
    expect(await totals()).toEqual([10, 7, 3]);
    const order = await http.post(
      '/orders',
      { items: [{ productId: last.body.id, quantity: 1 }] },
      { token: alice.token },
    );
    expect(order.status).toBe(201);
    expect(await totals()).toEqual([10, 6, 4]);
    expect(
      (await http.post(`/orders/${order.body.id}/cancel`, undefined, { token: alice.token }))
        .status,
    ).toBe(200);
    expect(await totals()).toEqual([10, 7, 3]);
    const adjust = async (delta: number) =>
      expect(
        (
          await http.post(
            `/products/${last.body.id}/stock-adjustments`,
            { delta, note: 'count' },
            { token: admin },
          )
        ).status,
      ).toBe(201);
    await adjust(-1);
    expect(await totals()).toEqual([10, 6, 4]);
    await adjust(3);
    expect(await totals()).toEqual([10, 7, 3]);
    await adjust(2);
    expect(await totals()).toEqual([10, 7, 3]);
    await adjust(-5);
    expect(await totals()).toEqual([10, 6, 4]);
    await http.delete(`/products/${last.body.id}`, { token: admin });
    expect(await totals()).toEqual([9, 6, 3]);
  });

  it('counts orders exactly by status and customer, and by cursor pages them all', async () => {
    const plenty = await http.post(
      '/products',
      { name: 'Plenty', price: '2.00', stock: 100 },
      { token: admin },
    );
    for (let i = 0; i < 5; i++) {
      const who = i % 2 === 0 ? alice : bob;
      const res = await http.post(
        '/orders',
        { items: [{ productId: plenty.body.id, quantity: 1 }] },
        { token: who.token },
      );
      expect(res.status).toBe(201);
      if (i === 0)
        await http.patch(`/orders/${res.body.id}/status`, { status: 'paid' }, { token: admin });
    }
    const meta = async (query: string, token = admin) =>
      (await http.get(`/orders?limit=2${query}`, { token })).body.meta as Meta;
    const all = await meta('');
    const paid = await meta('&status=paid');
    const pending = await meta('&status=pending');
    const cancelled = await meta('&status=cancelled');
    expect(all.total).toBe(paid.total + pending.total + cancelled.total);
    expect(paid.total).toBe(1);
    expect(await meta('', alice.token)).toMatchObject({ totalExact: true });
    const aliceOwn = await walk('/orders?limit=2', alice.token);
    expect(aliceOwn.ids.length).toBe(aliceOwn.metas[0].total);
    expect(await meta(`&customerId=${alice.customerId}&status=paid`)).toMatchObject({
      total: 1,
      totalExact: true,
    });
    const everything = await walk('/orders?limit=2', admin);
    expect(everything.ids.length).toBe(all.total);
    expect([...everything.ids].sort((a, b) => b - a)).toEqual(everything.ids);
  });

  it.each(['minPrice=0', 'inStock=true', 'maxPrice=3'])(
    'GET /products?%s: the last page and one past it tell the total the first page counted',
    async (query) => {
      const first = (await http.get(`/products?limit=2&${query}`, { token: alice.token })).body
        .meta as Meta;
      expect(first.total).toBeGreaterThan(2);
      for (let page = 2; page <= first.totalPages + 1; page++) {
        const res = await http.get(`/products?limit=2&${query}&page=${page}`, {
          token: alice.token,
        });
        expect(res.body.meta).toMatchObject({
          total: first.total,
          totalExact: true,
          totalPages: first.totalPages,
        });
        expect(res.body.data).toHaveLength(Math.max(0, Math.min(2, first.total - (page - 1) * 2)));
      }
    },
  );

  it('pages customers and accounts by cursor too', async () => {
    for (const list of ['/customers?limit=1', '/accounts?limit=1']) {
      const { ids, metas } = await walk(list, admin);
      expect(ids.length).toBe(metas[0].total);
      expect(metas.every((m) => m.totalExact)).toBe(true);
    }
  });

  it('pages a category (with its descendants) and stockBelow by cursor, both signed into it', async () => {
    const made = async (name: string, parentId?: number) =>
      (await http.post('/categories', { name, parentId }, { token: admin })).body.id as number;
    const top = await made('Paging top');
    const child = await made('Paging child', top);
    const other = await made('Paging other');
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await http.post(
        '/products',
        { name: `Cat item ${i}`, price: '2.00', stock: i, categoryIds: [i % 2 ? child : top] },
        { token: admin },
      );
      ids.push(res.body.id as number);
    }
    const all = await walk(`/products?limit=2&category=${top}`, alice.token);
    expect(all.ids.sort((a, b) => a - b)).toEqual(ids);
    expect(all.metas.every((m) => m.total === 5 && m.totalExact)).toBe(true);
    const stocked = await walk(`/products?limit=2&category=${top}&inStock=true`, alice.token);
    expect(stocked.ids).toHaveLength(4);
    expect(stocked.metas[0]).toMatchObject({ total: 4, totalExact: true });
    const low = await walk(`/products?limit=2&category=${top}&stockBelow=3`, admin);
    expect(low.ids.sort((a, b) => a - b)).toEqual(ids.slice(0, 3));
    expect(low.metas[0]).toMatchObject({ total: 3, totalExact: true });

    const first = await http.get(`/products?limit=2&category=${top}`, { token: alice.token });
    const c = encodeURIComponent(first.body.meta.nextCursor as string);
    expectProblem(
      await http.get(`/products?limit=2&category=${other}&cursor=${c}`, { token: alice.token }),
      400,
    );
    expectProblem(await http.get(`/products?limit=2&cursor=${c}`, { token: alice.token }), 400);
    const lowFirst = await http.get(`/products?limit=2&category=${top}&stockBelow=3`, {
      token: admin,
    });
    const lc = encodeURIComponent(lowFirst.body.meta.nextCursor as string);
    expectProblem(
      await http.get(`/products?limit=2&category=${top}&stockBelow=4&cursor=${lc}`, {
        token: admin,
      }),
      400,
    );
  });

  it('pages a product stock movements by cursor like by number, newest first', async () => {
    const res = await http.post(
      '/products',
      { name: 'Ledger', price: '1.00', stock: 2 },
      {
        token: admin,
      },
    );
    const id = res.body.id as number;
    for (const delta of [3, -1, 4, -2]) {
      const adj = await http.post(
        `/products/${id}/stock-adjustments`,
        { delta, note: 'paging' },
        { token: admin },
      );
      expect(adj.status).toBe(201);
    }
    const path = `/products/${id}/stock-movements?limit=2`;
    const cursorWalk = await walk(path, admin);
    expect(cursorWalk.ids).toEqual(await byPages(path, admin));
    expect(cursorWalk.ids).toHaveLength(5);
    expect(cursorWalk.ids).toEqual([...cursorWalk.ids].sort((a, b) => b - a));
    expect(cursorWalk.metas[0]).toMatchObject({ total: 5, totalExact: true });
    const next = encodeURIComponent(cursorWalk.metas[0].nextCursor as string);
    const otherProduct = productIds[0];
    expectProblem(
      await http.get(`/products/${otherProduct}/stock-movements?limit=2&cursor=${next}`, {
        token: admin,
      }),
      400,
    );
  });

  it('keeps the in-stock total exact while orders, cancels and adjustments race around zero', async () => {
    const made = await http.post(
      '/products',
      { name: 'Racer', price: '1.00', stock: 1 },
      {
        token: admin,
      },
    );
    const id = made.body.id as number;
    const statuses: number[] = [];
    const placed: number[] = [];
    await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        const res =
          i % 3 === 0
            ? await http.post(
                '/orders',
                { items: [{ productId: id, quantity: 1 }] },
                { token: alice.token },
              )
            : await http.post(
                `/products/${id}/stock-adjustments`,
                { delta: i % 3 === 1 ? -1 : 1, note: 'race' },
                { token: admin },
              );
        statuses.push(res.status);
        if (i % 3 === 0 && res.status === 201) placed.push(res.body.id as number);
      }),
    );
    await Promise.all(
      placed.map(async (o) =>
        statuses.push(
          (await http.post(`/orders/${o}/cancel`, undefined, { token: alice.token })).status,
        ),
      ),
    );
    for (const s of statuses) expect([200, 201, 409]).toContain(s);
    const rows: { stock: number }[] = [];
    for (let page = 1; ; page++) {
      const res = await http.get(`/products?limit=100&page=${page}`, { token: alice.token });
      rows.push(...(res.body.data as { stock: number }[]));
      if (page >= (res.body.meta as Meta).totalPages) break;
    }
    const inStock = await http.get('/products?limit=1&inStock=true', { token: alice.token });
    expect(inStock.body.meta).toMatchObject({
      total: rows.filter((r) => r.stock > 0).length,
      totalExact: true,
    });
  });
});
