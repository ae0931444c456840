import type { Server } from 'node:http';
import { Server as NetServer, Socket } from 'node:net';

/**
 * Fence: closes only the listening socket of an HTTP server. `http.Server#close` would also
 * destroy its idle keep-alive connections at once, one whose next request is already in
 * its receive buffer too (connection-drain.ts); net's own close, which http's calls, does
 * not. node-net.fence.spec.ts fails when Node changes either half of that.
 */
export function closeListenerOnly(server: Server): void {
  NetServer.prototype.close.call(server);
}

/**
 * Fence: replaces a socket's `destroySoon`, which Node's HTTP server calls to close a
 * connection once a `Connection: close` answer is written (lingering-close.ts keeps such a
 * close open for a while). node-net.fence.spec.ts fails when Node stops calling it.
 */
export function replaceServerClose(socket: Socket, close: (this: Socket) => void): void {
  socket.destroySoon = close;
}
