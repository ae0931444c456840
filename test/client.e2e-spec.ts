/**
 * A user's code, written against the generated types (test/generated/api.d.ts, from
 * swagger.yaml by `npm run openapi:types`) with openapi-fetch: if the document and the API
 * disagree, this either stops compiling or fails at run time (every answer is also checked
 * against swagger.yaml by a middleware).
 *
 * The journey runs step by step on shared state; to extend it (cart -> checkout -> read order),
 * add `it` steps at the end that use `shop` and `as(customerToken)`.
 */
import createClient, { Middleware } from 'openapi-fetch';
import type { components, paths } from './generated/api';
import { oracle } from './helpers/openapi';
import { seedCustomerAccount } from './helpers/seed';
import { ADMIN, startApp, TestApp } from './helpers/test-app';

type Product = components['schemas']['ProductResponseDto'];

/** Checks every answer the client receives against swagger.yaml. */
const documentCheck: Middleware = {
  async onResponse({ request, response }) {
    const text = await response.clone().text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const url = new URL(request.url);
    const problems = oracle().check(request.method, url.pathname, {
      status: response.status,
      headers: response.headers,
      body,
      text,
    });
    if (problems.length > 0) {
      throw new Error(`${request.method} ${url.pathname}: ${problems.join('; ')}`);
    }
    return undefined;
  },
};

