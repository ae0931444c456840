import type { OpenAPIObject } from '@nestjs/swagger';
import { buildOpenApiDocument } from '../src/openapi';
import { ADMIN, startApp, TestApp } from './helpers/test-app';
import { Http, HttpResponse } from './helpers/http';
import { customerSession } from './helpers/seed';

/**
 * Generated from the app's OpenAPI document: for every write operation it declares, a
 * write is made through an app with the response cache, after every read of every GET
 * operation was cached there; then each read must answer exactly what an app with the
 * cache off answers from the same database. A write operation or a GET the document
 * gains without a case here fails the test, so no write escapes it.
 */
type Read = { path: string; token: string };
interface Case<C = unknown> {
  /** Made through the cached app before the reads are cached. */
  setup?: () => Promise<C>;
  write: (ctx: C) => Promise<HttpResponse>;
  /** Reads of what the setup made, besides every fixture read. */
  reads?: (ctx: C) => Read[];
}
/** Keeps each case's own context type; the table holds them alike. */
const kase = <C>(c: Case<C>) => c as Case<unknown>;
const WRITE_METHODS = ['post', 'put', 'patch', 'delete'] as const;
/** Answers that change by themselves (clock, probes): not cached, not compared. */
const UNCOMPARED = new Set(['health', 'ready']);
const CACHED = new Set([
  'listProducts',
  'getProduct',
  'listOrders',
  'getOrder',
  'getCart',
  'me',
  'listAddresses',
]);
const ADDRESS = {
  name: 'Fresh Home',
  line1: '1 Fresh Street',
  city: 'Berlin',
  postalCode: '10115',
  country: 'DE',
};

