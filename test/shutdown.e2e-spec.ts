import { connect } from 'node:net';
import { Http } from './helpers/http';
import { customerSession } from './helpers/seed';
import { ADMIN, startApp, TestApp } from './helpers/test-app';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends a POST's headers and the start of its body, closes the app, then sends the rest
 * once the close has begun; resolves with the raw answer and when the close is done.
 */
async function postAcrossClose(
  t: TestApp,
  path: string,
  body: string,
  headers: string,
  whileClosing: () => Promise<void> = async () => undefined,
): Promise<string> {
  const { port } = new URL(t.baseUrl);
  const socket = connect(Number(port), '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  let raw = '';
  socket.on('data', (d: Buffer) => (raw += d.toString()));
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(
    `POST /api/v1${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${headers}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, 10)}`,
  );
  await pause(50);
  const closing = t.close();
  await pause(50);
  await whileClosing();
  socket.write(body.slice(10));
  await ended;
  await closing;
  return raw;
}

/**
 * After the drain, SIGTERM runs app.close() (main.ts, closeOnSignals): the server stops
 * accepting, lets requests already in flight finish, then closes the database pool. A
 * request whose body is still arriving when the close begins must get its full answer.
 * The signals themselves, on the built app as a process: restart.e2e-spec.ts.
 */
describe('Graceful shutdown (e2e)', () => {
  it('finishes a request in flight, then refuses new connections', async () => {
    const t = await startApp();
    const raw = await postAcrossClose(t, '/auth/login', JSON.stringify(ADMIN), '', async () => {
      await expect(fetch(`${t.baseUrl}/api/v1/health`)).rejects.toThrow();
    });
    expect(raw).toMatch(/^HTTP\/1\.1 200 /);
    expect(raw).toContain('"accessToken"');
  });

  // Found in review: pools of the app's own (the MySQL order pool, the Redis client) were
  // closed in onModuleDestroy, which Nest runs before the HTTP server stops, so an order
  // still arriving when the close began failed with 503.
  it('places an order still arriving when the close begins, before closing the pools', async () => {
    const t = await startApp();
    const http = new Http(t.baseUrl);
    const admin = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
    const product = await http.post(
      '/products',
      { name: 'Late', price: '1.00', stock: 5 },
      { token: admin },
    );
    const alice = await customerSession(t.app, http, 'late-alice');
    // One order first: the MySQL order pool exists from the first order on.
    const first = await http.post(
      '/orders',
      { items: [{ productId: product.body.id, quantity: 1 }] },
      { token: alice.token },
    );
    expect(first.status).toBe(201);
    const raw = await postAcrossClose(
      t,
      '/orders',
      JSON.stringify({ items: [{ productId: product.body.id, quantity: 2 }] }),
      `Authorization: Bearer ${alice.token}\r\n`,
    );
    expect(raw).toMatch(/^HTTP\/1\.1 201 /);
    expect(raw).toContain('"status":"pending"');
    expect(raw).toContain('"quantity":2');
  });
});
