/**
 * DESIGN.md "Input rules that hold for every route", for bodies: JSON only (415 otherwise),
 * an object where the route expects one, at most 1,000 keys and 32 levels (refused before
 * validation, in bounded time, without holding the event loop), at most 50 `errors`, array
 * elements that must be objects are objects; and a request that does not arrive in
 * REQUEST_TIMEOUT seconds is 408.
 */
import { getDataSourceToken } from '@nestjs/typeorm';
import { connect, Socket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { expectProblem, Http, HttpResponse } from './helpers/http';
import { customerSession } from './helpers/seed';
import { ADMIN, startApp, TestApp } from './helpers/test-app';

const MB = 1024 * 1024;
/**
 * The most the event loop may be held meanwhile. Before the parser's scan, these bodies held
 * it 10-20 s; the scan itself takes a few ms (src/common/json-body.spec.ts). The bound is
 * loose because the delay is wall-clock time: a busy shared machine adds descheduling.
 */
const LOOP_BOUND_MS = 500;

/** `{"k0":1,"k1":1,...}` with n keys. */
const manyKeys = (n: number) => `{${Array.from({ length: n }, (_, i) => `"k${i}":1`).join(',')}}`;
/** An object nested `levels` deep: `{"a":{"a":...{}}}`. */
const nested = (levels: number) => '{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1);

describe('Input rules for bodies (e2e)', () => {
  let t: TestApp;
  let http: Http;
  let admin: string;
  let alice: { customerId: number; token: string };
  let productId: number;

  const raw = (method: string, path: string, body: string, contentType = 'application/json') =>
    http.request(method, path, {
      token: admin,
      raw: body,
      headers: { 'content-type': contentType },
    });

  /** The answer, and the longest the event loop (app and test share it) was held meanwhile. */
  async function timed(send: () => Promise<HttpResponse>) {
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const start = performance.now();
    const res = await send();
    const ms = performance.now() - start;
    delay.disable();
    return { res, ms, loopMs: delay.max / 1e6 };
  }

  async function productRow() {
    const ds = t.app.get<DataSource>(getDataSourceToken());
    const rows: unknown[] = await ds.query('SELECT * FROM products WHERE id = ?', [productId]);
    return JSON.stringify(rows);
  }

  beforeAll(async () => {
    t = await startApp();
    http = new Http(t.baseUrl);
    admin = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
    alice = await customerSession(t.app, http, 'alice');
    const created = await http.post(
      '/products',
      { name: 'Rule target', price: '2.00', stock: 5 },
      { token: admin },
    );
    productId = created.body.id;
  });
  afterAll(async () => t.close());

  describe('keys and depth', () => {
    it('refuses a login with 80,000 unknown keys at once, without holding the event loop', async () => {
      const body = manyKeys(80_000);
      const { res, ms, loopMs } = await timed(() => raw('POST', '/auth/login', body));
      expectProblem(res, 400);
      expect(res.body.detail).toBe('The body has more than 1000 keys');
      expect(res.text.length).toBeLessThan(1000);
      expect(ms).toBeLessThan(1000);
      expect(loopMs).toBeLessThan(LOOP_BOUND_MS);
    });

    it('counts keys at every level and array elements too: 1,001 in all is 400', async () => {
      const inner = manyKeys(500);
      expectProblem(await raw('POST', '/products', `{"a":${inner},"b":${inner}}`), 400);
      const lines = Array(1001).fill('{"productId":1,"quantity":1}').join(',');
      const res = await http.request('POST', '/orders', {
        token: alice.token,
        raw: `{"items":[${lines}]}`,
        headers: { 'content-type': 'application/json' },
      });
      expectProblem(res, 400);
      expect(res.body.detail).toBe('The body has more than 1000 keys');
    });

    it('lists at most 50 errors, however many fields are wrong', async () => {
      const res = await raw('POST', '/auth/login', manyKeys(999));
      expectProblem(res, 400);
      expect(res.body.detail).toBe('Validation failed');
      expect(res.body.errors).toHaveLength(50);
    });

    it.each([
      ['POST', '/auth/login'],
      ['POST', '/products'],
      ['PATCH', '/products/1'],
      ['POST', '/orders'],
    ])('%s %s: nesting deeper than 32 levels is 400 before validation, not a 500', async (m, p) => {
      for (const levels of [33, 1500]) {
        const res = await raw(m, p, `{"x":${nested(levels - 1)}}`);
        expectProblem(res, 400);
        expect(res.body.detail).toBe('The body is nested deeper than 32 levels');
      }
      // 32 levels reach validation, which names the unknown field.
      const ok = await raw(m, p, `{"x":${nested(31)}}`);
      expectProblem(ok, 400);
      expect(ok.body.detail).toBe('Validation failed');
    });

    it.each([
      ['500,000 `[`', '['.repeat(500_000)],
      ['1 MB of `[`', '['.repeat(MB - 1)],
      ['1 MB of `{"a":`', '{"a":'.repeat(MB / 5 - 1)],
      ['1 MB of keys', `{${'"k":1,'.repeat(MB / 6 - 1)}"k":1}`],
      ['1 MB array', `[${'1,'.repeat(MB / 2 - 2)}1]`],
    ])('refuses %s in bounded time, without holding the event loop', async (_name, body) => {
      expect(body.length).toBeLessThanOrEqual(MB);
      const { res, ms, loopMs } = await timed(() => raw('POST', '/auth/login', body));
      expectProblem(res, 400);
      expect(ms).toBeLessThan(1000);
      expect(loopMs).toBeLessThan(LOOP_BOUND_MS);
    });

    it('still accepts a body just within the limits', async () => {
      const res = await http.patch(
        `/products/${productId}`,
        { description: 'x'.repeat(500) },
        { token: admin },
      );
      expect(res.status).toBe(200);
    });
  });

  describe('the JSON type the route expects', () => {
    it.each(['null', '[]', '[{"name":"x"}]', '"text"', '42', 'true'])(
      'a body of %s is 400 on PATCH (not taken as `{}`), POST and login, changing nothing',
      async (body) => {
        const before = await productRow();
        for (const [m, p] of [
          ['PATCH', `/products/${productId}`],
          ['POST', '/products'],
          ['POST', '/auth/login'],
        ]) {
          const res = await raw(m, p, body);
          expectProblem(res, 400);
          expect(res.body.detail).toBe('The body must be a JSON object');
        }
        expect(await productRow()).toBe(before);
      },
    );

    it.each(['[[]]', '[[{"productId":1,"quantity":1}]]', '[1]', '["x"]', '[null]', '[true]'])(
      'order lines must be objects: items %s is 400 and places nothing',
      async (items) => {
        const before = await productRow();
        const res = await http.request('POST', '/orders', {
          token: alice.token,
          raw: `{"items":${items}}`,
          headers: { 'content-type': 'application/json' },
        });
        expectProblem(res, 400);
        expect(res.body.errors).toEqual(
          expect.arrayContaining([{ field: 'items', message: expect.any(String) }]),
        );
        expect((await http.get('/orders', { token: alice.token })).body.meta.total).toBe(0);
        expect(await productRow()).toBe(before);
      },
    );
  });

  describe('JSON only', () => {
    it('does not sign in with a form-encoded body: 415', async () => {
      const body = `username=${ADMIN.username}&password=${ADMIN.password}`;
      const res = await http.request('POST', '/auth/login', {
        raw: body,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expectProblem(res, 415);
      expect(res.body.accessToken).toBeUndefined();
    });

    it.each([
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'text/plain',
      'application/xml',
      'application/octet-stream',
      'application/jsonx',
    ])('%s is 415 on a write, changing nothing', async (type) => {
      const before = await productRow();
      expectProblem(await raw('PATCH', `/products/${productId}`, 'name=Renamed', type), 415);
      expect(await productRow()).toBe(before);
    });

    it('takes application/json with a charset', async () => {
      const res = await http.request('POST', '/auth/login', {
        raw: JSON.stringify(ADMIN),
        headers: { 'content-type': 'application/json; charset=utf-8' },
      });
      expect(res.status).toBe(200);
    });

    it('still refuses `__proto__` (prototype poisoning) with 400', async () => {
      expectProblem(await raw('POST', '/products', '{"name":"x","__proto__":{"a":1}}'), 400);
    });
  });
});

describe('REQUEST_TIMEOUT (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ env: { REQUEST_TIMEOUT: '1' } });
  });
  afterAll(async () => {
    delete process.env.REQUEST_TIMEOUT;
    await t.close();
  });

  /** Sends `head`, then `body` a byte at a time every 200 ms; resolves with all it got back. */
  function trickle(head: string, body: string): Promise<{ answer: string; ms: number }> {
    const { port } = new URL(t.baseUrl);
    const start = performance.now();
    return new Promise((resolve, reject) => {
      const socket: Socket = connect(Number(port), '127.0.0.1');
      let answer = '';
      let stopped = false;
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('error', reject);
      socket.on('close', () => {
        stopped = true;
        resolve({ answer, ms: performance.now() - start });
      });
      socket.on('connect', () => {
        socket.write(head);
        void (async () => {
          for (const ch of body) {
            await sleep(200);
            if (stopped) return;
            socket.write(ch);
          }
        })();
      });
    });
  }

  it('answers a body trickling in for longer than the timeout with 408 and closes the connection', async () => {
    const body = JSON.stringify({ username: ADMIN.username, password: ADMIN.password });
    const { answer, ms } = await trickle(
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        `Content-Length: ${body.length}\r\n\r\n`,
      body,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toMatch(/content-type: application\/problem\+json/i);
    expect(answer).toMatch(/"status":408/);
    expect(answer).not.toMatch(/accessToken/);
    // 1 s, plus up to one check interval (1 s); far from the body's 12 s.
    expect(ms).toBeLessThan(3500);
  });

  it('never completes the request with body bytes that arrive after the 408', async () => {
    const body = JSON.stringify({ username: ADMIN.username, password: ADMIN.password });
    const { port } = new URL(t.baseUrl);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket: Socket = connect({
        port: Number(port),
        host: '127.0.0.1',
        allowHalfOpen: true,
      });
      let text = '';
      socket.on('error', reject);
      socket.on('data', (chunk) => {
        if (text === '') socket.write(body.slice(1)); // the rest, at once, after the answer
        text += chunk.toString();
      });
      socket.on('end', () => setTimeout(() => socket.end(), 300));
      socket.on('close', () => resolve(text));
      socket.write(
        'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
          `Content-Length: ${body.length}\r\n\r\n${body[0]}`,
      );
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    expect(answer).not.toMatch(/accessToken/);
  });

  it('answers a request head trickling in with 408 too', async () => {
    const { answer, ms } = await trickle(
      'GET /api/v1/health HTTP/1.1\r\n',
      'X-Slow: ' + 'a'.repeat(60),
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeLessThan(3500);
  });

  it('still answers a request that arrives in time', async () => {
    const res = await new Http(t.baseUrl).get('/health');
    expect(res.status).toBe(200);
  });
});