describe('Every write leaves the reads it affects fresh (generated from the OpenAPI document)', () => {
  let cached: TestApp;
  let truth: TestApp;
  let http: Http;
  let plain: Http;
  let document: OpenAPIObject;
  let admin: string;
  let a: { customerId: number; accountId: number; token: string; refreshToken: string };
  let p1: number;
  let p2: number;
  let o1: number;
  let cat: number;
  let n = 0;

  beforeAll(async () => {
    cached = await startApp();
    // Same database, cache off: what a fresh read answers.
    truth = await startApp({ databaseUrl: cached.databaseUrl, env: { CACHE_TTL: '0' } });
    delete process.env.CACHE_TTL;
    http = new Http(cached.baseUrl);
    plain = new Http(truth.baseUrl);
    document = buildOpenApiDocument(cached.app);
    admin = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
    a = await customerSession(cached.app, http, 'fresh-a');
    const created = await http.post('/categories', { name: 'Fresh drinks' }, { token: admin });
    expect(created.status).toBe(201);
    cat = (created.body as { id: number }).id;
    p1 = (await product('Fresh tea', 40, [cat])).id;
    p2 = (await product('Fresh cocoa', 1)).id;
    expect((await put(`/cart/items/${p1}`, { quantity: 2 })).status).toBe(200);
    o1 = (await order(a.token, p1)).id;
  });
  afterAll(async () => {
    await cached.close();
    await truth.close();
  });

  async function product(name: string, stock: number, categoryIds?: number[]) {
    const body = { name, price: '2.50', stock, ...(categoryIds ? { categoryIds } : {}) };
    const res = await http.post('/products', body, { token: admin });
    expect(res.status).toBe(201);
    return res.body as { id: number };
  }
  async function order(token: string, productId: number): Promise<{ id: number }> {
    const res = await http.post('/orders', { items: [{ productId, quantity: 1 }] }, { token });
    expect(res.status).toBe(201);
    return res.body as { id: number };
  }
  const put = (path: string, body: unknown) => http.put(path, body, { token: a.token });
  /** Sets a stock through the ledger (PATCH does not take stock). */
  async function restock(id: number, stock: number) {
    const now = (await http.get(`/products/${id}`, { token: admin }).then((r) => r.body)) as {
      stock: number;
    };
    if (now.stock === stock) return;
    const res = await http.post(
      `/products/${id}/stock-adjustments`,
      { delta: stock - now.stock, note: 'freshness test' },
      { token: admin },
    );
    expect(res.status).toBe(201);
  }
  /** A customer of its own with an account and an order, for the deletes. */
  async function otherCustomer() {
    const s = await customerSession(cached.app, http, `fresh-other-${++n}`);
    const o = await order(s.token, p1);
    return { ...s, orderId: o.id };
  }
  /** One with a cart and no order: a customer with orders cannot be deleted (409). */
  async function customerWithCart() {
    const s = await customerSession(cached.app, http, `fresh-cart-${++n}`);
    const res = await http.put(`/cart/items/${p1}`, { quantity: 1 }, { token: s.token });
    expect(res.status).toBe(200);
    return s;
  }

  /** Every GET operation of the document, as the fixture's callers read it. */
  const fixtureReads = (): Record<string, Read[]> => ({
    listProducts: [
      { path: '/products', token: a.token },
      { path: '/products?inStock=true&limit=100', token: a.token },
      { path: '/products?inStock=false&limit=100', token: a.token },
      { path: '/products?search=fresh&sort=price', token: a.token },
      { path: '/products?stockBelow=1000&limit=100', token: admin },
    ],
    getProduct: [
      { path: `/products/${p1}`, token: a.token },
      { path: `/products/${p2}`, token: a.token },
    ],
    listOrders: [
      { path: '/orders', token: a.token },
      { path: '/orders', token: admin },
    ],
    getOrder: [
      { path: `/orders/${o1}`, token: a.token },
      { path: `/orders/${o1}`, token: admin },
    ],
    getCart: [{ path: '/cart', token: a.token }],
    me: [
      { path: '/auth/me', token: a.token },
      { path: '/auth/me', token: admin },
    ],
    listAccounts: [{ path: '/accounts?limit=100', token: admin }],
    getAccount: [{ path: `/accounts/${a.accountId}`, token: admin }],
    listCustomers: [{ path: '/customers?limit=100', token: admin }],
    getCustomer: [{ path: `/customers/${a.customerId}`, token: admin }],
    listCategories: [{ path: '/categories', token: a.token }],
    getCategory: [{ path: `/categories/${cat}`, token: a.token }],
    listStockMovements: [{ path: `/products/${p1}/stock-movements`, token: admin }],
    listAddresses: [{ path: '/auth/me/addresses', token: a.token }],
  });

  type Other = Awaited<ReturnType<typeof otherCustomer>>;
  const otherReads = (o: Other): Read[] => [
    { path: '/auth/me', token: o.token },
    { path: '/orders', token: o.token },
    { path: `/orders/${o.orderId}`, token: admin },
  ];
  async function address(): Promise<{ id: number }> {
    const res = await http.post('/auth/me/addresses', ADDRESS, { token: a.token });
    expect(res.status).toBe(201);
    return res.body as { id: number };
  }
  const cases: Record<string, Case<unknown>> = {
    // The caller's own customer: `me` and the orders embedding its name.
    updateMe: kase({
      write: () => http.patch('/auth/me', { name: `Myself ${++n}` }, { token: a.token }),
    }),
    // Another customer's password: its other sessions end (their reads are 401 on both).
    changePassword: kase({
      setup: async () => {
        const o = await otherCustomer();
        const second = await http.login(`fresh-other-${n}`, 'customer-password');
        return { ...o, second: second.accessToken };
      },
      write: (o: Other) =>
        http.post(
          '/auth/me/password',
          { currentPassword: 'customer-password', newPassword: 'customer-password-2' },
          { token: o.token },
        ),
      reads: (o: Other & { second: string }) => [
        ...otherReads(o),
        { path: '/auth/me', token: o.second },
      ],
    }),
    createAddress: kase({
      write: () => http.post('/auth/me/addresses', ADDRESS, { token: a.token }),
    }),
    updateAddress: kase({
      setup: address,
      write: (x: { id: number }) =>
        http.patch(`/auth/me/addresses/${x.id}`, { city: `Hamburg ${++n}` }, { token: a.token }),
    }),
    deleteAddress: kase({
      setup: address,
      write: (x: { id: number }) => http.delete(`/auth/me/addresses/${x.id}`, { token: a.token }),
    }),
    login: kase({ write: () => http.login(ADMIN.username, ADMIN.password).then(ok) }),
    refresh: kase({
      setup: () => http.login(ADMIN.username, ADMIN.password),
      write: (t: { refreshToken: string }) =>
        http.post('/auth/refresh', { refreshToken: t.refreshToken }),
    }),
    logout: kase({
      setup: () => http.login(ADMIN.username, ADMIN.password),
      write: (t: { accessToken: string }) =>
        http.post('/auth/logout', undefined, { token: t.accessToken }),
    }),
    createAccount: kase({
      setup: async () => {
        const res = await http.post(
          '/customers',
          { name: `Fresh ${++n}`, email: `fresh-${n}@example.com`, phone: '+4915100000001' },
          { token: admin },
        );
        return res.body as { id: number };
      },
      write: (c: { id: number }) =>
        http.post(
          '/accounts',
          { username: `fresh-acct-${c.id}`, password: 'fresh-password-1', customerId: c.id },
          { token: admin },
        ),
    }),
    updateAccount: kase({
      setup: otherCustomer,
      write: (o: Other) =>
        http.patch(
          `/accounts/${o.accountId}`,
          { username: `renamed-${o.accountId}` },
          { token: admin },
        ),
      reads: (o: Other) => [{ path: '/auth/me', token: o.token }],
    }),
    deleteAccount: kase({
      setup: otherCustomer,
      write: (o: Other) => http.delete(`/accounts/${o.accountId}`, { token: admin }),
      reads: otherReads,
    }),
    createCustomer: kase({
      write: () =>
        http.post(
          '/customers',
          { name: `Fresh ${++n}`, email: `fresh-c${n}@example.com`, phone: '+4915100000002' },
          { token: admin },
        ),
    }),
    updateCustomer: kase({
      write: () =>
        http.patch(
          `/customers/${a.customerId}`,
          { name: `Renamed ${++n}`, email: `renamed-${n}@example.com` },
          { token: admin },
        ),
    }),
    deleteCustomer: kase({
      setup: customerWithCart,
      write: (o: { customerId: number }) =>
        http.delete(`/customers/${o.customerId}`, { token: admin }),
      reads: (o: { token: string }) => [
        { path: '/auth/me', token: o.token },
        { path: '/cart', token: o.token },
      ],
    }),
    createProduct: kase({
      write: () =>
        http.post('/products', { name: 'Fresh new', price: '0.50', stock: 3 }, { token: admin }),
    }),
    updateProduct: kase({
      write: () =>
        http.patch(
          `/products/${p1}`,
          { name: `Fresh tea ${++n}`, price: `${n}.00` },
          { token: admin },
        ),
    }),
    deleteProduct: kase({
      setup: async () => {
        const p = await product('Fresh gone', 2);
        expect((await put(`/cart/items/${p.id}`, { quantity: 1 })).status).toBe(200);
        return p;
      },
      write: (p: { id: number }) => http.delete(`/products/${p.id}`, { token: admin }),
      reads: (p: { id: number }) => [{ path: `/products/${p.id}`, token: a.token }],
    }),
    // The last unit: its stock crosses zero (the in-stock lists change).
    createOrder: kase({
      setup: () => restock(p2, 1),
      write: () =>
        http.post('/orders', { items: [{ productId: p2, quantity: 1 }] }, { token: a.token }),
    }),
    updateOrderStatus: kase({
      setup: () => order(a.token, p1),
      write: (o: { id: number }) =>
        http.patch(`/orders/${o.id}/status`, { status: 'paid' }, { token: admin }),
      reads: (o: { id: number }) => [{ path: `/orders/${o.id}`, token: a.token }],
    }),
    // Puts the last unit back: stock crosses zero upwards.
    cancelOrder: kase({
      setup: async () => {
        await restock(p2, 1);
        return order(a.token, p2);
      },
      write: (o: { id: number }) =>
        http.post(`/orders/${o.id}/cancel`, undefined, { token: a.token }),
      reads: (o: { id: number }) => [{ path: `/orders/${o.id}`, token: a.token }],
    }),
    createCategory: kase({
      write: () => http.post('/categories', { name: `Fresh ${++n}` }, { token: admin }),
    }),
    updateCategory: kase({
      write: () =>
        http.patch(`/categories/${cat}`, { name: `Fresh drinks ${++n}` }, { token: admin }),
    }),
    // A category with products cannot be deleted (409): an empty one.
    deleteCategory: kase({
      setup: async () => {
        const res = await http.post('/categories', { name: `Fresh gone ${++n}` }, { token: admin });
        return res.body as { id: number };
      },
      write: (c: { id: number }) => http.delete(`/categories/${c.id}`, { token: admin }),
      reads: (c: { id: number }) => [{ path: `/categories/${c.id}`, token: a.token }],
    }),
    createStockAdjustment: kase({
      write: () =>
        http.post(
          `/products/${p1}/stock-adjustments`,
          { delta: 5, note: 'found in the back' },
          { token: admin },
        ),
    }),
    setCartItem: kase({ write: () => put(`/cart/items/${p1}`, { quantity: 3 }) }),
    removeCartItem: kase({
      setup: async () => {
        await restock(p2, 5);
        expect((await put(`/cart/items/${p2}`, { quantity: 1 })).status).toBe(200);
      },
      write: () => http.delete(`/cart/items/${p2}`, { token: a.token }),
    }),
    clearCart: kase({ write: () => http.delete('/cart', { token: a.token }) }),
    checkoutCart: kase({
      setup: async () => {
        expect((await http.delete('/cart', { token: a.token })).status).toBe(204);
        await restock(p2, 1);
        expect((await put(`/cart/items/${p2}`, { quantity: 1 })).status).toBe(200);
      },
      write: () => http.post('/cart/checkout', undefined, { token: a.token }),
    }),
  };

  const operations = (methods: readonly string[]) =>
    Object.values(document.paths).flatMap((item) =>
      methods.flatMap((m) => {
        const op = (item as Record<string, { operationId?: string } | undefined>)[m];
        return op?.operationId ? [op.operationId] : [];
      }),
    );

  it('has a case for every write operation and reads for every GET operation', () => {
    const writes = operations(WRITE_METHODS);
    expect(writes.length).toBeGreaterThan(15);
    expect(writes.filter((id) => !(id in cases))).toEqual([]);
    const gets = operations(['get']).filter((id) => !UNCOMPARED.has(id));
    expect(gets.filter((id) => !(id in fixtureReads()))).toEqual([]);
  });

  async function readAll(reads: Read[], via: Http) {
    return Promise.all(reads.map((r) => via.get(r.path, { token: r.token })));
  }

  // Which operations: the document's, read when the cases run (after beforeAll).
  it.each(Object.keys(cases))('%s', async (operationId) => {
    expect(operations(WRITE_METHODS)).toContain(operationId);
    const c = cases[operationId];
    const ctx = c.setup ? await c.setup() : undefined;
    const byOp = fixtureReads();
    const reads = [...Object.values(byOp).flat(), ...(c.reads ? c.reads(ctx) : [])];
    // Cached: read until the cached operations' reads are hits (a read that meets Redis
    // slower than its 100 ms budget is a miss, so a loaded machine may need another turn).
    const cachedReads = [...CACHED].flatMap((id) => byOp[id].map((r) => ({ id, r })));
    let misses: string[] = [];
    await readAll(reads, http);
    for (let turn = 0; turn < 3; turn++) {
      const warm = await readAll(reads, http);
      misses = cachedReads
        .filter(({ r }) => warm[reads.indexOf(r)].status === 200)
        .filter(({ r }) => warm[reads.indexOf(r)].headers.get('x-cache') !== 'HIT')
        .map(({ id, r }) => `${id} ${r.path}`);
      if (misses.length === 0) break;
    }
    expect(misses).toEqual([]);

    const res = await c.write(ctx);
    expect(res.status).toBeGreaterThanOrEqual(200);
    expect(res.status).toBeLessThan(300);

    const after = await readAll(reads, http);
    const fresh = await readAll(reads, plain);
    reads.forEach((r, i) => {
      const what = `${operationId} then GET ${r.path}`;
      expect([what, after[i].status, after[i].body]).toEqual([
        what,
        fresh[i].status,
        fresh[i].body,
      ]);
    });
  });

  it('an order leaves the cached reads of other products and unchanged pages hits', async () => {
    await restock(p2, 10);
    const other = (await product('Fresh bystander', 10)).id;
    const page = '/products?search=bystander';
    for (let i = 0; i < 2; i++) {
      await http.get(`/products/${other}`, { token: a.token });
      await http.get(page, { token: a.token });
      await http.get(`/products/${p2}`, { token: a.token });
    }
    await order(a.token, p2);
    expect((await http.get(`/products/${other}`, { token: a.token })).headers.get('x-cache')).toBe(
      'HIT',
    );
    expect((await http.get(page, { token: a.token })).headers.get('x-cache')).toBe('HIT');
    const bought = await http.get(`/products/${p2}`, { token: a.token });
    expect(bought.headers.get('x-cache')).toBe('MISS');
    expect((bought.body as { stock: number }).stock).toBe(9);
  });
});

function ok<T>(value: T): HttpResponse {
  return { status: 200, headers: new Headers(), body: value, text: '' };
}
