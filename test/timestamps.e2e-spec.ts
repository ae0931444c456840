import { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ADMIN, startApp, TestApp } from './helpers/test-app';
import { Http } from './helpers/http';
import { customerSession } from './helpers/seed';

interface Stamped {
  createdAt: string | Date;
  updatedAt: string | Date;
}

/**
 * Timestamps keep milliseconds on both databases and updatedAt is never before createdAt.
 * TypeORM writes `updatedAt = CURRENT_TIMESTAMP` (whole seconds on MySQL and SQLite), and on
 * SQLite inserts `datetime('now')`: an update in the second of the insert read earlier.
 */
describe('Timestamps (e2e)', () => {
  let t: TestApp;
  let http: Http;
  let ds: DataSource;
  let admin: string;

  const ms = (v: string | Date) => (v instanceof Date ? v : new Date(v)).getTime();
  /** createdAt <= updatedAt; gives both, for expectMilliseconds. */
  const expectOrdered = (row: Stamped): number[] => {
    expect(ms(row.updatedAt)).toBeGreaterThanOrEqual(ms(row.createdAt));
    return [ms(row.createdAt), ms(row.updatedAt)];
  };
  /** A real clock falls on a whole second once in a thousand: not all of these do. */
  const expectMilliseconds = (stamps: number[]) => {
    expect(stamps.length).toBeGreaterThanOrEqual(4);
    expect(stamps.filter((v) => v % 1000 !== 0)).not.toEqual([]);
  };
  /** A row as the database holds it (for resources whose answers carry no timestamps). */
  const row = async (table: string, where: string, params: unknown[]): Promise<Stamped> => {
    const [found] = await ds.query<{ createdAt: string | Date; updatedAt: string | Date }[]>(
      `SELECT createdAt, updatedAt FROM ${table} WHERE ${where}`,
      params,
    );
    // SQLite keeps UTC text without a zone.
    const utc = (v: string | Date) => (v instanceof Date ? v : new Date(`${v.replace(' ', 'T')}Z`));
    return { createdAt: utc(found.createdAt), updatedAt: utc(found.updatedAt) };
  };

  beforeAll(async () => {
    t = await startApp();
    http = new Http(t.baseUrl);
    ds = t.app.get<DataSource>(getDataSourceToken());
    admin = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
  });
  afterAll(async () => t.close());

  it('customers: a PATCH right after the create is not before it, in answers and reads', async () => {
    const stamps: number[] = [];
    for (let i = 0; i < 3; i++) {
      const created = await http.post(
        '/customers',
        { name: `Stamp ${i}`, email: `stamp${i}@example.com`, phone: '+441234567890' },
        { token: admin },
      );
      expect(created.status).toBe(201);
      expect(created.body.updatedAt).toBe(created.body.createdAt);
      const patched = await http.patch(
        `/customers/${created.body.id}`,
        { name: `Stamped ${i}` },
        { token: admin },
      );
      expect(patched.status).toBe(200);
      expect(patched.body.createdAt).toBe(created.body.createdAt);
      stamps.push(...expectOrdered(patched.body));
      const read = await http.get(`/customers/${created.body.id}`, { token: admin });
      expect(read.body).toMatchObject({
        createdAt: created.body.createdAt,
        updatedAt: patched.body.updatedAt,
      });
    }
    expectMilliseconds(stamps);
  });

  it('products and accounts: the same after a PATCH', async () => {
    const products: number[] = [];
    const accounts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const product = await http.post(
        '/products',
        { name: `Stamp ${i}`, price: '1.00', stock: 5 },
        { token: admin },
      );
      const patched = await http.patch(
        `/products/${product.body.id}`,
        { name: `Stamped ${i}` },
        { token: admin },
      );
      expect(patched.status).toBe(200);
      products.push(...expectOrdered(patched.body));
      expect((await http.get(`/products/${product.body.id}`, { token: admin })).body).toMatchObject(
        { createdAt: patched.body.createdAt, updatedAt: patched.body.updatedAt },
      );

      const account = await http.post(
        '/accounts',
        { username: `stamp${i}`, password: 'password-123', role: 'admin' },
        { token: admin },
      );
      const renamed = await http.patch(
        `/accounts/${account.body.id}`,
        { username: `stamped${i}` },
        { token: admin },
      );
      expect(renamed.status).toBe(200);
      accounts.push(...expectOrdered(renamed.body));
    }
    expectMilliseconds(products);
    expectMilliseconds(accounts);
  });

  it('orders, cart lines and sessions: the same after their updates (read from the database)', async () => {
    const shopper = await customerSession(t.app, http, 'stamp-shopper');
    const product = await http.post(
      '/products',
      { name: 'Stamp stock', price: '1.00', stock: 50 },
      { token: admin },
    );
    const id = product.body.id as number;
    for (let i = 0; i < 2; i++) {
      const order = await http.post(
        '/orders',
        { items: [{ productId: id, quantity: 1 }] },
        { token: shopper.token },
      );
      expect(order.status).toBe(201);
      expect(
        (await http.patch(`/orders/${order.body.id}/status`, { status: 'paid' }, { token: admin }))
          .status,
      ).toBe(200);
      expectOrdered(await row('orders', 'id = ?', [order.body.id]));
    }

    expect(
      (await http.put(`/cart/items/${id}`, { quantity: 1 }, { token: shopper.token })).status,
    ).toBe(200);
    expect(
      (await http.put(`/cart/items/${id}`, { quantity: 2 }, { token: shopper.token })).status,
    ).toBe(200);
    const stamps = expectOrdered(await row('cart_items', 'customerId = ?', [shopper.customerId]));

    const [sessionId] = shopper.refreshToken.split('.');
    expect((await http.post('/auth/refresh', { refreshToken: shopper.refreshToken })).status).toBe(
      200,
    );
    stamps.push(...expectOrdered(await row('sessions', 'id = ?', [sessionId])));
    // Orders are written by the placement's own statements, with the app's clock.
    expectMilliseconds(stamps);
  });
});
