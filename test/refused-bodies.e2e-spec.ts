/**
 * A body refused before its end (a shape limit crossed in its first bytes, or over 1 MB) is
 * answered at once and the rest of it is not read (src/common/lingering-close.ts), and
 * still every client gets its complete 400 / 413: the close that follows never resets the
 * connection before the client has read the answer.
 */
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { startApp, TestApp } from './helpers/test-app';

const MB = 1024 * 1024;
const BODIES = [
  `{${'"k":1,'.repeat(MB / 6 - 1)}"k":1}`,
  '{"a":'.repeat(MB / 5 - 1),
  '['.repeat(MB - 1),
];

interface Answer {
  status: number;
  body: string;
  /** An error before the answer was complete (a reset that lost it), if any. */
  error?: string;
  /** The client's port: the server's socket for this request has it as remotePort. */
  port?: number;
}

/** Sends `body` on a connection of its own, as the hostile-bodies benchmark's client does. */
function send(baseUrl: string, body: string, contentLength = Buffer.byteLength(body)) {
  return new Promise<Answer>((resolve) => {
    let answered = false;
    let port: number | undefined;
    const req = request(
      `${baseUrl}/api/v1/auth/login`,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': contentLength },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          answered = true;
          resolve({ status: res.statusCode ?? 0, body: text, port });
        });
      },
    );
    // After a complete answer, the rest of the body may be refused by a reset: the client
    // has its answer. Before it, an error is the lost answer this file is about.
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (!answered) resolve({ status: 0, body: '', error: err.code ?? err.message });
    });
    req.on('socket', (socket) => socket.on('connect', () => (port = socket.localPort)));
    req.end(body);
  });
}

describe('Refused bodies: answered at once, the rest unread, no answer lost (e2e)', () => {
  let t: TestApp;
  /** Bytes the server read from each closed connection, by the client's port. */
  const bytesRead = new Map<number, number>();
  /** Server-side connections not yet closed. */
  let open = 0;

  beforeAll(async () => {
    t = await startApp();
    const server = t.app.getHttpServer();
    server.on('connection', (socket: Socket) => {
      const port = socket.remotePort ?? 0;
      open++;
      socket.on('close', () => {
        open--;
        bytesRead.set(port, socket.bytesRead);
      });
    });
  });
  afterAll(async () => t.close());

  /** Waits (up to 15 s) until every connection so far has closed after its lingering. */
  const allClosed = async () => {
    const until = Date.now() + 15000;
    while (open > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(open).toBe(0);
  };

  it('answers 300 hostile 1 MB bodies (8 at a time) each with a complete 400, none reset', async () => {
    const answers: Answer[] = [];
    let next = 0;
    const worker = async () => {
      while (next < 300) {
        const body = BODIES[next++ % BODIES.length];
        answers.push(await send(t.baseUrl, body));
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(answers.filter((a) => a.error)).toEqual([]);
    expect(answers.map((a) => a.status)).toEqual(Array(300).fill(400));
    for (const a of answers) {
      const problem = JSON.parse(a.body) as { status: number; detail: string };
      expect(problem.status).toBe(400);
      expect(problem.detail).toMatch(/more than 1000 keys|nested deeper than 32 levels/);
    }
  });

  it('does not read the rest of a refused body, and closes its connection', async () => {
    // The 300 above linger up to 2 s each (beyond 256 held at once a new one ends the
    // oldest's lingering): wait until they have closed.
    await allClosed();
    const answer = await send(t.baseUrl, '['.repeat(MB - 1));
    expect(answer.status).toBe(400);
    const port = answer.port ?? 0;
    bytesRead.delete(port);
    // The connection closes within the lingering time (2 s).
    const until = Date.now() + 5000;
    while (!bytesRead.has(port) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(bytesRead.get(port)).toBeLessThan(MB / 2);
  });

  it('keeps nothing of a refused request once its connection is closed', async () => {
    // Each request with a body gets a body deadline timer (REQUEST_TIMEOUT, 30 s); a refused
    // body's request never ends, so only its answer can clear that timer. Were it left, it
    // would hold the request, its socket and their buffers for the whole deadline.
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    await allClosed();
    const before = timers();
    for (let i = 0; i < 30; i++) {
      expect((await send(t.baseUrl, BODIES[i % BODIES.length])).status).toBe(400);
    }
    await allClosed();
    expect(timers() - before).toBeLessThan(5);
  });

  it('answers a body over 1 MB with a complete 413 (by its Content-Length)', async () => {
    const big = `{"a":"${'x'.repeat(MB)}"}`;
    const declared = await send(t.baseUrl, big);
    expect(declared.error).toBeUndefined();
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toMatchObject({ status: 413 });
  });

  it('still reads a body within the limits to its end', async () => {
    const body = JSON.stringify({ username: 'nobody', password: 'x'.repeat(100_000) });
    const answer = await send(t.baseUrl, body);
    expect(answer.error).toBeUndefined();
    expect([400, 401]).toContain(answer.status);
  });
});
