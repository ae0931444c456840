import { connect } from 'node:net';
import { ADMIN, startApp } from './helpers/test-app';

/**
 * SIGTERM runs app.close() (enableShutdownHooks): the server stops accepting, lets requests
 * already in flight finish, then closes the database pool. A request whose body is still
 * arriving when the close begins must get its full answer.
 */
describe('Graceful shutdown (e2e)', () => {
  it('finishes a request in flight, then refuses new connections', async () => {
    const t = await startApp();
    const { port } = new URL(t.baseUrl);
    const body = JSON.stringify(ADMIN);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    let raw = '';
    socket.on('data', (d: Buffer) => (raw += d.toString()));
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // Headers and half the body now; the rest after the shutdown has begun.
    socket.write(
      `POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((r) => setTimeout(r, 50));
    const closing = t.close();
    await new Promise((r) => setTimeout(r, 50));
    await expect(fetch(`${t.baseUrl}/api/v1/health`)).rejects.toThrow();
    socket.write(body.slice(10));
    await ended;
    await closing;
    expect(raw).toMatch(/^HTTP\/1\.1 200 /);
    expect(raw).toContain('"accessToken"');
  });
});
