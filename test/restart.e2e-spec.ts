import {
  AppProcess,
  ensureBuild,
  killAppProcess,
  RawAnswer,
  rawRequest,
  startAppProcess,
} from './helpers/app-process';
import { Http } from './helpers/http';
import { ADMIN, freshDatabase } from './helpers/test-app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const BURST = 20;
const STOCK = 1000;

interface Shop {
  token: string;
  productId: number;
  customerId: number;
}

async function openShop(baseUrl: string): Promise<Shop> {
  const http = new Http(baseUrl);
  const token = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
  const product = await http.post(
    '/products',
    { name: 'Restart', price: '2.50', stock: STOCK },
    { token },
  );
  expect(product.status).toBe(201);
  const customer = await http.post(
    '/customers',
    { name: 'Ada', email: 'ada@example.com', phone: '+4915100000000' },
    { token },
  );
  expect(customer.status).toBe(201);
  return { token, productId: product.body.id, customerId: customer.body.id };
}

/** Sends `count` orders at once, each on a connection of its own; `sent` once all are out. */
function burst(baseUrl: string, shop: Shop, count = BURST) {
  const requests = Array.from({ length: count }, (_, i) =>
    rawRequest(baseUrl, 'POST', '/orders', {
      token: shop.token,
      body: {
        customerId: shop.customerId,
        items: [{ productId: shop.productId, quantity: 1 + (i % 3) }],
      },
    }),
  );
  return {
    sent: Promise.all(requests.map((r) => r.sent)).then(() => undefined),
    answers: Promise.all(requests.map((r) => r.answer)),
  };
}

/** Every answer is a complete 201 with the order; returns the orders' ids and quantities. */
function placedOrders(answers: RawAnswer[]): { id: number; quantity: number }[] {
  const summary = answers.map((a) => a.error ?? `${a.status}`);
  expect(summary).toEqual(answers.map(() => '201'));
  return answers.map((a) => {
    expect(a.contentType).toMatch(/^application\/json/);
    const order = JSON.parse(a.body as string) as { id: number; items: { quantity: number }[] };
    return { id: order.id, quantity: order.items[0].quantity };
  });
}

/** The database after a restart: exactly these orders, each once, and the stock they took. */
async function expectInDatabase(
  baseUrl: string,
  shop: Shop,
  placed: { id: number; quantity: number }[],
) {
  const http = new Http(baseUrl);
  const token = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
  const ids: number[] = [];
  for (let page = 1; ; page++) {
    const list = await http.get(`/orders?customerId=${shop.customerId}&limit=100&page=${page}`, {
      token,
    });
    expect(list.status).toBe(200);
    ids.push(...(list.body.data as { id: number }[]).map((o) => o.id));
    if (page >= list.body.meta.totalPages) break;
  }
  const byId = (a: number, b: number) => a - b;
  expect(ids.sort(byId)).toEqual(placed.map((o) => o.id).sort(byId));
  const product = await http.get(`/products/${shop.productId}`, { token });
  const taken = placed.reduce((sum, o) => sum + o.quantity, 0);
  expect(product.body.stock).toBe(STOCK - taken);
}

async function expectReadiness(baseUrl: string, status: number): Promise<void> {
  const res = await rawRequest(baseUrl, 'GET', '/health/ready').answer;
  expect(res.status).toBe(status);
  if (status === 503) expect(res.contentType).toMatch(/^application\/problem\+json/);
}

/**
 * The built app as a real process, stopped by a signal while a burst of orders is on its
 * way: every request sent before the signal gets its complete answer, the process exits 0,
 * and after a restart on the same database every order answered 201 is there exactly once.
 */
