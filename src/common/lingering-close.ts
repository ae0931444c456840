import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { replaceServerClose } from '../fences/node-net.fence';

/**
 * How long a connection whose body was refused unread stays open after its answer: the
 * client's time to read the answer before the close (a reset, since its body is unread).
 */
export const LINGER_MS = 2000;
/**
 * At most this many such connections are held unread at once (each holds an fd and kernel
 * buffers); a further one closes the oldest held, whose answer has been out the longest.
 */
export const MAX_UNREAD_LINGERING = 256;

/** The sockets held unread, oldest first (a Set keeps insertion order). */
const held = new Set<Socket>();
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
 * at once) each new one ends the oldest one's lingering early: fds and kernel memory stay
 * bounded, nothing is ever read to be dropped (reading and dropping the rest cost ~3 ms of
 * CPU per 1 MB body, docs/benchmarks.md "Hostile bodies"), and a flood only shortens the
 * time its own oldest connections get to read their answers.
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
  replaceServerClose(socket, function lingeringClose(this: Socket): void {
    closeLingering(this, maxUnread);
  });
}

/**
 * The close itself, for any socket whose answer is written and whose client's bytes may be
 * unread (also the parser's 408/431/400, client-error.ts): a FIN at once, nothing more
 * read, the socket destroyed LINGER_MS later, at most `maxUnread` held at once.
 */
export function closeLingering(socket: Socket, maxUnread = MAX_UNREAD_LINGERING): void {
  socket.end();
  const hold = () => socket.pause();
  hold();
  socket.on('resume', hold);
  while (held.size >= Math.max(1, maxUnread)) {
    const oldest = held.values().next().value as Socket;
    held.delete(oldest);
    oldest.destroy();
  }
  held.add(socket);
  const timer = setTimeout(() => socket.destroy(), LINGER_MS).unref();
  socket.once('close', () => {
    clearTimeout(timer);
    held.delete(socket);
  });
}
