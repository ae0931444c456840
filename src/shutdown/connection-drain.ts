import type { IncomingMessage, Server } from 'node:http';
import { Socket } from 'node:net';
import { closeListenerOnly } from '../fences/node-net.fence';

/** How long a connection accepted before the close may take to send its first request. */
export const FIRST_REQUEST_GRACE_MS = 1000;

/** Resolves once the event loop has polled for I/O at least once more. */
export function afterPoll(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/**
 * Closing a Node HTTP server as such loses requests clients have already sent. libuv
 * accepts one connection per event-loop turn, so under load connections wait in the
 * kernel's accept queue, and closing the listener resets them (ECONNRESET). And
 * `server.close()` destroys the idle keep-alive connections at once, also one whose next
 * request is already in its receive buffer, unread.
 *
 * `stopAccepting` runs first (a Fastify preClose hook): it keeps the listener until a turn
 * of the loop accepts nothing (the queue is empty), closes only the listener, and polls
 * once more so that buffered requests are being read, not idle, when Fastify closes the
 * idle connections. A connection that has not sent a request within the grace is closed
 * then: it would otherwise hold the close open. (Node 26's `server.close()` already closes
 * such a connection at once, as idle: it had sent nothing, so nothing is lost either way.)
 */
export class ConnectionDrain {
  private accepted = 0;
  /** Connections accepted that have not yet sent a whole request head. */
  private readonly fresh = new Set<Socket>();

  constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.accepted++;
      this.fresh.add(socket);
      socket.once('close', () => this.fresh.delete(socket));
    });
    server.on('request', (request: IncomingMessage) => this.fresh.delete(request.socket));
  }

  async stopAccepting(graceMs = FIRST_REQUEST_GRACE_MS): Promise<void> {
    const deadline = Date.now() + graceMs;
    let before: number;
    do {
      before = this.accepted;
      await afterPoll();
    } while (this.accepted !== before && Date.now() < deadline);
    // The net close, not http's: that one would also destroy the idle connections now.
    if (this.server.listening) closeListenerOnly(this.server);
    await afterPoll();
    setTimeout(() => {
      for (const socket of this.fresh) socket.destroy();
    }, graceMs).unref();
  }
}
