import type { FastifyInstance } from 'fastify';
import { problemClientErrorHandler } from './client-error';

/**
 * REQUEST_TIMEOUT for the body. Node's `requestTimeout` (set on the server in app.factory.ts)
 * ends a request whose head is still arriving, but once the head is in, Node 20 lets its
 * body trickle for ever (measured: a 20-byte body sent a byte per 200 ms was answered 200
 * after 4 s with requestTimeout = 1 s). So a request with a body that has not fully
 * arrived `ms` after its head gets the same 408 problem+json, and its connection is closed.
 * Requests without a body get no timer.
 */
export function enforceBodyDeadline(fastify: FastifyInstance, ms: number): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const raw = request.raw;
    const hasBody =
      raw.headers['transfer-encoding'] !== undefined ||
      (raw.headers['content-length'] !== undefined && raw.headers['content-length'] !== '0');
    if (hasBody && !raw.complete) {
      const timer = setTimeout(() => {
        if (raw.complete) return;
        const err = Object.assign(new Error('The request body did not arrive in time'), {
          code: 'ERR_HTTP_REQUEST_TIMEOUT',
        });
        problemClientErrorHandler(err, raw.socket);
      }, ms);
      const clear = () => clearTimeout(timer);
      raw.once('end', clear);
      // Not the request's 'close': a refused body is answered before its end and never read
      // (lingering-close.ts), and Node then neither ends nor destroys that request, so its
      // timer, and through it the request, its socket and their buffers, stayed for the
      // whole deadline (30 s of a hostile flood: ~200 MB, docs/benchmarks.md "Memory").
      // The answer's 'close' comes once it is sent or its connection is gone.
      reply.raw.once('close', clear);
    }
    done();
  });
}