describe('Restart under load (e2e, built app)', () => {
  // Up to three process starts per test, on a machine CI may share.
  jest.setTimeout(120_000);
  const started: AppProcess[] = [];
  const start = async (databaseUrl: string, env: Record<string, string>) => {
    const p = await startAppProcess(databaseUrl, env);
    started.push(p);
    return p;
  };

  beforeAll(() => ensureBuild(), 180_000);
  afterEach(async () => {
    await Promise.all(started.splice(0).map(killAppProcess));
  });

  it('on SIGTERM: readiness 503 at once, serves through the drain, answers every order, exits 0', async () => {
    const databaseUrl = await freshDatabase();
    const app = await start(databaseUrl, { SHUTDOWN_DRAIN: '2' });
    await expectReadiness(app.baseUrl, 200);
    const shop = await openShop(app.baseUrl);

    const orders = burst(app.baseUrl, shop);
    await orders.sent;
    const signalled = Date.now();
    app.child.kill('SIGTERM');
    await sleep(100);
    // Out of rotation, still serving: readiness 503, and an order on a new connection placed.
    await expectReadiness(app.baseUrl, 503);
    const during = rawRequest(app.baseUrl, 'POST', '/orders', {
      token: shop.token,
      body: { customerId: shop.customerId, items: [{ productId: shop.productId, quantity: 1 }] },
    }).answer;
    const placed = placedOrders([...(await orders.answers), await during]);
    const exit = await app.exited;
    expect({ ...exit, output: exit.code === 0 ? '' : app.output() }).toEqual({
      code: 0,
      signal: null,
      output: '',
    });
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(2000);
    expect(Date.now() - signalled).toBeLessThan(20_000);

    const again = await start(databaseUrl, {});
    await expectInDatabase(again.baseUrl, shop, placed);
  });

  it('a second signal skips the drain; the burst still gets every answer', async () => {
    const databaseUrl = await freshDatabase();
    const app = await start(databaseUrl, { SHUTDOWN_DRAIN: '60' });
    const shop = await openShop(app.baseUrl);

    const orders = burst(app.baseUrl, shop);
    await orders.sent;
    const signalled = Date.now();
    // Right after: the close begins while the burst is still being accepted.
    app.child.kill('SIGTERM');
    app.child.kill('SIGINT');
    const placed = placedOrders(await orders.answers);
    const exit = await app.exited;
    expect({ ...exit, output: exit.code === 0 ? '' : app.output() }).toEqual({
      code: 0,
      signal: null,
      output: '',
    });
    // Far below the 60 s drain, with room for a loaded machine.
    expect(Date.now() - signalled).toBeLessThan(20_000);

    const again = await start(databaseUrl, {});
    await expectInDatabase(again.baseUrl, shop, placed);
  });

  it('two instances on one database: one restarts under load while the other serves', async () => {
    const databaseUrl = await freshDatabase();
    const a = await start(databaseUrl, { SHUTDOWN_DRAIN: '2' });
    const b = await start(databaseUrl, { SHUTDOWN_DRAIN: '2' });
    const shop = await openShop(a.baseUrl);

    const onA = burst(a.baseUrl, shop, BURST / 2);
    const onB = burst(b.baseUrl, shop, BURST / 2);
    await Promise.all([onA.sent, onB.sent]);
    a.child.kill('SIGTERM');
    await sleep(100);
    await expectReadiness(a.baseUrl, 503);
    await expectReadiness(b.baseUrl, 200);
    const placed = placedOrders([...(await onA.answers), ...(await onB.answers)]);
    // While A drains and after it has gone, B takes orders.
    const whileDraining = burst(b.baseUrl, shop, BURST / 2).answers;
    expect((await a.exited).code).toBe(0);
    const afterExit = burst(b.baseUrl, shop, BURST / 2).answers;
    placed.push(...placedOrders([...(await whileDraining), ...(await afterExit)]));

    const restarted = await start(databaseUrl, {});
    const both = [burst(restarted.baseUrl, shop, BURST / 2), burst(b.baseUrl, shop, BURST / 2)];
    placed.push(...placedOrders((await Promise.all(both.map((o) => o.answers))).flat()));
    await expectInDatabase(restarted.baseUrl, shop, placed);
  });
});
