import { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ADMIN, startApp, TestApp } from './helpers/test-app';
import { expectProblem, Http } from './helpers/http';
import { customerSession } from './helpers/seed';
import { requestHash } from '../src/idempotency/request-hash';

describe('Idempotency-Key (e2e)', () => {
  let t: TestApp;
  let http: Http;
  let ds: DataSource;
  let admin: string;
  let alice: { customerId: number; accountId: number; token: string };
  let bob: { customerId: number; accountId: number; token: string };
  let seq = 0;

  const product = async (stock: number, price = '1.00') => {
    const res = await http.post(
      '/products',
      { name: `Idem ${++seq}`, price, stock },
      { token: admin },
    );
    return res.body.id as number;
  };
  const stockOf = async (id: number) =>
    Number((await ds.query('SELECT stock FROM products WHERE id = ?', [id]))[0].stock);
  const ordersFor = async (customerId: number) =>
    Number(
      (await ds.query('SELECT COUNT(*) AS n FROM orders WHERE customerId = ?', [customerId]))[0].n,
    );
  const post = (token: string, body: unknown, key?: string) =>
    http.post('/orders', body, {
      token,
      headers: key === undefined ? {} : { 'idempotency-key': key },
    });
  const insertKey = async (row: {
    accountId: number;
    key: string;
    hash: string;
    status: string;
    createdAt: Date;
    expiresAt: Date;
    responseBody?: string;
  }) => {
    const fmt = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');
    await ds.query(
      'INSERT INTO idempotency_keys (`key`, accountId, requestHash, status, responseStatus, responseBody, createdAt, expiresAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [
        row.key,
        row.accountId,
        row.hash,
        row.status,
        row.responseBody ? 201 : null,
        row.responseBody ?? null,
        fmt(row.createdAt),
        fmt(row.expiresAt),
      ],
    );
  };

  beforeAll(async () => {
    t = await startApp();
    http = new Http(t.baseUrl);
    ds = t.app.get<DataSource>(getDataSourceToken());
    admin = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
    alice = await customerSession(t.app, http, 'alice');
    bob = await customerSession(t.app, http, 'bob');
  });
  afterAll(async () => t.close());

  it('replays the first response for the same key and body, creating one order', async () => {
    const p = await product(10);
    const body = { items: [{ productId: p, quantity: 2 }] };
    const first = await post(alice.token, body, 'key-replay-1');
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await post(alice.token, body, 'key-replay-1');
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    // Key order in the JSON does not matter: the body is compared canonically.
    const reordered = await http.request('POST', '/orders', {
      token: alice.token,
      headers: { 'idempotency-key': 'key-replay-1', 'content-type': 'application/json' },
      raw: `{"items":[{"quantity":2,"productId":${p}}]}`,
    });
    expect(reordered.status).toBe(201);
    expect(reordered.body.id).toBe(first.body.id);
    expect(await stockOf(p)).toBe(8);
  });

  it('replays after a restart (the outcome lives in the database)', async () => {
    const p = await product(10);
    const body = { items: [{ productId: p, quantity: 1 }] };
    const first = await post(alice.token, body, 'key-restart');
    expect(first.status).toBe(201);
    const second = await startApp({ databaseUrl: t.databaseUrl });
    try {
      const http2 = new Http(second.baseUrl);
      const res = await http2.post('/orders', body, {
        token: alice.token,
        headers: { 'idempotency-key': 'key-restart' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual(first.body);
    } finally {
      await second.close();
    }
    expect(await stockOf(p)).toBe(9);
  });

  it('answers 422 for the same key with another body, and changes nothing', async () => {
    const p = await product(10);
    expect(
      (await post(alice.token, { items: [{ productId: p, quantity: 1 }] }, 'k-422')).status,
    ).toBe(201);
    const res = await post(alice.token, { items: [{ productId: p, quantity: 3 }] }, 'k-422');
    expectProblem(res, 422);
    expect(await stockOf(p)).toBe(9);
  });

  it('scopes keys per account', async () => {
    const p = await product(10);
    const body = { items: [{ productId: p, quantity: 1 }] };
    const a = await post(alice.token, body, 'shared-key');
    const b = await post(bob.token, body, 'shared-key');
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).not.toBe(a.body.id);
    expect(b.body.customer.id).toBe(bob.customerId);
    expect(await stockOf(p)).toBe(8);
  });

  it('does not store a failure: a retry after it runs again', async () => {
    const p = await product(1);
    const body = { items: [{ productId: p, quantity: 2 }] };
    expectProblem(await post(alice.token, body, 'k-fail'), 409);
    await http.post(
      `/products/${p}/stock-adjustments`,
      { delta: 4, note: 'Restocked' },
      { token: admin },
    );
    const retry = await post(alice.token, body, 'k-fail');
    expect(retry.status).toBe(201);
    expect(await stockOf(p)).toBe(3);
  });

  it('answers 409 while the first request with the key is still running', async () => {
    const p = await product(10);
    const body = { items: [{ productId: p, quantity: 1 }] };
    const now = Date.now();
    await insertKey({
      accountId: alice.accountId,
      key: 'k-running',
      hash: requestHash('POST', '/orders', body),
      status: 'in_progress',
      createdAt: new Date(now),
      expiresAt: new Date(now + 86_400_000),
    });
    expectProblem(await post(alice.token, body, 'k-running'), 409);
    expect(await stockOf(p)).toBe(10);
  });

  it('takes over an expired key and an abandoned in-progress one', async () => {
    const p = await product(10);
    const body = { items: [{ productId: p, quantity: 1 }] };
    const hash = requestHash('POST', '/orders', body);
    const now = Date.now();
    await insertKey({
      accountId: alice.accountId,
      key: 'k-expired',
      hash: 'x'.repeat(64),
      status: 'done',
      createdAt: new Date(now - 2 * 86_400_000),
      expiresAt: new Date(now - 86_400_000),
      responseBody: '{"id":-1}',
    });
    const res = await post(alice.token, body, 'k-expired');
    expect(res.status).toBe(201);
    expect(res.body.id).toBeGreaterThan(0);
    await insertKey({
      accountId: alice.accountId,
      key: 'k-abandoned',
      hash,
      status: 'in_progress',
      createdAt: new Date(now - 10 * 60_000),
      expiresAt: new Date(now + 86_400_000),
    });
    const taken = await post(alice.token, body, 'k-abandoned');
    expect(taken.status).toBe(201);
    expect(await stockOf(p)).toBe(8);
  });

  it.each([
    ['', 'empty'],
    ['x'.repeat(256), 'too long'],
    ['a\tb', 'a control character'],
  ])('refuses the key %j (%s) with 400', async (key) => {
    const p = await product(10);
    const res = await post(alice.token, { items: [{ productId: p, quantity: 1 }] }, key);
    expectProblem(res, 400);
    expect(res.body.errors[0].field).toBe('Idempotency-Key');
    expect(await stockOf(p)).toBe(10);
  });

  it('accepts a 255-character key', async () => {
    const p = await product(10);
    const res = await post(
      alice.token,
      { items: [{ productId: p, quantity: 1 }] },
      'k'.repeat(255),
    );
    expect(res.status).toBe(201);
  });

  it('creates exactly one order for 10 concurrent retries with one key', async () => {
    const p = await product(100);
    const body = { items: [{ productId: p, quantity: 1 }] };
    const before = await ordersFor(bob.customerId);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => post(bob.token, body, 'k-concurrent')),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const created = results.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    expect(await ordersFor(bob.customerId)).toBe(before + 1);
    expect(await stockOf(p)).toBe(99);
    // Once settled, every retry is a replay.
    const late = await post(bob.token, body, 'k-concurrent');
    expect(late.status).toBe(201);
    expect(late.body.id).toBe(created[0].body.id);
  });

  it('works the same for an administrator ordering for a customer', async () => {
    const p = await product(10);
    const body = { items: [{ productId: p, quantity: 1 }], customerId: alice.customerId };
    const first = await post(admin, body, 'admin-key');
    const again = await post(admin, body, 'admin-key');
    expect(first.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expectProblem(await post(admin, { ...body, customerId: bob.customerId }, 'admin-key'), 422);
    expect(await stockOf(p)).toBe(9);
  });
});
