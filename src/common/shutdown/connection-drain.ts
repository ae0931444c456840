import type { IncomingMessage, Server } from 'node:http';
import { Server as NetServer, Socket } from 'node:net';

/** How long a connection accepted just before the close may take to send its request. */
export const FIRST_REQUEST_GRACE_MS = 1000;

/** Resolves once the event loop has polled for I/O at least once more. */
export function afterPoll(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Closing a Node HTTP server loses requests clients have already sent: closing the listener
 * resets the connections still in the kernel's accept queue, and `server.close()` (Fastify's
 * close calls it) destroys every idle connection, among them those accepted a moment ago
 * whose request is still unread in the socket's buffer. `stopAccepting`, run first (a
 * Fastify preClose hook), lets one more poll accept the queue, closes only the listener, and
 * waits until every connection it accepted has its request under way (or the grace is over);
 * what Fastify closes then is idle for real.
 */
export class ConnectionDrain {
  /** Connections accepted that have not yet sent a whole request head. */
  private readonly fresh = new Set<Socket>();

  constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.fresh.add(socket);
      socket.once('close', () => this.fresh.delete(socket));
    });
    server.on('request', (request: IncomingMessage) => this.fresh.delete(request.socket));
  }

  /** Connections that have not sent their first request yet (for tests). */
  get waiting(): number {
    return this.fresh.size;
  }

  async stopAccepting(graceMs = FIRST_REQUEST_GRACE_MS): Promise<void> {
    await afterPoll();
    // The net close, not http's: that one would also destroy the idle connections now.
    if (this.server.listening) NetServer.prototype.close.call(this.server);
    // One poll more reads what the connections accepted last already carry.
    await afterPoll();
    const deadline = Date.now() + graceMs;
    while (this.fresh.size > 0 && Date.now() < deadline) {
      await sleep(5);
      await afterPoll();
    }
  }
}
