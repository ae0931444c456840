import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/**
 * How long a connection whose body was refused unread stays open after its answer: the
 * client's time to read the answer before the close (a reset, since its body is unread).
 */
export const LINGER_MS = 2000;
/** At most this many such connections are held unread at once (each holds kernel buffers). */
export const MAX_UNREAD_LINGERING = 256;

let unreadLingering = 0;
const lingering = new WeakSet<Socket>();

/**
 * A body refused before its end (a shape limit crossed, or over the size limit) is answered
 * at once, and the rest of it is never read: the request stops being read, so TCP
 * backpressure holds the sender at the size of the kernel's buffers instead of the server
 * receiving and dropping up to 1 MB per refused body.
 *
 * Closing a socket with unread bytes makes the kernel send a reset, and a client that has
 * not yet read the answer then loses it. Node's server closes (destroySoon) as soon as a
 * `Connection: close` answer is written, so this connection's close lingers instead (as
 * nginx's lingering_close does): the answer and a FIN go out at once (the client sees a
 * complete answer and the end of the connection), and the socket itself is closed
 * LINGER_MS later. Under a flood of such connections (more than MAX_UNREAD_LINGERING held
 * at once) further ones are read and dropped while they linger, as before, so that kernel
 * memory stays bounded; they close at the client's FIN (or after LINGER_MS).
 */
export function lingerAfterRefusal(
  request: IncomingMessage,
  maxUnread = MAX_UNREAD_LINGERING,
): void {
  const socket = request.socket;
  if (lingering.has(socket)) return;
  lingering.add(socket);
  request.pause();
  // Node's server calls this once the answer is written. A resume of the socket may still
  // be pending from its own reading; `hold` undoes it before another byte is read.
  socket.destroySoon = function lingeringClose(this: Socket): void {
    this.end();
    const unread = unreadLingering < maxUnread;
    if (unread) {
      unreadLingering++;
      const hold = () => this.pause();
      hold();
      this.on('resume', hold);
    } else {
      // Read to its end and dropped (no listener is left on the request).
      request.resume();
    }
    const timer = setTimeout(() => this.destroy(), LINGER_MS).unref();
    this.once('close', () => {
      clearTimeout(timer);
      if (unread) unreadLingering--;
    });
  };
}
