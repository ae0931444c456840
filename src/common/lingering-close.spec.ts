import { createServer, request, Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { lingerAfterRefusal, LINGER_MS } from './lingering-close';

const MB = 1024 * 1024;

/** A server that refuses every body at its first chunk, as the JSON body parser does. */
async function refusingServer(maxUnread?: number) {
  const closed: { bytesRead: number; at: number }[] = [];
  const server: Server = createServer((req, res) => {
    req.once('data', () => {
      lingerAfterRefusal(req, maxUnread);
      res.writeHead(400, { connection: 'close', 'content-type': 'text/plain' });
      res.end('refused');
    });
  });
  server.on('connection', (socket: Socket) =>
    socket.on('close', () => closed.push({ bytesRead: socket.bytesRead, at: Date.now() })),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, closed, port: (server.address() as AddressInfo).port };
}

/** Sends 1 MB; resolves with the answer once complete (an error before it rejects). */
function send(port: number): Promise<{ status: number; text: string; at: number }> {
  const body = Buffer.alloc(MB, '[');
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(
      { port, host: '127.0.0.1', method: 'POST', agent: false, headers: { 'content-length': MB } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => {
          answered = true;
          resolve({ status: res.statusCode ?? 0, text, at: Date.now() });
        });
      },
    );
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    req.end(body);
  });
}

async function until(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}

describe('lingerAfterRefusal', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  it('answers at once, leaves the rest of the body unread, and closes LINGER_MS later', async () => {
    const s = await refusingServer();
    server = s.server;
    const answer = await send(s.port);
    expect(answer).toMatchObject({ status: 400, text: 'refused' });
    await until(() => s.closed.length > 0, LINGER_MS + 3000);
    expect(s.closed).toHaveLength(1);
    expect(s.closed[0].bytesRead).toBeLessThan(MB / 2);
    expect(s.closed[0].at - answer.at).toBeGreaterThanOrEqual(LINGER_MS - 200);
  });

  it('beyond the cap of held sockets, closes the oldest early and never reads the rest', async () => {
    const s = await refusingServer(1);
    server = s.server;
    const first = await send(s.port);
    expect(first).toMatchObject({ status: 400, text: 'refused' });
    const second = await send(s.port);
    expect(second).toMatchObject({ status: 400, text: 'refused' });
    // The second ends the first's lingering at once; the second lingers its full time.
    await until(() => s.closed.length > 0, 1000);
    expect(s.closed).toHaveLength(1);
    expect(s.closed[0].at - first.at).toBeLessThan(LINGER_MS / 2);
    await until(() => s.closed.length > 1, LINGER_MS + 3000);
    expect(s.closed).toHaveLength(2);
    expect(s.closed[1].at - second.at).toBeGreaterThanOrEqual(LINGER_MS - 200);
    for (const c of s.closed) expect(c.bytesRead).toBeLessThan(MB / 2);
  });
});