describe('A client generated from swagger.yaml (openapi-fetch)', () => {
  let t: TestApp;
  let shop: ReturnType<typeof createClient<paths>>;
  /** Per-call options that sign the request in as someone. */
  const as = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  let adminToken: string;
  let customerToken: string;
  let listed: Product[] = [];

  beforeAll(async () => {
    t = await startApp();
    shop = createClient<paths>({ baseUrl: t.baseUrl });
    shop.use(documentCheck);
    // Accounts are created directly, so this journey needs nothing but the catalog.
    await seedCustomerAccount(t.app, 'client-user', 'client-password');
  });
  afterAll(async () => t.close());

  it('an administrator signs in and stocks the catalog', async () => {
    const { data, error } = await shop.POST('/api/v1/auth/login', {
      body: { username: ADMIN.username, password: ADMIN.password },
    });
    expect(error).toBeUndefined();
    adminToken = data!.accessToken;
    for (const [name, price, stock] of [
      ['Client tea', '4.10', 10],
      ['Client mug', 7.5, 3],
    ] as const) {
      const created = await shop.POST('/api/v1/products', {
        body: { name, price, stock },
        ...as(adminToken),
      });
      expect(created.response.status).toBe(201);
      expect(created.data).toMatchObject({ name, stock });
    }
  });

  it('a customer signs in', async () => {
    const { data, error, response } = await shop.POST('/api/v1/auth/login', {
      body: { username: 'client-user', password: 'client-password' },
    });
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    expect(data!.tokenType).toBe('Bearer');
    expect(data!.expiresIn).toBeGreaterThan(0);
    customerToken = data!.accessToken;

    const me = await shop.GET('/api/v1/auth/me', as(customerToken));
    expect(me.data).toMatchObject({ username: 'client-user', role: 'customer' });
  });

  it('browses the catalog: searched, sorted, one page', async () => {
    const { data, error } = await shop.GET('/api/v1/products', {
      params: { query: { search: 'client', sort: 'price', page: 1, limit: 10 } },
      ...as(customerToken),
    });
    expect(error).toBeUndefined();
    expect(data!.meta).toEqual({
      page: 1,
      limit: 10,
      total: 2,
      totalPages: 1,
      totalExact: true,
      nextCursor: null,
    });
    listed = data!.data;
    expect(listed.map((p) => [p.name, p.price])).toEqual([
      ['Client tea', '4.10'],
      ['Client mug', '7.50'],
    ]);
  });

  it('reads one product', async () => {
    const { data, error } = await shop.GET('/api/v1/products/{id}', {
      params: { path: { id: listed[0].id } },
      ...as(customerToken),
    });
    expect(error).toBeUndefined();
    expect(data).toMatchObject({ id: listed[0].id, name: 'Client tea', price: '4.10', stock: 10 });
  });

  it('gets a typed problem for a product that does not exist', async () => {
    const { data, error, response } = await shop.GET('/api/v1/products/{id}', {
      params: { path: { id: 999999 } },
      ...as(customerToken),
    });
    expect(data).toBeUndefined();
    expect(response.status).toBe(404);
    expect(error).toMatchObject({ status: 404, title: 'Not Found' });
  });

  it('is told to sign in again without a token', async () => {
    const { error, response } = await shop.GET('/api/v1/products');
    expect(response.status).toBe(401);
    expect(error).toMatchObject({ status: 401 });
  });

  let orderId: number;

  it('fills the cart', async () => {
    const tea = await shop.PUT('/api/v1/cart/items/{productId}', {
      params: { path: { productId: listed[0].id } },
      body: { quantity: 3 },
      ...as(customerToken),
    });
    expect(tea.response.ok).toBe(true);
    await shop.PUT('/api/v1/cart/items/{productId}', {
      params: { path: { productId: listed[1].id } },
      body: { quantity: 1 },
      ...as(customerToken),
    });
    const { data, error } = await shop.GET('/api/v1/cart', as(customerToken));
    expect(error).toBeUndefined();
    // 3 x 4.10 + 1 x 7.50, summed exactly.
    expect(data!.total).toBe('19.80');
    expect(data!.items).toHaveLength(2);
  });

  let addressId: number;
  const address = {
    name: 'Client User',
    line1: '1 Market Street',
    city: 'Dublin',
    postalCode: 'D01 F5P2',
    country: 'IE' as const,
  };

  it('saves a shipping address and lists it', async () => {
    const saved = await shop.POST('/api/v1/auth/me/addresses', {
      body: address,
      ...as(customerToken),
    });
    expect(saved.response.status).toBe(201);
    expect(saved.data).toMatchObject({ ...address, line2: null, region: null, phone: null });
    addressId = saved.data!.id;
    const { data } = await shop.GET('/api/v1/auth/me/addresses', as(customerToken));
    expect(data!.data.map((a) => a.id)).toEqual([addressId]);
  });

  it('checks out to the saved address with an idempotency key, and a retry returns the same order', async () => {
    const key = {
      body: { shippingAddressId: addressId },
      headers: { ...as(customerToken).headers, 'Idempotency-Key': 'client-journey-1' },
    };
    const first = await shop.POST('/api/v1/cart/checkout', key);
    expect(first.response.status).toBe(201);
    expect(first.data).toMatchObject({ status: 'pending', total: '19.80' });
    orderId = first.data!.id;
    const retry = await shop.POST('/api/v1/cart/checkout', key);
    expect(retry.response.status).toBe(201);
    expect(retry.data!.id).toBe(orderId);
    const cart = await shop.GET('/api/v1/cart', as(customerToken));
    expect(cart.data!.items).toEqual([]);
  });

  it('reads the order back, and sees the stock it took', async () => {
    const { data, error } = await shop.GET('/api/v1/orders/{id}', {
      params: { path: { id: orderId } },
      ...as(customerToken),
    });
    expect(error).toBeUndefined();
    expect(data).toMatchObject({ id: orderId, status: 'pending', total: '19.80' });
    expect(data!.shippingAddress).toEqual({ ...address, line2: null, region: null, phone: null });
    expect(data!.items.map((i) => [i.name, i.quantity, i.lineTotal])).toEqual(
      expect.arrayContaining([
        ['Client tea', 3, '12.30'],
        ['Client mug', 1, '7.50'],
      ]),
    );
    const tea = await shop.GET('/api/v1/products/{id}', {
      params: { path: { id: listed[0].id } },
      ...as(customerToken),
    });
    expect(tea.data!.stock).toBe(7);
    const mine = await shop.GET('/api/v1/orders', as(customerToken));
    expect(mine.data!.data.map((o) => o.id)).toEqual([orderId]);
  });

  it('an administrator files the tea under a category tree', async () => {
    const drinks = await shop.POST('/api/v1/categories', {
      body: { name: 'Client drinks' },
      ...as(adminToken),
    });
    expect(drinks.response.status).toBe(201);
    expect(drinks.data).toMatchObject({ slug: 'client-drinks', parentId: null });
    const tea = await shop.POST('/api/v1/categories', {
      body: { name: 'Client teas', parentId: drinks.data!.id },
      ...as(adminToken),
    });
    expect(tea.response.status).toBe(201);
    const filed = await shop.PATCH('/api/v1/products/{id}', {
      params: { path: { id: listed[0].id } },
      body: { categoryIds: [tea.data!.id] },
      ...as(adminToken),
    });
    expect(filed.data!.categories).toEqual([
      { id: tea.data!.id, name: 'Client teas', slug: 'client-teas' },
    ]);
  });

  it('browses by category: the parent lists what its children hold', async () => {
    const tree = await shop.GET('/api/v1/categories', as(customerToken));
    expect(tree.error).toBeUndefined();
    const drinks = tree.data!.data.find((c) => c.slug === 'client-drinks')!;
    expect(drinks.productCount).toBe(1);
    const { data, error } = await shop.GET('/api/v1/products', {
      params: { query: { category: drinks.id } },
      ...as(customerToken),
    });
    expect(error).toBeUndefined();
    expect(data!.data.map((p) => p.name)).toEqual(['Client tea']);
    expect(data!.meta.total).toBe(1);
  });

  it('an administrator reads the ledger and adjusts the stock', async () => {
    const adjusted = await shop.POST('/api/v1/products/{id}/stock-adjustments', {
      params: { path: { id: listed[0].id } },
      body: { delta: -2, note: 'Two tins dented' },
      ...as(adminToken),
    });
    expect(adjusted.response.status).toBe(201);
    expect(adjusted.data).toMatchObject({ reason: 'adjustment', delta: -2, stockAfter: 5 });
    const { data } = await shop.GET('/api/v1/products/{id}/stock-movements', {
      params: { path: { id: listed[0].id } },
      ...as(adminToken),
    });
    expect(data!.data.map((m) => [m.reason, m.delta, m.stockAfter])).toEqual([
      ['adjustment', -2, 5],
      ['order', -3, 7],
      ['initial', 10, 10],
    ]);
  });

  it('edits the saved address; the order keeps the address it was placed with', async () => {
    const edited = await shop.PATCH('/api/v1/auth/me/addresses/{id}', {
      params: { path: { id: addressId } },
      body: { line1: '2 Market Street', line2: 'Floor 3' },
      ...as(customerToken),
    });
    expect(edited.data).toMatchObject({ line1: '2 Market Street', line2: 'Floor 3' });
    const { data } = await shop.GET('/api/v1/orders/{id}', {
      params: { path: { id: orderId } },
      ...as(customerToken),
    });
    expect(data!.shippingAddress).toMatchObject({ line1: '1 Market Street', line2: null });
  });

  it('changes their name, and the order shows it', async () => {
    const { data, error } = await shop.PATCH('/api/v1/auth/me', {
      body: { name: 'Client User' },
      ...as(customerToken),
    });
    expect(error).toBeUndefined();
    expect(data!.customer).toMatchObject({ name: 'Client User' });
    const order = await shop.GET('/api/v1/orders/{id}', {
      params: { path: { id: orderId } },
      ...as(customerToken),
    });
    expect(order.data!.customer.name).toBe('Client User');
  });

  it('changes their password: this session goes on, another ends, the new password signs in', async () => {
    const other = await shop.POST('/api/v1/auth/login', {
      body: { username: 'client-user', password: 'client-password' },
    });
    const otherToken = other.data!.accessToken;
    const wrong = await shop.POST('/api/v1/auth/me/password', {
      body: { currentPassword: 'not-my-password', newPassword: 'client-password-2' },
      ...as(customerToken),
    });
    expect(wrong.response.status).toBe(403);
    expect(wrong.error).toMatchObject({ status: 403 });

    const changed = await shop.POST('/api/v1/auth/me/password', {
      body: { currentPassword: 'client-password', newPassword: 'client-password-2' },
      ...as(customerToken),
    });
    expect(changed.response.status).toBe(204);
    expect((await shop.GET('/api/v1/auth/me', as(customerToken))).response.status).toBe(200);
    const ended = await shop.GET('/api/v1/auth/me', as(otherToken));
    expect(ended.response.status).toBe(401);
    const again = await shop.POST('/api/v1/auth/login', {
      body: { username: 'client-user', password: 'client-password-2' },
    });
    expect(again.response.status).toBe(200);
  });
});
