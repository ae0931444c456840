import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import { closeLingering } from '../lingering-close';

/**
 * Errors Node's HTTP parser raises before any route runs (a request head over 16 KiB, a
 * malformed request line, a client too slow to send its head): answered as problem+json like
 * every other error, instead of Fastify's own JSON shape.
 */
export function problemClientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const status =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const detail =
    status === 408
      ? 'The request was not received in time'
      : status === 431
        ? 'The request line and headers are too large'
        : 'Malformed HTTP request';
  const body = JSON.stringify({
    type: `https://httpstatuses.io/${status}`,
    title: STATUS_CODES[status],
    status,
    detail,
    instance: '',
  });
  if (!socket.writable) {
    socket.destroy(err);
    return;
  }
  // The answer, then a lingering close: destroying the socket at once, with bytes of the
  // client's still unread, made the kernel send a reset that could reach the client before
  // it had read the answer (ECONNRESET instead of the 408).
  socket.write(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Content-Type: application/problem+json\r\nConnection: close\r\n\r\n${body}`,
  );
  closeLingering(socket);
}
