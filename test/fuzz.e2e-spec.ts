/**
 * Hostile clients, driven by swagger.yaml: for every operation in the document (so endpoints
 * added later are fuzzed without touching this file), an administrator and a customer send
 * wrong bodies, queries and path ids. Every answer must be one the document declares (the
 * Http helper checks status, body and headers against swagger.yaml), never a 5xx, a 4xx must
 * be problem+json, and a rejected write must leave the database exactly as it was.
 *
 * Bounded: FUZZ_RUNS (default 100) runs per operation; FUZZ_SEED replays a failure.
 */
import * as bcrypt from 'bcrypt';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Http, HttpResponse } from './helpers/http';
import {
  bodySchemaOf,
  hostileBodies,
  oddInputFields,
  oddInputRequests,
  requestsFor,
} from './helpers/fuzz';
import { oracle } from './helpers/openapi';
import { seedCustomerAccount } from './helpers/seed';
import { ADMIN, startApp, TestApp } from './helpers/test-app';

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const CUSTOMER = { username: 'fuzz-customer', password: 'fuzz-customer-password' };

describe('Fuzzing every operation in swagger.yaml', () => {
  let t: TestApp;
  let http: Http;
  let ds: DataSource;
  const tokens: Record<'admin' | 'customer', string> = { admin: '', customer: '' };

  async function signIn(): Promise<void> {
    tokens.admin = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
    tokens.customer = (await http.login(CUSTOMER.username, CUSTOMER.password)).accessToken;
  }

  /**
   * An accepted write may have changed or removed an actor (a new password, a renamed or
   * deleted account, a deleted customer, a logout): carry on with a fresh pair of actors.
   */
  let generation = 0;
  async function freshActors(): Promise<void> {
    generation++;
    const admin = { username: `fuzz-admin-${generation}`, password: 'fuzz-admin-password' };
    await ds.getRepository('Account').insert({
      username: admin.username,
      passwordHash: await bcrypt.hash(admin.password, 4),
      role: 'admin',
      customerId: null,
    });
    const customer = `${CUSTOMER.username}-${generation}`;
    await seedCustomerAccount(t.app, customer, CUSTOMER.password);
    tokens.admin = (await http.login(admin.username, admin.password)).accessToken;
    tokens.customer = (await http.login(customer, CUSTOMER.password)).accessToken;
  }

  /** Row count and a hash of every table's rows: a rejected write must not change either. */
  async function snapshot(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const meta of ds.entityMetadatas) {
      const rows: unknown[] = await ds.query(`SELECT * FROM ${ds.driver.escape(meta.tableName)}`);
      const lines = rows.map((r) => JSON.stringify(r)).sort();
      out[meta.tableName] =
        `${rows.length}:${createHash('sha256').update(lines.join('\n')).digest('hex')}`;
    }
    return out;
  }

  beforeAll(async () => {
    t = await startApp();
    http = new Http(t.baseUrl);
    ds = t.app.get<DataSource>(getDataSourceToken());
    await seedCustomerAccount(t.app, CUSTOMER.username, CUSTOMER.password);
    await signIn();
    // Something to find, so reads and writes reach past "not found" too.
    await http.post(
      '/products',
      { name: 'Fuzz target', price: '1.00', stock: 5 },
      { token: tokens.admin },
    );
  });
  afterAll(async () => t.close());

  const operations = oracle().operations;

  it('covers every operation in the document', () => {
    expect(operations.length).toBeGreaterThan(0);
  });

  it('rejects `constructor` as an unknown field (class-validator would let it through)', async () => {
    const body = JSON.parse('{"name":"Proto","price":"1.00","constructor":"x"}');
    const created = await http.post('/products', body, { token: tokens.admin });
    expect(created.status).toBe(400);
    expect(created.body.errors).toEqual([{ field: 'constructor', message: expect.any(String) }]);
    const listed = await http.get('/products?constructor=x', { token: tokens.customer });
    expect(listed.status).toBe(400);
  });

  it.each(['valueOf', 'toString', 'hasOwnProperty'])(
    'rejects `%s` (any Object.prototype name) in a query, a body and a nested body',
    async (name) => {
      const query = await http.get(`/customers?${name}=%25`, { token: tokens.admin });
      expect(query.status).toBe(400);
      expect(query.body.errors).toEqual([{ field: name, message: expect.any(String) }]);
      const body = JSON.parse(`{"name":"Proto","price":"1.00","${name}":"x"}`);
      expect((await http.post('/products', body, { token: tokens.admin })).status).toBe(400);
      const nested = JSON.parse(`{"items":[{"productId":1,"quantity":1,"${name}":1}]}`);
      const order = await http.post('/orders', nested, { token: tokens.customer });
      expect(order.status).toBe(400);
      expect(order.body.errors).toEqual([
        { field: `items.0.${name}`, message: expect.any(String) },
      ]);
    },
  );

  it('refuses text with a lone surrogate (MySQL cannot store it as sent)', async () => {
    const res = await http.post(
      '/products',
      { name: 'a\uD800b', price: '1.00' },
      { token: tokens.admin },
    );
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'name', message: 'must be valid Unicode text' }]);
  });

  it('answers router and HTTP-parser errors as problem+json too', async () => {
    const tooLongId = await http.get(`/products/${'9'.repeat(300)}`, { token: tokens.customer });
    expect(tooLongId.status).toBe(414);
    expect(tooLongId.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    // A request head over Node's 16 KiB limit never reaches a route: not in the document.
    const hugeHead = await http.get(`/products?search=${'x'.repeat(20_000)}`, { docCheck: false });
    expect(hugeHead.status).toBe(431);
    expect(hugeHead.body).toMatchObject({ status: 431, title: 'Request Header Fields Too Large' });
  });

  it('finds path ids and date query fields in the document to send odd values to', () => {
    const fields = operations.map((o) => oddInputFields(o));
    expect(fields.filter((f) => f.ids.length > 0).length).toBeGreaterThan(5);
    expect(fields.flatMap((f) => f.dates)).toEqual(expect.arrayContaining(['from', 'to']));
  });

  const withOddInputs = operations.filter((o) => oddInputRequests(o).length > 0);
  it.each(withOddInputs.map((o) => [`${o.method.toUpperCase()} ${o.path}`, o] as const))(
    '%s answers every odd path id and query date with 400 problem+json (403 for the wrong role), changing nothing',
    async (_name, o) => {
      const before = o.method === 'get' ? undefined : await snapshot();
      for (const req of oddInputRequests(o)) {
        const statuses: number[] = [];
        for (const actor of ['admin', 'customer'] as const) {
          const res = await http.request(o.method.toUpperCase(), req.path, {
            token: tokens[actor],
            body: o.method === 'get' ? undefined : req.body,
          });
          const what = `${actor}: ${o.method.toUpperCase()} ${req.path} -> ${res.status} ${res.text.slice(0, 200)}`;
          // `what` names the request in a failure.
          expect({ what, status: res.status, type: res.headers.get('content-type') }).toEqual({
            what,
            status: res.status === 403 ? 403 : 400,
            type: expect.stringMatching(/^application\/problem\+json/),
          });
          if (res.status === 400) {
            expect(res.body.errors).toEqual(
              expect.arrayContaining([{ field: req.field, message: expect.any(String) }]),
            );
          }
          statuses.push(res.status);
        }
        // One of the two roles may use the operation: it gets as far as the value.
        expect({ req, statuses }).toEqual({ req, statuses: expect.arrayContaining([400]) });
      }
      if (before) expect(await snapshot()).toEqual(before);
    },
  );

  it.each(operations.map((o) => [`${o.method.toUpperCase()} ${o.path}`, o] as const))(
    '%s answers hostile input with a declared 4xx (or a declared 2xx), never a 5xx, changing nothing when it refuses',
    async (_name, o) => {
      await fc.assert(
        fc.asyncProperty(requestsFor(o), async (req) => {
          const search = new URLSearchParams();
          for (const [k, v] of req.query) search.append(k, v);
          const qs = search.toString();
          const path = `${req.path}${qs ? `?${qs}` : ''}`;
          const isWrite = o.method !== 'get';
          const before = isWrite ? await snapshot() : undefined;

          let res: HttpResponse;
          if (req.body && 'raw' in req.body) {
            res = await http.request(o.method.toUpperCase(), path, {
              token: tokens[req.actor],
              raw: req.body.raw,
              headers: { 'content-type': req.body.contentType },
            });
          } else {
            res = await http.request(o.method.toUpperCase(), path, {
              token: tokens[req.actor],
              body: o.method === 'get' ? undefined : req.body?.json,
            });
          }

          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) {
            expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
            expect(res.body).toMatchObject({ status: res.status });
            if (before) expect(await snapshot()).toEqual(before);
          }
          // forbidNonWhitelisted: an operation with a query DTO never ignores an unknown name.
          const hasQueryParams = (o.op.parameters ?? []).some(
            (p: any) => oracle().resolve(p).in === 'query',
          );
          if (req.unknownQuery && hasQueryParams) expect(res.status).toBeGreaterThanOrEqual(400);
          // Unknown body fields are rejected, not ignored.
          if (req.unknownBody) expect(res.status).toBeGreaterThanOrEqual(400);
          if (isWrite && res.status < 400) await freshActors();
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    },
  );

  const withBodies = operations.filter((o) => bodySchemaOf(o) !== undefined);

  it('finds the operations with a body, and arrays of objects in them', () => {
    expect(withBodies.length).toBeGreaterThanOrEqual(10);
    const orders = withBodies.find((o) => o.method === 'post' && o.path === '/api/v1/orders');
    expect(hostileBodies(orders!).map((b) => b.name)).toContain('items: [[]]');
  });

  it.each(withBodies.map((o) => [`${o.method.toUpperCase()} ${o.path}`, o] as const))(
    '%s refuses every hostile body shape with a 4xx problem within 1 s, changing nothing',
    async (_name, o) => {
      // Ids that exist (the seeded admin, customer, product): an accepted write would show.
      const path = o.path.replace(/^\/api\/v1/, '').replace(/\{[^}]+\}/g, '1');
      const before = await snapshot();
      for (const body of hostileBodies(o)) {
        for (const actor of ['admin', 'customer'] as const) {
          const start = performance.now();
          const res = await http.request(o.method.toUpperCase(), path, {
            token: tokens[actor],
            raw: body.raw,
            headers: { 'content-type': body.contentType },
          });
          const ms = performance.now() - start;
          const seen = {
            body: body.name,
            actor,
            clientError: res.status >= 400 && res.status < 500,
            problem: /^application\/problem\+json/.test(res.headers.get('content-type') ?? ''),
            bounded: ms < 1000 || Math.round(ms),
          };
          expect(seen).toEqual({ ...seen, clientError: true, problem: true, bounded: true });
          expect(res.body).toMatchObject({ status: res.status });
          if (body.status !== undefined)
            expect([body.name, res.status]).toEqual([body.name, body.status]);
        }
      }
      expect(await snapshot()).toEqual(before);
    },
  );
});
