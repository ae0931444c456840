import { ADMIN, redisUrl, startApp, TestApp } from './helpers/test-app';
import { expectProblem, Http, HttpResponse } from './helpers/http';
import { customerSession } from './helpers/seed';

describe('Response cache (e2e)', () => {
  let t: TestApp;
  let http: Http;
  let admin: string;
  let customer: string;

  beforeAll(async () => {
    t = await startApp();
    http = new Http(t.baseUrl);
    admin = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
    customer = (await customerSession(t.app, http, 'cache-shopper')).token;
  });
  afterAll(async () => t.close());

  async function createProduct(name: string, price = '3.00') {
    const res = await http.post('/products', { name, price, stock: 5 }, { token: admin });
    expect(res.status).toBe(201);
    return res.body as { id: number };
  }

  it('serves the second read of a product from the cache, identical to the first', async () => {
    const { id } = await createProduct('Cached tea');
    const first = await http.get(`/products/${id}`, { token: customer });
    const second = await http.get(`/products/${id}`, { token: customer });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('MISS');
    expect(second.status).toBe(200);
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(second.text).toBe(first.text);
    expect(second.headers.get('content-type')).toBe(first.headers.get('content-type'));
    expect(second.headers.get('cache-control')).toBe('private, no-store');
  });

  it('checks a cached answer like any other: rate limit counted, a revoked token refused', async () => {
    const { id } = await createProduct('Guarded cocoa');
    const session = await customerSession(t.app, http, 'cache-revoked');
    const first = await http.get(`/products/${id}`, { token: session.token });
    const hit = await http.get(`/products/${id}`, { token: session.token });
    expect(hit.headers.get('x-cache')).toBe('HIT');
    const remaining = (r: typeof hit) => Number(r.headers.get('x-ratelimit-remaining'));
    expect(hit.headers.get('x-ratelimit-limit')).not.toBeNull();
    expect(remaining(hit)).toBe(remaining(first) - 1);
    const changed = await http.patch(
      `/accounts/${session.accountId}`,
      { password: 'another-password-1' },
      { token: admin },
    );
    expect(changed.status).toBe(200);
    const revoked = await http.get(`/products/${id}`, { token: session.token });
    expect(revoked.status).toBe(401);
    expect(revoked.headers.get('x-cache')).toBeNull();
    // The entry itself is still there for everybody else.
    expect((await http.get(`/products/${id}`, { token: customer })).headers.get('x-cache')).toBe(
      'HIT',
    );
  });

  it('refuses a cached answer to the token of a session that ended (logout)', async () => {
    const { id } = await createProduct('Logged-out cocoa');
    const pair = await http.login(ADMIN.username, ADMIN.password);
    expect((await http.get(`/products/${id}`, { token: pair.accessToken })).status).toBe(200);
    const hit = await http.get(`/products/${id}`, { token: pair.accessToken });
    expect(hit.headers.get('x-cache')).toBe('HIT');
    const out = await http.post('/auth/logout', undefined, { token: pair.accessToken });
    expect(out.status).toBe(204);
    const ended = await http.get(`/products/${id}`, { token: pair.accessToken });
    expectProblem(ended, 401);
    expect(ended.headers.get('x-cache')).toBeNull();
    expect((await http.get(`/products/${id}`, { token: customer })).headers.get('x-cache')).toBe(
      'HIT',
    );
  });

  it('shares product reads between callers, but never without a token', async () => {
    const { id } = await createProduct('Shared mug');
    expect((await http.get(`/products/${id}`, { token: customer })).headers.get('x-cache')).toBe(
      'MISS',
    );
    const byAdmin = await http.get(`/products/${id}`, { token: admin });
    expect(byAdmin.headers.get('x-cache')).toBe('HIT');
    const anonymous = await http.get(`/products/${id}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('x-cache')).toBeNull();
  });

  it('keys lists by the normalised query (parameter order does not matter)', async () => {
    await createProduct('Query kettle', '9.00');
    const a = await http.get('/products?sort=name&limit=5', { token: customer });
    const b = await http.get('/products?limit=5&sort=name', { token: customer });
    const c = await http.get('/products?limit=6&sort=name', { token: customer });
    expect(a.headers.get('x-cache')).toBe('MISS');
    expect(b.headers.get('x-cache')).toBe('HIT');
    expect(c.headers.get('x-cache')).toBe('MISS');
  });

  it('shows the stock taken by an order at once, also in a cached read', async () => {
    const { id } = await createProduct('Ordered teapot');
    expect((await http.get(`/products/${id}`, { token: customer })).body.stock).toBe(5);
    expect((await http.get(`/products/${id}`, { token: customer })).headers.get('x-cache')).toBe(
      'HIT',
    );
    const order = await http.post(
      '/orders',
      { items: [{ productId: id, quantity: 2 }] },
      { token: customer },
    );
    expect(order.status).toBe(201);
    const after = await http.get(`/products/${id}`, { token: customer });
    expect(after.headers.get('x-cache')).toBe('MISS');
    expect(after.body.stock).toBe(3);
    await http.post(`/orders/${order.body.id}/cancel`, undefined, { token: customer });
    expect((await http.get(`/products/${id}`, { token: customer })).body.stock).toBe(5);
  });

  it("never serves customer A's cached order to customer B, and shows status changes at once", async () => {
    const { id } = await createProduct('Private order item');
    const a = await customerSession(t.app, http, 'cache-owner-a');
    const b = await customerSession(t.app, http, 'cache-owner-b');
    const order = await http.post(
      '/orders',
      { items: [{ productId: id, quantity: 1 }] },
      { token: a.token },
    );
    expect(order.status).toBe(201);
    await http.get(`/orders/${order.body.id}`, { token: a.token });
    const cached = await http.get(`/orders/${order.body.id}`, { token: a.token });
    expect(cached.headers.get('x-cache')).toBe('HIT');
    const stranger = await http.get(`/orders/${order.body.id}`, { token: b.token });
    expect(stranger.status).toBe(404);
    const listB = await http.get('/orders', { token: b.token });
    expect(listB.body.data).toEqual([]);
    const paid = await http.patch(
      `/orders/${order.body.id}/status`,
      { status: 'paid' },
      { token: admin },
    );
    expect(paid.status).toBe(200);
    const fresh = await http.get(`/orders/${order.body.id}`, { token: a.token });
    expect(fresh.headers.get('x-cache')).toBe('MISS');
    expect(fresh.body.status).toBe('paid');
  });

  it('is fresh after a PATCH of a product (item and list)', async () => {
    const { id } = await createProduct('Before patch', '1.00');
    await http.get(`/products/${id}`, { token: customer });
    await http.get('/products?search=patch', { token: customer });
    expect((await http.get(`/products/${id}`, { token: customer })).headers.get('x-cache')).toBe(
      'HIT',
    );
    const patched = await http.patch(
      `/products/${id}`,
      { name: 'After patch', price: '2.00' },
      { token: admin },
    );
    expect(patched.status).toBe(200);
    const item = await http.get(`/products/${id}`, { token: customer });
    expect(item.headers.get('x-cache')).toBe('MISS');
    expect(item.body).toMatchObject({ name: 'After patch', price: '2.00' });
    const list = await http.get('/products?search=patch', { token: customer });
    expect(list.headers.get('x-cache')).toBe('MISS');
    expect(list.body.data.map((p: { name: string }) => p.name)).toEqual(['After patch']);
  });

  it('is fresh after a DELETE and a POST of a product', async () => {
    const { id } = await createProduct('Soon gone');
    expect((await http.get(`/products/${id}`, { token: customer })).status).toBe(200);
    const before = await http.get('/products?search=gone', { token: customer });
    expect(before.body.meta.total).toBe(1);
    expect((await http.delete(`/products/${id}`, { token: admin })).status).toBe(204);
    expect((await http.get(`/products/${id}`, { token: customer })).status).toBe(404);
    const after = await http.get('/products?search=gone', { token: customer });
    expect(after.headers.get('x-cache')).toBe('MISS');
    expect(after.body.meta.total).toBe(0);
    await createProduct('Also gone? no, new');
    const added = await http.get('/products?search=gone', { token: customer });
    expect(added.body.meta.total).toBe(1);
  });

  it('is not invalidated by a HEAD request', async () => {
    const { id } = await createProduct('Head only');
    await http.get(`/products/${id}`, { token: customer });
    // HEAD is Fastify's automatic twin of GET and not a documented operation.
    const head = await http.request('HEAD', `/products/${id}`, {
      token: customer,
      docCheck: false,
    });
    expect(head.status).toBe(200);
    expect((await http.get(`/products/${id}`, { token: customer })).headers.get('x-cache')).toBe(
      'HIT',
    );
  });

  it('does not cache errors', async () => {
    const first = await http.get('/products/999999', { token: customer });
    const second = await http.get('/products/999999', { token: customer });
    expect(first.status).toBe(404);
    expect(second.status).toBe(404);
    expect(second.headers.get('x-cache')).not.toBe('HIT');
  });

  it('never serves one customer’s /auth/me to another', async () => {
    const a = await customerSession(t.app, http, 'cache-alice');
    const b = await customerSession(t.app, http, 'cache-bob');
    const meA = await http.get('/auth/me', { token: a.token });
    const meA2 = await http.get('/auth/me', { token: a.token });
    expect(meA.body.username).toBe('cache-alice');
    expect(meA2.headers.get('x-cache')).toBe('HIT');
    expect(meA2.body.username).toBe('cache-alice');
    const meB = await http.get('/auth/me', { token: b.token });
    expect(meB.headers.get('x-cache')).toBe('MISS');
    expect(meB.body.username).toBe('cache-bob');
    expect(meB.body.id).not.toBe(meA.body.id);
  });

  describe('keys from the query the handler sees', () => {
    // Fastify keeps an invalid escape such as %FF as it is; U+FFFD (%EF%BF%BD) is another text.
    it('gives %FF and %EF%BF%BD entries of their own', async () => {
      const replacement = await http.get('/products?search=%EF%BF%BD', { token: customer });
      expect(replacement.status).toBe(200);
      expect(
        (await http.get('/products?search=%EF%BF%BD', { token: customer })).headers.get('x-cache'),
      ).toBe('HIT');
      const invalid = await http.get('/products?search=%FF', { token: customer });
      expect(invalid.status).toBe(200);
      expect(invalid.headers.get('x-cache')).toBe('MISS');
    });

    it('answers a request that is 400 cold with 400 warm too', async () => {
      // 40 × %FF is 120 characters for the handler (over `search`'s 100); 40 × U+FFFD is 40.
      const tooLong = `/products?search=${'%FF'.repeat(40)}`;
      const fine = `/products?search=${'%EF%BF%BD'.repeat(40)}`;
      expectProblem(await http.get(tooLong, { token: customer }), 400);
      expect((await http.get(fine, { token: customer })).status).toBe(200);
      expect((await http.get(fine, { token: customer })).headers.get('x-cache')).toBe('HIT');
      const warm = await http.get(tooLong, { token: customer });
      expectProblem(warm, 400);
      expect(warm.headers.get('x-cache')).not.toBe('HIT');
    });

    it('still shares one entry between spellings the handler reads alike', async () => {
      await createProduct('Spelled kettle');
      const plain = await http.get('/products?search=spelled+kettle&limit=3', { token: customer });
      expect(plain.headers.get('x-cache')).toBe('MISS');
      const encoded = await http.get('/products?limit=3&search=%73pelled%20kettle', {
        token: customer,
      });
      expect(encoded.headers.get('x-cache')).toBe('HIT');
      expect(encoded.text).toBe(plain.text);
    });
  });

  describe('what an answer embeds is fresh after the write that changed it', () => {
    /** Reads twice (the second a HIT), writes, then the read is a MISS with the new value. */
    async function freshAfter(
      read: () => Promise<HttpResponse>,
      write: () => Promise<HttpResponse>,
      check: (body: any) => void,
    ): Promise<void> {
      expect((await read()).status).toBe(200);
      expect((await read()).headers.get('x-cache')).toBe('HIT');
      const written = await write();
      expect(written.status).toBeLessThan(300);
      const after = await read();
      expect(after.status).toBe(200);
      expect(after.headers.get('x-cache')).toBe('MISS');
      check(after.body);
    }

    it("shows a customer's new name and e-mail in its cached orders (item and list, both roles)", async () => {
      const { id: productId } = await createProduct('Embedding tea');
      const buyer = await customerSession(t.app, http, 'cache-renamed');
      const order = await http.post(
        '/orders',
        { items: [{ productId, quantity: 1 }] },
        { token: buyer.token },
      );
      expect(order.status).toBe(201);
      const orderId = order.body.id as number;
      let n = 0;
      const rename = () => {
        n++;
        return http.patch(
          `/customers/${buyer.customerId}`,
          { name: `Renamed ${n}`, email: `renamed-${n}@example.com` },
          { token: admin },
        );
      };
      const named = (customer: { name: string; email: string }) =>
        expect(customer).toEqual({
          id: buyer.customerId,
          name: `Renamed ${n}`,
          email: `renamed-${n}@example.com`,
        });
      const own = (o: { id: number }) => o.id === orderId;
      await freshAfter(
        () => http.get(`/orders/${orderId}`, { token: buyer.token }),
        rename,
        (body) => named(body.customer),
      );
      await freshAfter(
        () => http.get(`/orders/${orderId}`, { token: admin }),
        rename,
        (body) => named(body.customer),
      );
      await freshAfter(
        () => http.get('/orders', { token: buyer.token }),
        rename,
        (body) => named(body.data.find(own).customer),
      );
      await freshAfter(
        () => http.get(`/orders?customerId=${buyer.customerId}`, { token: admin }),
        rename,
        (body) => named(body.data.find(own).customer),
      );
    });

    it("shows the customer's and the account's changes in a cached /auth/me", async () => {
      const me = await customerSession(t.app, http, 'cache-me-edited');
      await freshAfter(
        () => http.get('/auth/me', { token: me.token }),
        () => http.patch(`/customers/${me.customerId}`, { name: 'Me renamed' }, { token: admin }),
        (body) => expect(body.customer.name).toBe('Me renamed'),
      );
      await freshAfter(
        () => http.get('/auth/me', { token: me.token }),
        () => http.patch(`/accounts/${me.accountId}`, { username: 'cache-me-2' }, { token: admin }),
        (body) => expect(body.username).toBe('cache-me-2'),
      );
    });

    it("shows a product's new name, price, stock and deletion in a cached cart", async () => {
      const shopper = await customerSession(t.app, http, 'cache-cart-embed');
      const other = await customerSession(t.app, http, 'cache-cart-rival');
      const { id } = await createProduct('Cart embed', '3.00');
      expect(
        (await http.put(`/cart/items/${id}`, { quantity: 4 }, { token: shopper.token })).status,
      ).toBe(200);
      const cart = () => http.get('/cart', { token: shopper.token });
      await freshAfter(
        cart,
        () =>
          http.patch(`/products/${id}`, { name: 'Cart embed 2', price: '3.50' }, { token: admin }),
        (body) =>
          expect(body).toMatchObject({
            items: [{ productId: id, name: 'Cart embed 2', unitPrice: '3.50', available: true }],
            total: '14.00',
          }),
      );
      let rivalOrder = 0;
      await freshAfter(
        cart,
        async () => {
          const res = await http.post(
            '/orders',
            { items: [{ productId: id, quantity: 2 }] },
            { token: other.token },
          );
          rivalOrder = res.body.id;
          return res;
        },
        (body) =>
          expect(body.items).toEqual([
            expect.objectContaining({ available: false, problem: 'insufficient_stock' }),
          ]),
      );
      await freshAfter(
        cart,
        () => http.post(`/orders/${rivalOrder}/cancel`, undefined, { token: other.token }),
        (body) => expect(body.items).toEqual([expect.objectContaining({ available: true })]),
      );
      await freshAfter(
        cart,
        () => http.delete(`/products/${id}`, { token: admin }),
        (body) =>
          expect(body.items).toEqual([
            expect.objectContaining({ available: false, problem: 'gone' }),
          ]),
      );
    });

    it("shows a customer's new name in the account that embeds it", async () => {
      // Account reads are not cached (NoCache), so they are fresh by construction: check it.
      const holder = await customerSession(t.app, http, 'cache-account-embed');
      await http.get(`/accounts/${holder.accountId}`, { token: admin });
      await http.patch(`/customers/${holder.customerId}`, { name: 'Held anew' }, { token: admin });
      const account = await http.get(`/accounts/${holder.accountId}`, { token: admin });
      expect(account.headers.get('x-cache')).not.toBe('HIT');
      expect(account.body.customer.name).toBe('Held anew');
    });
  });

  it('never caches health', async () => {
    const res = await http.get('/health');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-cache')).toBeNull();
  });

  // Two instances share a cache only through Redis (on SQLite alone each has its own memory).
  if (redisUrl) {
    describe('two instances on one Redis', () => {
      let second: TestApp;
      let http2: Http;
      beforeAll(async () => {
        second = await startApp({ databaseUrl: t.databaseUrl });
        http2 = new Http(second.baseUrl);
      });
      afterAll(async () => second.close());

      it('shares cached entries and sees the other instance’s invalidations', async () => {
        const { id } = await createProduct('Two instances', '5.00');
        expect(
          (await http.get(`/products/${id}`, { token: customer })).headers.get('x-cache'),
        ).toBe('MISS');
        const fromSecond = await http2.get(`/products/${id}`, { token: customer });
        expect(fromSecond.headers.get('x-cache')).toBe('HIT');
        // A write on the second instance makes the first one's next read fresh.
        const patched = await http2.patch(`/products/${id}`, { price: '6.00' }, { token: admin });
        expect(patched.status).toBe(200);
        const fresh = await http.get(`/products/${id}`, { token: customer });
        expect(fresh.headers.get('x-cache')).toBe('MISS');
        expect(fresh.body.price).toBe('6.00');
      });
    });
  }
});
